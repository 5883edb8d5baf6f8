"""The issue's own examples, on sales orders: a header with lines and files, update, nested search, a confirm call."""

import base64

import pytest

from hub import callstats
from tests.endpoints.generic.conftest import rpc_result


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def order(fake_odoo, order_id) -> dict:
    return next(r for r in fake_odoo.records("sale.order") if r["id"] == order_id)


def lines(fake_odoo, order_id) -> list[dict]:
    return sorted((r for r in fake_odoo.records("sale.order.line") if r["order_id"] == order_id), key=lambda r: r["id"])


ORDER = {
    "payload": {
        "partner_id": {"name": "Customer A"},
        "client_order_ref": "PO-1",
        "order_line": [
            {"product_id": {"default_code": "P-1"}, "product_uom_qty": 2},
            {
                "product_id": {"default_code": "P-2"},
                "product_uom_qty": 1,
                "attachment_ids": [{"name": "spec.txt", "datas": b64(b"line spec")}],
            },
        ],
        "attachment_ids": [{"name": "po.pdf", "datas": b64(b"%PDF purchase order")}],
    },
    "result_field": ["name"],
}


@pytest.fixture
def order_id(rpc, shop):
    result = rpc_result(rpc("create_data", "sale.order", ORDER))
    assert result["is_success"] is True, result
    return result["result"]["id"]


def test_create_order_with_lines_and_files(rpc, shop, fake_odoo):
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "sale.order", ORDER))
    order_id = result["result"]["id"]
    assert result == {
        "is_success": True,
        "result": {"id": order_id, "name": order(fake_odoo, order_id)["name"]},
        "messages": "Record created. 2 file(s) attached.",
    }
    stored = order(fake_odoo, order_id)
    assert (stored["partner_id"], stored["client_order_ref"]) == (shop["Customer A"], "PO-1")
    order_lines = lines(fake_odoo, order_id)
    assert [(line["product_id"], line["product_uom_qty"]) for line in order_lines] == [
        (shop["Widget"], 2),
        (shop["Gadget"], 1),
    ]
    files = {(a["res_model"], a["res_id"], a["name"]) for a in fake_odoo.records("ir.attachment")}
    assert {("sale.order", order_id, "po.pdf"), ("sale.order.line", order_lines[1]["id"], "spec.txt")} <= files
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("sale.order", "fields_get"),
        ("sale.order.line", "fields_get"),
        ("res.partner", "search_read"),
        ("product.product", "search_read"),  # both lines' products in one search
        ("sale.order", "create"),  # the order with its lines
        ("sale.order", "read"),  # result_field and the line ids, in one read
        ("ir.attachment", "create"),
    ]


def test_rpc_budget_of_the_order_with_a_warm_cache(rpc, shop):
    vals = {"payload": {key: value for key, value in ORDER["payload"].items() if key != "attachment_ids"}}
    vals["payload"]["order_line"] = [
        {k: v for k, v in line.items() if k != "attachment_ids"} for line in vals["payload"]["order_line"]
    ]
    rpc_result(rpc("create_data", "sale.order", vals))
    with callstats.tracking() as stats:
        assert rpc_result(rpc("create_data", "sale.order", vals))["is_success"] is True
    assert stats.count == 2 + 1  # k = 2 pairs: (res.partner, name), (product.product, default_code)
    vals["result_field"] = ["name", "amount_total"]
    with callstats.tracking() as stats:
        assert rpc_result(rpc("create_data", "sale.order", vals))["is_success"] is True
    assert stats.count == 2 + 1 + 1


def test_update_order_replaces_its_lines(rpc, shop, fake_odoo, order_id):
    old_lines = [line["id"] for line in lines(fake_odoo, order_id)]
    name = order(fake_odoo, order_id)["name"]
    vals = {
        "search_key": {"name": name},
        "payload": {
            "partner_id": {"ref": "C-2"},
            "order_line": [{"product_id": {"id": shop["Gadget"]}, "product_uom_qty": 5}],
        },
    }
    result = rpc_result(rpc("update_data", "sale.order", vals))
    assert result == {"is_success": True, "result": {"id": order_id}, "messages": "Record updated."}
    assert order(fake_odoo, order_id)["partner_id"] == shop["Customer B"]
    new_lines = lines(fake_odoo, order_id)
    assert [(line["product_id"], line["product_uom_qty"]) for line in new_lines] == [(shop["Gadget"], 5)]
    # order lines cannot live without their order: the old ones are gone
    assert not {line["id"] for line in fake_odoo.records("sale.order.line")} & set(old_lines)


def test_search_orders_with_partner_sub_fields(rpc, shop, order_id, fake_odoo):
    payload = {
        "search_field": ["name", "partner_id{name, email}", "order_line{product_id{default_code}, product_uom_qty}"],
        "search_domain": f"[('id', '=', {order_id})]",
    }
    result = rpc_result(rpc("search_data", "sale.order", {"payload": payload}))
    order_lines = lines(fake_odoo, order_id)
    assert result == {
        "is_success": True,
        "result": [
            {
                "id": order_id,
                "name": order(fake_odoo, order_id)["name"],
                "partner_id": {"id": shop["Customer A"], "name": "Customer A", "email": "a@example.com"},
                "order_line": [
                    {
                        "id": order_lines[0]["id"],
                        "product_id": {"id": shop["Widget"], "default_code": "P-1"},
                        "product_uom_qty": 2.0,
                    },
                    {
                        "id": order_lines[1]["id"],
                        "product_id": {"id": shop["Gadget"], "default_code": "P-2"},
                        "product_uom_qty": 1.0,
                    },
                ],
            }
        ],
        "messages": "1 record(s) found.",
    }


def test_confirm_the_order_through_call_function(rpc, shop, order_id, fake_odoo, allow_method):
    allow_method("sale.order", "action_confirm")
    name = order(fake_odoo, order_id)["name"]
    vals = {
        "search_key": {"name": name},
        "payload": {"method": "action_confirm", "parameter": {}, "context": {"lang": "fr_FR"}},
    }
    result = rpc_result(rpc("call_function", "sale.order", vals))
    assert result == {
        "is_success": True,
        "result": True,
        "messages": "sale.order.action_confirm called on 1 record(s).",
    }
    assert order(fake_odoo, order_id)["state"] == "sale"
    again = rpc_result(rpc("call_function", "sale.order", vals))
    assert again["is_success"] is False
    assert again["result"] == {}
    assert "Traceback" not in again["messages"]
