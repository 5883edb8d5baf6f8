"""/web/session/authenticate and /web/session/destroy: calls that run in Odoo as the logged-in user."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from endpoints.generic.models import OdooSession
from hub import callstats, crypto
from hub.auth import secrets as tokens
from tests.endpoints.generic.conftest import rpc_result


def login(client, db="odoo18", login="demo", password="demo", **extra):
    params = {"db": db, "login": login, "password": password, **extra}
    body = {"jsonrpc": "2.0", "method": "call", "id": 5, "params": params}
    return client.post("/web/session/authenticate", data=json.dumps(body), content_type="application/json")


def call(client, route, model, vals):
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"model": model, "vals": vals}}
    return client.post(f"/api/{route}", data=json.dumps(body), content_type="application/json")


def test_authenticate_opens_a_session_with_an_httponly_cookie(client, odoo_connection, settings):
    settings.DEBUG = False
    response = login(client)
    assert response.status_code == 200
    assert response.json() == {"jsonrpc": "2.0", "id": 5, "result": {"uid": 6, "db": "odoo18", "username": "demo"}}
    cookie = response.cookies["session_id"]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    session = OdooSession.objects.get()
    assert (session.login, session.uid, session.connection) == ("demo", 6, odoo_connection)
    # the password is kept encrypted, the cookie token only as a digest
    assert "demo" not in session.password_encrypted
    assert crypto.decrypt(session.password_encrypted) == "demo"
    assert session.digest == tokens.digest(cookie.value)
    assert cookie.value not in (session.digest, session.prefix)


def test_cookie_is_not_secure_in_debug(client, odoo_connection, settings):
    settings.DEBUG = True
    assert login(client).cookies["session_id"]["secure"] == ""


def test_calls_run_as_the_session_user_with_its_rights(client, odoo_connection, shop, fake_odoo):
    login(client)
    found = rpc_result(
        call(
            client,
            "search_data",
            "res.partner",
            {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-1')]"}},
        )
    )
    assert found["result"] == [{"id": shop["Customer A"], "name": "Customer A"}]
    refused = rpc_result(call(client, "create_data", "res.country", {"payload": {"name": "Atlantis", "code": "AT"}}))
    assert refused == {
        "is_success": False,
        "result": {},
        "messages": "You are not allowed to create 'Country' (res.country) records. This operation is allowed "
        "for the following groups: - Administration/Settings Contact your administrator to request access if "
        "necessary.",
    }
    created = rpc_result(call(client, "create_data", "res.partner", {"payload": {"name": "Made by demo"}}))
    made = next(r for r in fake_odoo.records("res.partner") if r["id"] == created["result"]["id"])
    assert made["create_uid"] == 6


def test_session_calls_do_not_authenticate_again(client, odoo_connection, shop):
    login(client)
    vals = {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-2')]"}}
    with callstats.tracking() as stats:
        rpc_result(call(client, "search_data", "res.partner", vals))
        rpc_result(call(client, "search_data", "res.partner", vals))
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "search_read"),
        ("res.partner", "search_read"),
    ]


def test_call_function_allow_list_applies_to_sessions(client, odoo_connection, shop):
    login(client)
    response = call(
        client, "call_function", "res.partner", {"search_key": {"ref": "C-1"}, "payload": {"method": "unlink"}}
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "res.partner.unlink is not on the list of callable methods."


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"password": "wrong"}, 401, "Wrong login, password or database."),
        ({"login": "nobody"}, 401, "Wrong login, password or database."),
        ({"db": "other"}, 401, "Wrong login, password or database."),
        ({"connection": "no such connection"}, 401, "Wrong login, password or database."),
        ({"password": ""}, 400, '"params.password" is required (a non-empty string).'),
        ({"db": None}, 400, '"params.db" is required (a non-empty string).'),
        ({"connection": 5}, 400, '"params.connection" must be the name of a hub connection.'),
    ],
)
def test_refused_logins(client, odoo_connection, params, status, message):
    response = login(client, **params)
    assert response.status_code == status
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 5,
        "error": {"code": status, "message": message, "data": {"request_id": response["X-Request-ID"]}},
    }
    assert "session_id" not in response.cookies
    assert not OdooSession.objects.exists()


def test_named_connection(client, odoo_connection, make_connection):
    other = make_connection(name="second")
    assert login(client, connection="second").status_code == 200
    assert OdooSession.objects.get().connection == other


def test_destroy_ends_the_session(client, odoo_connection, shop):
    login(client)
    response = client.post(
        "/web/session/destroy",
        data=json.dumps({"jsonrpc": "2.0", "id": 9, "params": {}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"jsonrpc": "2.0", "id": 9, "result": None}
    assert response.cookies["session_id"].value == ""
    assert not OdooSession.objects.exists()
    # the test client dropped the cookie; a caller replaying it is refused
    response = call(client, "search_data", "res.partner", {})
    assert response.status_code == 401


def test_replayed_cookie_after_destroy_is_401(client, odoo_connection, shop):
    token = login(client).cookies["session_id"].value
    client.post("/web/session/destroy", data="", content_type="application/json")
    client.cookies["session_id"] = token
    response = call(client, "search_data", "res.partner", {})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == (
        "The session has expired or was closed. Authenticate with an API key (Authorization: Bearer or X-Api-Key) "
        "or through /web/session/authenticate."
    )


def test_expired_session_is_401(client, odoo_connection, shop):
    login(client)
    OdooSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call(client, "search_data", "res.partner", {}).status_code == 401


def test_destroy_without_session_is_harmless(client, db):
    response = client.post("/web/session/destroy", data="", content_type="application/json")
    assert response.json() == {"jsonrpc": "2.0", "id": None, "result": None}


def test_api_key_wins_over_a_session_cookie(client, odoo_connection, make_key, shop):
    login(client)
    key = make_key(routes=["search_data"], models=["res.country"])
    body = {"params": {"model": "res.partner", "vals": {}}}
    response = client.post(
        "/api/search_data", data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 403


def test_a_new_login_removes_expired_sessions(client, odoo_connection):
    login(client)
    OdooSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    login(client, login="admin", password="admin")
    assert list(OdooSession.objects.values_list("login", flat=True)) == ["admin"]


def test_session_unreadable_after_a_key_change_asks_for_a_new_login(client, odoo_connection, settings, shop):
    from cryptography.fernet import Fernet

    from endpoints.generic import auth

    login(client)
    auth._USER_CLIENTS.clear()  # a fresh process: no authenticated client kept for the session
    settings.HUB_ENCRYPTION_KEY = Fernet.generate_key().decode()
    response = call(client, "search_data", "res.partner", {})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == (
        "The session can no longer be used. Authenticate with an API key (Authorization: Bearer or X-Api-Key) "
        "or through /web/session/authenticate."
    )


@pytest.mark.parametrize("body", ["{}", '{"jsonrpc": "2.0", "id": 3}', '{"params": null}'])
def test_destroy_accepts_any_json_object_as_odoo_does(client, odoo_connection, shop, body):
    login(client)
    response = client.post("/web/session/destroy", data=body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["result"] is None
    assert not OdooSession.objects.exists()


def test_destroy_refuses_a_body_that_is_not_a_json_object(client, db):
    response = client.post("/web/session/destroy", data="[1]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The request body must be a JSON object."
