"""Fault injection: the switches the hub's reliability tests flip on the stand-in."""

import http.client
import threading
import time
import xmlrpc.client

import pytest

from fake_odoo import FakeOdoo

DB = "odoo18"


@pytest.fixture
def obj(fake_odoo):
    return xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")


def count(obj):
    return obj.execute_kw(DB, 2, "admin", "res.partner", "search_count", [[]])


@pytest.mark.parametrize(
    ("kind", "code", "text"),
    [
        ("access", 4, "You are not allowed to access 'Contact' (res.partner) records."),
        ("validation", 2, "The operation cannot be completed: Contacts require a name"),
        ("missing", 2, "Record does not exist or has been deleted.\n(Record: res.partner(99999,), User: 2)"),
        ("user", 2, "Some orders are not in a state requiring confirmation."),
        ("auth", 3, "Access Denied"),
        ("internal", 1, "RuntimeError: Injected internal server error"),
    ],
)
def test_fail_next_fails_that_many_model_calls_with_the_kind(fake_odoo, obj, kind, code, text):
    common = xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/common")
    fake_odoo.faults.fail_next(2, kind)
    assert common.authenticate(DB, "admin", "admin", {}) == 2  # common calls are not affected
    for _ in range(2):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            count(obj)
        assert caught.value.faultCode == code
        assert text in caught.value.faultString
    assert count(obj) > 0


def test_fail_next_rejects_unknown_kinds(fake_odoo):
    with pytest.raises(ValueError, match="unknown fault kind 'bogus'"):
        fake_odoo.faults.fail_next(1, "bogus")


def test_latency_delays_answers(fake_odoo, obj):
    fake_odoo.faults.latency(0.3)
    started = time.perf_counter()
    count(obj)
    assert time.perf_counter() - started >= 0.3


def test_hang_outlasts_the_client_timeout_until_cleared(fake_odoo):
    fake_odoo.faults.hang()
    connection = http.client.HTTPConnection("127.0.0.1", fake_odoo.port, timeout=0.5)
    body = xmlrpc.client.dumps((), "version")
    connection.request("POST", "/xmlrpc/2/common", body, {"Content-Type": "text/xml"})
    with pytest.raises(TimeoutError):
        connection.getresponse()
    fake_odoo.faults.clear()
    assert xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/common").version()["server_version"] == "18.0"


def test_stop_releases_a_hanging_request():
    server = FakeOdoo().start()
    server.faults.hang()
    outcome = []

    def call():
        try:
            xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").version()
        except (OSError, http.client.HTTPException) as exc:
            outcome.append(type(exc))

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    server.stop()
    thread.join(5)
    assert time.perf_counter() - started < 5
    assert not thread.is_alive()
    assert len(outcome) == 1


def test_reset_connection_closes_without_answer(fake_odoo, obj):
    fake_odoo.faults.reset_connection(1)
    connection = http.client.HTTPConnection("127.0.0.1", fake_odoo.port, timeout=5)
    connection.request("POST", "/xmlrpc/2/common", xmlrpc.client.dumps((), "version"), {"Content-Type": "text/xml"})
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        connection.getresponse()
    assert count(obj) > 0


def test_reset_connection_twice_defeats_xmlrpc_clients_single_retry(fake_odoo, obj):
    fake_odoo.faults.reset_connection(2)
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        count(obj)
    assert count(xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")) > 0


def test_garbage_html_answers_a_page(fake_odoo):
    fake_odoo.faults.garbage("html")
    connection = http.client.HTTPConnection("127.0.0.1", fake_odoo.port, timeout=5)
    connection.request("POST", "/xmlrpc/2/common", xmlrpc.client.dumps((), "version"), {"Content-Type": "text/xml"})
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.read().startswith(b"<!doctype html>")


def test_garbage_truncated_cuts_the_body_short(fake_odoo):
    fake_odoo.faults.garbage("truncated")
    connection = http.client.HTTPConnection("127.0.0.1", fake_odoo.port, timeout=5)
    connection.request("POST", "/xmlrpc/2/common", xmlrpc.client.dumps((), "version"), {"Content-Type": "text/xml"})
    response = connection.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        response.read()


def test_clear_restores_normal_service(fake_odoo, obj):
    fake_odoo.faults.fail_next(5, "internal")
    fake_odoo.faults.garbage("html")
    fake_odoo.faults.latency(2)
    fake_odoo.faults.clear()
    started = time.perf_counter()
    assert count(obj) > 0
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("kind", "status", "name"),
    [("access", 403, "odoo.exceptions.AccessError"), ("internal", 500, "builtins.RuntimeError")],
)
def test_fail_next_over_json2_has_the_http_status(kind, status, name):
    import json
    import urllib.error
    import urllib.request

    with FakeOdoo(version="19.0") as server:
        server.faults.fail_next(1, kind)
        request = urllib.request.Request(
            f"{server.url}/json/2/res.partner/search_count",
            data=json.dumps({"domain": []}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"bearer {server.ADMIN_API_KEY}"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        assert caught.value.code == status
        assert json.loads(caught.value.read())["name"] == name
