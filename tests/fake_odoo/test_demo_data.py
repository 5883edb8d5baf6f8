"""Demo records the recordings never show, as Odoo 18's own demo files set them.

The values pinned here come from Odoo 18's demo data, read in odoo/odoo:
- S00002 and its lines: addons/sale/data/sale_demo.xml (sale_order_2, sale_order_line_4 and _5);
  the lines' unit is their product's (addons/product/data/product_demo.xml: product_product_1 and
  _2 are sold in hours; addons/uom/data/uom_data.xml makes Hours the fourth unit);
- partner emails and phones: odoo/addons/base/data/res_partner_demo.xml (companies and their
  contacts, matched to the stand-in's ids by name) and res_users_demo.xml (the portal user).
Amounts are the stand-in's own computation (quantity times unit price, no tax), not copied totals.
Everything is read over XML-RPC from a running stand-in.
"""

import pytest


def test_s00002_has_the_demo_lines(call_odoo):
    fields = ["order_id", "product_id", "name", "product_uom_qty", "price_unit", "product_uom", "price_subtotal"]
    lines = call_odoo("sale.order.line", "search_read", [["order_id", "=", 2]], fields=fields, order="id")
    assert lines == [
        {
            "id": 4,
            "order_id": [2, "S00002"],
            "product_id": [3, "Virtual Interior Design"],
            "name": "Virtual Interior Design",
            "product_uom_qty": 24.0,
            "price_unit": 75.0,
            "product_uom": [4, "Hours"],
            "price_subtotal": 1800.0,
        },
        {
            "id": 5,
            "order_id": [2, "S00002"],
            "product_id": [4, "Virtual Home Staging"],
            "name": "Virtual Home Staging",
            "product_uom_qty": 30.0,
            "price_unit": 38.25,
            "product_uom": [4, "Hours"],
            "price_subtotal": 1147.5,
        },
    ]


def test_s00002_order_as_the_demo_sets_it(call_odoo):
    fields = ["partner_id", "partner_invoice_id", "partner_shipping_id", "user_id", "tag_ids", "order_line"]
    fields += ["amount_untaxed", "amount_total", "state", "date_order"]
    [order] = call_odoo("sale.order", "read", [2], fields=fields)
    assert order == {
        "id": 2,
        "partner_id": [12, "Ready Mat"],
        "partner_invoice_id": [25, "Ready Mat, Kim Snyder"],
        "partner_shipping_id": [25, "Ready Mat, Kim Snyder"],
        "user_id": [2, "Mitchell Admin"],
        "tag_ids": [7],
        "order_line": [4, 5],
        "amount_untaxed": 2947.5,
        "amount_total": 2947.5,
        "state": "draft",
        "date_order": "2026-10-20 22:26:00",
    }
    assert call_odoo("crm.tag", "read", [7], fields=["name"]) == [{"id": 7, "name": "Consulting"}]


def test_a_new_line_changes_s00002_amounts_from_the_demo_ones(call_odoo):
    line = call_odoo(
        "sale.order.line", "create", {"order_id": 2, "product_id": 3, "product_uom_qty": 2, "price_unit": 10}
    )
    [order] = call_odoo("sale.order", "read", [2], fields=["order_line", "amount_total"])
    assert sorted(order["order_line"]) == [4, 5, line]
    assert order["amount_total"] == 2967.5


def test_hour_services_are_sold_in_hours(call_odoo):
    products = call_odoo("product.product", "read", [3, 4], fields=["name", "uom_id"])
    assert products == [
        {"id": 3, "name": "Virtual Interior Design", "uom_id": [4, "Hours"]},
        {"id": 4, "name": "Virtual Home Staging", "uom_id": [4, "Hours"]},
    ]


@pytest.mark.parametrize(
    ("partner_id", "email", "phone"),
    [
        (8, "joel.willis63@example.com", "(683)-556-5104"),  # res_users_demo.xml, partner_demo_portal
        (14, "jackson.group82@example.com", "(334)-502-1024"),  # res_partner_10
        (16, "lumber-inv92@example.com", "(828)-316-0593"),  # res_partner_18
        (17, "willie.burke80@example.com", "(846)-523-2111"),  # res_partner_address_1
        (25, "kim.snyder96@example.com", "(215)-379-4865"),  # res_partner_address_13
        (41, "dwayne.newman28@example.com", "(614)-177-4937"),  # res_partner_main2
    ],
)
def test_demo_partner_email_and_phone(call_odoo, partner_id, email, phone):
    [partner] = call_odoo("res.partner", "read", [partner_id], fields=["email", "phone"])
    assert partner == {"id": partner_id, "email": email, "phone": phone}


def test_openwood_as_the_demo_sets_it(call_odoo):
    [partner] = call_odoo("res.partner", "read", [13], fields=["name", "email", "phone", "mobile"])
    assert partner == {
        "id": 13,
        "name": "OpenWood",
        "email": "wow@example.com",
        "phone": "+32 987 65 43 21",
        "mobile": "+32 987 65 43 21",
    }


def test_recorded_contacts_keep_their_recorded_values(call_odoo):
    # search_read.json: Ready Mat's email and phone, as recorded (the demo file agrees)
    [partner] = call_odoo("res.partner", "read", [12], fields=["email", "phone"])
    assert partner == {"id": 12, "email": "ready.mat28@example.com", "phone": "(803)-873-6126"}
