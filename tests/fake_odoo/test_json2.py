"""Odoo 19's JSON-2 API on the stand-in: bearer API key, named arguments, real HTTP statuses and JSON errors."""

import json
import urllib.error
import urllib.request

import pytest

from fake_odoo import FakeOdoo


@pytest.fixture(scope="module")
def odoo19():
    with FakeOdoo(version="19.0") as server:
        yield server


@pytest.fixture
def server(odoo19):
    odoo19.reset()
    return odoo19


def call(server, model, method, body, *, key="admin", headers=None):
    key = server.ADMIN_API_KEY if key == "admin" else key
    request_headers = {"Content-Type": "application/json", "X-Odoo-Database": "odoo18", **(headers or {})}
    if key is not None:
        request_headers["Authorization"] = f"bearer {key}"
    request = urllib.request.Request(
        f"{server.url}/json/2/{model}/{method}", data=json.dumps(body).encode(), headers=request_headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def without_debug(body):
    assert body["debug"].startswith("Traceback (most recent call last):")
    return {k: v for k, v in body.items() if k != "debug"}


def test_version_reports_19(server):
    request = urllib.request.Request(
        f"{server.url}/jsonrpc",
        data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["result"] == {
            "server_version": "19.0",
            "server_version_info": [19, 0, 0, "final", 0, ""],
            "server_serie": "19.0",
            "protocol_version": 1,
        }


def test_named_arguments_and_ids(server):
    assert call(server, "res.partner", "search_read", {"domain": [["id", "=", 12]], "fields": ["name"]}) == (
        200,
        [{"id": 12, "name": "Ready Mat"}],
    )
    assert call(server, "res.partner", "read", {"ids": [12], "fields": ["name"]}) == (
        200,
        [{"id": 12, "name": "Ready Mat"}],
    )
    status, ids = call(server, "res.partner", "create", {"vals_list": [{"name": "JSON-2 Co"}]})
    assert status == 200
    assert len(ids) == 1
    assert call(server, "res.partner", "write", {"ids": ids, "vals": {"name": "Renamed"}}) == (200, True)
    assert call(server, "res.partner", "read", {"ids": ids, "fields": ["name"], "context": {"lang": "en_US"}}) == (
        200,
        [{"id": ids[0], "name": "Renamed"}],
    )
    # A method returning None answers null (check_access, 18's example, is private in Odoo 19).
    assert call(server, "res.partner", "action_archive", {"ids": ids}) == (200, None)


def test_missing_api_key_is_401(server):
    status, body = call(server, "res.partner", "search", {"domain": []}, key=None)
    assert status == 401
    assert without_debug(body)["name"] == "werkzeug.exceptions.Unauthorized"


def test_wrong_api_key_is_401(server):
    status, body = call(server, "res.partner", "search", {"domain": []}, key="nope")
    assert (status, without_debug(body)) == (
        401,
        {
            "name": "werkzeug.exceptions.Unauthorized",
            "message": "Invalid apikey",
            "arguments": ["Invalid apikey", 401],
            "context": {},
        },
    )


def test_unknown_model_and_method_are_404(server):
    status, body = call(server, "res.nope", "search", {"domain": []})
    assert (status, without_debug(body)["message"]) == (404, "the model 'res.nope' does not exist")
    status, body = call(server, "res.partner", "nope", {})
    assert (status, without_debug(body)) == (
        404,
        {
            "name": "werkzeug.exceptions.NotFound",
            "message": "The method 'res.partner.nope' does not exist",
            "arguments": ["The method 'res.partner.nope' does not exist", 404],
            "context": {},
        },
    )


def test_private_method_is_403(server):
    status, body = call(server, "res.partner", "_read", {"ids": [12]})
    assert (status, without_debug(body)["name"], body["message"]) == (
        403,
        "odoo.exceptions.AccessError",
        "Private methods (such as 'res.partner._read') cannot be called remotely.",
    )


def test_wrong_arguments_are_422(server):
    status, body = call(server, "res.partner", "search", {"domain": [], "bogus": 1})
    assert (status, without_debug(body)["name"]) == (422, "werkzeug.exceptions.UnprocessableEntity")
    assert body["message"] == "got an unexpected keyword argument 'bogus'"
    status, body = call(server, "res.partner", "search", {"ids": [1], "domain": []})
    assert (status, body["message"]) == (422, "cannot call res.partner.search with ids")


def test_odoo_errors_carry_their_http_status(server):
    status, body = call(server, "res.partner", "write", {"ids": [99999], "vals": {"name": "x"}})
    assert (status, without_debug(body)) == (
        404,
        {
            "name": "odoo.exceptions.MissingError",
            "message": "Record does not exist or has been deleted.\n(Record: res.partner(99999,), User: 2)",
            "arguments": ["Record does not exist or has been deleted.\n(Record: res.partner(99999,), User: 2)"],
            "context": {},
        },
    )
    status, body = call(server, "res.partner", "create", {"vals_list": {}})
    assert (status, body["name"], body["message"]) == (
        422,
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed: Contacts require a name",
    )
    status, body = call(server, "res.partner", "write", {"ids": [12], "vals": {"color": "abc"}})
    assert (status, body["name"], body["message"]) == (
        500,
        "builtins.ValueError",
        "invalid literal for int() with base 10: 'abc'",
    )


def test_json2_is_not_served_by_an_odoo_18(fake_odoo):
    request = urllib.request.Request(
        f"{fake_odoo.url}/json/2/res.partner/search", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 404


def test_xmlrpc_on_19_words_method_refusals_like_odoo_19(server):
    import xmlrpc.client

    proxy = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.execute_kw("odoo18", 2, "admin", "res.partner", "_read", [[12]])
    assert (caught.value.faultCode, caught.value.faultString) == (
        4,
        "Private methods (such as 'res.partner._read') cannot be called remotely.",
    )
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.execute_kw("odoo18", 2, "admin", "res.partner", "nope", [[12]])
    assert caught.value.faultString.endswith("AttributeError: The method 'res.partner.nope' does not exist\n")


def test_context_get_tells_whose_api_key_it_is(server):
    status, context = call(server, "res.users", "context_get", {})
    assert status == 200
    assert context["uid"] == 2
    assert context["lang"] == "en_US"
