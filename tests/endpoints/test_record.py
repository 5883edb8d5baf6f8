"""GET, PUT and DELETE /bj_api_sync/v1/<endpoint>/<id>: one record by its record identifier."""

import pytest

from tests.endpoints.support import ALICE, BOB, body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"


def test_get_one_by_record_identifier(client, customers):
    response = client.get(f"{URL}/C001")
    assert response.status_code == 200
    assert body(response) == {"status": "success", "data": ALICE}
    assert response["Allow"] == "GET, PUT, DELETE"


def test_get_one_missing_is_404(client, customers):
    error(client.get(f"{URL}/C999"), 404, "No customers record with customer_id 'C999'.")


def test_get_one_outside_the_domain_is_404_like_a_missing_one(client, customers):
    error(client.get(f"{URL}/K001"), 404, "No customers record with customer_id 'K001'.")


def test_get_one_with_a_query_parameter_is_400(client, customers):
    error(
        client.get(f"{URL}/C001", {"fields": "name"}), 400, "Unknown query parameter(s): fields. This route takes none."
    )


def test_get_one_costs_one_call(client, customers, rpc_calls, django_assert_max_num_queries):
    client.get(f"{URL}/C002")
    rpc_calls.clear()
    with django_assert_max_num_queries(1):
        response = client.get(f"{URL}/C001")
    assert response.status_code == 200
    assert rpc_calls == [("res.partner", "web_search_read")]


def test_get_one_by_an_integer_identifier_coerces_the_url_text(client, make_endpoint, seeded):
    make_endpoint(
        slug="partners",
        lines=[
            {
                "odoo_field": "id",
                "external_key": "id",
                "odoo_type": "integer",
                "is_identifier": True,
                "direction": "out",
            },
            {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
        ],
    )
    response = client.get(f"/bj_api_sync/v1/partners/{seeded['C002']}")
    assert body(response) == {"status": "success", "data": {"id": seeded["C002"], "name": "Bob Stone"}}
    identifier_line = "Mapping line 'id' (id): 'abc' is not an integer value."
    response = client.get("/bj_api_sync/v1/partners/abc")
    assert response.status_code == 400
    assert body(response)["message"] == identifier_line


def test_put_updates_the_given_keys_only(client, customers, fake_odoo, seeded):
    response = client.put(f"{URL}/C002", {"phone": "+1 555", "country": "BE"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert body(response) == {"status": "success", "data": {**BOB, "phone": "+1 555", "country": "Belgium"}}
    stored = next(r for r in fake_odoo.records("res.partner") if r["id"] == seeded["C002"])
    assert stored["phone"] == "+1 555"
    assert stored["name"] == "Bob Stone"


def test_put_costs_find_write_and_read_back(client, customers, rpc_calls, django_assert_max_num_queries):
    client.get(f"{URL}/C001")
    rpc_calls.clear()
    with django_assert_max_num_queries(1):
        response = client.put(f"{URL}/C001", {"phone": "+32 2"}, content_type="application/json")
    assert response.status_code == 200
    assert rpc_calls == [("res.partner", "search_read"), ("res.partner", "write"), ("res.partner", "web_search_read")]


def test_put_with_a_lookup_adds_one_call_for_it(client, customers, rpc_calls):
    response = client.put(f"{URL}/C001", {"country": "US"}, content_type="application/json")
    assert response.status_code == 200
    assert rpc_calls == [
        ("res.country", "search_read"),
        ("res.partner", "search_read"),
        ("res.partner", "write"),
        ("res.partner", "web_search_read"),
    ]


def test_put_missing_record_is_404(client, customers, rpc_calls):
    error(
        client.put(f"{URL}/C999", {"phone": "1"}, content_type="application/json"),
        404,
        "No customers record with customer_id 'C999'.",
    )
    assert rpc_calls == [("res.partner", "search_read")]


def test_put_outside_the_domain_is_404(client, customers):
    error(
        client.put(f"{URL}/K001", {"phone": "1"}, content_type="application/json"),
        404,
        "No customers record with customer_id 'K001'.",
    )


def test_put_unknown_key_is_400_before_any_call(client, customers, rpc_calls):
    error(
        client.put(f"{URL}/C001", {"colour": "red"}, content_type="application/json"),
        400,
        "Unknown key(s): colour. Allowed: customer_id, name, email, phone, country.",
    )
    assert rpc_calls == []


def test_put_empty_object_is_400(client, customers):
    error(client.put(f"{URL}/C001", {}, content_type="application/json"), 400, "The body names no key to update.")


def test_put_a_list_is_400(client, customers):
    error(
        client.put(f"{URL}/C001", [{"phone": "1"}], content_type="application/json"),
        400,
        "The body must be a JSON object.",
    )


def test_put_bad_value_names_the_line(client, customers):
    line = customers.lines.get(external_key="country")
    error(
        client.put(f"{URL}/C001", {"country": "XX"}, content_type="application/json"),
        400,
        "Mapping line 'country' (country_id): no res.country record has code 'XX'.",
        line_id=line.pk,
    )


def test_delete_answers_the_identifier_and_removes_the_record(client, customers, fake_odoo, seeded, rpc_calls):
    response = client.delete(f"{URL}/C003")
    assert response.status_code == 200
    assert body(response) == {"status": "success", "data": {"customer_id": "C003"}}
    assert seeded["C003"] not in [r["id"] for r in fake_odoo.records("res.partner")]
    assert rpc_calls == [("res.partner", "web_search_read"), ("res.partner", "unlink")]
    error(client.get(f"{URL}/C003"), 404, "No customers record with customer_id 'C003'.")


def test_delete_missing_is_404(client, customers):
    error(client.delete(f"{URL}/C999"), 404, "No customers record with customer_id 'C999'.")


def test_delete_outside_the_domain_is_404_and_keeps_the_record(client, customers, fake_odoo, seeded):
    error(client.delete(f"{URL}/K001"), 404, "No customers record with customer_id 'K001'.")
    assert seeded["K001"] in [r["id"] for r in fake_odoo.records("res.partner")]


def test_delete_makes_at_most_three_queries(client, customers, django_assert_max_num_queries):
    client.get(f"{URL}/C001")
    with django_assert_max_num_queries(1):
        assert client.delete(f"{URL}/C002").status_code == 200


def test_duplicate_identifiers_in_odoo_are_409_not_a_guess(client, customers, odoo_client):
    odoo_client.execute_kw("res.partner", "create", [{"ref": "C001", "name": "Alice Twin", "is_company": False}])
    error(
        client.get(f"{URL}/C001"),
        409,
        "Several customers records have customer_id 'C001'; the identifier must be unique.",
    )


def test_nested_one2many_lines_and_many2many_lookups_are_read_in_the_same_call(
    client, make_endpoint, odoo_client, rpc_calls
):
    partner = odoo_client.execute_kw("res.partner", "create", [{"name": "Nested Buyer", "ref": "NB1"}])
    tag = odoo_client.execute_kw("res.partner.category", "create", [{"name": "VIP"}])
    odoo_client.execute_kw("res.partner", "write", [[partner], {"category_id": [(6, 0, [tag])]}])
    product = odoo_client.execute_kw("product.product", "create", [{"name": "Gadget", "default_code": "G-1"}])
    order = odoo_client.execute_kw(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner,
                "client_order_ref": "NEST-1",
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 4})],
            }
        ],
    )
    make_endpoint(
        slug="orders",
        odoo_model="sale.order",
        domain="[]",
        lines=[
            {"odoo_field": "client_order_ref", "external_key": "reference", "odoo_type": "char", "is_identifier": True},
            {
                "odoo_field": "partner_id",
                "external_key": "customer",
                "odoo_type": "many2one",
                "options": {"many2one_as": "name"},
            },
            {
                "odoo_field": "order_line",
                "external_key": "lines",
                "value_type": "one2many",
                "children": [
                    {
                        "odoo_field": "product_id",
                        "external_key": "product",
                        "value_type": "many2one",
                        "options": {"model": "product.product", "field": "default_code", "output": "id"},
                    },
                    {"odoo_field": "product_uom_qty", "external_key": "quantity", "odoo_type": "float"},
                ],
            },
        ],
    )
    make_endpoint(
        slug="tagged",
        lines=[
            {"odoo_field": "ref", "external_key": "customer_id", "odoo_type": "char", "is_identifier": True},
            {
                "odoo_field": "category_id",
                "external_key": "tags",
                "value_type": "many2many",
                "options": {"model": "res.partner.category", "field": "name"},
            },
        ],
        domain="[]",
    )
    rpc_calls.clear()
    response = client.get("/bj_api_sync/v1/orders/NEST-1")
    assert body(response) == {
        "status": "success",
        "data": {"reference": "NEST-1", "customer": "Nested Buyer", "lines": [{"product": product, "quantity": 4.0}]},
    }
    assert rpc_calls == [("sale.order", "web_search_read")]
    assert order
    assert body(client.get("/bj_api_sync/v1/tagged/NB1"))["data"] == {"customer_id": "NB1", "tags": ["VIP"]}


# A selection-mapped identifier: callers say 'alice', Odoo stores 'C001' in ref.
SELECTION_LINES = [
    {
        "odoo_field": "ref",
        "external_key": "code",
        "value_type": "selection",
        # in PostgreSQL's jsonb key order (shorter keys first), so messages list them alike on both databases
        "options": {"map": {"bob": "C002", "alice": "C001", "carol": "C003"}},
        "is_identifier": True,
    },
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
]


def test_a_selection_identifier_is_answered_as_the_caller_names_it_on_every_call(
    client, make_endpoint, seeded, fake_odoo, rpc_calls
):
    make_endpoint(slug="sel", lines=SELECTION_LINES)
    assert body(client.get("/bj_api_sync/v1/sel/alice")) == {
        "status": "success",
        "data": {"code": "alice", "name": "Alice Martin"},
    }
    response = client.put("/bj_api_sync/v1/sel/alice", {"name": "Alice Roe"}, content_type="application/json")
    assert body(response) == {"status": "success", "data": {"code": "alice", "name": "Alice Roe"}}
    rpc_calls.clear()
    response = client.delete("/bj_api_sync/v1/sel/alice")
    assert response.status_code == 200
    assert body(response) == {"status": "success", "data": {"code": "alice"}}  # not Odoo's 'C001'
    assert rpc_calls == [("res.partner", "web_search_read"), ("res.partner", "unlink")]
    assert seeded["C001"] not in [r["id"] for r in fake_odoo.records("res.partner")]
    error(client.delete("/bj_api_sync/v1/sel/alice"), 404, "No sel record with code 'alice'.")


def test_an_unknown_selection_identifier_is_400_naming_the_line(client, make_endpoint, seeded, rpc_calls):
    endpoint = make_endpoint(slug="sel", lines=SELECTION_LINES)
    line = endpoint.lines.get(external_key="code")
    error(
        client.delete("/bj_api_sync/v1/sel/C001"),
        400,
        "Mapping line 'code' (ref): unknown value 'C001'; expected one of: alice, bob, carol.",
        line_id=line.pk,
    )
    assert rpc_calls == []


QUOTE_LINES = [
    {
        "odoo_field": "validity_date",
        "external_key": "valid_until",
        "value_type": "date",
        "options": {"format": "%d.%m.%Y"},
        "is_identifier": True,
    },
    {"odoo_field": "client_order_ref", "external_key": "reference", "odoo_type": "char"},
]


def test_a_date_format_identifier_is_answered_in_its_format_on_every_call(
    client, make_endpoint, odoo_client, fake_odoo, rpc_calls
):
    partner = odoo_client.execute_kw("res.partner", "create", [{"name": "Quote Buyer"}])
    order = odoo_client.execute_kw(
        "sale.order", "create", [{"partner_id": partner, "client_order_ref": "DQ-1", "validity_date": "2026-11-21"}]
    )
    make_endpoint(
        slug="quotes", odoo_model="sale.order", domain="[('client_order_ref', '=like', 'DQ-%')]", lines=QUOTE_LINES
    )
    url = "/bj_api_sync/v1/quotes/21.11.2026"
    assert body(client.get(url)) == {"status": "success", "data": {"valid_until": "21.11.2026", "reference": "DQ-1"}}
    response = client.put(url, {"reference": "DQ-2"}, content_type="application/json")
    assert body(response) == {"status": "success", "data": {"valid_until": "21.11.2026", "reference": "DQ-2"}}
    rpc_calls.clear()
    response = client.delete(url)
    assert response.status_code == 200
    assert body(response) == {"status": "success", "data": {"valid_until": "21.11.2026"}}  # not '2026-11-21'
    assert rpc_calls == [("sale.order", "web_search_read"), ("sale.order", "unlink")]
    assert order not in [r["id"] for r in fake_odoo.records("sale.order")]
    error(client.delete(url), 404, "No quotes record with valid_until '21.11.2026'.")


def test_an_integer_identifier_is_answered_as_a_number_by_delete_as_by_get(client, make_endpoint, seeded):
    make_endpoint(
        slug="partners",
        lines=[
            {
                "odoo_field": "id",
                "external_key": "id",
                "odoo_type": "integer",
                "is_identifier": True,
                "direction": "out",
            },
            {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
        ],
    )
    url = f"/bj_api_sync/v1/partners/{seeded['C002']}"
    assert body(client.get(url))["data"] == {"id": seeded["C002"], "name": "Bob Stone"}
    assert body(client.delete(url)) == {"status": "success", "data": {"id": seeded["C002"]}}
