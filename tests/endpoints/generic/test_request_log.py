"""Every call of the generic and session routes leaves one request-log row saying who, how it ended and why."""

import json

from logs.models import RequestLog
from tests.endpoints.generic.conftest import rpc_result


def only_row() -> RequestLog:
    (row,) = RequestLog.objects.all()
    return row


def summary(row: RequestLog) -> dict:
    return {
        "route_kind": row.route_kind,
        "path": row.path,
        "principal": row.principal,
        "status": row.status,
        "outcome": row.outcome,
        "error": row.error,
        "rpc_count": row.rpc_count,
    }


def test_success_is_logged_with_the_key_and_rpc_count(rpc, shop):
    response = rpc("create_data", "res.partner", {"payload": {"name": "Logged", "parent_id": {"ref": "C-1"}}})
    assert rpc_result(response)["is_success"] is True
    row = only_row()
    assert summary(row) == {
        "route_kind": "generic",
        "path": "/api/create_data",
        "principal": "key:webshop",
        "status": 200,
        "outcome": "success",
        "error": "",
        "rpc_count": 3,  # fields_get, the lookup, the create
    }
    assert row.request_id == response["X-Request-ID"]


def test_business_failure_is_a_failure_row_with_status_200(rpc, shop):
    rpc("update_data", "res.partner", {"search_key": {"ref": "C-404"}, "payload": {}})
    assert summary(only_row()) == {
        "route_kind": "generic",
        "path": "/api/update_data",
        "principal": "key:webshop",
        "status": 200,
        "outcome": "failure",
        "error": 'No res.partner record matches search_key {"ref": "C-404"}.',
        "rpc_count": 2,
    }


def test_refused_and_malformed_calls_are_logged(rpc, make_key, client, shop):
    key = make_key(name="narrow", routes=["search_data"])
    rpc("call_function", "res.partner", {"payload": {"method": "copy"}}, key=key)
    assert summary(only_row()) == {
        "route_kind": "generic",
        "path": "/api/call_function",
        "principal": "key:narrow",
        "status": 403,
        "outcome": "failure",
        "error": "This API key may not call /api/call_function.",
        "rpc_count": 0,
    }
    RequestLog.objects.all().delete()
    client.post("/api/search_data", data="{oops", content_type="application/json")
    assert summary(only_row()) == {
        "route_kind": "generic",
        "path": "/api/search_data",
        "principal": "",
        "status": 400,
        "outcome": "failure",
        "error": "The request body is not valid JSON.",
        "rpc_count": 0,
    }


def test_session_routes_are_logged_with_the_odoo_login(client, odoo_connection, shop):
    params = {"db": "odoo18", "login": "demo", "password": "demo"}
    client.post("/web/session/authenticate", data=json.dumps({"params": params}), content_type="application/json")
    row = only_row()
    assert summary(row) == {
        "route_kind": "session",
        "path": "/web/session/authenticate",
        "principal": "odoo:demo",
        "status": 200,
        "outcome": "success",
        "error": "",
        "rpc_count": 1,  # authenticate
    }
    assert "demo" not in row.request_body.replace('"login": "demo"', "")  # the password is masked
    RequestLog.objects.all().delete()
    body = {"params": {"model": "res.partner", "vals": {"payload": {"search_field": ["name"], "limit": 1}}}}
    client.post("/api/search_data", data=json.dumps(body), content_type="application/json")
    assert summary(only_row())["principal"] == "odoo:demo"
    RequestLog.objects.all().delete()
    client.post("/web/session/destroy", data="", content_type="application/json")
    assert summary(only_row()) == {
        "route_kind": "session",
        "path": "/web/session/destroy",
        "principal": "odoo:demo",
        "status": 200,
        "outcome": "success",
        "error": "",
        "rpc_count": 0,
    }


def test_wrong_password_is_logged_without_the_password(client, odoo_connection):
    params = {"db": "odoo18", "login": "demo", "password": "s3cret-pw"}
    client.post("/web/session/authenticate", data=json.dumps({"params": params}), content_type="application/json")
    row = only_row()
    assert (row.route_kind, row.principal, row.status, row.outcome, row.error) == (
        "session",
        "odoo:demo",
        401,
        "failure",
        "Wrong login, password or database.",
    )
    assert "s3cret-pw" not in row.request_body
