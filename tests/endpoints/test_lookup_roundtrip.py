"""A lookup line answers what a caller sends: POST then GET give back codes, emails, references, tag names."""

import pytest

from tests.endpoints.support import body

pytestmark = pytest.mark.django_db

COUNTRY = {"model": "res.country", "field": "code"}
TAGS = {"model": "res.partner.category", "field": "name"}

PARTNER_LINES = [
    {"odoo_field": "ref", "external_key": "ref", "odoo_type": "char", "is_identifier": True, "required": True},
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char", "required": True},
    {"odoo_field": "country_id", "external_key": "country", "value_type": "many2one", "options": COUNTRY},
    {"odoo_field": "category_id", "external_key": "tags", "value_type": "many2many", "options": TAGS},
    {
        "odoo_field": "child_ids",
        "external_key": "contacts",
        "value_type": "one2many",
        "children": [
            {"odoo_field": "name", "external_key": "name", "odoo_type": "char", "required": True},
            {"odoo_field": "country_id", "external_key": "country", "value_type": "many2one", "options": COUNTRY},
            {"odoo_field": "category_id", "external_key": "tags", "value_type": "many2many", "options": TAGS},
        ],
    },
]

PARTNER = {
    "ref": "RT-1",
    "name": "Round Trip Ltd",
    "country": "BE",
    "tags": ["Desk Manufacturers", "Office Supplies"],
    "contacts": [
        {"name": "Ann Round", "country": "US", "tags": ["Prospects"]},
        {"name": "Ben Trip", "country": None, "tags": []},
    ],
}

# What Odoo stores: a contact (type contact) takes its company's address, its own country included.
STORED = {**PARTNER, "contacts": [{**contact, "country": PARTNER["country"]} for contact in PARTNER["contacts"]]}

ORDER_LINES = [
    {"odoo_field": "name", "external_key": "number", "odoo_type": "char", "is_identifier": True, "direction": "out"},
    {
        "odoo_field": "partner_id",
        "external_key": "customer_email",
        "value_type": "many2one",
        "options": {"model": "res.partner", "field": "email"},
        "required": True,
    },
    {"odoo_field": "client_order_ref", "external_key": "reference", "odoo_type": "char"},
    {
        "odoo_field": "order_line",
        "external_key": "lines",
        "value_type": "one2many",
        "children": [
            {
                "odoo_field": "product_id",
                "external_key": "sku",
                "value_type": "many2one",
                "options": {"model": "product.product", "field": "default_code"},
                "required": True,
            },
            {"odoo_field": "product_uom_qty", "external_key": "quantity", "odoo_type": "float"},
        ],
    },
]


@pytest.fixture
def partners(make_endpoint):
    return make_endpoint(slug="partners", domain="[('ref', '=like', 'RT-%')]", lines=PARTNER_LINES)


@pytest.fixture
def orders(make_endpoint):
    return make_endpoint(slug="orders", odoo_model="sale.order", domain="[]", lines=ORDER_LINES)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_post_then_get_partner_gives_back_codes_and_tag_names_nested_too(client, partners, rpc_calls):
    response = post(client, "/bj_api_sync/v1/partners", PARTNER)
    assert response.status_code == 201, response.content
    assert body(response) == {"status": "success", "data": STORED}
    assert rpc_calls == [
        ("res.country", "search_read"),  # BE and US, top level and contacts together
        ("res.partner.category", "search_read"),  # the three tag names
        ("res.partner", "search_read"),  # does RT-1 exist already?
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),  # the read-back carries the codes and names
    ]
    rpc_calls.clear()
    assert body(client.get("/bj_api_sync/v1/partners/RT-1")) == {"status": "success", "data": STORED}
    assert rpc_calls == [("res.partner", "web_search_read")]
    rpc_calls.clear()
    listed = body(client.get("/bj_api_sync/v1/partners?country=BE"))
    assert listed["data"] == [STORED]
    assert rpc_calls == [("res.partner", "web_search_read")]


def test_put_answers_the_new_lookup_values(client, partners, rpc_calls):
    assert post(client, "/bj_api_sync/v1/partners", PARTNER).status_code == 201
    rpc_calls.clear()
    response = client.put(
        "/bj_api_sync/v1/partners/RT-1", {"country": "US", "tags": ["Prospects"]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    # The company's new country reaches its contacts too, as in Odoo.
    contacts = [{**contact, "country": "US"} for contact in PARTNER["contacts"]]
    changed = {**PARTNER, "country": "US", "tags": ["Prospects"], "contacts": contacts}
    assert body(response) == {"status": "success", "data": changed}
    assert rpc_calls == [
        ("res.country", "search_read"),
        ("res.partner.category", "search_read"),
        ("res.partner", "search_read"),
        ("res.partner", "write"),
        ("res.partner", "web_search_read"),
    ]
    rpc_calls.clear()
    assert body(client.get("/bj_api_sync/v1/partners/RT-1"))["data"] == changed
    assert rpc_calls == [("res.partner", "web_search_read")]


def test_post_then_get_sale_order_gives_back_the_email_and_product_codes(client, orders, fake_odoo, rpc_calls):
    sent = {
        "customer_email": "ready.mat28@example.com",
        "reference": "RT-PO-1",
        "lines": [{"sku": "E-COM07", "quantity": 2.0}, {"sku": "FURN_7777", "quantity": 1.0}],
    }
    response = post(client, "/bj_api_sync/v1/orders", sent)
    assert response.status_code == 201, response.content
    [order] = [o for o in fake_odoo.records("sale.order") if o["client_order_ref"] == "RT-PO-1"]
    assert body(response) == {"status": "success", "data": {"number": order["name"], **sent}}
    assert rpc_calls == [
        ("res.partner", "search_read"),  # the customer by email
        ("product.product", "search_read"),  # both products by internal reference
        ("sale.order", "create"),
        ("sale.order", "web_search_read"),
    ]
    rpc_calls.clear()
    again = client.get(f"/bj_api_sync/v1/orders/{order['name']}")
    assert body(again) == {"status": "success", "data": {"number": order["name"], **sent}}
    assert rpc_calls == [("sale.order", "web_search_read")]


def test_output_name_and_id_still_answer_display_name_and_id_in_the_same_read(
    client, make_endpoint, odoo_client, rpc_calls
):
    make_endpoint(
        slug="partners",
        domain="[('ref', '=like', 'RT-%')]",
        lines=[
            *PARTNER_LINES[:3],
            {
                "odoo_field": "country_id",
                "external_key": "country_name",
                "value_type": "many2one",
                "options": {**COUNTRY, "output": "name"},
                "direction": "out",
            },
            {
                "odoo_field": "category_id",
                "external_key": "tag_ids",
                "value_type": "many2many",
                "options": {**TAGS, "output": "id"},
                "direction": "out",
            },
        ],
    )
    [belgium] = odoo_client.execute_kw(
        "res.country", "search_read", [[("code", "=", "BE")]], {"fields": ["code", "display_name"]}
    )
    tag = odoo_client.execute_kw("res.partner.category", "search", [[("name", "=", "Prospects")]])
    odoo_client.execute_kw(
        "res.partner",
        "create",
        [{"ref": "RT-2", "name": "Named", "country_id": belgium["id"], "category_id": [(6, 0, tag)]}],
    )
    rpc_calls.clear()
    assert body(client.get("/bj_api_sync/v1/partners/RT-2"))["data"] == {
        "ref": "RT-2",
        "name": "Named",
        "country": "BE",
        "country_name": belgium["display_name"],
        "tag_ids": tag,
    }
    assert belgium["display_name"] == "Belgium"
    assert rpc_calls == [("res.partner", "web_search_read")]  # code and name of the country in one read
