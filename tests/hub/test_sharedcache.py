"""Reads of the shared cache made together (hub.sharedcache.read_ahead)."""

from django.core.cache import cache

from hub import sharedcache


def test_the_first_read_fetches_every_key_read_ahead_and_later_reads_use_it(cache_reads):
    cache.set_many({"a": 1, "b": 2})
    with sharedcache.read_ahead(["a", "b", "missing"]):
        assert sharedcache.get_many(["a"]) == {"a": 1}
        cache.set("b", 20)  # after the fetch: the read ahead answers what the key held then
        assert sharedcache.get_many(["b", "missing"]) == {"b": 2}
    assert cache_reads == [["a", "b", "missing"]]


def test_a_key_is_answered_from_the_read_ahead_once(cache_reads):
    cache.set("a", 1)
    with sharedcache.read_ahead(["a"]):
        assert sharedcache.get_many(["a"]) == {"a": 1}
        cache.set("a", 2)
        assert sharedcache.get_many(["a"]) == {"a": 2}  # read again: the cache's value now
        assert sharedcache.get_many(["other"]) == {}  # not read ahead: read on its own
    assert sharedcache.get_many(["a"]) == {"a": 2}  # after the block, reads go to the cache
    assert cache_reads == [["a"], ["a"], ["other"], ["a"]]


def test_versions_are_read_ahead_too(cache_reads):
    first = sharedcache.version("v")
    cache_reads.clear()
    with sharedcache.read_ahead(["v", "x"]):
        assert sharedcache.version("v") == first
        assert sharedcache.get_many(["x"]) == {}
    assert cache_reads == [["v", "x"]]
