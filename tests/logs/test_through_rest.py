"""The request log through the real REST routes, the hub's pipeline and the Odoo stand-in over HTTP."""

import base64
import json
import socket
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from endpoints import config
from endpoints.models import Endpoint, EndpointToken
from hub import callstats
from logs import replay
from logs.models import RequestLog
from mappings.engine import EndpointMapping
from tests.endpoints.support import CUSTOMER_LINES, DOMAIN, add_lines

URL = "/bj_api_sync/v1/customers"
CANARY = "CANARY-rest-5b1e"


@pytest.fixture(autouse=True)
def fresh_configuration_cache():
    """Configurations cached by an earlier test must not leak into this one (rows are rolled back)."""
    cache.clear()
    config.clear_local()
    yield
    config.clear_local()


@pytest.fixture
def customers(odoo_connection, odoo_client):
    """A public endpoint over partners C001 and C002 in the stand-in."""
    for ref, name in [("C001", "Alice Martin"), ("C002", "Bob Stone")]:
        odoo_client.execute_kw("res.partner", "create", [{"ref": ref, "name": name, "is_company": False}])
    endpoint = Endpoint.objects.create(
        name="Customers",
        connection=odoo_connection,
        odoo_model="res.partner",
        domain=DOMAIN,
        slug="customers",
        allowed_methods=["GET", "POST", "PUT"],
        auth=Endpoint.Auth.NONE,
    )
    add_lines(endpoint, CUSTOMER_LINES)
    return endpoint


def only_row(response) -> dict:
    rows = list(
        RequestLog.objects.values(
            "request_id", "endpoint_slug", "route_kind", "method", "status", "outcome", "rpc_count", "line_id"
        )
    )
    assert len(rows) == 1, rows
    (row,) = rows
    assert row.pop("request_id") == response["X-Request-ID"]
    return row


def test_success_list_row_counts_the_rpc_the_client_made(client, customers, monkeypatch):
    calls = []
    original = callstats.CallStats.record

    def record(self, model, method, seconds):
        calls.append((model, method))
        return original(self, model, method, seconds)

    monkeypatch.setattr(callstats.CallStats, "record", record)
    response = client.get(URL)
    assert response.status_code == 200
    assert 1 <= len(calls) <= 2  # the list budget
    assert only_row(response) == {
        "endpoint_slug": "customers",
        "route_kind": "rest",
        "method": "GET",
        "status": 200,
        "outcome": "success",
        "rpc_count": len(calls),
        "line_id": None,
    }


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("get", f"{URL}/C999", None, 404),  # unknown record
        ("get", "/bj_api_sync/v1/nothing", None, 404),  # unknown endpoint
        ("delete", f"{URL}/C001", None, 405),  # method not enabled
        ("post", URL, {"name": "No id"}, 400),  # a required line is missing
    ],
)
def test_refused_calls_leave_one_failure_row(client, customers, method, path, payload, status):
    kwargs = {"content_type": "application/json"} if payload is not None else {}
    response = getattr(client, method)(path, *([payload] if payload is not None else []), **kwargs)
    assert response.status_code == status
    row = only_row(response)
    assert (row["status"], row["outcome"], row["route_kind"]) == (status, "failure", "rest")


def test_mapping_error_records_the_failing_line(client, customers):
    line = customers.lines.get(external_key="country")
    response = client.put(f"{URL}/C001", {"country": "ZZ"}, content_type="application/json")
    assert response.status_code == 400
    assert only_row(response)["line_id"] == line.pk
    assert RequestLog.objects.get().error == "Mapping line 'country' (country_id): no res.country record has code 'ZZ'."


def test_missing_bearer_token_is_a_401_row(client, customers):
    Endpoint.objects.filter(pk=customers.pk).update(auth=Endpoint.Auth.BEARER)
    response = client.get(URL)
    assert response.status_code == 401
    assert only_row(response)["status"] == 401


def test_odoo_refusal_is_a_failure_row(client, customers, fake_odoo):
    fake_odoo.faults.fail_next(1, "access")
    response = client.get(URL)
    assert response.status_code == 403
    row = RequestLog.objects.get()
    assert (row.status, row.outcome, row.error_class) == (403, "failure", "hub.odoo.exceptions.OdooAccessError")


def test_odoo_down_is_a_502_row(client, customers, fake_odoo):
    fake_odoo.faults.garbage("html")
    response = client.get(URL)
    assert response.status_code == 502
    row = RequestLog.objects.get()
    assert (row.status, row.outcome, row.error_class) == (502, "failure", "hub.odoo.exceptions.OdooUnavailable")


def test_odoo_refusing_connections_is_a_502_row(client, customers, make_connection):
    with socket.socket() as sock:  # a port of 127.0.0.1 nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    down = make_connection(name="down", server=SimpleNamespace(url=f"http://127.0.0.1:{closed_port}"))
    Endpoint.objects.filter(pk=customers.pk).update(connection=down)
    response = client.get(f"{URL}/C001")
    assert response.status_code == 502
    assert response.json()["message"] == "Odoo is unreachable."  # the address is in the row only
    assert only_row(response) == {
        "endpoint_slug": "customers",
        "route_kind": "rest",
        "method": "GET",
        "status": 502,
        "outcome": "failure",
        "rpc_count": 1,  # the refused login
        "line_id": None,
    }
    row = RequestLog.objects.get()
    assert row.error_class == "hub.odoo.exceptions.OdooUnavailable"
    assert f"127.0.0.1:{closed_port}" in row.error


def test_rpc_time_is_recorded(client, customers, fake_odoo):
    fake_odoo.faults.latency(0.05)
    response = client.get(f"{URL}/C001")
    assert response.status_code == 200
    assert only_row(response)["rpc_count"] == 1
    assert RequestLog.objects.get().rpc_ms >= 50  # a lower bound only: timings have no upper bound in tests


def test_odoo_too_slow_is_a_504_row(client, customers, make_connection, fake_odoo):
    slow = make_connection(name="slow", read_timeout=0.3)
    slow.client().uid  # log in before the stand-in hangs
    Endpoint.objects.filter(pk=customers.pk).update(connection=slow)
    fake_odoo.faults.hang()
    try:
        response = client.get(f"{URL}/C001")
    finally:
        fake_odoo.faults.clear()
    assert response.status_code == 504
    row = RequestLog.objects.get()
    assert (row.status, row.outcome, row.error_class) == (504, "failure", "hub.odoo.exceptions.OdooTimeout")
    assert row.duration_ms >= 300


def test_crash_inside_the_pipeline_is_a_500_row_and_an_envelope(client, customers, monkeypatch):
    def broken(self, record):
        raise ZeroDivisionError("a bug in a transform")

    monkeypatch.setattr(EndpointMapping, "to_external", broken)
    response = client.get(f"{URL}/C001", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500
    assert response.json() == {
        "status": "error",
        "code": 500,
        "message": "Internal error.",
        "line_id": None,
        "request_id": "crash-1",
    }
    row = RequestLog.objects.get()
    assert (row.request_id, row.status, row.error_class, row.endpoint_slug) == (
        "crash-1",
        500,
        "builtins.ZeroDivisionError",
        "customers",
    )


def test_log_mode_off_leaves_no_row(client, customers):
    Endpoint.objects.filter(pk=customers.pk).update(log_mode=Endpoint.LogMode.OFF)
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}/C999").status_code == 404
    assert RequestLog.objects.count() == 0


def test_no_secret_of_a_rest_call_reaches_the_log(client, customers):
    Endpoint.objects.filter(pk=customers.pk).update(auth=Endpoint.Auth.BEARER)
    token = EndpointToken(endpoint=customers, name="webshop")
    secret = token.issue()
    token.save()
    response = client.post(
        f"{URL}?access_token={CANARY}",
        {"customer_id": "C050", "name": "Dana", "password": CANARY},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Cookie": f"sid={CANARY}", "X-Api-Key": CANARY},
    )
    assert response.status_code in (201, 400)
    stored = json.dumps(list(RequestLog.objects.values()), default=str)
    assert CANARY not in stored
    assert secret not in stored
    assert RequestLog.objects.get().principal == "token:webshop"


def test_basic_login_is_the_principal_and_its_password_is_not_stored(client, customers):
    customers.auth = Endpoint.Auth.BASIC
    customers.basic_username = "shop"
    customers.set_basic_password(CANARY)
    customers.save()
    credentials = base64.b64encode(f"shop:{CANARY}".encode()).decode()
    response = client.get(URL, headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 200
    row = RequestLog.objects.get()
    assert row.principal == "basic:shop"
    assert credentials not in json.dumps(list(RequestLog.objects.values()), default=str)


def test_replay_after_fixing_a_mapping_line(client, customers):
    """The support story: a call failed on a mapping line; once the line is fixed, replay it."""
    payload = {"customer_id": "C060", "name": "Erin", "country": "Belgium"}
    failed = client.post(URL, payload, content_type="application/json")
    assert failed.status_code == 400
    original = RequestLog.objects.get()
    line = customers.lines.get(external_key="country")
    assert original.line_id == line.pk
    line.options = {**line.options, "field": "name"}  # the caller sends country names, not codes
    line.save()
    result = replay.replay(original)
    assert result.status == 201, result.content
    assert json.loads(result.content)["data"]["customer_id"] == "C060"
    assert (result.log.replay_of_id, result.log.status, result.log.outcome) == (original.pk, 201, "success")
