"""The cache backend's lean path (hub.rediscache): the reads and the rate-limit script every request
makes, on a connection each thread keeps. Against the Redis of TEST_REDIS_URL (or REDIS_URL)."""

import threading

import pytest
from django.core.cache import caches

from hub import ratelimit
from tests.gateway_features.conftest import REDIS_URL, redis_cache

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL (or REDIS_URL) to a Redis the tests may use")


@pytest.fixture
def backend(settings):
    settings.CACHES = {"default": redis_cache()}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_get_many_answers_what_was_stored_and_leaves_out_the_misses(backend):
    backend.set_many({"a": 7, "b": {"nested": [1, 2]}})
    assert backend.get_many(["a", "missing", "b"]) == {"a": 7, "b": {"nested": [1, 2]}}
    assert backend.get_many([]) == {}


def test_a_kept_connection_the_server_closed_is_replaced_without_an_error(backend):
    backend.set("a", 1)
    client = backend._cache
    first = client.command("CLIENT", "ID")
    client.get_client(write=True).client_kill_filter(_id=first)  # as a restart or an idle timeout would
    assert backend.get_many(["a"]) == {"a": 1}
    assert client.command("CLIENT", "ID") != first


def test_each_thread_keeps_its_own_connection(backend):
    ids = [backend._cache.command("CLIENT", "ID")]
    for _ in range(2):
        thread = threading.Thread(target=lambda: ids.append(caches["default"]._cache.command("CLIENT", "ID")))
        thread.start()
        thread.join()
    assert len(set(ids)) == 3
    assert backend._cache.command("CLIENT", "ID") == ids[0]  # this thread's connection, kept


def test_the_rate_limit_script_is_sent_again_to_a_server_that_forgot_it(backend):
    policy = ratelimit.Policy(ratelimit.ADDRESS, quota=2, window=60)
    keys = ["hub:ratelimit:test:address:60:x"]
    assert ratelimit._count(keys, (policy,))[:2] == (False, [1])
    backend._cache.command("SCRIPT", "FLUSH")  # a restarted or flushed server knows no script
    assert ratelimit._count(keys, (policy,))[:2] == (False, [2])
    assert ratelimit._count(keys, (policy,))[:2] == (True, [2])
