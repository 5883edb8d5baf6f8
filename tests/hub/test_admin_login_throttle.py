"""The admin login is throttled per client address and per user name, with a page saying when to retry."""

import pytest
from django.contrib.auth.models import User

URL = "/admin/login/"
HERE, THERE, ELSEWHERE = "198.51.100.7", "203.0.113.20", "192.0.2.99"


@pytest.fixture
def staff(db):
    User.objects.create_superuser("root", "root@example.com", "right-pw-123")
    User.objects.create_superuser("ops", "ops@example.com", "ops-pw-456")


def attempt(client, username, password, address):
    client.logout()
    return client.post(
        f"{URL}?next=/admin/", {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_thirty_wrong_passwords_then_the_right_one_is_refused_until_the_window_ends(client, staff, clock, settings):
    assert (settings.HUB_AUTH_FAILURES_PER_WINDOW, settings.HUB_AUTH_FAILURE_WINDOW_SECONDS) == (10, 300)
    statuses = [attempt(client, "root", f"guess-{n}", HERE).status_code for n in range(30)]
    assert statuses == [200] * 10 + [429] * 20  # the form with its error, then the refusal page

    clock.now += 60
    refused = attempt(client, "root", "right-pw-123", HERE)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "240"
    page = refused.content.decode()
    assert "Too many failed logins from this address or for this user name." in page
    assert "Try again in 240 seconds." in page
    assert "_auth_user_id" not in client.session

    clock.now += 239
    assert attempt(client, "root", "right-pw-123", HERE)["Retry-After"] == "1"
    clock.now += 1
    assert logged_in(attempt(client, "root", "right-pw-123", HERE))


def test_the_user_name_is_blocked_from_every_address_and_the_address_for_every_name(client, staff, clock):
    for n in range(10):
        attempt(client, "root", f"guess-{n}", HERE)
    # another name from another address: not blocked
    assert logged_in(attempt(client, "ops", "ops-pw-456", THERE))
    # the guessed name from another address, any other name from the guessing address: blocked
    assert attempt(client, "root", "right-pw-123", ELSEWHERE).status_code == 429
    assert attempt(client, "ROOT ", "right-pw-123", ELSEWHERE).status_code == 429
    assert attempt(client, "ops", "ops-pw-456", HERE).status_code == 429


def test_the_login_page_itself_is_served_while_blocked(client, staff, clock):
    for n in range(10):
        attempt(client, "root", f"guess-{n}", HERE)
    assert client.get(URL, REMOTE_ADDR=HERE).status_code == 200


def test_a_successful_login_does_not_count_and_failures_below_the_limit_do_not_block(client, staff, clock):
    for n in range(9):
        attempt(client, "root", f"guess-{n}", HERE)
    assert logged_in(attempt(client, "root", "right-pw-123", HERE))
    assert attempt(client, "root", "guess-again", HERE).status_code == 200
    assert attempt(client, "root", "right-pw-123", HERE).status_code == 429
