"""Secrets sent in headers, query strings and bodies never reach any column of the log."""

import base64
import json

import pytest

from logs.models import RequestLog

pytestmark = pytest.mark.usefixtures("log_urls")

CANARY = "CANARY-d41d8cd98f"


def every_stored_value() -> str:
    """All columns of all rows, as one text."""
    rows = list(RequestLog.objects.values())
    assert rows
    return json.dumps(rows, default=str)


def canary_headers(n: int) -> dict:
    basic = base64.b64encode(f"alice:{CANARY}{n}".encode()).decode()
    return {
        "Authorization": f"Basic {basic}" if n % 2 else f"Bearer {CANARY}{n}",
        "Cookie": f"session_id={CANARY}{n}; theme=dark",
        "X-Api-Key": f"{CANARY}{n}",
        "X-Auth-Token": f"{CANARY}{n}",
        "Referer": f"https://shop.example/cart?access_token={CANARY}{n}",
    }


def test_no_secret_reaches_the_table(client, db):
    paths = ["/api/_test/echo", "/bj_api_sync/_test/echo", "/web/session/_test/echo", "/api/_test/drf_error"]
    for n, path in enumerate(paths):
        body = {
            "jsonrpc": "2.0",
            "params": {"db": "odoo18", "login": "admin", "password": f"{CANARY}{n}"},
            "partner": {"name": "Azure", "portal": {"apiKey": f"{CANARY}{n}", "client-secret": f"{CANARY}{n}"}},
            "lines": [{"token": f"{CANARY}{n}"}],
            "note": json.dumps({"password": f"{CANARY}{n}"}),
        }
        client.post(
            f"{path}?page=1&api_key={CANARY}{n}&PASSWORD={CANARY}{n}",
            body,
            content_type="application/json",
            headers=canary_headers(n),
        )
    # a form body and a body that is not JSON
    client.post(
        "/api/_test/crash",
        f"login=bob&password={CANARY}f".encode(),
        content_type="application/x-www-form-urlencoded",
        headers=canary_headers(9),
    )
    client.post(
        "/api/_test/crash",
        f"<methodCall><secret>{CANARY}x</secret></methodCall> api_key={CANARY}x".encode(),
        content_type="text/xml",
    )
    assert RequestLog.objects.count() == len(paths) + 2
    stored = every_stored_value()
    assert CANARY not in stored
    assert base64.b64encode(f"alice:{CANARY}1".encode()).decode() not in stored
    # and the rest is still there for support staff
    assert "Azure" in stored
    assert "page=1" in stored
    assert "theme" not in stored  # the whole Cookie header is masked
    assert set(RequestLog.objects.values_list("request_masked", flat=True)) == {True}


def test_masked_rows_say_so_and_keep_the_structure(client, db):
    client.post(
        "/api/_test/echo?page=1&api_key=" + CANARY,
        {"login": "admin", "password": CANARY},
        content_type="application/json",
        headers={"Authorization": f"Bearer {CANARY}"},
    )
    row = RequestLog.objects.get()
    assert row.query_string == "page=1&api_key=***"
    assert json.loads(row.request_body) == {"login": "admin", "password": "***"}
    assert json.loads(row.response_body) == {"status": "success", "data": {"login": "admin", "password": "***"}}
    assert row.request_headers["Authorization"] == "Bearer ***"
    assert row.request_masked is True
