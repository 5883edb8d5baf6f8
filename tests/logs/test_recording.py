"""The middleware writes exactly one row per API request, with the right fields, whatever happens."""

import json
import logging

import pytest
from django.db import DatabaseError, OperationalError, connection

from logs import recording
from logs.models import RequestLog

pytestmark = pytest.mark.usefixtures("log_urls")

# Every column of the row except those that differ from run to run (id, time, durations) and the
# headers (checked where they matter): a column added to the model is checked here at once.
VARYING = {"id", "created_at", "duration_ms", "rpc_ms", "request_headers"}
ROW_FIELDS = [field.attname for field in RequestLog._meta.concrete_fields if field.attname not in VARYING]


def only_row() -> dict:
    rows = list(RequestLog.objects.values(*ROW_FIELDS))
    assert len(rows) == 1, rows
    return rows[0]


def expected(**fields) -> dict:
    base = {
        "request_id": "req-1",
        "endpoint_id": None,
        "endpoint_slug": "",
        "route_kind": "generic",
        "method": "GET",
        "path": "/api/_test/echo",
        "query_string": "",
        "client_ip": "127.0.0.1",
        "principal": "",
        "status": 200,
        "outcome": "success",
        "rpc_count": 0,
        "request_body": "",
        "request_body_size": 0,
        "request_body_truncated": False,
        "request_masked": False,
        "response_body": "",
        "response_body_size": 0,
        "response_body_truncated": False,
        "error": "",
        "error_class": "",
        "line_id": None,
        "replay_of_id": None,
        "delivery_id": None,  # outbound attempts only
    }
    base.update(fields)
    return base


def test_success_records_the_whole_call(client, db):
    body = {"name": "Azure Interior", "lines": [{"qty": 2}]}
    response = client.post(
        "/api/_test/echo?page=2&name=Az",
        body,
        content_type="application/json",
        headers={"X-Request-ID": "req-1", "Accept": "application/json"},
    )
    answer = {"status": "success", "data": body}
    assert response.status_code == 200
    assert response.json() == answer
    assert response["X-Request-ID"] == "req-1"
    sent = json.dumps(body)
    assert only_row() == expected(
        method="POST",
        query_string="page=2&name=Az",
        principal="token:webshop",
        request_body=sent,
        request_body_size=len(sent),
        response_body=response.content.decode(),
        response_body_size=len(response.content),
    )
    row = RequestLog.objects.get()
    assert row.request_headers["Accept"] == "application/json"
    assert row.request_headers["Content-Type"] == "application/json"
    assert row.duration_ms >= 0


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/bj_api_sync/_test/echo", "rest"), ("/web/session/_test/echo", "session"), ("/api/_test/echo", "generic")],
)
def test_route_kind_follows_the_path(client, db, path, kind):
    client.get(path, headers={"X-Request-ID": "req-1"})
    assert only_row()["route_kind"] == kind


def test_routes_outside_the_api_write_no_row(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "h-1"})
    assert response["X-Request-ID"] == "h-1"
    assert RequestLog.objects.count() == 0


def test_django_404_page_becomes_the_envelope_and_is_logged(client, db, settings):
    settings.ROOT_URLCONF = "tests.logs.urls_bare"
    response = client.get("/bj_api_sync/v1/no-such-endpoint-route/x/y", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 404
    assert response.json() == {
        "status": "error",
        "code": 404,
        "message": "Not Found.",
        "line_id": None,
        "request_id": "req-1",
    }
    assert only_row() == expected(
        route_kind="rest",
        path="/bj_api_sync/v1/no-such-endpoint-route/x/y",
        status=404,
        outcome="failure",
        response_body=response.content.decode(),
        response_body_size=len(response.content),
    )


def test_drf_error_records_message_class_and_mapping_line(client, db):
    response = client.post(
        "/api/_test/drf_error", {"email": 3}, content_type="application/json", headers={"X-Request-ID": "req-1"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "code": 400,
        "message": "Bad value for 'email'.",
        "line_id": 42,
        "request_id": "req-1",
    }
    assert only_row() == expected(
        method="POST",
        path="/api/_test/drf_error",
        principal="basic:alice",
        status=400,
        outcome="failure",
        request_body='{"email": 3}',
        request_body_size=12,
        response_body=response.content.decode(),
        response_body_size=len(response.content),
        error="Bad value for 'email'.",
        error_class="hub.envelope.ApiError",
        line_id=42,
    )


def test_authentication_failure_is_a_401_row(client, db):
    response = client.get("/api/_test/drf_unauthenticated", headers={"X-Request-ID": "req-1"})
    assert response.status_code in (401, 403)  # DRF answers 403 when the view names no auth scheme
    row = only_row()
    assert (row["status"], row["outcome"], row["route_kind"]) == (response.status_code, "failure", "rest")
    assert row["error"] == "Invalid token."
    assert row["error_class"] == "rest_framework.exceptions.AuthenticationFailed"


def test_wrong_method_is_a_405_row_and_keeps_allow(client, db):
    response = client.delete("/api/_test/drf_get_only", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "OPTIONS"}  # DRF's order varies
    assert response.json() == {
        "status": "error",
        "code": 405,
        "message": 'Method "DELETE" not allowed.',
        "line_id": None,
        "request_id": "req-1",
    }
    row = only_row()
    assert (row["status"], row["method"], row["error_class"]) == (
        405,
        "DELETE",
        "rest_framework.exceptions.MethodNotAllowed",
    )


def test_crash_in_a_view_answers_the_envelope_and_records_the_class(client, db, caplog):
    response = client.get("/api/_test/crash", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-1"
    assert response.json() == {
        "status": "error",
        "code": 500,
        "message": "Internal error.",
        "line_id": None,
        "request_id": "req-1",
    }
    assert only_row() == expected(
        path="/api/_test/crash",
        principal="token:webshop",
        status=500,
        outcome="failure",
        response_body=response.content.decode(),
        response_body_size=len(response.content),
        error="boom in the pipeline",
        error_class="tests.logs.urls.PipelineCrash",
    )


def test_crash_inside_a_drf_view(client, db):
    response = client.get("/api/_test/drf_crash", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 500
    assert response.json()["request_id"] == "req-1"
    row = only_row()
    assert (row["status"], row["error_class"], row["error"]) == (
        500,
        "tests.logs.urls.PipelineCrash",
        "boom inside DRF",
    )


def test_crash_in_another_middleware_is_answered_and_logged(client, db, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.logs.urls.CrashingMiddleware"]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client.raise_request_exception = False
    response = client.get("/api/_test/middleware_crash", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 500
    assert response.json() == {
        "status": "error",
        "code": 500,
        "message": "Internal error.",
        "line_id": None,
        "request_id": "req-1",
    }
    row = only_row()
    assert (row["status"], row["error_class"]) == (500, "tests.logs.urls.PipelineCrash")


def test_generic_route_failure_inside_a_200(client, db):
    response = client.get("/api/_test/generic_refused", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    row = only_row()
    assert (row["status"], row["outcome"], row["error"]) == (200, "failure", "Odoo said no")


@pytest.mark.django_db(transaction=True)
def test_row_survives_the_rollback_of_the_request(client):
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        response = client.get("/api/_test/write_then_fail", headers={"X-Request-ID": "req-1"})
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = False
    assert response.status_code == 500
    assert list(RequestLog.objects.values_list("request_id", "status", "error_class")) == [
        ("req-1", 500, "tests.logs.urls.PipelineCrash")
    ]


def test_rpc_count_comes_from_callstats(client, db):
    client.get("/api/_test/rpc/3", headers={"X-Request-ID": "req-1"})
    assert only_row()["rpc_count"] == 3


def test_a_failed_write_keeps_the_good_answer(client, db, monkeypatch, caplog):
    def broken(row, using="default"):
        raise DatabaseError("disk full")

    monkeypatch.setattr(recording, "write", broken)
    with caplog.at_level(logging.ERROR, logger="logs.recording"):
        response = client.get("/api/_test/echo", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    assert response.json() == {"status": "success", "data": None}
    assert "Could not record request GET /api/_test/echo (req-1)" in caplog.text
    assert RequestLog.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # as in production: no transaction around the middleware
def test_a_retried_write_after_a_lost_acknowledgement_does_not_duplicate(client, monkeypatch):
    real_insert = recording._insert_ignoring_conflict
    calls = []

    def insert_then_lose_the_answer(row, using):
        calls.append(row.request_id)
        inserted = real_insert(row, using)
        if len(calls) == 1:
            raise OperationalError("connection lost after the insert")
        return inserted

    monkeypatch.setattr(recording, "_insert_ignoring_conflict", insert_then_lose_the_answer)
    client.get("/api/_test/echo", headers={"X-Request-ID": "req-1"})
    assert calls == ["req-1", "req-1"]
    assert list(RequestLog.objects.values_list("request_id", flat=True)) == ["req-1"]


@pytest.mark.django_db(transaction=True)
def test_a_retried_write_that_meets_another_requests_row_is_still_stored(client, monkeypatch):
    """A failed first insert, then a conflict with a row another request wrote meanwhile: not our row, so suffix."""
    client.get("/api/_test/echo?first=1", headers={"X-Request-ID": "req-1"})
    real_insert = recording._insert_ignoring_conflict
    calls = []

    def fail_once_without_inserting(row, using):
        calls.append(row.request_id)
        if len(calls) == 1:
            raise OperationalError("database table is locked")
        return real_insert(row, using)

    monkeypatch.setattr(recording, "_insert_ignoring_conflict", fail_once_without_inserting)
    client.get("/api/_test/echo?second=1", headers={"X-Request-ID": "req-1"})
    assert calls[:2] == ["req-1", "req-1"]
    rows = list(RequestLog.objects.order_by("id").values_list("request_id", "query_string"))
    assert rows[0] == ("req-1", "first=1")
    assert len(rows) == 2
    assert rows[1][0].startswith("req-1.")
    assert rows[1][1] == "second=1"


def test_a_reused_caller_request_id_still_gets_its_own_row(client, db):
    client.get("/api/_test/echo", headers={"X-Request-ID": "same-id"})
    second = client.get("/api/_test/echo?second=1", headers={"X-Request-ID": "same-id"})
    assert second["X-Request-ID"] == "same-id"
    ids = list(RequestLog.objects.order_by("id").values_list("request_id", "query_string"))
    assert ids[0] == ("same-id", "")
    assert ids[1][0].startswith("same-id.")
    assert len(ids[1][0]) == len("same-id.") + 12
    assert ids[1][1] == "second=1"


def test_insane_request_ids_are_replaced(client, db):
    response = client.get("/api/_test/echo", headers={"X-Request-ID": "x" * 129})
    assert len(response["X-Request-ID"]) == 32
    assert only_row()["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("mode", "status", "logged"),
    [
        ("all", 200, True),
        ("all", 404, True),
        ("errors", 200, False),
        ("errors", 400, True),
        ("errors", 502, True),
        ("off", 200, False),
        ("off", 500, False),
    ],
)
def test_log_mode_given_by_the_view(client, db, mode, status, logged):
    client.get(f"/api/_test/mode/{mode}/{status}")
    assert RequestLog.objects.count() == (1 if logged else 0)


@pytest.mark.parametrize(
    ("mode", "status", "logged"),
    [("all", 200, True), ("errors", 200, False), ("errors", 409, True), ("off", 400, False)],
)
def test_log_mode_of_the_endpoint(client, make_endpoint, mode, status, logged):
    endpoint = make_endpoint("partners", log_mode=mode)
    client.get(f"/bj_api_sync/_test/endpoint/{status}?slug=partners", headers={"X-Request-ID": "req-1"})
    rows = list(RequestLog.objects.values("endpoint_id", "endpoint_slug", "status"))
    assert rows == ([{"endpoint_id": endpoint.pk, "endpoint_slug": "partners", "status": status}] if logged else [])


def test_row_outlives_its_endpoint(client, make_endpoint):
    endpoint = make_endpoint("partners")
    client.get("/bj_api_sync/_test/endpoint/200?slug=partners", headers={"X-Request-ID": "req-1"})
    endpoint.delete()
    row = only_row()
    assert (row["endpoint_id"], row["endpoint_slug"]) == (None, "partners")


def test_bodies_are_cut_with_the_full_size_recorded(client, db, settings):
    settings.LOG_BODY_MAX_BYTES = 20
    payload = {"note": "é" * 30}
    response = client.post("/api/_test/echo", payload, content_type="application/json")
    row = RequestLog.objects.get()
    sent = json.dumps(payload).encode()
    assert (row.request_body_size, row.request_body_truncated) == (len(sent), True)
    assert len(row.request_body.encode()) <= 20
    assert sent.decode().startswith(row.request_body)
    assert (row.response_body_size, row.response_body_truncated) == (len(response.content), True)
    assert len(row.response_body.encode()) <= 20


def test_binary_answers_are_described_not_stored(client, db):
    client.get("/api/_test/binary")
    row = RequestLog.objects.get()
    assert (row.response_body, row.response_body_size) == ("(binary: application/octet-stream)", 3)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client_ip"),
    [
        ([], "10.0.0.5", "203.0.113.9", "10.0.0.5"),  # no trusted proxy: the header is ignored
        (["10.0.0.5"], "10.0.0.5", "203.0.113.9", "203.0.113.9"),
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (["10.0.0.5"], "10.9.9.9", "203.0.113.9", "10.9.9.9"),  # sent by someone else: ignored
        (["10.0.0.5"], "10.0.0.5", "not-an-ip", "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", "", "10.0.0.5"),
        (["::1"], "::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_honours_only_trusted_proxies(client, db, settings, trusted, remote, forwarded, client_ip):
    settings.TRUSTED_PROXIES = trusted
    client.get("/api/_test/echo", REMOTE_ADDR=remote, headers={"X-Forwarded-For": forwarded})
    assert RequestLog.objects.get().client_ip == client_ip


def test_the_log_object_refuses_unknown_fields(rf):
    request = rf.get("/api/x")
    log = recording.start(request, "r")
    assert request.hub_log is log
    with pytest.raises(AttributeError):
        log.colour = "red"


def test_a_body_too_large_to_read_is_a_400_row_with_its_size(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    response = client.post("/api/_test/echo", {"name": "x" * 100}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "Bad Request."
    row = RequestLog.objects.get()
    assert (row.status, row.request_body, row.request_body_size, row.request_body_truncated) == (
        400,
        "(body not read: RequestDataTooBig)",
        len(json.dumps({"name": "x" * 100})),
        True,
    )


@pytest.mark.parametrize(
    ("kind", "message", "error_class"),
    [
        ("404", "Not Found.", "django.http.response.Http404"),
        ("403", "Forbidden.", "django.core.exceptions.PermissionDenied"),
        ("400", "Bad Request.", "django.core.exceptions.BadRequest"),
    ],
)
def test_django_client_errors_are_not_crashes(client, db, kind, message, error_class):
    response = client.get(f"/api/_test/refusal/{kind}", headers={"X-Request-ID": "req-1"})
    assert response.status_code == int(kind)
    assert response.json() == {
        "status": "error",
        "code": int(kind),
        "message": message,
        "line_id": None,
        "request_id": "req-1",
    }
    row = RequestLog.objects.get()
    assert (row.status, row.outcome, row.error_class) == (int(kind), "failure", error_class)


def test_an_error_status_is_always_a_failure(client, db):
    # the view said "success" before something went wrong
    client.get("/api/_test/drf_error")
    assert RequestLog.objects.get().outcome == "failure"


def test_settings_checks(settings):
    from logs.checks import check_log_settings

    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.0.0/8", "proxy.example"]
    settings.LOG_SECRET_KEYS = []
    assert [(problem.id, problem.msg) for problem in check_log_settings(None)] == [
        ("logs.E001", "TRUSTED_PROXIES holds 'proxy.example', which is not an IP address or network."),
        ("logs.W001", "LOG_SECRET_KEYS is empty: secrets in request bodies and query strings reach the request log."),
    ]
    settings.TRUSTED_PROXIES = ["::1"]
    settings.LOG_SECRET_KEYS = ["password"]
    assert check_log_settings(None) == []


def test_a_crash_while_masking_still_records_the_call_bare(client, db, monkeypatch, caplog):
    def broken(raw, content_type=""):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(recording.redaction, "mask_body", broken)
    with caplog.at_level(logging.ERROR, logger="logs.recording"):
        response = client.post(
            "/api/_test/echo?password=hunter2",
            {"password": "hunter2"},
            content_type="application/json",
            headers={"X-Request-ID": "req-1"},
        )
    assert response.status_code == 200
    assert response.json() == {"status": "success", "data": {"password": "hunter2"}}
    assert "Could not process request req-1 for the log; recording it bare" in caplog.text
    sent = len(b'{"password": "hunter2"}')
    # who called what and how it ended are kept; query, headers and bodies are not (they could not be masked)
    assert only_row() == expected(
        method="POST",
        principal="token:webshop",
        request_body=recording.NOT_STORED,
        request_body_size=sent,
        request_body_truncated=True,
        response_body=recording.NOT_STORED,
        response_body_size=len(response.content),
        response_body_truncated=True,
    )
    assert RequestLog.objects.get().request_headers == {}
