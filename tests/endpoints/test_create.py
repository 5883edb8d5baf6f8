"""POST /bj_api_sync/v1/<endpoint>: one record or a list, batched, with lookups and identifier checks."""

import pytest

from mappings import engine
from tests.endpoints.support import ALICE, CUSTOMER_LINES, body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"
DAVE = {"customer_id": "C010", "name": "Dave Lee", "email": "dave@example.com", "phone": None, "country": "Belgium"}


def post(client, data, **extra):
    return client.post(URL, data, content_type="application/json", **extra)


def stored(fake_odoo, ref):
    return [r for r in fake_odoo.records("res.partner") if r["ref"] == ref]


def test_post_one_creates_and_answers_it_as_get_shows_it(client, customers, fake_odoo):
    response = post(client, {"customer_id": "C010", "name": "Dave Lee", "email": "dave@example.com", "country": "BE"})
    assert response.status_code == 201, response.content
    assert body(response) == {"status": "success", "data": DAVE}
    assert response["Location"] == "http://testserver/bj_api_sync/v1/customers/C010"
    [record] = stored(fake_odoo, "C010")
    assert record["name"] == "Dave Lee"
    assert body(client.get(f"{URL}/C010"))["data"] == DAVE


def test_post_one_costs_identifier_check_lookup_create_and_read_back(
    client, customers, rpc_calls, django_assert_max_num_queries
):
    client.get(f"{URL}/C001")
    rpc_calls.clear()
    with django_assert_max_num_queries(1):
        response = post(client, {"customer_id": "C010", "name": "Dave Lee", "country": "BE"})
    assert response.status_code == 201
    assert rpc_calls == [
        ("res.country", "search_read"),  # the country lookup
        ("res.partner", "search_read"),  # does C010 exist already?
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),
    ]


def test_a_lookup_line_that_keeps_found_records_searches_a_country_once(client, make_endpoint, seeded, rpc_calls):
    lines = [dict(line) for line in CUSTOMER_LINES]
    lines[-1] = {**lines[-1], "options": {**lines[-1]["options"], "keep": "300"}}  # countries do not change
    make_endpoint(lines=lines)
    engine._kept.clear()  # what an earlier test found in its own stand-in data
    try:
        answers = [post(client, {"customer_id": f"C01{n}", "name": "Dave", "country": "BE"}) for n in range(2)]
    finally:
        engine._kept.clear()
    assert [r.status_code for r in answers] == [201, 201]
    assert [body(r)["data"]["country"] for r in answers] == ["Belgium", "Belgium"]
    assert rpc_calls == [
        ("res.country", "search_read"),
        ("res.partner", "search_read"),
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),
        # the second call: BE is known to this process for 300 seconds
        ("res.partner", "search_read"),
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),
    ]


def test_post_without_lookup_field_costs_check_create_read(client, customers, rpc_calls):
    response = post(client, {"customer_id": "C010", "name": "Dave Lee"})
    assert response.status_code == 201
    assert rpc_calls == [("res.partner", "search_read"), ("res.partner", "create"), ("res.partner", "web_search_read")]


def test_post_a_list_is_one_batched_create_with_batched_lookups(client, customers, fake_odoo, rpc_calls):
    records = [
        {"customer_id": f"N{n:03}", "name": f"New {n}", "country": "BE" if n % 2 else "US"} for n in range(1, 51)
    ]
    response = post(client, records)
    assert response.status_code == 201, response.content
    data = body(response)["data"]
    assert [r["customer_id"] for r in data] == [f"N{n:03}" for n in range(1, 51)]
    assert data[0] == {"customer_id": "N001", "name": "New 1", "email": None, "phone": None, "country": "Belgium"}
    assert data[1]["country"] == "United States"
    assert rpc_calls == [
        ("res.country", "search_read"),
        ("res.partner", "search_read"),
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),
    ]
    assert len(stored(fake_odoo, "N050")) == 1


def test_post_a_list_of_one_answers_a_list(client, customers):
    response = post(client, [{"customer_id": "C010", "name": "Dave Lee", "email": "dave@example.com", "country": "BE"}])
    assert body(response) == {"status": "success", "data": [DAVE]}
    assert "Location" not in response


def test_post_existing_identifier_is_409_and_creates_nothing(client, customers, fake_odoo, rpc_calls):
    error(
        post(client, {"customer_id": "C001", "name": "Other Alice"}),
        409,
        "A record with customer_id 'C001' already exists.",
    )
    assert len(stored(fake_odoo, "C001")) == 1
    assert ("res.partner", "create") not in rpc_calls


def test_post_existing_identifier_outside_the_domain_is_409_too(client, customers):
    error(
        post(client, {"customer_id": "K001", "name": "Not a company"}),
        409,
        "A record with customer_id 'K001' already exists.",
    )


def test_post_list_with_one_existing_identifier_is_409_naming_it(client, customers, fake_odoo):
    response = post(client, [{"customer_id": "C010", "name": "Dave"}, {"customer_id": "C002", "name": "Bob"}])
    error(response, 409, "A record with customer_id 'C002' already exists.")
    assert stored(fake_odoo, "C010") == []


def test_post_repeating_an_identifier_is_400(client, customers):
    response = post(client, [{"customer_id": "C010", "name": "Dave"}, {"customer_id": "C010", "name": "Dave again"}])
    error(response, 400, "The request repeats customer_id 'C010'.")


def test_upsert_on_post_updates_the_existing_record(client, make_endpoint, seeded, fake_odoo, rpc_calls):
    make_endpoint(upsert_on_post=True)
    response = post(
        client, [{"customer_id": "C001", "name": "Alice Martin-Roe"}, {"customer_id": "C010", "name": "Dave Lee"}]
    )
    assert response.status_code == 201, response.content
    assert body(response)["data"] == [
        {**ALICE, "name": "Alice Martin-Roe"},
        {"customer_id": "C010", "name": "Dave Lee", "email": None, "phone": None, "country": None},
    ]
    assert len(stored(fake_odoo, "C001")) == 1
    assert rpc_calls == [
        ("res.partner", "search_read"),  # which identifiers exist
        ("res.partner", "search_read"),  # are they within the endpoint's domain (and their values now)
        ("res.partner", "write"),
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),
    ]


def test_upsert_never_updates_a_record_outside_the_domain(client, make_endpoint, seeded, fake_odoo):
    make_endpoint(upsert_on_post=True)
    response = post(client, [{"customer_id": "C010", "name": "Dave"}, {"customer_id": "K001", "name": "Taken over"}])
    error(
        response,
        409,
        "A record with customer_id 'K001' exists outside this endpoint's records (outside its domain, or archived).",
    )
    [company] = stored(fake_odoo, "K001")
    assert company["name"] == "Kompany"
    assert stored(fake_odoo, "C010") == []


def test_post_an_archived_identifier_is_409_and_creates_nothing(client, customers, odoo_client, fake_odoo, seeded):
    # Odoo's default search hides archived records; the identifier check must not
    odoo_client.execute_kw("res.partner", "write", [[seeded["C001"]], {"active": False}])
    error(
        post(client, {"customer_id": "C001", "name": "Alice Again"}),
        409,
        "A record with customer_id 'C001' already exists.",
    )
    assert [r["name"] for r in stored(fake_odoo, "C001")] == ["Alice Martin"]


def test_upsert_never_revives_an_archived_record(client, make_endpoint, seeded, odoo_client, fake_odoo):
    make_endpoint(upsert_on_post=True)
    odoo_client.execute_kw("res.partner", "write", [[seeded["C001"]], {"active": False}])
    error(
        post(client, {"customer_id": "C001", "name": "Alice Again"}),
        409,
        "A record with customer_id 'C001' exists outside this endpoint's records (outside its domain, or archived).",
    )
    [alice] = stored(fake_odoo, "C001")
    assert (alice["name"], alice["active"]) == ("Alice Martin", False)


def test_upsert_updates_an_archived_record_the_endpoint_serves(client, make_endpoint, seeded, odoo_client, fake_odoo):
    # a domain that names active itself serves archived records: the upsert may update them
    make_endpoint(upsert_on_post=True, domain="[('active', 'in', [True, False]), ('ref', '=like', 'C%')]")
    odoo_client.execute_kw("res.partner", "write", [[seeded["C001"]], {"active": False}])
    response = post(client, {"customer_id": "C001", "name": "Alice Again"})
    assert response.status_code == 201, response.content
    assert body(response)["data"] == {**ALICE, "name": "Alice Again"}
    assert [r["name"] for r in stored(fake_odoo, "C001")] == ["Alice Again"]


def test_post_a_selection_identifier_checks_the_odoo_key_and_answers_the_callers_value(
    client, make_endpoint, seeded, fake_odoo
):
    make_endpoint(
        slug="sel",
        lines=[
            {
                "odoo_field": "ref",
                "external_key": "code",
                "value_type": "selection",
                "options": {"map": {"alice": "C001", "ally": "C001", "dave": "C010"}},
                "is_identifier": True,
            },
            {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
        ],
    )
    url = "/bj_api_sync/v1/sel"
    error(
        client.post(url, {"code": "ally", "name": "Alias"}, content_type="application/json"),
        409,
        "A record with code 'ally' already exists.",  # the caller's word, not Odoo's 'C001'
    )
    error(
        client.post(
            url, [{"code": "dave", "name": "D"}, {"code": "dave", "name": "E"}], content_type="application/json"
        ),
        400,
        "The request repeats code 'dave'.",
    )
    response = client.post(url, {"code": "dave", "name": "Dave Lee"}, content_type="application/json")
    assert body(response) == {"status": "success", "data": {"code": "dave", "name": "Dave Lee"}}
    assert response["Location"] == "http://testserver/bj_api_sync/v1/sel/dave"
    assert [r["name"] for r in stored(fake_odoo, "C010")] == ["Dave Lee"]


# An endpoint whose identifier is a lookup: one contact per company, named by the company's ref.
CONTACT_LINES = [
    {
        "odoo_field": "parent_id",
        "external_key": "company",
        "value_type": "many2one",
        "options": {"model": "res.partner", "field": "ref"},
        "is_identifier": True,
        "required": True,
    },
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char", "required": True},
]
CONTACTS = "/bj_api_sync/v1/contacts"


@pytest.fixture
def company_contact(make_endpoint, seeded, odoo_client):
    """The company K001 with one contact; returns the contact's id."""
    return odoo_client.execute_kw(
        "res.partner", "create", [{"name": "Kim Contact", "parent_id": seeded["K001"], "is_company": False}]
    )


def contacts_of(fake_odoo, company_id):
    return [r["name"] for r in fake_odoo.records("res.partner") if r["parent_id"] == company_id]


def test_post_an_existing_lookup_identifier_is_409(
    client, make_endpoint, seeded, company_contact, fake_odoo, rpc_calls
):
    make_endpoint(slug="contacts", domain="[('parent_id', '!=', False)]", lines=CONTACT_LINES)
    response = client.post(CONTACTS, {"company": "K001", "name": "Second Contact"}, content_type="application/json")
    error(response, 409, "A record with company 'K001' already exists.")
    assert rpc_calls == [
        ("res.partner", "search_read"),  # the lookup of K001 (batched for all records)
        ("res.partner", "search_read"),  # does a contact of that company exist? (by the id found)
    ]
    assert contacts_of(fake_odoo, seeded["K001"]) == ["Kim Contact"]


def test_post_a_list_repeating_a_lookup_identifier_is_400(client, make_endpoint, seeded):
    make_endpoint(slug="contacts", domain="[('parent_id', '!=', False)]", lines=CONTACT_LINES)
    data = [{"company": "K001", "name": "One"}, {"company": "K001", "name": "Two"}]
    error(client.post(CONTACTS, data, content_type="application/json"), 400, "The request repeats company 'K001'.")


def test_post_a_new_lookup_identifier_creates_it(client, make_endpoint, seeded, odoo_client, fake_odoo, rpc_calls):
    make_endpoint(slug="contacts", domain="[('parent_id', '!=', False)]", lines=CONTACT_LINES)
    other = odoo_client.execute_kw("res.partner", "create", [{"ref": "K002", "name": "Other Co", "is_company": True}])
    rpc_calls.clear()
    response = client.post(CONTACTS, {"company": "K002", "name": "Olga Other"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert body(response) == {"status": "success", "data": {"company": "K002", "name": "Olga Other"}}
    assert contacts_of(fake_odoo, other) == ["Olga Other"]
    assert rpc_calls == [
        ("res.partner", "search_read"),
        ("res.partner", "search_read"),
        ("res.partner", "create"),
        ("res.partner", "web_search_read"),
    ]


def test_upsert_on_a_lookup_identifier_updates_the_existing_record(
    client, make_endpoint, seeded, company_contact, fake_odoo, rpc_calls
):
    make_endpoint(slug="contacts", domain="[('parent_id', '!=', False)]", lines=CONTACT_LINES, upsert_on_post=True)
    response = client.post(CONTACTS, {"company": "K001", "name": "Kim Renamed"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert body(response) == {"status": "success", "data": {"company": "K001", "name": "Kim Renamed"}}
    assert contacts_of(fake_odoo, seeded["K001"]) == ["Kim Renamed"]
    assert rpc_calls == [
        ("res.partner", "search_read"),  # lookup
        ("res.partner", "search_read"),  # which identifiers exist
        ("res.partner", "search_read"),  # inside the endpoint's domain?
        ("res.partner", "write"),
        ("res.partner", "web_search_read"),
    ]


def test_post_missing_required_keys_is_400_listing_them(client, customers, rpc_calls):
    error(post(client, {"email": "x@example.com"}), 400, "Missing required key(s): customer_id, name.")
    assert rpc_calls == []


def test_post_unknown_keys_is_400_listing_them(client, customers):
    error(
        post(client, {"customer_id": "C010", "name": "Dave", "colour": "red", "size": 3}),
        400,
        "Unknown key(s): colour, size. Allowed: customer_id, name, email, phone, country.",
    )


def test_post_list_names_the_failing_record(client, customers):
    error(
        post(client, [{"customer_id": "C010", "name": "Dave"}, {"customer_id": "C011"}]),
        400,
        "Missing required key(s) in record 1: name.",
    )


def test_post_bad_value_is_400_with_the_line(client, customers):
    line = customers.lines.get(external_key="name")
    error(
        post(client, {"customer_id": "C010", "name": ["not", "text"]}),
        400,
        "Mapping line 'name' (name): expects a string, got ['not', 'text'].",
        line_id=line.pk,
    )


def test_post_unknown_lookup_value_is_400_with_the_line(client, customers):
    line = customers.lines.get(external_key="country")
    error(
        post(client, {"customer_id": "C010", "name": "Dave", "country": "ZZ"}),
        400,
        "Mapping line 'country' (country_id): no res.country record has code 'ZZ'.",
        line_id=line.pk,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "The list of records is empty."),
        ('"text"', "Each record must be a JSON object."),
        ([{"customer_id": "C010", "name": "Dave"}, 3], "Each record must be a JSON object in record 1."),
    ],
)
def test_post_body_shapes_that_are_not_records_are_400(client, customers, data, message):
    error(post(client, data), 400, message)


def test_post_more_than_the_batch_limit_is_400(client, customers):
    error(
        post(client, [{"customer_id": f"X{n}", "name": "x"} for n in range(1001)]),
        400,
        "At most 1000 records per request, not 1001.",
    )


def test_post_with_query_parameters_is_400(client, customers):
    response = client.post(f"{URL}?upsert=1", {"customer_id": "C010", "name": "Dave"}, content_type="application/json")
    error(response, 400, "Unknown query parameter(s): upsert. This route takes none.")


def test_post_sale_order_with_nested_lines(client, make_endpoint, odoo_client, fake_odoo):
    partner = odoo_client.execute_kw("res.partner", "create", [{"name": "Order Buyer", "ref": "B1"}])
    product = odoo_client.execute_kw("product.product", "create", [{"name": "Widget", "default_code": "W-1"}])
    make_endpoint(
        slug="orders",
        odoo_model="sale.order",
        domain="[]",
        lines=[
            {
                "odoo_field": "name",
                "external_key": "number",
                "odoo_type": "char",
                "is_identifier": True,
                "direction": "out",
            },
            {
                "odoo_field": "partner_id",
                "external_key": "customer",
                "value_type": "many2one",
                "options": {"model": "res.partner", "field": "ref", "output": "id"},
                "required": True,
            },
            {"odoo_field": "client_order_ref", "external_key": "reference", "odoo_type": "char"},
            {
                "odoo_field": "order_line",
                "external_key": "lines",
                "value_type": "one2many",
                "direction": "in",
                "children": [
                    {
                        "odoo_field": "product_id",
                        "external_key": "sku",
                        "value_type": "many2one",
                        "options": {"model": "product.product", "field": "default_code"},
                        "required": True,
                    },
                    {"odoo_field": "product_uom_qty", "external_key": "quantity", "odoo_type": "float", "default": 1},
                ],
            },
        ],
    )
    response = client.post(
        "/bj_api_sync/v1/orders",
        {"customer": "B1", "reference": "PO-7", "lines": [{"sku": "W-1", "quantity": 3}, {"sku": "W-1"}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = body(response)["data"]
    assert data["customer"] == partner
    assert data["reference"] == "PO-7"
    [order] = [o for o in fake_odoo.records("sale.order") if o["client_order_ref"] == "PO-7"]
    assert data["number"] == order["name"]
    lines = [line for line in fake_odoo.records("sale.order.line") if line["order_id"] == order["id"]]
    assert sorted((line["product_id"], line["product_uom_qty"]) for line in lines) == [(product, 1.0), (product, 3.0)]


@pytest.mark.parametrize("given", [{"customer_id": None}, {"customer_id": ""}, {"customer_id": "   "}])
def test_post_without_a_usable_identifier_is_400_naming_the_line(client, customers, fake_odoo, rpc_calls, given):
    response = post(client, [{"customer_id": "C010", "name": "Dave"}, {"name": "Nobody", **given}])
    error(
        response,
        400,
        "The identifier customer_id (Odoo field ref) in record 1 is required and must not be null or empty.",
    )
    assert rpc_calls == []
    assert stored(fake_odoo, "C010") == []


def test_upsert_without_a_usable_identifier_is_400_too(client, customers, fake_odoo, rpc_calls):
    from endpoints.models import Endpoint

    Endpoint.objects.filter(slug="customers").update(upsert_on_post=True)
    response = post(client, {"customer_id": "", "name": "Nobody"})
    error(response, 400, "The identifier customer_id (Odoo field ref) is required and must not be null or empty.")
    assert rpc_calls == []
