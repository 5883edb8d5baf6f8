"""Database queries of the generic routes: the hub's own bookkeeping stays small and fixed."""

import json

import pytest

from endpoints import config
from endpoints.generic import gateway
from hub.auth import keys, secrets
from tests.endpoints.generic.conftest import rpc_result

SEARCH = {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-1')]"}}


@pytest.fixture(autouse=True)
def routes_settings_cached(odoo_connection):
    """The routes' settings (rate limits) as in steady state: read once per process and configuration
    change (saving the connection was one), not per call; tests/gateway_features/test_generic_rate_limits.py
    counts that read."""
    gateway.route_settings()


def test_key_call_queries(rpc, shop, django_assert_num_queries):
    rpc("search_data", "res.partner", SEARCH)  # loads the keys, records the first use
    # the request-log row: the key is checked against the cached keys, its last use written once a minute
    with django_assert_num_queries(1):
        assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True


def test_call_function_adds_one_allow_list_query(rpc, shop, allow_method, django_assert_num_queries):
    allow_method("res.partner", "default_get")
    rpc("search_data", "res.partner", SEARCH)  # loads the keys, records the first use
    with django_assert_num_queries(2):  # the allow-list, the request-log row
        result = rpc_result(
            rpc(
                "call_function",
                "res.partner",
                {"payload": {"method": "default_get", "parameter": {"fields_list": ["name"]}}},
            )
        )
    assert result["is_success"] is True


def test_session_call_queries(client, odoo_connection, shop, django_assert_num_queries):
    params = {"db": "odoo18", "login": "demo", "password": "demo"}
    client.post("/web/session/authenticate", data=json.dumps({"params": params}), content_type="application/json")
    body = {"params": {"model": "res.partner", "vals": SEARCH}}
    # the session with its connection (1), the request-log row (1)
    with django_assert_num_queries(2):
        response = client.post("/api/search_data", data=json.dumps(body), content_type="application/json")
    assert rpc_result(response)["is_success"] is True


def test_a_key_call_reads_the_shared_cache_once(rpc, shop, local_cache, cache_reads):
    rpc("search_data", "res.partner", SEARCH)  # loads the keys
    cache_reads.clear()
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True
    # the settings' and the keys' versions and the failed-authentication counter, in one round trip
    assert len(cache_reads) == 1
    assert {config.VERSION_KEY, keys.VERSION_KEY} <= set(cache_reads[0])


def test_without_redis_a_key_is_looked_for_once_per_call(rpc, shop, local_cache, monkeypatch):
    rpc("search_data", "res.partner", SEARCH)  # loads the settings and the keys: both now held
    matched = []
    match = secrets.match
    monkeypatch.setattr(secrets, "match", lambda *args: matched.append(args) or match(*args))
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True
    # local memory cannot count a call with its conditions: the call goes the ordinary way only, not first
    # the way ahead, whose count would come to nothing after the key was found
    assert len(matched) == 1
