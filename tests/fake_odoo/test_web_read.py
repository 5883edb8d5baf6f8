"""Specification reads of related records' fields, shaped as Odoo 18's ``web_read`` answers them."""

import xmlrpc.client

import pytest

DB = "odoo18"


@pytest.fixture
def call(fake_odoo):
    proxy = xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object", allow_none=True)

    def execute(model, method, args, kwargs=None):
        return proxy.execute_kw(DB, 2, "admin", model, method, args, kwargs or {})

    return execute


def test_many2one_sub_fields_come_with_the_id_and_nothing_else(call):
    spec = {"country_id": {"fields": {"code": {}}}, "category_id": {"fields": {"name": {}}}}
    assert call("res.partner", "web_read", [[12], spec]) == [
        {
            "id": 12,
            "country_id": {"id": 233, "code": "US"},
            "category_id": [{"id": 7, "name": "Desk Manufacturers"}, {"id": 6, "name": "Office Supplies"}],
        }
    ]
    both = {"country_id": {"fields": {"code": {}, "display_name": {}}}}
    assert call("res.partner", "web_read", [[12], both]) == [
        {"id": 12, "country_id": {"id": 233, "code": "US", "display_name": "United States"}}
    ]


def test_empty_sub_fields_give_ids_in_dicts_and_no_spec_gives_bare_ids(call):
    # Odoo 18: 'fields' present (even empty) -> {"id": ..}; absent -> the id alone
    assert call("res.partner", "web_read", [[12], {"country_id": {"fields": {}}, "category_id": {"fields": {}}}]) == [
        {"id": 12, "country_id": {"id": 233}, "category_id": [{"id": 7}, {"id": 6}]}
    ]
    assert call("res.partner", "web_read", [[12], {"country_id": {}, "category_id": {}}]) == [
        {"id": 12, "country_id": 233, "category_id": [7, 6]}
    ]


def test_an_empty_many2one_stays_false_and_empty_lookup_values_are_false(call):
    new_id = call("res.partner", "create", [{"name": "No Country"}])
    assert call("res.partner", "web_read", [[new_id], {"country_id": {"fields": {"code": {}}}}]) == [
        {"id": new_id, "country_id": False}
    ]
    order_spec = {"partner_id": {"fields": {"email": {}}}}
    order_id = call("sale.order", "create", [{"partner_id": new_id}])
    assert call("sale.order", "web_read", [[order_id], order_spec]) == [
        {"id": order_id, "partner_id": {"id": new_id, "email": False}}
    ]


def test_lookup_fields_of_one2many_lines_are_read_in_the_same_call(call):
    product = call("product.product", "create", [{"name": "Spec Desk", "default_code": "SPEC-1"}])
    order_id = call(
        "sale.order",
        "create",
        [{"partner_id": 12, "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 2})]}],
    )
    spec = {
        "partner_id": {"fields": {"email": {}}},
        "order_line": {"fields": {"product_id": {"fields": {"default_code": {}}}, "product_uom_qty": {}}},
    }
    [order] = call("sale.order", "web_read", [[order_id], spec])
    assert order == {
        "id": order_id,
        "partner_id": {"id": 12, "email": "ready.mat28@example.com"},
        "order_line": [
            {
                "id": order["order_line"][0]["id"],
                "product_id": {"id": product, "default_code": "SPEC-1"},
                "product_uom_qty": 2.0,
            }
        ],
    }
