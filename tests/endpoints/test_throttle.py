"""Failed authentication on REST endpoints is throttled per client address and endpoint (hub.auth.throttle)."""

import logging

import pytest

from logs.models import RequestLog
from tests.endpoints.support import ALICE, basic, body

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"
INVALID = "Invalid credentials."
GOOD = basic("shop", "correct horse")
WRONG = basic("shop", "wrong")
THROTTLED = "Too many failed authentication attempts from this address; try again in 300 seconds."


@pytest.fixture
def basic_endpoint(make_endpoint, seeded, auth_limit, clock):
    return make_endpoint(auth="basic", basic_username="shop", basic_password="correct horse")


@pytest.fixture
def bearer_endpoint(make_endpoint, seeded, auth_limit, clock):
    return make_endpoint(auth="bearer")


def get(client, header, path=f"{URL}/C001", **extra):
    return client.get(path, headers={"Authorization": header}, **extra)


def fail(client, header=WRONG, times=3, **extra):
    for _ in range(times):
        response = get(client, header, **extra)
        assert response.status_code == 401, response.content
        assert body(response)["message"] == INVALID


def assert_throttled(response, message=THROTTLED, retry_after="300"):
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == retry_after
    assert "WWW-Authenticate" not in response
    assert body(response) == {
        "status": "error",
        "code": 429,
        "message": message,
        "line_id": None,
        "request_id": response["X-Request-ID"],
    }


def test_basic_guesses_past_the_limit_are_429_even_with_the_right_password(client, basic_endpoint, rpc_calls):
    fail(client)
    assert_throttled(get(client, WRONG))
    assert_throttled(get(client, GOOD))  # the password is not even looked at
    assert rpc_calls == []


def test_bearer_guesses_past_the_limit_are_429_even_with_a_valid_token(client, bearer_endpoint, issue_token, rpc_calls):
    secret = issue_token(bearer_endpoint)
    fail(client, f"Bearer {secret}x")
    assert_throttled(get(client, f"Bearer {secret}"))
    assert rpc_calls == []


def test_retry_after_counts_down_to_the_end_of_the_window_then_calls_work_again(client, basic_endpoint, clock):
    fail(client)
    clock.now += 120.5
    assert_throttled(
        get(client, GOOD),
        "Too many failed authentication attempts from this address; try again in 180 seconds.",
        retry_after="180",
    )
    clock.now += 180
    assert body(get(client, GOOD))["data"] == ALICE
    fail(client, times=1)  # a new window: one failure is far from the limit
    assert get(client, GOOD).status_code == 200


def test_the_window_opens_at_the_first_failure_and_does_not_slide(client, basic_endpoint, clock):
    fail(client, times=2)
    clock.now += 299
    fail(client, times=1)
    assert_throttled(get(client, GOOD), THROTTLED.replace("300", "1"), retry_after="1")
    clock.now += 1
    assert get(client, GOOD).status_code == 200


def test_another_client_address_is_not_affected(client, basic_endpoint):
    fail(client)
    assert_throttled(get(client, GOOD))
    assert get(client, GOOD, REMOTE_ADDR="198.51.100.7").status_code == 200
    wrong = get(client, WRONG, REMOTE_ADDR="198.51.100.7")
    assert (wrong.status_code, body(wrong)["message"]) == (401, INVALID)


def test_clients_behind_a_trusted_proxy_are_told_apart_as_in_the_request_log(client, basic_endpoint, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    fail(client, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert_throttled(get(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy))
    other = get(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert other.status_code == 200
    rows = RequestLog.objects.filter(status=429)
    assert [row.client_ip for row in rows] == ["203.0.113.5"]


def test_another_endpoint_is_not_affected(client, basic_endpoint, make_endpoint):
    make_endpoint(slug="others", auth="basic", basic_username="shop", basic_password="correct horse")
    fail(client)
    assert_throttled(get(client, GOOD))
    assert get(client, GOOD, path="/bj_api_sync/v1/others").status_code == 200


def test_a_success_resets_no_counter(client, basic_endpoint):
    fail(client, times=2)
    assert get(client, GOOD).status_code == 200
    fail(client, times=1)
    assert_throttled(get(client, GOOD))


@pytest.mark.parametrize("header", ["", "Bearer something", "Basic !!!not-base64!!!"])
def test_missing_or_malformed_credentials_guess_nothing_and_are_not_counted(client, basic_endpoint, header):
    for _ in range(5):
        assert get(client, header).status_code == 401
    assert get(client, GOOD).status_code == 200


def test_public_endpoints_are_never_throttled(client, make_endpoint, seeded, auth_limit):
    make_endpoint()
    for _ in range(5):
        assert get(client, WRONG).status_code == 200


def test_the_429_is_logged_once_and_costs_no_query_but_the_log_row(client, basic_endpoint, django_assert_num_queries):
    fail(client)
    with django_assert_num_queries(1):  # the log row: the counters are in the cache
        response = get(client, GOOD, HTTP_X_REQUEST_ID="throttled-1")
    assert_throttled(response)
    row = RequestLog.objects.get(request_id="throttled-1")
    assert (row.status, row.outcome, row.route_kind, row.endpoint_slug, row.client_ip, row.rpc_count) == (
        429,
        "failure",
        "rest",
        "customers",
        "127.0.0.1",
        0,
    )
    assert row.error == THROTTLED
    assert RequestLog.objects.filter(status=429).count() == 1


def test_reaching_the_limit_is_logged_without_the_secret(client, basic_endpoint, caplog):
    with caplog.at_level(logging.WARNING, logger="hub.auth.throttle"):
        fail(client)
    assert [record.getMessage() for record in caplog.records if record.name == "hub.auth.throttle"] == [
        "3 failed authentication attempts from 127.0.0.1 on endpoint:customers: "
        "further attempts are refused for up to 300 seconds"
    ]
    assert "wrong" not in caplog.text


def test_default_limit_is_ten_failures_in_five_minutes(client, make_endpoint, seeded, settings):
    assert (settings.HUB_AUTH_FAILURES_PER_WINDOW, settings.HUB_AUTH_FAILURE_WINDOW_SECONDS) == (10, 300)
    make_endpoint(auth="basic", basic_username="shop", basic_password="correct horse")
    fail(client, times=10)
    assert get(client, GOOD).status_code == 429
