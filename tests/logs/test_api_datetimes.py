"""Date-times of the log API's filters are checked before any query: a 400, never a database error."""

from datetime import UTC, datetime

import pytest

from hub.models import ApiKey
from tests.logs.factories import make_log

URL = "/api/logs/"


@pytest.fixture
def key_token(db):
    key = ApiKey(name="ops-dashboard", allowed_routes=["logs"])
    token = key.issue()
    key.save()
    return token


def get(client, token, query):
    return client.get(f"{URL}?{query}", headers={"X-Api-Key": token, "X-Request-ID": "dt-1"})


def error(message):
    return {"status": "error", "code": 400, "message": message, "line_id": None, "request_id": "dt-1"}


OFFSET = "Enter a time zone offset between -15:59 and +15:59."
YEAR = "Enter a date/time between years 1 and 9999 in UTC."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # what the fuzzer sent: PostgreSQL refused the offset with a 500
        ("since=0441-09-17T11:04:59%2B18:14", f"Invalid filter: since: {OFFSET}"),
        ("until=2026-01-01T00:00:00%2B16:00", f"Invalid filter: until: {OFFSET}"),
        ("since=2026-01-01T00:00:00-23:59", f"Invalid filter: since: {OFFSET}"),
        # year 1 east of Greenwich is year 0 in UTC; 9999 west of it is year 10000
        ("since=0001-01-01T00:00:00%2B01:00", f"Invalid filter: since: {YEAR}"),
        ("until=9999-12-31T23:30:00-01:00", f"Invalid filter: until: {YEAR}"),
    ],
)
def test_a_date_time_no_database_can_compare_is_a_400(client, key_token, query, message):
    make_log(request_id="a-row")
    response = get(client, key_token, query)
    assert response.status_code == 400
    assert response.json() == error(message)


def test_the_widest_accepted_offsets_and_years_filter_in_utc(client, key_token):
    """The rows of these calls themselves are left out by endpoint=partners."""
    make_log(request_id="old", endpoint_slug="partners", created_at=datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
    make_log(request_id="new", endpoint_slug="partners", created_at=datetime(2026, 1, 1, 1, 30, tzinfo=UTC))
    # 2026-01-01T16:59+15:59 is 01:00 UTC
    response = get(client, key_token, "endpoint=partners&since=2026-01-01T16:59:00%2B15:59")
    assert response.status_code == 200
    assert [row["request_id"] for row in response.json()["data"]] == ["new"]
    # 2025-12-31T09:01-15:59 is 01:00 UTC as well
    response = get(client, key_token, "endpoint=partners&until=2025-12-31T09:01:00-15:59")
    assert [row["request_id"] for row in response.json()["data"]] == ["old"]
    response = get(client, key_token, "endpoint=partners&since=0001-01-01T00:00:00Z&until=9999-12-31T23:59:59Z")
    assert [row["request_id"] for row in response.json()["data"]] == ["new", "old"]
    response = get(client, key_token, "endpoint=partners&since=0441-09-17T11:04:59%2B15:14")
    assert [row["request_id"] for row in response.json()["data"]] == ["new", "old"]
