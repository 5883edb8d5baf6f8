"""A many2many value without "mode" replaces the record's tags, over HTTP through the hub to the stand-in."""

import pytest

from tests.endpoints.generic.conftest import rpc_result


def tags_of(fake_odoo, record_id) -> list[int]:
    (record,) = [r for r in fake_odoo.records("res.partner") if r["id"] == record_id]
    return sorted(record["category_id"])


@pytest.mark.parametrize("route", ["update_data", "create_update_data"])
def test_many2many_without_mode_replaces_the_existing_tags(rpc, shop, fake_odoo, odoo_client, route):
    odoo_client.execute_kw("res.partner", "write", [[shop["Customer A"]], {"category_id": [[6, 0, [shop["VIP"]]]]}])
    assert tags_of(fake_odoo, shop["Customer A"]) == [shop["VIP"]]

    result = rpc_result(
        rpc(
            route,
            "res.partner",
            {"search_key": {"ref": "C-1"}, "payload": {"category_id": {"records": [{"name": "Wholesale"}]}}},
        )
    )

    assert result == {"is_success": True, "result": {"id": shop["Customer A"]}, "messages": "Record updated."}
    assert tags_of(fake_odoo, shop["Customer A"]) == [shop["Wholesale"]]  # VIP is gone: replaced, not added
