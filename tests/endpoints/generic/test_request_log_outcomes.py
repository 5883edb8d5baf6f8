"""The request log through the generic data routes and the Odoo stand-in: exactly one row per call, whatever its end."""

import socket
from types import SimpleNamespace

import pytest

from logs.models import RequestLog
from tests.endpoints.generic.conftest import rpc_result

SEARCH = {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-1')]"}}
FIELDS = (
    "request_id",
    "endpoint_slug",
    "route_kind",
    "method",
    "path",
    "principal",
    "status",
    "outcome",
    "error",
    "error_class",
    "rpc_count",
)


def only_row(response) -> dict:
    rows = list(RequestLog.objects.values(*FIELDS))
    assert len(rows) == 1, rows
    (row,) = rows
    assert row.pop("request_id") == response["X-Request-ID"]
    return row


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_bad_key_is_one_401_row(rpc, shop):
    response = rpc("search_data", "res.partner", SEARCH, key="not-a-key")
    assert response.status_code == 401
    assert only_row(response) == {
        "endpoint_slug": "",
        "route_kind": "generic",
        "method": "POST",
        "path": "/api/search_data",
        "principal": "",
        "status": 401,
        "outcome": "failure",
        "error": "The API key is unknown, revoked or expired.",
        "error_class": "endpoints.generic.protocol.RpcError",
        "rpc_count": 0,
    }


def test_odoo_refusing_connections_is_one_502_row_with_the_exception_class(rpc, make_key, make_connection, closed_port):
    down = make_connection(name="down", server=SimpleNamespace(url=f"http://127.0.0.1:{closed_port}"))
    response = rpc("search_data", "res.partner", SEARCH, key=make_key(name="down key", connection=down))
    assert response.status_code == 502
    assert response.json()["error"]["message"] == "Odoo is unreachable."  # the address is for staff only
    row = only_row(response)
    assert row == {
        "endpoint_slug": "",
        "route_kind": "generic",
        "method": "POST",
        "path": "/api/search_data",
        "principal": "key:down key",
        "status": 502,
        "outcome": "failure",
        "error": row["error"],
        "error_class": "hub.odoo.exceptions.OdooUnavailable",
        "rpc_count": 1,  # the refused login
    }
    assert f"127.0.0.1:{closed_port}" in row["error"]


def test_odoo_refusal_inside_a_call_records_its_class(rpc, shop, fake_odoo):
    rpc_result(rpc("search_data", "res.partner", SEARCH))  # cache the field types: the next call is the search only
    RequestLog.objects.all().delete()
    fake_odoo.faults.fail_next(1, "access")
    response = rpc("search_data", "res.partner", SEARCH)
    assert rpc_result(response)["is_success"] is False
    row = only_row(response)
    refusal = (200, "failure", "hub.odoo.exceptions.OdooAccessError")
    assert (row["status"], row["outcome"], row["error_class"]) == refusal


@pytest.mark.parametrize(
    ("ref", "messages", "rpc_count"),
    [
        ("C-1", "Record updated.", 3),  # fields_get, search_key's search, write
        ("C-9", "Record created.", 3),  # fields_get, search_key's search, create
    ],
)
def test_create_update_data_is_one_success_row_on_either_branch(rpc, shop, fake_odoo, ref, messages, rpc_count):
    vals = {"search_key": {"ref": ref}, "payload": {"name": "Upserted", "ref": ref}}
    response = rpc("create_update_data", "res.partner", vals)
    result = rpc_result(response)
    assert (result["is_success"], result["messages"]) == (True, messages)
    assert [r["ref"] for r in fake_odoo.records("res.partner") if r["name"] == "Upserted"] == [ref]
    assert only_row(response) == {
        "endpoint_slug": "",
        "route_kind": "generic",
        "method": "POST",
        "path": "/api/create_update_data",
        "principal": "key:webshop",
        "status": 200,
        "outcome": "success",
        "error": "",
        "error_class": "",
        "rpc_count": rpc_count,
    }
