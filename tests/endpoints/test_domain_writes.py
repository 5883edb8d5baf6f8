"""Writes stay inside the endpoint's domain: POST fills what it fixes, and a record that leaves it is undone (422)."""

import pytest

from logs.models import RequestLog
from tests.endpoints.support import body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/products"
FOR_SALE = "[('sale_ok', '=', True), ('purchase_ok', '=', False)]"
NAMED_HUB = "[('name', 'ilike', 'Hub')]"

PRODUCT_LINES = [
    {"odoo_field": "default_code", "external_key": "sku", "odoo_type": "char", "is_identifier": True},
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
    {"odoo_field": "sale_ok", "external_key": "for_sale", "odoo_type": "boolean"},
    {"odoo_field": "purchase_ok", "external_key": "bought", "odoo_type": "boolean"},
]


@pytest.fixture
def products(make_endpoint):
    def make(domain: str, **fields):
        return make_endpoint("products", PRODUCT_LINES, odoo_model="product.product", domain=domain, **fields)

    return make


def post(client, payload):
    return client.post(URL, payload, content_type="application/json")


def put(client, sku, payload):
    return client.put(f"{URL}/{sku}", payload, content_type="application/json")


def stored(odoo_client, sku) -> list[dict]:
    """The products with that internal reference, archived ones too, as Odoo holds them."""
    return odoo_client.search_read(
        "product.product",
        [("default_code", "=", sku)],
        ["name", "sale_ok", "purchase_ok"],
        context={"active_test": False},
    )


def test_post_fills_what_the_domain_fixes_so_the_location_answers(client, products, rpc_calls):
    products(FOR_SALE)
    response = post(client, {"sku": "HUB-1", "name": "Hub one"})
    assert response.status_code == 201, response.content
    expected = {"sku": "HUB-1", "name": "Hub one", "for_sale": True, "bought": False}
    assert body(response) == {"status": "success", "data": expected}
    # Odoo's default makes a product one that can be bought (purchase_ok True): without the domain's
    # values written in the create itself, the 201's Location would answer 404
    assert rpc_calls == [
        ("product.product", "search_read"),  # does HUB-1 exist already?
        ("product.product", "create"),
        ("product.product", "web_search_read"),  # the read-back, through the domain
    ]
    assert body(client.get(response["Location"]))["data"] == expected


def test_post_contradicting_the_domain_is_422_before_any_odoo_call(client, products, rpc_calls, odoo_client):
    products(FOR_SALE)
    response = post(client, {"sku": "HUB-2", "name": "Hub two", "for_sale": False})
    error(
        response,
        422,
        "The record would fall outside this endpoint's domain [('sale_ok', '=', True), ('purchase_ok', '=', False)]: "
        "it sets sale_ok to False.",
    )
    assert rpc_calls == []
    assert stored(odoo_client, "HUB-2") == []
    assert RequestLog.objects.get(request_id=response["X-Request-ID"]).status == 422


def test_post_that_odoo_stores_outside_the_domain_is_deleted_again(client, products, rpc_calls, odoo_client):
    products(NAMED_HUB)
    response = post(client, {"sku": "OUT-1", "name": "Other"})
    error(
        response,
        422,
        "The record would fall outside this endpoint's domain [('name', 'ilike', 'Hub')] once stored; "
        "what the call created was deleted again.",
    )
    assert rpc_calls == [
        ("product.product", "search_read"),
        ("product.product", "create"),
        ("product.product", "web_search_read"),  # Odoo says the record is not in the domain
        ("product.product", "unlink"),
    ]
    assert stored(odoo_client, "OUT-1") == []
    assert RequestLog.objects.filter(request_id=response["X-Request-ID"]).count() == 1


def test_a_batch_with_one_record_outside_keeps_none(client, products, odoo_client):
    products(NAMED_HUB)
    response = post(client, [{"sku": "IN-1", "name": "Hub in"}, {"sku": "OUT-2", "name": "Other"}])
    error(
        response,
        422,
        "Record 1 would fall outside this endpoint's domain [('name', 'ilike', 'Hub')] once stored; "
        "what the call created was deleted again.",
    )
    assert stored(odoo_client, "IN-1") == []
    assert stored(odoo_client, "OUT-2") == []


def test_upsert_that_moves_a_record_out_gives_its_values_back(client, products, rpc_calls, odoo_client):
    products(NAMED_HUB, upsert_on_post=True)
    assert post(client, {"sku": "UP-1", "name": "Hub up", "bought": True}).status_code == 201
    rpc_calls.clear()
    response = post(client, {"sku": "UP-1", "name": "Other", "bought": False})
    error(
        response,
        422,
        "The record would fall outside this endpoint's domain [('name', 'ilike', 'Hub')] once stored; "
        "what it updated got its previous values back.",
    )
    assert rpc_calls == [
        ("product.product", "search_read"),  # UP-1 exists
        ("product.product", "search_read"),  # inside the domain, with the values about to change
        ("product.product", "write"),
        ("product.product", "web_search_read"),
        ("product.product", "write"),  # the previous values back
    ]
    [record] = stored(odoo_client, "UP-1")
    assert (record["name"], record["purchase_ok"]) == ("Hub up", True)


def test_put_contradicting_the_domain_is_422_and_writes_nothing(client, products, rpc_calls, odoo_client):
    products(FOR_SALE)
    assert post(client, {"sku": "HUB-3", "name": "Hub three"}).status_code == 201
    rpc_calls.clear()
    error(
        put(client, "HUB-3", {"bought": True}),
        422,
        "The record would fall outside this endpoint's domain [('sale_ok', '=', True), ('purchase_ok', '=', False)]: "
        "it sets purchase_ok to True.",
    )
    assert rpc_calls == []
    assert stored(odoo_client, "HUB-3")[0]["purchase_ok"] is False


def test_put_that_moves_the_record_out_is_refused_and_undone(client, products, rpc_calls, odoo_client):
    products(NAMED_HUB)
    assert post(client, {"sku": "HUB-4", "name": "Hub four", "for_sale": True}).status_code == 201
    rpc_calls.clear()
    error(
        put(client, "HUB-4", {"name": "Other", "for_sale": False}),
        422,
        "The record would fall outside this endpoint's domain [('name', 'ilike', 'Hub')] once stored; "
        "what it updated got its previous values back.",
    )
    assert rpc_calls == [
        ("product.product", "search_read"),  # the record, with the values the PUT changes
        ("product.product", "write"),
        ("product.product", "web_search_read"),
        ("product.product", "write"),
    ]
    [record] = stored(odoo_client, "HUB-4")
    assert (record["name"], record["sale_ok"]) == ("Hub four", True)


def test_put_inside_the_domain_costs_find_write_and_read_back(client, products, rpc_calls):
    products(NAMED_HUB)
    assert post(client, {"sku": "HUB-5", "name": "Hub five"}).status_code == 201
    rpc_calls.clear()
    response = put(client, "HUB-5", {"name": "Hub 5"})
    # Odoo's defaults: a product can be sold and bought
    assert body(response)["data"] == {"sku": "HUB-5", "name": "Hub 5", "for_sale": True, "bought": True}
    assert rpc_calls == [
        ("product.product", "search_read"),
        ("product.product", "write"),
        ("product.product", "web_search_read"),
    ]


ORDER_LINES = [
    {"odoo_field": "client_order_ref", "external_key": "reference", "odoo_type": "char", "is_identifier": True},
    {"odoo_field": "partner_id", "external_key": "customer", "odoo_type": "many2one"},
    {
        "odoo_field": "order_line",
        "external_key": "lines",
        "value_type": "one2many",
        "children": [
            {"odoo_field": "product_id", "external_key": "product", "odoo_type": "many2one"},
            {"odoo_field": "product_uom_qty", "external_key": "quantity", "odoo_type": "float"},
        ],
    },
]


def test_a_put_that_left_the_domain_says_which_lines_could_not_come_back(client, make_endpoint, odoo_client):
    make_endpoint("orders", ORDER_LINES, odoo_model="sale.order", domain="[('client_order_ref', 'ilike', 'PO-')]")
    product = odoo_client.search("product.product", [], limit=1)[0]
    order = {"reference": "PO-9", "customer": 12, "lines": [{"product": product, "quantity": 2.0}]}
    assert client.post("/bj_api_sync/v1/orders", order, content_type="application/json").status_code == 201
    response = client.put(
        "/bj_api_sync/v1/orders/PO-9",
        {"customer": 10, "lines": [{"product": product, "quantity": 5.0}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content  # still inside: nothing to undo
    error(
        client.put(
            "/bj_api_sync/v1/orders/PO-9",
            {"reference": "X-9", "customer": 12, "lines": [{"product": product, "quantity": 7.0}]},
            content_type="application/json",
        ),
        422,
        "The record would fall outside this endpoint's domain [('client_order_ref', 'ilike', 'PO-')] once stored; "
        "what it updated got its previous values back; the lines of order_line stay as sent (Odoo deleted the old "
        "ones).",
    )
    [stored_order] = odoo_client.search_read("sale.order", [("client_order_ref", "=", "PO-9")], ["partner_id"])
    assert stored_order["partner_id"][0] == 10
    lines = odoo_client.search_read("sale.order.line", [("order_id", "=", stored_order["id"])], ["product_uom_qty"])
    assert [line["product_uom_qty"] for line in lines] == [7.0]


def test_put_of_lines_on_a_confirmed_order_answers_odoos_refusal(client, make_endpoint, odoo_client):
    make_endpoint("orders", ORDER_LINES, odoo_model="sale.order", domain="[]")
    product = odoo_client.search("product.product", [], limit=1)[0]
    order = {"reference": "PO-10", "customer": 12, "lines": [{"product": product, "quantity": 2.0}]}
    assert client.post("/bj_api_sync/v1/orders", order, content_type="application/json").status_code == 201
    [order_id] = odoo_client.search("sale.order", [("client_order_ref", "=", "PO-10")])
    odoo_client.execute_kw("sale.order", "action_confirm", [[order_id]])
    lines = {"lines": [{"product": product, "quantity": 5.0}]}
    response = client.put("/bj_api_sync/v1/orders/PO-10", lines, content_type="application/json")
    error(
        response,
        422,
        "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets "
        "invoiced or delivered). Set the quantity to 0 instead.",
    )
