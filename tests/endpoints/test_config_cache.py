"""The per-process configuration cache and its invalidation, here and across processes."""

import pytest
from django.core.cache import cache

from endpoints import auth, config
from endpoints.models import Endpoint
from hub.models import OdooConnection
from mappings.models import MappingLine
from tests.endpoints.support import ALICE, body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"


def test_configuration_is_built_once_then_served_from_memory(customers, django_assert_num_queries):
    with django_assert_num_queries(1):  # the lines with their endpoint and its connection
        first = config.load("customers")
    with django_assert_num_queries(0):
        assert config.load("customers") is first
    assert first.endpoint == customers
    assert first.mapping.identifier.external_key == "customer_id"
    assert first.domain == [("is_company", "=", False), ("ref", "!=", False)]


def test_unknown_slugs_are_cached_too(db, django_assert_num_queries):
    with django_assert_num_queries(2):  # no lines, then no endpoint
        assert config.load("nothing") is None
    with django_assert_num_queries(0):
        assert config.load("nothing") is None


def test_creating_an_endpoint_drops_a_cached_miss(client, make_endpoint, seeded):
    error(client.get(URL), 404, "No endpoint 'customers'.")
    make_endpoint()
    assert client.get(URL).status_code == 200


def test_saving_an_endpoint_is_seen_by_the_next_request(client, customers):
    assert client.get(URL).status_code == 200
    customers.active = False
    customers.save()
    error(client.get(URL), 404, "No endpoint 'customers'.")


def test_saving_a_mapping_line_is_seen_by_the_next_request(client, customers):
    assert body(client.get(f"{URL}/C001"))["data"] == ALICE
    line = customers.lines.get(external_key="email")
    line.external_key = "mail"
    line.save()
    data = body(client.get(f"{URL}/C001"))["data"]
    assert data["mail"] == "alice@example.com"
    assert "email" not in data


def test_deleting_a_mapping_line_is_seen_by_the_next_request(client, customers):
    assert "phone" in body(client.get(f"{URL}/C001"))["data"]
    customers.lines.get(external_key="phone").delete()
    assert "phone" not in body(client.get(f"{URL}/C001"))["data"]


def test_deleting_an_endpoint_is_seen_by_the_next_request(client, customers):
    assert client.get(URL).status_code == 200
    customers.lines.all().delete()
    customers.delete()
    error(client.get(URL), 404, "No endpoint 'customers'.")


def test_saving_the_connection_drops_configurations(client, customers):
    assert client.get(URL).status_code == 200
    version = config.current_version()
    OdooConnection.objects.get(pk=customers.connection_id).save()
    assert config.current_version() != version


def test_another_process_change_is_seen_through_the_shared_version(client, customers):
    assert body(client.get(f"{URL}/C001"))["data"] == ALICE
    # another process changes the rows (no signal here) and bumps the shared version
    MappingLine.objects.filter(endpoint=customers, external_key="name").update(external_key="full_name")
    assert "name" in body(client.get(f"{URL}/C001"))["data"]  # still this process's cached copy
    config.bump_version()
    assert body(client.get(f"{URL}/C001"))["data"]["full_name"] == "Alice Martin"


def test_a_flushed_shared_cache_drops_configurations(client, customers):
    assert client.get(URL).status_code == 200
    Endpoint.objects.filter(pk=customers.pk).update(active=False)
    cache.delete(config.VERSION_KEY)  # e.g. Redis restarted or evicted the key: a new version starts
    error(client.get(URL), 404, "No endpoint 'customers'.")


def test_invalidation_bumps_again_once_the_change_is_committed(customers, django_capture_on_commit_callbacks):
    before = config.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        customers.save()
        after_save = config.current_version()
    assert after_save != before
    assert len(callbacks) == 1
    assert config.current_version() != after_save


def test_unknown_slugs_cannot_grow_the_cache_without_end(db, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(config, "MAX_CACHED", 2)
    assert config.load("first") is None
    assert config.load("second") is None
    assert config.load("third") is None
    with django_assert_num_queries(0):
        assert config.load("second") is None
    with django_assert_num_queries(2):  # not kept: asked again
        assert config.load("third") is None


def test_a_cold_bearer_request_stays_within_three_queries(
    client, make_endpoint, seeded, issue_token, django_assert_max_num_queries
):
    endpoint = make_endpoint(auth="bearer")
    secret = issue_token(endpoint)
    client.get(URL, headers={"Authorization": f"Bearer {secret}"})  # records the token's first use
    config.bump_version()  # e.g. an admin saved something in another process
    with django_assert_max_num_queries(3):  # configuration, token, log row
        assert client.get(f"{URL}/C001", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_an_endpoint_without_lines_still_loads(make_endpoint, seeded):
    make_endpoint(slug="bare", lines=[])
    loaded = config.load("bare")
    assert loaded.endpoint.slug == "bare"
    assert loaded.mapping.lines == ()


def test_a_configuration_is_reloaded_once_it_is_old(client, customers, monkeypatch):
    """Without a shared cache (several processes on local memory) changes arrive within MAX_AGE."""
    assert body(client.get(f"{URL}/C001"))["data"] == ALICE
    MappingLine.objects.filter(endpoint=customers, external_key="name").update(external_key="full_name")
    assert "name" in body(client.get(f"{URL}/C001"))["data"]
    monkeypatch.setattr(config, "MAX_AGE", 0.0)
    assert body(client.get(f"{URL}/C001"))["data"]["full_name"] == "Alice Martin"


def test_a_call_reads_the_shared_cache_once(client, make_endpoint, seeded, issue_token, local_cache, cache_reads):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER)
    token = issue_token(endpoint, "shop")
    assert client.get(f"{URL}/C001", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    cache_reads.clear()
    assert client.get(f"{URL}/C001", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    # the configuration's version and the caller's failed-authentication counter, in one round trip
    assert len(cache_reads) == 1
    assert config.VERSION_KEY in cache_reads[0]
    assert any(key.startswith("hub:auth-failures:endpoint:customers:") for key in cache_reads[0])


def test_without_redis_a_caller_is_identified_once_per_call(
    client, make_endpoint, seeded, issue_token, local_cache, monkeypatch
):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER)
    token = issue_token(endpoint, "shop")
    assert client.get(f"{URL}/C001", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200  # now held
    identified = []
    identify = auth.identify
    monkeypatch.setattr(auth, "identify", lambda *args: identified.append(args) or identify(*args))
    assert client.get(f"{URL}/C001", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    # local memory cannot count a call with its conditions: the call goes the ordinary way only, not first
    # the way ahead, whose count would come to nothing after the token was checked
    assert len(identified) == 1
