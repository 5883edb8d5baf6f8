"""The generic routes work the same whichever protocol the connection speaks."""

import json

import pytest

from fake_odoo import FakeOdoo
from tests.endpoints.generic.conftest import rpc_result


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_create_search_and_call_over_each_protocol(
    protocol, rpc, make_key, make_connection, shop, fake_odoo, allow_method
):
    key = make_key(connection=make_connection(protocol=protocol, name=f"over {protocol}"))
    created = rpc_result(
        rpc(
            "create_data",
            "res.partner",
            {
                "payload": {
                    "name": "Proto",
                    "ref": "PR-1",
                    "parent_id": {"ref": "C-1"},
                    "category_id": {"records": [{"name": "VIP"}]},
                }
            },
            key=key,
        )
    )
    assert created["is_success"] is True, created
    found = rpc_result(
        rpc(
            "search_data",
            "res.partner",
            {
                "payload": {
                    "search_field": "name, parent_id{ref}, category_id{name}",
                    "search_domain": "[('ref', '=', 'PR-1')]",
                }
            },
            key=key,
        )
    )
    assert found["result"] == [
        {
            "id": created["result"]["id"],
            "name": "Proto",
            "parent_id": {"id": shop["Customer A"], "ref": "C-1"},
            "category_id": [{"id": shop["VIP"], "name": "VIP"}],
        }
    ]
    allow_method("res.partner", "action_archive")
    # action_archive returns None: XML-RPC cannot say so, yet the method ran
    called = rpc_result(
        rpc(
            "call_function",
            "res.partner",
            {"search_key": {"ref": "PR-1"}, "payload": {"method": "action_archive"}},
            key=key,
        )
    )
    assert called == {
        "is_success": True,
        "result": None,
        "messages": "res.partner.action_archive called on 1 record(s).",
    }
    assert next(r for r in fake_odoo.records("res.partner") if r["id"] == created["result"]["id"])["active"] is False


@pytest.fixture(scope="module")
def odoo19():
    """An Odoo 19 stand-in (JSON-2 with API keys), for this module only."""
    server = FakeOdoo(version="19.0").start()
    yield server
    server.stop()


def test_json2_connection_and_a_session_on_odoo_19(odoo19, rpc, make_key, make_connection, client, allow_method):
    odoo19.reset()
    connection = make_connection(protocol="json2", secret=odoo19.ADMIN_API_KEY, server=odoo19, name="odoo 19")
    key = make_key(connection=connection)
    created = rpc_result(
        rpc(
            "create_data",
            "res.partner",
            {"payload": {"name": "On 19", "ref": "N-19"}, "result_field": ["ref"]},
            key=key,
        )
    )
    assert created == {
        "is_success": True,
        "result": {"id": created["result"]["id"], "ref": "N-19"},
        "messages": "Record created.",
    }
    allow_method("res.partner", "action_archive")
    called = rpc_result(
        rpc(
            "call_function",
            "res.partner",
            {"search_key": {"ref": "N-19"}, "payload": {"method": "action_archive"}},
            key=key,
        )
    )
    assert called["is_success"] is True
    # a session on Odoo 19 logs in with the user's password (JSON-2 takes API keys only)
    params = {"db": odoo19.database, "login": "demo", "password": "demo", "connection": "odoo 19"}
    assert (
        client.post(
            "/web/session/authenticate", data=json.dumps({"params": params}), content_type="application/json"
        ).status_code
        == 200
    )
    body = {
        "params": {
            "model": "res.partner",
            "vals": {
                "payload": {"search_field": ["ref"], "search_domain": "[('ref', '=', 'N-19'), ('active', '=', False)]"}
            },
        }
    }
    found = rpc_result(client.post("/api/search_data", data=json.dumps(body), content_type="application/json"))
    assert found["result"] == [{"id": created["result"]["id"], "ref": "N-19"}]
