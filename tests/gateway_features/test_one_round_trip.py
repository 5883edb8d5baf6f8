"""A REST call the process can let in from the configuration it holds costs one Redis command: the
rate-limit script checks the configuration's version and the caller's failed authentications, and
counts the call only when both still hold (endpoints.views.EndpointView.let_in_ahead). Whenever one
does not, nothing is counted and the call goes the ordinary way, which must give the same answers.
So does a generic data call with an API key, on the route settings and keys the process holds
(endpoints.generic.views.DataView.let_in_ahead)."""

import json

import pytest
from django.core.cache import cache

from endpoints import config
from endpoints.generic.models import GenericRouteSettings
from endpoints.models import Endpoint, EndpointToken
from endpoints.views import EndpointView
from hub import ratelimit
from hub.auth import keys
from hub.auth.models import ApiKey
from logs.models import RequestLog

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers/C001"
SHOP_LIMIT = ratelimit.Policy(ratelimit.ADDRESS, 100, 60)
COUNTER = ratelimit._key(ratelimit.endpoint_target("customers"), SHOP_LIMIT, "127.0.0.1")  # the shop's, per address
ORDINARY = ["EVALSHA", "MGET", "EVALSHA"]  # the script refuses to count, then the ordinary two round trips


@pytest.fixture
def shop(redis_counters, make_endpoint, seeded, issue_token, auth_limit):
    """A bearer endpoint limited to 100 calls a minute per address, and its token (as an Authorization header)."""
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER, rate_limit_per_address="100/min")
    return endpoint, f"Bearer {issue_token(endpoint, 'shop')}"


def get(client, authorization, url=URL):
    return client.get(url, HTTP_AUTHORIZATION=authorization)


def left(response) -> int:
    """The calls left in the address's window, from the RateLimit field."""
    return int(response["RateLimit"].split(";r=")[1].split(";")[0])


def test_a_call_on_a_held_configuration_is_one_redis_command(client, shop, redis_commands):
    _, token = shop
    first = get(client, token)  # builds the configuration: the ordinary way
    redis_commands.clear()
    answers = [get(client, token) for _ in range(3)]
    assert [r.status_code for r in answers] == [200] * 3
    assert redis_commands == ["EVALSHA"] * 3
    assert [left(r) for r in answers] == [left(first) - 1, left(first) - 2, left(first) - 3]  # each one counted


def test_a_call_let_in_ahead_has_its_route_checked_once(client, shop, redis_commands, monkeypatch):
    _, token = shop
    assert get(client, token).status_code == 200  # now held
    checked = []
    check_route = EndpointView.check_route
    monkeypatch.setattr(EndpointView, "check_route", lambda view, rq: checked.append(rq) or check_route(view, rq))
    assert get(client, token).status_code == 200
    assert (redis_commands[-1:], len(checked)) == (["EVALSHA"], 1)


def test_a_change_made_elsewhere_is_seen_by_the_next_call(client, shop, redis_commands):
    endpoint, token = shop
    assert get(client, token).status_code == 200
    # another process revokes the token: its rows change and the version moves, no signal reaches this one
    EndpointToken.objects.filter(endpoint=endpoint).update(revoked_at="2026-01-01T00:00:00Z")
    config.bump_version()
    redis_commands.clear()
    refused = get(client, token)
    assert refused.status_code == 401  # not let in from the configuration held before the change
    # not counted ahead; the ordinary way reads the new version, then counts the failure (its window opens)
    assert redis_commands == ["EVALSHA", "MGET", "GET", "SET", "SET"]


def test_after_a_change_the_first_call_goes_the_ordinary_way_and_the_next_is_one_command_again(
    client, shop, redis_commands
):
    endpoint, token = shop
    before = get(client, token)
    Endpoint.objects.filter(pk=endpoint.pk).update(rate_limit_per_address="50/min")
    config.bump_version()
    redis_commands.clear()
    after = get(client, token)
    assert after["RateLimit-Policy"] == '"address-1min";q=50;w=60'  # the new limit, not the one held
    assert left(after) == 50 - (100 - left(before)) - 1  # counted once, on the counter the first call used
    assert redis_commands == ORDINARY
    redis_commands.clear()
    assert get(client, token).status_code == 200
    assert redis_commands == ["EVALSHA"]


def test_a_throttled_caller_with_a_valid_token_is_refused_and_not_counted(client, shop, redis_commands):
    _, token = shop
    assert get(client, token).status_code == 200
    for _ in range(3):
        assert get(client, "Bearer wrong").status_code == 401  # refused before the count
    redis_commands.clear()
    refused = get(client, token)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many failed authentication attempts from this address")
    assert redis_commands == ["EVALSHA", "MGET"]  # the script found the counter at its limit: nothing counted
    assert "RateLimit" not in refused
    assert cache.get(COUNTER) == 1  # the first call only


def test_a_call_past_its_limit_counted_ahead_is_refused_with_one_command(
    client, redis_counters, make_endpoint, seeded, issue_token, redis_commands
):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER, rate_limit_per_address="2/min")
    token = f"Bearer {issue_token(endpoint)}"
    assert get(client, token).status_code == 200
    redis_commands.clear()
    answers = [get(client, token) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 429]
    assert answers[1]["RateLimit"].startswith('"address-1min";r=0;')
    assert int(answers[1]["Retry-After"]) > 0
    assert redis_commands == ["EVALSHA", "EVALSHA"]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("delete", URL, 405),  # not enabled on the endpoint
        ("get", "/bj_api_sync/v1/customers/C%00", 400),  # a NUL in the identifier
        ("get", "/bj_api_sync/v1/customers?q=%00", 400),  # a NUL in the query string
    ],
)
def test_a_call_its_held_configuration_refuses_is_refused_the_ordinary_way_uncounted(
    client, redis_counters, make_endpoint, seeded, redis_commands, method, url, status
):
    make_endpoint(allowed_methods=["GET"], rate_limit_per_address="100/min")
    counted = left(client.get(URL))
    redis_commands.clear()
    assert getattr(client, method)(url).status_code == status
    assert redis_commands == ["MGET"]  # the ordinary way: the version and the throttle read, nothing counted
    assert left(client.get(URL)) == counted - 1


# The generic data routes: a call with an API key this process holds, on route settings it holds
# (endpoints.generic.views.DataView.let_in_ahead).

SEARCH = {"payload": {"search_field": ["name"], "limit": 1}}
SESSION = {"db": "odoo18", "login": "demo", "password": "demo"}
GENERIC_LIMIT = ratelimit.Policy(ratelimit.ADDRESS, 100, 60)
GENERIC_COUNTER = ratelimit._key(ratelimit.GENERIC, GENERIC_LIMIT, "127.0.0.1")


@pytest.fixture
def webshop(redis_counters, limits, auth_limit, rpc):
    """The generic routes limited to 100 calls a minute per address; ``search(key=…)`` searches partners."""
    limits(generic_address="100/min")

    def search(**kwargs):
        return rpc("search_data", "res.partner", SEARCH, **kwargs)

    return search


def test_a_data_call_with_a_held_key_is_one_redis_command(webshop, redis_commands):
    first = webshop()  # reads the settings and the keys: the ordinary way
    redis_commands.clear()
    answers = [webshop() for _ in range(3)]
    assert [r.status_code for r in answers] == [200] * 3
    assert redis_commands == ["EVALSHA"] * 3
    assert [left(r) for r in answers] == [left(first) - 1, left(first) - 2, left(first) - 3]  # each one counted
    row = RequestLog.objects.get(request_id=answers[-1]["X-Request-ID"])
    assert (row.principal, row.outcome) == ("key:webshop", "success")


def test_a_key_revoked_elsewhere_is_refused_by_the_next_data_call(webshop, redis_commands):
    assert webshop().status_code == 200
    ApiKey.objects.update(revoked_at="2026-01-01T00:00:00Z")  # another process: no signal reaches this one
    keys.bump_version()
    redis_commands.clear()
    assert webshop().status_code == 401  # not let in from the keys held before the change
    assert redis_commands == ["EVALSHA", "MGET", "GET", "SET", "SET"]  # the failure counted, its window opened
    assert cache.get(GENERIC_COUNTER) == 1  # the first call only


def test_route_settings_changed_elsewhere_apply_to_the_next_data_call(webshop, redis_commands):
    before = webshop()
    GenericRouteSettings.objects.create(rate_limit_per_address="50/min")
    config.bump_version()
    redis_commands.clear()
    after = webshop()
    assert after["RateLimit-Policy"] == '"address-1min";q=50;w=60'  # the new limit, not the one held
    assert left(after) == 50 - (100 - left(before)) - 1  # counted once, on the counter the first call used
    assert redis_commands == ORDINARY
    redis_commands.clear()
    assert webshop().status_code == 200
    assert redis_commands == ["EVALSHA"]


def test_a_throttled_caller_with_a_held_key_is_refused_and_not_counted(webshop, redis_commands):
    assert webshop().status_code == 200
    for _ in range(3):
        assert webshop(key="wrong").status_code == 401
    redis_commands.clear()
    refused = webshop()
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith("Too many failed authentication attempts from this address")
    assert redis_commands == ["EVALSHA", "MGET"]  # the script found the counter at its limit: nothing counted
    assert cache.get(GENERIC_COUNTER) == 1


def test_a_data_call_past_its_limit_counted_ahead_is_refused_with_one_command(webshop, limits, redis_commands):
    limits(generic_address="2/min")
    assert webshop().status_code == 200
    redis_commands.clear()
    answers = [webshop() for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 429]
    assert answers[1]["RateLimit"].startswith('"address-1min";r=0;')
    assert redis_commands == ["EVALSHA", "EVALSHA"]


@pytest.mark.parametrize(
    ("routes", "model"),
    [(["create_data"], "res.partner"), (None, "res.users")],  # a route, a model the key may not use
)
def test_a_data_call_its_held_key_may_not_make_is_refused_the_ordinary_way_uncounted(
    webshop, rpc, make_key, redis_commands, routes, model
):
    narrow = make_key(name="narrow", routes=routes)
    counted = left(webshop())  # the keys are held, the narrow one with them
    redis_commands.clear()
    refused = rpc("search_data", model, SEARCH, key=narrow)
    assert refused.status_code == 403
    assert redis_commands == ["MGET"]  # the versions and the throttle read, nothing counted
    assert left(webshop()) == counted - 1


def test_a_session_call_goes_the_ordinary_way(webshop, client, redis_commands):
    assert webshop().status_code == 200  # the settings and the keys are held
    client.post("/web/session/authenticate", data=json.dumps({"params": SESSION}), content_type="application/json")
    body = {"params": {"model": "res.partner", "vals": SEARCH}}
    redis_commands.clear()
    answer = client.post("/api/search_data", data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 200
    assert redis_commands == ["MGET", "EVALSHA"]  # a session is looked up in the database, then counted
