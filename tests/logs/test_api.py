"""The read-only log API: filters, cursor pagination, envelope, staff session or a key with the logs scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hub.models import ApiKey
from logs.models import RequestLog
from tests.logs.factories import make_log

URL = "/api/logs/"


@pytest.fixture
def key_token(db):
    key = ApiKey(name="ops-dashboard", allowed_routes=["logs"])
    token = key.issue()
    key.save()
    return token


@pytest.fixture
def other_key_token(db):
    key = ApiKey(name="webshop", allowed_routes=["search_data"])
    token = key.issue()
    key.save()
    return token


@pytest.fixture
def rows(db):
    now = timezone.now()
    return [
        make_log(request_id="a-ok", endpoint_slug="partners", created_at=now - timedelta(hours=5)),
        make_log(
            request_id="b-bad",
            endpoint_slug="orders",
            method="POST",
            status=400,
            outcome="failure",
            created_at=now - timedelta(hours=4),
        ),
        make_log(
            request_id="c-down",
            endpoint_slug="partners",
            status=502,
            outcome="failure",
            created_at=now - timedelta(hours=3),
        ),
        make_log(
            request_id="d-gen",
            route_kind="generic",
            method="POST",
            path="/api/create_data",
            status=200,
            outcome="failure",
            created_at=now - timedelta(hours=2),
        ),
    ]


def ids(response) -> list[str]:
    return [item["request_id"] for item in response.json()["data"]]


def test_list_with_a_key_answers_the_envelope_newest_first(client, rows, key_token):
    response = client.get(URL, headers={"Authorization": f"Bearer {key_token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["pagination"] == {"limit": 50, "next": None, "previous": None}
    assert ids(response) == ["d-gen", "c-down", "b-bad", "a-ok"]
    first = rows[3]
    assert body["data"][0] == {
        "id": first.pk,
        "request_id": "d-gen",
        "created_at": first.created_at.isoformat().replace("+00:00", "Z"),
        "endpoint": "",
        "endpoint_id": None,
        "route_kind": "generic",
        "method": "POST",
        "path": "/api/create_data",
        "query_string": "",
        "client_ip": "203.0.113.9",
        "principal": "token:webshop",
        "status": 200,
        "outcome": "failure",
        "duration_ms": 0,
        "rpc_count": 0,
        "rpc_ms": 0,
        "error": "",
        "error_class": "",
        "line_id": None,
        "replay_of": None,
    }


def test_the_x_api_key_header_works_too_and_the_read_is_logged(client, rows, key_token):
    response = client.get(URL, headers={"X-Api-Key": key_token, "X-Request-ID": "read-1"})
    assert response.status_code == 200
    read = RequestLog.objects.get(request_id="read-1")
    assert (read.route_kind, read.principal, read.status) == ("logs", "key:ops-dashboard", 200)
    assert read.response_body == "(not stored: log API answer)"
    assert read.request_headers["X-Api-Key"] == "***"
    assert ApiKey.objects.get(name="ops-dashboard").last_used_at is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=400", ["b-bad"]),
        ("status_class=5xx", ["c-down"]),
        ("status_class=2xx", ["d-gen", "a-ok"]),
        ("outcome=failure", ["d-gen", "c-down", "b-bad"]),
        ("endpoint=partners", ["c-down", "a-ok"]),
        ("method=post", ["d-gen", "b-bad"]),
        ("request_id=c-down", ["c-down"]),
        ("route_kind=generic", ["d-gen"]),
        ("status_class=4xx&endpoint=partners", []),
    ],
)
def test_filters(client, rows, key_token, query, expected):
    response = client.get(f"{URL}?{query}", headers={"X-Api-Key": key_token})
    assert response.status_code == 200
    assert ids(response) == expected


def test_since_and_until(client, rows, key_token):
    since = (rows[1].created_at).isoformat()
    until = (rows[3].created_at).isoformat()
    response = client.get(URL, {"since": since, "until": until}, headers={"X-Api-Key": key_token})
    assert ids(response) == ["c-down", "b-bad"]


def test_bad_filter_values_are_a_400_in_the_envelope(client, rows, key_token):
    response = client.get(
        f"{URL}?status=abc&status_class=9xx&since=yesterday", headers={"X-Api-Key": key_token, "X-Request-ID": "f-1"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "code": 400,
        "message": "Invalid filter: since: Enter a valid date/time.; "
        "status: Enter a whole number.; "
        "status_class: Select a valid choice. 9xx is not one of the available choices.",
        "line_id": None,
        "request_id": "f-1",
    }


def test_cursor_pagination_walks_every_row_once(client, rows, key_token):
    seen = []
    url = f"{URL}?limit=3"
    while url:
        body = client.get(url, headers={"X-Api-Key": key_token}).json()
        seen += [item["request_id"] for item in body["data"]]
        url = body["pagination"]["next"]
    assert seen == ["d-gen", "c-down", "b-bad", "a-ok"]


def test_detail_by_request_id_has_headers_and_bodies(client, rows, key_token):
    response = client.get(f"{URL}b-bad/", headers={"X-Api-Key": key_token})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["request_id"] == "b-bad"
    assert {key: data[key] for key in ["request_headers", "response_body", "request_body_truncated"]} == {
        "request_headers": {"Accept": "application/json", "Authorization": "Bearer ***"},
        "response_body": '{"status": "success", "data": []}',
        "request_body_truncated": False,
    }
    missing = client.get(f"{URL}nope/", headers={"X-Api-Key": key_token, "X-Request-ID": "m-1"})
    assert missing.status_code == 404
    assert missing.json() == {
        "status": "error",
        "code": 404,
        "message": "Not found.",
        "line_id": None,
        "request_id": "m-1",
    }


def test_no_credentials_is_a_401(client, rows):
    response = client.get(URL, headers={"X-Request-ID": "n-1"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="hub"'
    assert response.json() == {
        "status": "error",
        "code": 401,
        "message": "Authentication credentials were not provided.",
        "line_id": None,
        "request_id": "n-1",
    }


def test_unknown_or_revoked_key_is_a_401(client, rows, key_token):
    assert client.get(URL, headers={"X-Api-Key": "hubk_nothing-like-this"}).status_code == 401
    ApiKey.objects.filter(name="ops-dashboard").revoke()  # as the admin does; the cached keys are dropped
    response = client.get(URL, headers={"Authorization": f"Bearer {key_token}", "X-Request-ID": "r-1"})
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or expired API key."


def test_a_key_without_the_logs_scope_is_a_403(client, rows, other_key_token):
    response = client.get(URL, headers={"X-Api-Key": other_key_token, "X-Request-ID": "s-1"})
    assert response.status_code == 403
    assert response.json() == {
        "status": "error",
        "code": 403,
        "message": "This key or user may not read the request log.",
        "line_id": None,
        "request_id": "s-1",
    }


def test_staff_session_with_the_view_permission(client, rows, support_user, integration_admin, superuser):
    for user in (support_user, integration_admin, superuser):
        client.force_login(user)
        response = client.get(f"{URL}?status_class=5xx")
        assert response.status_code == 200, user.username
        assert ids(response) == ["c-down"]
    assert RequestLog.objects.filter(route_kind="logs").values_list("principal", flat=True).first() == "user:root"


def test_staff_without_the_permission_and_plain_users_are_refused(client, rows, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="pw-staff-1", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    plain = django_user_model.objects.create_user("plain", password="pw-plain-1")
    client.force_login(plain)
    assert client.get(URL).status_code == 403


def test_the_api_is_read_only(client, rows, key_token):
    response = client.post(URL, {}, content_type="application/json", headers={"X-Api-Key": key_token})
    assert response.status_code == 405
    assert client.delete(f"{URL}a-ok/", headers={"X-Api-Key": key_token}).status_code == 405
    assert RequestLog.objects.filter(request_id="a-ok").exists()


def test_the_schema_describes_the_log_api_and_its_authentication(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    listing = schema["paths"]["/api/logs/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "cursor",
        "limit",
        "status",
        "status_class",
        "outcome",
        "endpoint",
        "method",
        "request_id",
        "since",
        "until",
    }
    assert listing["security"] == [{"hubApiKey": []}, {"staffSession": []}]
    assert schema["components"]["securitySchemes"]["hubApiKey"]["scheme"] == "bearer"
    assert "/api/logs/{request_id}/" in schema["paths"]


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",  # not base64 of a cursor at all
        "cD0yMDI2",  # "p=2026": a cursor whose position is no date-time
        "cj0xJnA9bm90LWEtZGF0ZQ==",  # "r=1&p=not-a-date"
    ],
)
def test_a_made_up_cursor_is_400(client, rows, key_token, cursor):
    response = client.get(URL, {"cursor": cursor}, headers={"X-Api-Key": key_token, "X-Request-ID": "cur-1"})
    assert response.status_code == 400
    message = "Invalid cursor: follow the pagination's next and previous links as they are given."
    assert response.json() == {
        "status": "error",
        "code": 400,
        "message": message,
        "line_id": None,
        "request_id": "cur-1",
    }
    assert RequestLog.objects.get(request_id="cur-1").status == 400


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"stauts": "500"},
            "Unknown query parameter(s): stauts. Allowed: status, status_class, outcome, route_kind, endpoint, "
            "method, request_id, principal, since, until, cursor, limit, format.",
        ),
        (
            {"status__in": "", "order": "--x"},
            "Unknown query parameter(s): order, status__in. Allowed: status, status_class, outcome, route_kind, "
            "endpoint, method, request_id, principal, since, until, cursor, limit, format.",
        ),
        ({"limit": "abc"}, "Query parameter 'limit' must be a whole number, not 'abc'."),
        ({"limit": "-1"}, "Query parameter 'limit' must not be negative."),
    ],
)
def test_unknown_parameters_and_bad_limits_are_400(client, rows, key_token, query, message):
    # a misspelt filter used to answer the whole log, a bad limit the default page, both as if all was well
    response = client.get(URL, query, headers={"X-Api-Key": key_token, "X-Request-ID": "q-1"})
    assert response.status_code == 400
    assert response.json() == {"status": "error", "code": 400, "message": message, "line_id": None, "request_id": "q-1"}
    assert RequestLog.objects.get(request_id="q-1").status == 400


@pytest.mark.parametrize(("limit", "size"), [("0", 1), ("2", 2), ("1000000000", 500), ("", 50)])
def test_limit_is_kept_between_one_and_500(client, rows, key_token, limit, size):
    body = client.get(URL, {"limit": limit}, headers={"X-Api-Key": key_token}).json()
    assert body["pagination"]["limit"] == size
    assert len(body["data"]) == min(size, len(rows))
