"""update_data on an order's lines: replacing them fails once the order is confirmed; lines sent by id are written."""

import pytest

from hub import callstats
from tests.endpoints.generic.conftest import rpc_result

# Odoo's UserError, as the hub answers it: Odoo's whole message, its advice included, on one line
CONFIRMED_LINE_UNLINK = (
    "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets "
    "invoiced or delivered). Set the quantity to 0 instead."
)


def lines(fake_odoo, order_id) -> list[tuple[int, int, float]]:
    """(id, product, quantity) of the order's lines, by id."""
    found = [r for r in fake_odoo.records("sale.order.line") if r["order_id"] == order_id]
    return sorted((r["id"], r["product_id"], r["product_uom_qty"]) for r in found)


@pytest.fixture
def confirmed(shop, odoo_client):
    """A confirmed order (PO-7) of Customer A: 2 Widgets and 1 Gadget; returns its id."""
    order_id = odoo_client.execute_kw(
        "sale.order",
        "create",
        [
            {
                "partner_id": shop["Customer A"],
                "client_order_ref": "PO-7",
                "order_line": [
                    (0, 0, {"product_id": shop["Widget"], "product_uom_qty": 2}),
                    (0, 0, {"product_id": shop["Gadget"], "product_uom_qty": 1}),
                ],
            }
        ],
    )
    odoo_client.execute_kw("sale.order", "action_confirm", [[order_id]])
    return order_id


def update(rpc, payload):
    vals = {"search_key": {"client_order_ref": "PO-7"}, "payload": payload}
    return rpc_result(rpc("update_data", "sale.order", vals))


def test_replacing_the_lines_of_a_confirmed_order_is_refused_as_odoo_does(rpc, shop, confirmed, fake_odoo):
    before = lines(fake_odoo, confirmed)
    result = update(rpc, {"order_line": [{"product_id": {"id": shop["Gadget"]}, "product_uom_qty": 5}]})
    assert result == {"is_success": False, "result": {}, "messages": CONFIRMED_LINE_UNLINK}
    assert lines(fake_odoo, confirmed) == before


def test_a_line_sent_with_its_id_is_written_in_place(rpc, shop, confirmed, fake_odoo):
    (widget, _, _), gadget = lines(fake_odoo, confirmed)
    update(rpc, {"order_line": [{"id": widget, "product_uom_qty": 2}]})  # warms the cached field types
    with callstats.tracking() as stats:
        result = update(rpc, {"order_line": [{"id": widget, "product_uom_qty": 7}]})
    assert result == {"is_success": True, "result": {"id": confirmed}, "messages": "Record updated."}
    # the other line is kept: lines sent by id update, they do not replace
    assert lines(fake_odoo, confirmed) == [(widget, shop["Widget"], 7.0), gadget]
    assert [(model, method) for model, method, _ in stats.calls] == [
        ("sale.order", "search_read"),  # the order, with its current line ids
        ("sale.order", "write"),  # (1, id, vals)
    ]


def test_lines_by_id_and_new_lines_together(rpc, shop, confirmed, fake_odoo):
    (widget, _, _), (gadget, _, _) = lines(fake_odoo, confirmed)
    result = update(
        rpc,
        {
            "order_line": [
                {"id": gadget, "product_uom_qty": 0},
                {"product_id": {"default_code": "P-1"}, "product_uom_qty": 3},
            ]
        },
    )
    assert result["is_success"] is True, result
    [*kept, (new, product, quantity)] = lines(fake_odoo, confirmed)
    assert kept == [(widget, shop["Widget"], 2.0), (gadget, shop["Gadget"], 0.0)]
    assert (product, quantity) == (shop["Widget"], 3.0)
    assert new > gadget


def test_a_line_of_another_record_is_refused_before_writing(rpc, shop, confirmed, fake_odoo, odoo_client):
    other = odoo_client.execute_kw(
        "sale.order",
        "create",
        [{"partner_id": shop["Customer B"], "order_line": [(0, 0, {"product_id": shop["Widget"]})]}],
    )
    [(foreign, _, _)] = lines(fake_odoo, other)
    before = lines(fake_odoo, confirmed)
    result = update(rpc, {"order_line": [{"id": foreign, "product_uom_qty": 9}]})
    assert result == {
        "is_success": False,
        "result": {},
        "messages": f"order_line[0].id: {foreign} is not one of the order_line lines of this sale.order record.",
    }
    assert lines(fake_odoo, confirmed) == before
    assert lines(fake_odoo, other)[0][2] == 1.0


@pytest.mark.parametrize(
    ("route", "payload", "message"),
    [
        (
            "create_data",
            {"partner_id": {"ref": "C-1"}, "order_line": [{"id": 1, "product_uom_qty": 1}]},
            "order_line[0].id: a line id writes a line of an existing record; a new record has none yet.",
        ),
        (
            "update_data",
            {"order_line": [{"id": "first", "product_uom_qty": 1}]},
            "order_line[0].id: a line id is a whole number, as search_data answers it.",
        ),
        (
            "update_data",
            {"order_line": [{"id": 1, "attachment_ids": [{"name": "a.txt", "datas": "YQ=="}]}]},
            "order_line: files go on lines that replace the current ones, not on lines sent by id.",
        ),
    ],
)
def test_line_ids_where_they_cannot_serve(rpc, shop, confirmed, route, payload, message):
    vals = {"payload": payload}
    if route == "update_data":
        vals["search_key"] = {"client_order_ref": "PO-7"}
    with callstats.tracking() as stats:
        result = rpc_result(rpc(route, "sale.order", vals))
    assert result == {"is_success": False, "result": {}, "messages": message}
    assert [method for _, method, _ in stats.calls if method not in ("fields_get",)] == []
