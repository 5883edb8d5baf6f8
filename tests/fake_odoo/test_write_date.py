"""write_date of a sale order follows its lines as Odoo 18 moves it (tests/fixtures/odoo18/polling.json):
a quantity change recomputes the order's stored amounts, so the order is written; a description change
leaves the order alone."""

import pytest

LONG_AGO = "2026-01-01 00:00:00"


@pytest.fixture
def order(call_odoo, fake_odoo):
    order_id = call_odoo("sale.order", "create", {"partner_id": 12, "order_line": [[0, 0, {"product_id": 5}]]})
    with fake_odoo.store.lock:  # as if written long ago
        fake_odoo.store.data["sale.order"][order_id]["write_date"] = LONG_AGO
    [line] = call_odoo("sale.order", "read", [order_id], fields=["order_line"])[0]["order_line"]
    return order_id, line


def _order_write_date(call_odoo, order_id):
    return call_odoo("sale.order", "read", [order_id], fields=["write_date"])[0]["write_date"]


def test_a_quantity_change_of_a_line_moves_its_order_write_date(call_odoo, order):
    order_id, line = order
    call_odoo("sale.order.line", "write", [line], {"product_uom_qty": 4.0})
    assert _order_write_date(call_odoo, order_id) > LONG_AGO


def test_a_description_change_of_a_line_leaves_its_order_write_date(call_odoo, order):
    order_id, line = order
    call_odoo("sale.order.line", "write", [line], {"name": "Another description"})
    assert _order_write_date(call_odoo, order_id) == LONG_AGO
