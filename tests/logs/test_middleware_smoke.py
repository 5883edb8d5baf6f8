"""Smoke: a request to an API route writes one row."""

from logs.models import RequestLog


def test_ok_writes_one_row(client, db, log_urls):
    response = client.post(
        "/api/_test/ok",
        {"name": "x", "password": "hunter2"},
        content_type="application/json",
        headers={"X-Request-ID": "r-1", "Authorization": "Bearer abc"},
    )
    assert response.status_code == 200
    row = RequestLog.objects.get()
    assert row.request_id == "r-1"
    assert row.request_body == '{"name": "x", "password": "***"}'
    assert row.request_headers["Authorization"] == "Bearer ***"


def test_crash_writes_500(client, db, log_urls):
    response = client.get("/api/_test/crash")
    assert response.status_code == 500
    row = RequestLog.objects.get()
    assert row.error_class == "tests.logs.urls.PipelineCrash"


def test_drf_error(client, db, log_urls):
    response = client.get("/api/_test/drf_error")
    assert response.status_code == 400
    row = RequestLog.objects.get()
    assert row.error_class == "hub.envelope.ApiError"
    assert row.line_id == 42
