"""Unknown API keys on the log API are throttled per client address (hub.auth.throttle)."""

import pytest

from hub.models import ApiKey
from logs.models import RequestLog

pytestmark = pytest.mark.django_db

URL = "/api/logs/"
THROTTLED = "Too many failed authentication attempts from this address; try again in 300 seconds."
OTHER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def limits(auth_limit, clock):
    """Three failures per five minutes, on a frozen clock."""
    return clock


@pytest.fixture
def key_token(db):
    key = ApiKey(name="ops-dashboard", allowed_routes=["logs"])
    token = key.issue()
    key.save()
    return token


def get(client, token, **extra):
    return client.get(URL, headers={"X-Api-Key": token}, **extra)


def guess(client, times=3, **extra):
    for n in range(times):
        response = get(client, f"hubk_guess-{n}", **extra)
        assert response.status_code == 401
        assert response.json()["message"] == "Invalid or expired API key."


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == "300"
    assert "WWW-Authenticate" not in response
    assert response.json() == {
        "status": "error",
        "code": 429,
        "message": THROTTLED,
        "line_id": None,
        "request_id": response["X-Request-ID"],
    }


def test_key_guesses_past_the_limit_are_429_even_with_a_valid_key(client, key_token):
    guess(client)
    assert_throttled(get(client, "hubk_guess-4"))
    assert_throttled(client.get(URL, headers={"Authorization": f"Bearer {key_token}"}))


def test_another_client_address_is_not_affected(client, key_token):
    guess(client)
    assert get(client, key_token, **OTHER).status_code == 200
    assert get(client, "hubk_guess", **OTHER).status_code == 401


def test_after_the_window_the_key_works_again(client, key_token, clock):
    guess(client)
    clock.now += 299
    assert get(client, key_token).status_code == 429
    clock.now += 1
    assert get(client, key_token).status_code == 200


def test_a_valid_key_resets_no_counter(client, key_token):
    guess(client, times=2)
    assert get(client, key_token).status_code == 200
    guess(client, times=1)
    assert_throttled(get(client, key_token))


def test_the_429_is_logged_once_and_costs_no_query_but_the_log_row(client, key_token, django_assert_num_queries):
    guess(client)
    with django_assert_num_queries(1):  # the log row: the counters are in the cache
        response = get(client, key_token, HTTP_X_REQUEST_ID="throttled-l")
    assert_throttled(response)
    row = RequestLog.objects.get(request_id="throttled-l")
    assert (row.status, row.outcome, row.route_kind, row.client_ip, row.principal, row.error) == (
        429,
        "failure",
        "logs",
        "127.0.0.1",
        "",
        THROTTLED,
    )
    assert RequestLog.objects.filter(status=429).count() == 1


def test_guesses_on_the_log_api_do_not_throttle_the_generic_routes(client, key_token):
    guess(client)
    body = '{"params": {"model": "res.partner", "vals": {}}}'
    response = client.post("/api/search_data", data=body, content_type="application/json", HTTP_X_API_KEY="hubk_x")
    assert response.status_code == 401  # the key was looked up: not throttled
