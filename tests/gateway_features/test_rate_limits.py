"""Rate limits over HTTP through the hub to the stand-in: exact counts at the boundary, several
windows, per address and per credential, the generic routes, an unreachable Redis."""

import json
import logging
import time

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from endpoints.models import Endpoint
from hub import ratelimit, sharedcache
from logs.models import RequestLog
from tests.gateway_features.conftest import free_port, redis_cache

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers/C001"
HINT = "write requests/window like 100/min, 1000/h, 10/5s or 0 for none"


def get(client, url=URL, address="127.0.0.1", **extra):
    return client.get(url, REMOTE_ADDR=address, **extra)


def refusal(response) -> dict:
    """The 429 envelope, its Retry-After checked against the window left."""
    assert response.status_code == 429, response.content
    return response.json()


def test_address_limit_refuses_exactly_the_call_past_the_quota(client, counters, make_endpoint, seeded, rpc_calls):
    make_endpoint(rate_limit_per_address="3/min")
    answers = [get(client) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert [r["RateLimit-Policy"] for r in answers] == ['"address-1min";q=3;w=60'] * 3
    assert [r["RateLimit"].split(";t=")[0] for r in answers] == [
        '"address-1min";r=2',
        '"address-1min";r=1',
        '"address-1min";r=0',
    ]
    assert len(rpc_calls) == 3

    refused = get(client)
    wait = int(refused["Retry-After"])
    assert 58 <= wait <= 60
    assert refusal(refused) == {
        "status": "error",
        "code": 429,
        "message": f"Rate limit exceeded (3 requests per minute per client address); try again in {wait} seconds.",
        "line_id": None,
        "request_id": refused["X-Request-ID"],
    }
    assert refused["RateLimit"] == f'"address-1min";r=0;t={wait}'
    assert len(rpc_calls) == 3  # the refused call never reached Odoo
    row = RequestLog.objects.get(request_id=refused["X-Request-ID"])
    assert (row.status, row.outcome, row.rpc_count, row.endpoint_slug) == (429, "failure", 0, "customers")
    assert RequestLog.objects.count() == 4


def test_a_refused_call_uses_up_nothing_and_the_window_reopens(client, counters, make_endpoint, seeded):
    make_endpoint(rate_limit_per_address="2/1s")
    assert [get(client).status_code for _ in range(5)] == [200, 200, 429, 429, 429]
    time.sleep(1.1)
    answers = [get(client) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[0]["RateLimit"] == '"address-1s";r=1;t=1'


def test_two_windows_each_count_and_the_longer_one_decides_the_wait(client, counters, make_endpoint, seeded):
    make_endpoint(rate_limit_per_address="2/1s, 3/min")
    first = [get(client) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 429]
    assert first[0]["RateLimit-Policy"] == '"address-1s";q=2;w=1, "address-1min";q=3;w=60'
    assert first[1]["RateLimit"].startswith('"address-1s";r=0;t=1, "address-1min";r=1;t=')
    assert first[2]["Retry-After"] == "1"  # only the one-second window is exhausted
    time.sleep(1.1)
    second = [get(client) for _ in range(2)]
    assert [r.status_code for r in second] == [200, 429]  # the third call of the minute, then the minute is used up
    wait = int(second[1]["Retry-After"])
    assert 55 <= wait <= 59
    assert second[1].json()["message"] == (
        f"Rate limit exceeded (3 requests per minute per client address); try again in {wait} seconds."
    )


def test_addresses_are_counted_apart(client, counters, make_endpoint, seeded):
    make_endpoint(rate_limit_per_address="2/min")
    assert [get(client, address="10.0.0.1").status_code for _ in range(3)] == [200, 200, 429]
    assert [get(client, address="10.0.0.2").status_code for _ in range(3)] == [200, 200, 429]


def test_credentials_are_counted_apart_and_the_address_over_them_all(
    client, counters, make_endpoint, seeded, issue_token
):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER, rate_limit_per_address="5/min", rate_limit_per_credential="2/h")
    shop = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(endpoint, 'shop')}"}
    crm = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(endpoint, 'crm')}"}
    assert [get(client, **shop).status_code for _ in range(3)] == [200, 200, 429]
    ok = get(client, **crm)
    assert ok.status_code == 200
    assert ok["RateLimit-Policy"] == '"address-1min";q=5;w=60, "credential-1h";q=2;w=3600'
    # shop's 2 calls and crm's 1 count against the address; shop's refused call does not
    assert ok["RateLimit"].startswith('"address-1min";r=2;t=')
    assert '"credential-1h";r=1;t=' in ok["RateLimit"]
    refused = get(client, **shop)
    assert "2 requests per hour per credential" in refused.json()["message"]
    # The same credential from another address: its own address counter, the same credential counter.
    assert get(client, address="10.0.0.9", **shop).status_code == 429
    assert [get(client, **crm).status_code, get(client, **crm).status_code] == [200, 429]
    logged = RequestLog.objects.filter(status=429).values_list("principal", flat=True)
    assert sorted(logged) == ["token:crm", "token:shop", "token:shop", "token:shop"]


def test_the_address_limit_applies_to_every_credential_from_that_address(
    client, counters, make_endpoint, seeded, issue_token
):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER, rate_limit_per_address="2/min", rate_limit_per_credential="0")
    tokens = [f"Bearer {issue_token(endpoint, name)}" for name in ("a", "b", "c")]
    assert [get(client, HTTP_AUTHORIZATION=t).status_code for t in tokens] == [200, 200, 429]


def test_blank_limits_take_the_settings_defaults_and_zero_turns_a_limit_off(
    client, counters, limits, make_endpoint, seeded
):
    limits(address="2/min", credential="1000/h")
    make_endpoint()  # blank: the defaults; public, so no credential limit
    assert [get(client).status_code for _ in range(3)] == [200, 200, 429]
    make_endpoint(slug="open", rate_limit_per_address="0")
    answers = [get(client, "/bj_api_sync/v1/open/C001") for _ in range(5)]
    assert [r.status_code for r in answers] == [200] * 5
    assert "RateLimit-Policy" not in answers[0]
    assert "RateLimit" not in answers[0]


def test_the_default_settings_are_the_documented_numbers():
    assert ratelimit.parse_limits("100/min") == (ratelimit.Policy("address", 100, 60),)
    from hub import settings as hub_settings

    assert hub_settings.HUB_RATE_LIMIT_PER_ADDRESS == "100/min"
    assert hub_settings.HUB_RATE_LIMIT_PER_CREDENTIAL == "1000/h"


def test_counting_adds_no_database_query(client, counters, make_endpoint, seeded, django_assert_num_queries):
    make_endpoint(slug="open", rate_limit_per_address="0")
    make_endpoint(rate_limit_per_address="100/min, 1000/h")
    get(client, "/bj_api_sync/v1/open/C001")
    get(client)  # both configurations cached, as in steady state
    with django_assert_num_queries(1):  # the request log's row, and nothing else
        assert get(client, "/bj_api_sync/v1/open/C001").status_code == 200
    with django_assert_num_queries(1):
        assert get(client)["RateLimit"].startswith('"address-1min";r=98;')
    for _ in range(98):
        get(client)
    with django_assert_num_queries(1):
        assert get(client).status_code == 429


def test_calls_refused_before_the_caller_is_known_are_not_counted(client, counters, make_endpoint, seeded, issue_token):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER, rate_limit_per_address="1/min")
    for _ in range(3):
        wrong = get(client, HTTP_AUTHORIZATION="Bearer wrong")  # bounded by the authentication throttle instead
        assert wrong.status_code == 401
        assert "RateLimit-Policy" not in wrong
    assert get(client, "/bj_api_sync/v1/nowhere/1").status_code == 404
    token = f"Bearer {issue_token(endpoint)}"
    assert [get(client, HTTP_AUTHORIZATION=token).status_code for _ in range(2)] == [200, 429]


def generic_search(rpc):
    return rpc("search_data", "res.partner", {"payload": {"search_field": ["name"], "limit": 1}})


def test_generic_routes_answer_429_as_a_json_rpc_error(counters, limits, rpc, make_key, rpc_calls):
    limits(generic_address="0", generic_credential="2/min")
    answers = [generic_search(rpc) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[0]["RateLimit-Policy"] == '"credential-1min";q=2;w=60'
    assert answers[1]["RateLimit"].startswith('"credential-1min";r=0;t=')
    wait = int(answers[2]["Retry-After"])
    assert json.loads(answers[2].content) == {
        "jsonrpc": "2.0",
        "id": 1,
        "error": {
            "code": 429,
            "message": f"Rate limit exceeded (2 requests per minute per credential); try again in {wait} seconds.",
            "data": {"request_id": answers[2]["X-Request-ID"]},
        },
    }
    assert len(rpc_calls) == 2
    row = RequestLog.objects.get(request_id=answers[2]["X-Request-ID"])
    assert (row.status, row.outcome, row.rpc_count, row.route_kind, row.principal) == (
        429,
        "failure",
        0,
        "generic",
        "key:webshop",
    )
    other = make_key(name="crm")
    assert rpc("search_data", "res.partner", {"payload": {"search_field": ["name"]}}, key=other).status_code == 200


def test_redis_unreachable_mid_test_serves_unchecked_and_warns_once(
    client, redis_counters, make_endpoint, seeded, caplog
):
    make_endpoint(rate_limit_per_address="3/min")
    assert get(client)["RateLimit"].startswith('"address-1min";r=2;')
    before = ratelimit.unchecked_count()
    # Redis goes away: the counters' cache now points at a port where nothing listens.
    redis_counters.CACHES = {"default": redis_cache(), "dead": redis_cache(f"redis://127.0.0.1:{free_port()}/0")}
    redis_counters.HUB_RATE_LIMIT_CACHE = "dead"
    sharedcache._warned_at.clear()  # a warning in an earlier test must not hide this one
    with caplog.at_level(logging.WARNING, logger="hub.sharedcache"):
        answers = [get(client) for _ in range(5)]
    assert [r.status_code for r in answers] == [200] * 5  # more than the quota: fail open
    assert answers[0]["RateLimit-Policy"] == '"address-1min";q=3;w=60'
    assert "RateLimit" not in answers[0]  # nothing counted, nothing to tell
    assert ratelimit.unchecked_count() == before + 5
    warnings = [r.getMessage() for r in caplog.records if r.name == "hub.sharedcache"]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        f": rate limits are not enforced; {before + 1} calls served unchecked by this process so far"
    )
    # Redis is back: counting resumes where it was.
    redis_counters.HUB_RATE_LIMIT_CACHE = "default"
    assert [get(client).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100", f"'100' is not a limit; {HINT}"),
        ("10/fortnight", f"'10/fortnight' is not a limit; {HINT}"),
        ("10/8d", "'10/8d': a window lasts from 1 second to 7 days"),
        ("10/min, 20/60s", "Two limits with the same window: keep one"),
    ],
)
def test_malformed_limits_are_refused_by_the_endpoint_and_at_start(make_endpoint, monkeypatch, text, message):
    with pytest.raises(ValidationError) as caught:
        make_endpoint(rate_limit_per_credential=text)
    assert caught.value.message_dict == {"rate_limit_per_credential": [message]}
    monkeypatch.setenv("HUB_RATE_LIMIT_PER_ADDRESS", text)
    with pytest.raises(ImproperlyConfigured, match=f"^HUB_RATE_LIMIT_PER_ADDRESS: {message}"):
        ratelimit.env_limits("HUB_RATE_LIMIT_PER_ADDRESS", "100/min")


def test_limits_read_in_every_unit():
    policies = ratelimit.parse_limits("5/s, 10/5min, 1000/h, 0/min, 20000/d", ratelimit.CREDENTIAL)
    assert [(p.name, p.quota, p.window) for p in policies] == [
        ("credential-1s", 5, 1),
        ("credential-5min", 10, 300),
        ("credential-1h", 1000, 3600),
        ("credential-1d", 20000, 86400),
    ]
    assert ratelimit.parse_limits("0") == ()
