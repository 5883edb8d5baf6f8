"""The generic routes work the same whichever protocol the connection speaks."""

import pytest

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
