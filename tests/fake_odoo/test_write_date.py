"""write_date of a sale order follows its lines as Odoo 18 moves it (tests/fixtures/odoo18/polling.json):
a quantity change recomputes the order's stored amounts, so the order is written; a description change
leaves the order alone."""

import xmlrpc.client

import pytest

DB = "odoo18"
LONG_AGO = "2026-01-01 00:00:00"


@pytest.fixture
def obj(fake_odoo):
    proxy = xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")

    def call(model, method, *args, **kwargs):
        return proxy.execute_kw(DB, 2, "admin", model, method, list(args), kwargs)

    return call


@pytest.fixture
def order(obj, fake_odoo):
    order_id = obj("sale.order", "create", {"partner_id": 12, "order_line": [[0, 0, {"product_id": 5}]]})
    with fake_odoo.store.lock:  # as if written long ago
        fake_odoo.store.data["sale.order"][order_id]["write_date"] = LONG_AGO
    [line] = obj("sale.order", "read", [order_id], fields=["order_line"])[0]["order_line"]
    return order_id, line


def _order_write_date(obj, order_id):
    return obj("sale.order", "read", [order_id], fields=["write_date"])[0]["write_date"]


def test_a_quantity_change_of_a_line_moves_its_order_write_date(obj, order):
    order_id, line = order
    obj("sale.order.line", "write", [line], {"product_uom_qty": 4.0})
    assert _order_write_date(obj, order_id) > LONG_AGO


def test_a_description_change_of_a_line_leaves_its_order_write_date(obj, order):
    order_id, line = order
    obj("sale.order.line", "write", [line], {"name": "Another description"})
    assert _order_write_date(obj, order_id) == LONG_AGO
