"""Failed authentication on the generic routes and the session login is throttled per client address."""

import json

import pytest

from endpoints.generic.models import OdooSession
from logs.models import RequestLog
from tests.endpoints.generic.conftest import rpc_result

pytestmark = pytest.mark.django_db

SEARCH = {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-1')]"}}
UNKNOWN_KEY = "The API key is unknown, revoked or expired."
WRONG_LOGIN = "Wrong login, password or database."
THROTTLED = "Too many failed authentication attempts from this address; try again in 300 seconds."
OTHER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def limits(auth_limit, clock):
    """Three failures per five minutes, on a frozen clock."""
    return clock


def login(client, password="demo", call_id=5, **extra):
    params = {"db": "odoo18", "login": "demo", "password": password}
    body = {"jsonrpc": "2.0", "method": "call", "id": call_id, "params": params}
    return client.post("/web/session/authenticate", data=json.dumps(body), content_type="application/json", **extra)


def rpc_error(response, status: int, message: str, call_id=1) -> None:
    assert response.status_code == status, response.content
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": call_id,
        "error": {"code": status, "message": message, "data": {"request_id": response["X-Request-ID"]}},
    }


def assert_throttled(response, call_id=1) -> None:
    rpc_error(response, 429, THROTTLED, call_id)
    assert response["Retry-After"] == "300"
    assert "WWW-Authenticate" not in response


def guess_keys(rpc, times=3, **extra):
    for n in range(times):
        rpc_error(rpc("search_data", "res.partner", SEARCH, key=f"hubk_guess-{n}", headers=extra), 401, UNKNOWN_KEY)


def test_key_guesses_past_the_limit_are_429_even_with_a_valid_key(rpc, shop):
    guess_keys(rpc)
    assert_throttled(rpc("search_data", "res.partner", SEARCH, key="hubk_guess-4"))
    assert_throttled(rpc("search_data", "res.partner", SEARCH))  # the valid key is not even looked up


def test_x_api_key_guesses_count_too_and_all_data_routes_share_the_counter(rpc, shop, api_key):
    for route in ("create_data", "update_data", "call_function"):
        response = rpc(route, "res.partner", {}, key=None, headers={"HTTP_X_API_KEY": "hubk_guess"})
        rpc_error(response, 401, UNKNOWN_KEY)
    assert_throttled(rpc("search_data", "res.partner", SEARCH, key=None, headers={"HTTP_X_API_KEY": api_key}))


def test_session_cookie_guesses_count_against_the_generic_routes(client, rpc, shop):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "params": {"model": "res.partner", "vals": SEARCH}})
    for n in range(3):
        client.cookies["session_id"] = f"guess-{n}"
        response = client.post("/api/search_data", data=body, content_type="application/json")
        assert response.status_code == 401
    del client.cookies["session_id"]
    assert_throttled(rpc("search_data", "res.partner", SEARCH))


def test_another_client_address_is_not_affected(rpc, shop):
    guess_keys(rpc)
    assert_throttled(rpc("search_data", "res.partner", SEARCH))
    assert rpc_result(rpc("search_data", "res.partner", SEARCH, headers=OTHER))["is_success"] is True
    rpc_error(rpc("search_data", "res.partner", SEARCH, key="hubk_guess", headers=OTHER), 401, UNKNOWN_KEY)


def test_after_the_window_calls_work_again(rpc, shop, clock):
    guess_keys(rpc)
    clock.now += 299
    assert rpc("search_data", "res.partner", SEARCH).status_code == 429
    clock.now += 1
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True


def test_a_valid_key_resets_no_counter(rpc, shop):
    guess_keys(rpc, times=2)
    assert rpc("search_data", "res.partner", SEARCH).status_code == 200
    guess_keys(rpc, times=1)
    assert_throttled(rpc("search_data", "res.partner", SEARCH))


def test_calls_without_credentials_or_with_an_empty_key_are_not_counted(rpc, shop):
    for _ in range(5):
        assert rpc("search_data", "res.partner", SEARCH, key=None).status_code == 401
        assert rpc("search_data", "res.partner", SEARCH, key=None, headers={"HTTP_X_API_KEY": ""}).status_code == 401
    assert rpc("search_data", "res.partner", SEARCH).status_code == 200


def test_the_generic_429_is_logged_once_and_costs_no_query_but_the_log_row(rpc, shop, django_assert_num_queries):
    guess_keys(rpc)
    with django_assert_num_queries(1):  # the log row: the counters are in the cache
        response = rpc("search_data", "res.partner", SEARCH, headers={"HTTP_X_REQUEST_ID": "throttled-g"})
    assert_throttled(response)
    row = RequestLog.objects.get(request_id="throttled-g")
    assert (row.status, row.outcome, row.route_kind, row.client_ip, row.principal, row.rpc_count, row.error) == (
        429,
        "failure",
        "generic",
        "127.0.0.1",
        "",
        0,
        THROTTLED,
    )
    assert RequestLog.objects.filter(status=429).count() == 1


def test_login_guesses_past_the_limit_are_429_even_with_the_right_password(client, odoo_connection):
    for _ in range(3):
        rpc_error(login(client, password="wrong"), 401, WRONG_LOGIN, call_id=5)
    assert_throttled(login(client, password="wrong"), call_id=5)
    response = login(client, HTTP_X_REQUEST_ID="throttled-s")
    assert_throttled(response, call_id=5)
    assert "session_id" not in response.cookies
    assert not OdooSession.objects.exists()
    row = RequestLog.objects.get(request_id="throttled-s")
    # Odoo was not asked (rpc_count 0): the password was not checked
    assert (row.status, row.outcome, row.route_kind, row.principal, row.rpc_count, row.error) == (
        429,
        "failure",
        "session",
        "odoo:demo",
        0,
        THROTTLED,
    )


@pytest.mark.parametrize(
    "params",
    [{"db": "other"}, {"connection": "no such connection"}],
)
def test_a_wrong_database_or_connection_counts_as_a_failed_login(client, odoo_connection, params):
    body = {"jsonrpc": "2.0", "id": 5, "params": {"db": "odoo18", "login": "demo", "password": "demo", **params}}
    for _ in range(3):
        response = client.post("/web/session/authenticate", data=json.dumps(body), content_type="application/json")
        rpc_error(response, 401, WRONG_LOGIN, call_id=5)
    assert_throttled(login(client), call_id=5)


def test_login_from_another_address_and_after_the_window_works(client, odoo_connection, clock):
    for _ in range(3):
        login(client, password="wrong")
    assert login(client, **OTHER).status_code == 200
    assert login(client).status_code == 429
    clock.now += 300
    assert login(client).status_code == 200


def test_session_login_and_data_routes_are_counted_apart(client, rpc, shop):
    for _ in range(3):
        login(client, password="wrong")
    assert login(client).status_code == 429
    assert rpc("search_data", "res.partner", SEARCH).status_code == 200
    guess_keys(rpc)
    assert rpc("search_data", "res.partner", SEARCH).status_code == 429
    assert login(client, **OTHER).status_code == 200


def test_the_login_429_costs_no_query_but_the_log_row(client, odoo_connection, django_assert_num_queries):
    for _ in range(3):
        login(client, password="wrong")
    with django_assert_num_queries(1):
        assert login(client).status_code == 429
