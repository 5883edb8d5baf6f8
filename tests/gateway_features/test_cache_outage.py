"""Without the shared cache (Redis gone) the hub keeps serving: configurations come from the
database, failed authentications go unthrottled, rate limits unenforced; a warning says so."""

import logging

import pytest
from django.test import override_settings

from endpoints import config
from endpoints.generic.models import GenericRouteSettings
from endpoints.models import Endpoint
from hub import sharedcache
from logs.models import RequestLog
from tests.gateway_features.conftest import free_port, redis_cache

URL = "/bj_api_sync/v1/customers/C001"


@pytest.fixture
def dead_cache():
    """Every cache alias points at a port where nothing listens (until this fixture ends, before
    the fixtures that clear the cache after each test)."""
    dead = {"default": redis_cache(f"redis://127.0.0.1:{free_port()}/0")}
    with override_settings(CACHES=dead, HUB_RATE_LIMIT_CACHE="default"):
        config.clear_local()
        sharedcache._warned_at.clear()  # a warning of an earlier test must not hide this one's
        yield
    config.clear_local()


def test_calls_are_served_and_logged_while_the_shared_cache_is_unreachable(
    client, make_endpoint, seeded, issue_token, dead_cache, caplog
):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER, rate_limit_per_address="1/min")
    token = issue_token(endpoint, "shop")
    with caplog.at_level(logging.WARNING):
        answers = [client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}") for _ in range(3)]
        wrong = client.get(URL, HTTP_AUTHORIZATION="Bearer hubt_wrong")
    assert [r.status_code for r in answers] == [200, 200, 200]  # over the 1/min limit: not enforced
    assert answers[0].json()["data"]["customer_id"] == "C001"
    assert wrong.status_code == 401
    assert RequestLog.objects.count() == 4
    said = {r.getMessage().split("): ", 1)[1] for r in caplog.records if r.name == "hub.sharedcache"}
    assert {
        "endpoint configurations are read from the database on every call",
        "failed authentications are not throttled",
    } <= said


def test_saving_a_configuration_while_the_shared_cache_is_unreachable_still_saves(make_endpoint, dead_cache):
    endpoint = make_endpoint()
    endpoint.name = "Renamed"
    endpoint.save()
    assert Endpoint.objects.get(pk=endpoint.pk).name == "Renamed"


def test_generic_calls_read_their_limits_from_the_database_while_the_shared_cache_is_unreachable(
    rpc, dead_cache, caplog
):
    GenericRouteSettings.objects.create(rate_limit_per_credential="1/min")
    search = {"payload": {"search_field": ["name"], "limit": 1}}
    with caplog.at_level(logging.WARNING):
        answers = [rpc("search_data", "res.partner", search) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]  # over 1/min: the counters are unreachable too
    assert answers[0]["RateLimit-Policy"] == '"credential-1min";q=1;w=60'  # the admin's limit, read afresh
    said = {r.getMessage().split("): ", 1)[1] for r in caplog.records if r.name == "hub.sharedcache"}
    assert "the generic routes' settings are read from the database on every call" in said
    assert RequestLog.objects.filter(route_kind="generic").count() == 2
