"""The stand-in over real HTTP: protocols, CRUD basics and faults, as the hub's tests rely on them."""

import json
import urllib.error
import urllib.request
import xmlrpc.client

import pytest

DB = "odoo18"


@pytest.fixture
def common(fake_odoo):
    return xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/common")


@pytest.fixture
def obj(fake_odoo):
    return xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")


def jsonrpc(server, service, method, *args):
    body = {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": list(args)}}
    body["id"] = 7
    request = urllib.request.Request(
        f"{server.url}/jsonrpc", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_version_and_authenticate_over_xmlrpc(common):
    assert common.version() == {
        "server_version": "18.0",
        "server_version_info": [18, 0, 0, "final", 0, ""],
        "server_serie": "18.0",
        "protocol_version": 1,
    }
    assert common.authenticate(DB, "admin", "admin", {}) == 2
    assert common.authenticate(DB, "demo", "demo", {}) == 6
    assert common.authenticate(DB, "portal", "portal", {}) == 7
    assert common.authenticate(DB, "admin", "wrong", {}) is False


def test_create_read_write_unlink_over_xmlrpc(fake_odoo, obj):
    new_id = obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "Stand-in Co", "is_company": True}])
    assert isinstance(new_id, int)
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "read", [[new_id]], {"fields": ["name", "is_company"]}) == [
        {"id": new_id, "name": "Stand-in Co", "is_company": True}
    ]
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "write", [[new_id], {"name": "Renamed"}]) is True
    found = obj.execute_kw(
        DB, 2, "admin", "res.partner", "search_read", [[["name", "=", "Renamed"]]], {"fields": ["name"]}
    )
    assert found == [{"id": new_id, "name": "Renamed"}]
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "search_count", [[["name", "=", "Renamed"]]]) == 1
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "unlink", [[new_id]]) is True
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "read", [[new_id]], {"fields": ["name"]}) == []
    assert [r["id"] for r in fake_odoo.records("res.partner")].count(new_id) == 0


def test_missing_record_fault_over_xmlrpc(obj):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "admin", "res.partner", "write", [[99999], {"name": "ghost"}])
    assert caught.value.faultCode == 2
    assert (
        caught.value.faultString == "Record does not exist or has been deleted.\n(Record: res.partner(99999,), User: 2)"
    )


def test_wrong_password_is_access_denied(obj):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "nope", "res.partner", "search", [[]])
    assert (caught.value.faultCode, caught.value.faultString) == (3, "Access Denied")


def test_jsonrpc_error_object_for_unknown_model(fake_odoo):
    reply = jsonrpc(fake_odoo, "object", "execute_kw", DB, 2, "admin", "res.nonexistent", "search", [[]])
    error = reply["error"]
    assert reply["id"] == 7
    assert error["code"] == 200
    assert error["message"] == "Odoo Server Error"
    assert {k: error["data"][k] for k in ("name", "message", "arguments", "context")} == {
        "name": "odoo.exceptions.UserError",
        "message": "Object res.nonexistent doesn't exist",
        "arguments": ["Object res.nonexistent doesn't exist"],
        "context": {},
    }
    assert error["data"]["debug"].startswith("Traceback (most recent call last):")


def test_reset_restores_the_dataset(fake_odoo, obj):
    before = fake_odoo.records("res.partner")
    obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "Temporary"}])
    assert len(fake_odoo.records("res.partner")) == len(before) + 1
    fake_odoo.reset()
    assert fake_odoo.records("res.partner") == before


def post_json(server, path, params, cookie=None):
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 3}).encode()
    request = urllib.request.Request(f"{server.url}{path}", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers.get("Set-Cookie"), json.loads(response.read())


def test_web_session_authenticate_sets_a_cookie_that_calls_accept(fake_odoo):
    cookie, reply = post_json(fake_odoo, "/web/session/authenticate", {"db": DB, "login": "demo", "password": "demo"})
    assert cookie.startswith("session_id=")
    info = reply["result"]
    assert (info["uid"], info["username"], info["name"], info["partner_id"], info["db"]) == (
        6,
        "demo",
        "Marc Demo",
        7,
        DB,
    )
    assert info["is_admin"] is False
    _, reply = post_json(
        fake_odoo,
        "/web/dataset/call_kw/res.partner/read",
        {"model": "res.partner", "method": "read", "args": [[12], ["name"]], "kwargs": {}},
        cookie=cookie.split(";")[0],
    )
    assert reply["result"] == [{"id": 12, "name": "Ready Mat"}]


def test_web_session_authenticate_with_a_wrong_password(fake_odoo):
    cookie, reply = post_json(fake_odoo, "/web/session/authenticate", {"db": DB, "login": "demo", "password": "x"})
    assert cookie is None
    assert reply["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert reply["error"]["data"]["message"] == "Access Denied"


def test_call_kw_without_a_session_is_refused(fake_odoo):
    _, reply = post_json(
        fake_odoo, "/web/dataset/call_kw", {"model": "res.partner", "method": "search", "args": [[]], "kwargs": {}}
    )
    assert reply["error"]["data"]["name"] == "odoo.http.SessionExpiredException"


def test_demo_user_cannot_write_companies_but_reads_partners(obj):
    assert obj.execute_kw(DB, 6, "demo", "res.partner", "read", [[12]], {"fields": ["name"]}) == [
        {"id": 12, "name": "Ready Mat"}
    ]
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 6, "demo", "res.company", "write", [[1], {"name": "Hacked"}])
    assert caught.value.faultCode == 4
    assert caught.value.faultString.startswith("You are not allowed to modify 'Companies' (res.company) records.")


def test_clearing_a_required_value_is_refused(obj):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "admin", "res.partner", "write", [[12], {"name": False}])
    assert (caught.value.faultCode, caught.value.faultString) == (
        2,
        "The operation cannot be completed: Contacts require a name",
    )
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "admin", "sale.order", "write", [[1], {"partner_id": False}])
    assert caught.value.faultString.endswith("Model: Sales Order (sale.order)\nField: Customer (partner_id)\n")


def test_selection_and_type_checks(obj):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "admin", "res.partner", "write", [[12], {"type": "bogus"}])
    assert caught.value.faultString.endswith("ValueError: Wrong value for res.partner.type: 'bogus'\n")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "admin", "res.partner", "write", [[12], {"color": "abc"}])
    assert caught.value.faultString.endswith("ValueError: invalid literal for int() with base 10: 'abc'\n")


def test_sale_order_workflow(obj):
    order = obj.execute_kw(
        DB, 2, "admin", "sale.order", "create", [{"partner_id": 12, "order_line": [[0, 0, {"product_id": 44}]]}]
    )
    assert obj.execute_kw(DB, 2, "admin", "sale.order", "action_confirm", [[order]]) is True
    state = obj.execute_kw(DB, 2, "admin", "sale.order", "read", [[order]], {"fields": ["state", "amount_total"]})
    assert state == [{"id": order, "state": "sale", "amount_total": 750.0}]
    with pytest.raises(xmlrpc.client.Fault) as caught:
        obj.execute_kw(DB, 2, "admin", "sale.order", "unlink", [[order]])
    assert caught.value.faultString == (
        "You can not delete a sent quotation or a confirmed sales order. You must first cancel it."
    )
    assert obj.execute_kw(DB, 2, "admin", "sale.order", "action_cancel", [[order]]) is True
    assert obj.execute_kw(DB, 2, "admin", "sale.order", "unlink", [[order]]) is True


CONFIRMED_LINE_UNLINK = (
    "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets "
    "invoiced or delivered).\n                Set the quantity to 0 instead."
)


def test_lines_of_a_confirmed_order_stay_as_odoo_keeps_them(obj):
    def call(model, method, *args):
        return obj.execute_kw(DB, 2, "admin", model, method, list(args))

    lines = [[0, 0, {"product_id": 44}], [0, 0, {"display_type": "line_section", "name": "Desks"}]]
    order = call("sale.order", "create", {"partner_id": 12, "order_line": lines})
    product_line, section = call("sale.order", "read", [order], ["order_line"])[0]["order_line"]
    call("sale.order", "action_confirm", [order])
    # unlinked, deleted by command, or cleared with the others: a product line is refused
    for model, method, args in [
        ("sale.order.line", "unlink", [[product_line]]),
        ("sale.order", "write", [[order], {"order_line": [[2, product_line, 0]]}]),
        ("sale.order", "write", [[order], {"order_line": [[5, 0, 0]]}]),
    ]:
        with pytest.raises(xmlrpc.client.Fault) as caught:
            call(model, method, *args)
        assert caught.value.faultString == CONFIRMED_LINE_UNLINK
    # a quantity is changed in place, and a section may go
    assert call("sale.order", "write", [order], {"order_line": [[1, product_line, {"product_uom_qty": 0}]]})
    assert call("sale.order.line", "unlink", [section]) is True
    assert call("sale.order", "read", [order], ["order_line"])[0]["order_line"] == [product_line]


def test_connections_stay_open_unless_switched_to_odoo_behaviour(fake_odoo):
    import http.client

    body = xmlrpc.client.dumps((), "version")
    connection = http.client.HTTPConnection("127.0.0.1", fake_odoo.port, timeout=5)
    connection.request("POST", "/xmlrpc/2/common", body, {"Content-Type": "text/xml"})
    first = connection.getresponse()
    first.read()
    assert first.getheader("Connection") is None
    connection.request("POST", "/xmlrpc/2/common", body, {"Content-Type": "text/xml"})
    second = connection.getresponse()
    second.read()
    assert second.status == 200  # same socket, kept alive
    fake_odoo.keep_alive = False
    connection.request("POST", "/xmlrpc/2/common", body, {"Content-Type": "text/xml"})
    closing = connection.getresponse()
    closing.read()
    assert closing.getheader("Connection") == "close"
    assert closing.will_close


def test_concurrent_clients_get_distinct_ids(fake_odoo):
    import threading

    created = []

    def work(n):
        proxy = xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")
        for i in range(20):
            created.append(proxy.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": f"T{n}-{i}"}]))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(created) == 120
    assert len(set(created)) == 120
    names = {r["name"] for r in fake_odoo.records("res.partner")}
    assert {f"T{n}-{i}" for n in range(6) for i in range(20)} <= names
