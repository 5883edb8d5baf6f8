"""The restricted demo user logs in with its API key too: reads allowed, company writes refused as recorded."""

import json
import urllib.error
import urllib.request
import xmlrpc.client

import pytest

from fake_odoo import FakeOdoo

# faults_xmlrpc.json, "AccessError: demo writes res.company" (faultCode 4).
COMPANY_WRITE_DENIED = (
    "You are not allowed to modify 'Companies' (res.company) records.\n\n"
    "This operation is allowed for the following groups:\n\t- Administration/Access Rights\n\n"
    "Contact your administrator to request access if necessary."
)
# Odoo 19 names the group "Access Rights" (json2.json, "AccessError as demo (ACL: res.users create)").
COMPANY_WRITE_DENIED_19 = COMPANY_WRITE_DENIED.replace("Administration/Access Rights", "Access Rights")


@pytest.fixture(scope="module")
def odoo18():
    with FakeOdoo(version="18.0") as server:
        yield server


@pytest.fixture(scope="module")
def odoo19():
    with FakeOdoo(version="19.0") as server:
        yield server


def json2(server, model, method, body, key):
    request = urllib.request.Request(
        f"{server.url}/json/2/{model}/{method}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Odoo-Database": "odoo18", "Authorization": f"bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def jsonrpc(server, service, method, *args):
    body = {"jsonrpc": "2.0", "id": 1, "method": "call", "params": {"service": service, "method": method, "args": args}}
    request = urllib.request.Request(
        f"{server.url}/jsonrpc", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def company_name(server):
    proxy = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    return proxy.execute_kw("odoo18", 2, "admin", "res.company", "read", [[1], ["name"]])[0]["name"]


def test_the_demo_key_is_fixed_and_distinct():
    assert FakeOdoo.DEMO_API_KEY == "5d1e0c7a9b3f4e6d8a2c1b0f9e8d7c6b5a4f3e2d"
    assert FakeOdoo.DEMO_API_KEY != FakeOdoo.ADMIN_API_KEY


def test_json2_demo_key_reads_partners_products_and_companies(odoo19):
    odoo19.reset()
    key = odoo19.DEMO_API_KEY
    status, partners = json2(
        odoo19, "res.partner", "search_read", {"domain": [["id", "=", 7]], "fields": ["name"]}, key
    )
    assert (status, partners) == (200, [{"id": 7, "name": "Marc Demo"}])
    status, count = json2(odoo19, "product.product", "search_count", {"domain": []}, key)
    assert status == 200
    assert count == json2(odoo19, "product.product", "search_count", {"domain": []}, odoo19.ADMIN_API_KEY)[1]
    status, companies = json2(odoo19, "res.company", "read", {"ids": [1], "fields": ["id"]}, key)
    assert (status, companies) == (200, [{"id": 1}])


def test_json2_demo_key_company_write_is_403_access_error(odoo19):
    odoo19.reset()
    before = company_name(odoo19)
    status, body = json2(odoo19, "res.company", "write", {"ids": [1], "vals": {"name": "Renamed"}}, odoo19.DEMO_API_KEY)
    assert status == 403
    assert body["debug"].startswith("Traceback (most recent call last):")
    assert {k: v for k, v in body.items() if k != "debug"} == {
        "name": "odoo.exceptions.AccessError",
        "message": COMPANY_WRITE_DENIED_19,
        "arguments": [COMPANY_WRITE_DENIED_19],
        "context": {},
    }
    assert company_name(odoo19) == before


def test_json2_the_same_write_with_the_admin_key_succeeds(odoo19):
    odoo19.reset()
    status, body = json2(
        odoo19, "res.company", "write", {"ids": [1], "vals": {"name": "Renamed"}}, odoo19.ADMIN_API_KEY
    )
    assert (status, body) == (200, True)
    assert company_name(odoo19) == "Renamed"


def test_jsonrpc_demo_authenticates_with_its_key_and_reads(odoo18):
    odoo18.reset()
    key = odoo18.DEMO_API_KEY
    assert jsonrpc(odoo18, "common", "authenticate", "odoo18", "demo", key, {})["result"] == 6
    reply = jsonrpc(odoo18, "object", "execute_kw", "odoo18", 6, key, "res.partner", "read", [[7], ["name"]])
    assert reply == {"jsonrpc": "2.0", "id": 1, "result": [{"id": 7, "name": "Marc Demo"}]}


def test_jsonrpc_demo_key_company_write_is_the_recorded_access_error(odoo18):
    odoo18.reset()
    before = company_name(odoo18)
    reply = jsonrpc(
        odoo18, "object", "execute_kw", "odoo18", 6, odoo18.DEMO_API_KEY, "res.company", "write", [[1], {"name": "X"}]
    )
    error = reply["error"]
    assert (error["code"], error["message"]) == (200, "Odoo Server Error")
    assert {k: v for k, v in error["data"].items() if k != "debug"} == {
        "name": "odoo.exceptions.AccessError",
        "message": COMPANY_WRITE_DENIED,
        "arguments": [COMPANY_WRITE_DENIED],
        "context": {},
    }
    assert company_name(odoo18) == before


def test_xmlrpc_demo_key_company_write_is_fault_4(odoo18):
    odoo18.reset()
    proxy = xmlrpc.client.ServerProxy(f"{odoo18.url}/xmlrpc/2/object")
    assert proxy.execute_kw("odoo18", 6, odoo18.DEMO_API_KEY, "res.partner", "search", [[["id", "=", 7]]]) == [7]
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.execute_kw("odoo18", 6, odoo18.DEMO_API_KEY, "res.company", "write", [[1], {"name": "X"}])
    assert (fault.value.faultCode, fault.value.faultString) == (4, COMPANY_WRITE_DENIED)


def test_a_key_works_only_for_its_own_user(odoo18):
    """As recorded for admin's key with demo's uid: another user's key is Access Denied, both ways."""
    odoo18.reset()
    common = xmlrpc.client.ServerProxy(f"{odoo18.url}/xmlrpc/2/common")
    assert common.authenticate("odoo18", "admin", odoo18.DEMO_API_KEY, {}) is False
    assert common.authenticate("odoo18", "demo", odoo18.ADMIN_API_KEY, {}) is False
    proxy = xmlrpc.client.ServerProxy(f"{odoo18.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.execute_kw("odoo18", 2, odoo18.DEMO_API_KEY, "res.partner", "search_count", [[]])
    assert (fault.value.faultCode, fault.value.faultString) == (3, "Access Denied")
