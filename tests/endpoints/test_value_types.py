"""Each value type through the routes: POST stores the Odoo value, GET answers the external form, bad values
name their line, and list filters convert the query text through the line."""

import pytest

from tests.endpoints.support import body, error

pytestmark = pytest.mark.django_db

CONTACTS = "/bj_api_sync/v1/contacts"
ORDERS = "/bj_api_sync/v1/orders"

# res.partner: expression (reads another payload key), constant, selection map, monetary, float, integer, boolean.
CONTACT_LINES = [
    {"odoo_field": "ref", "external_key": "contact_id", "odoo_type": "char", "is_identifier": True, "required": True},
    {
        "odoo_field": "name",
        "external_key": "name",
        "value_type": "expression",
        "required": True,
        "options": {
            "to_odoo": 'value.strip().title() + " / " + payload["contact_id"]',
            "to_external": 'value.split(" / ")[0]',
        },
    },
    {
        "odoo_field": "lang",
        "external_key": "lang",
        "value_type": "constant",
        "direction": "in",
        "options": {"value": "fr_FR"},
    },
    {
        "odoo_field": "trust",
        "external_key": "rating",
        "value_type": "selection",
        "options": {"map": {"A": "good", "B": "normal", "C": "bad"}},
    },
    {"odoo_field": "debit_limit", "external_key": "debit_limit", "odoo_type": "monetary"},
    {"odoo_field": "credit_limit", "external_key": "credit_limit", "odoo_type": "float"},
    {"odoo_field": "color", "external_key": "color", "odoo_type": "integer"},
    {"odoo_field": "employee", "external_key": "employee", "odoo_type": "boolean"},
]

# sale.order: date with a format, date-times in a time zone (one with a format, one ISO 8601), a constant customer.
ORDER_LINES = [
    {
        "odoo_field": "client_order_ref",
        "external_key": "reference",
        "odoo_type": "char",
        "is_identifier": True,
        "required": True,
    },
    {
        "odoo_field": "validity_date",
        "external_key": "valid_until",
        "value_type": "date",
        "options": {"format": "%d/%m/%Y"},
    },
    {
        "odoo_field": "commitment_date",
        "external_key": "delivery",
        "value_type": "datetime",
        "options": {"format": "%d/%m/%Y %H:%M", "tz": "Europe/Brussels"},
    },
    {
        "odoo_field": "date_order",
        "external_key": "ordered_at",
        "value_type": "datetime",
        "options": {"tz": "Europe/Brussels"},
    },
]


@pytest.fixture
def contacts(make_endpoint):
    return make_endpoint("contacts", CONTACT_LINES, domain="[('ref', '!=', False)]")


@pytest.fixture
def customer_id(odoo_client):
    """The partner every order of the orders endpoint is for (a constant line)."""
    return odoo_client.execute_kw("res.partner", "create", [{"name": "Order Customer"}])


@pytest.fixture
def orders(make_endpoint, customer_id):
    lines = [
        *ORDER_LINES,
        {
            "odoo_field": "partner_id",
            "external_key": "customer",
            "value_type": "constant",
            "direction": "in",
            "options": {"value": customer_id},
        },
    ]
    return make_endpoint("orders", lines, odoo_model="sale.order", domain="[('client_order_ref', '!=', False)]")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def stored(fake_odoo, model, **match):
    [record] = [r for r in fake_odoo.records(model) if all(r.get(k) == v for k, v in match.items())]
    return record


def line_id(endpoint, key):
    return endpoint.lines.get(external_key=key).pk


# -- res.partner: expression, constant, selection, monetary, float, integer, boolean ------------------------


ANN = {
    "contact_id": "P100",
    "name": "  ann lee ",
    "rating": "B",
    "debit_limit": 1250.5,
    "credit_limit": 300,
    "color": 4.0,
    "employee": True,
}
ANN_OUT = {
    "contact_id": "P100",
    "name": "Ann Lee",
    "rating": "B",
    "debit_limit": 1250.5,
    "credit_limit": 300.0,
    "color": 4,
    "employee": True,
}


def test_post_stores_each_partner_value_type_as_odoo_expects_and_get_answers_the_external_form(
    client, contacts, fake_odoo
):
    response = post(client, CONTACTS, ANN)
    assert response.status_code == 201, response.content
    assert body(response) == {"status": "success", "data": ANN_OUT}
    record = stored(fake_odoo, "res.partner", ref="P100")
    assert {k: record[k] for k in ("name", "lang", "trust", "debit_limit", "credit_limit", "color", "employee")} == {
        "name": "Ann Lee / P100",  # computed from the value and another key of the payload
        "lang": "fr_FR",  # the constant, written although the caller cannot send it
        "trust": "normal",  # the selection map's Odoo key
        "debit_limit": 1250.5,
        "credit_limit": 300.0,
        "color": 4,
        "employee": True,
    }
    assert isinstance(record["credit_limit"], float)
    assert isinstance(record["color"], int)
    assert body(client.get(f"{CONTACTS}/P100")) == {"status": "success", "data": ANN_OUT}


def test_put_converts_values_and_does_not_rewrite_the_constant(client, contacts, fake_odoo, odoo_client):
    assert post(client, CONTACTS, ANN).status_code == 201
    partner_id = stored(fake_odoo, "res.partner", ref="P100")["id"]
    odoo_client.execute_kw("res.partner", "write", [[partner_id], {"lang": "en_US"}])
    response = put(
        client, f"{CONTACTS}/P100", {"contact_id": "P100", "rating": "C", "employee": False, "name": "bo chen"}
    )
    assert response.status_code == 200, response.content
    expected = {**ANN_OUT, "rating": "C", "employee": False, "name": "Bo Chen"}
    assert body(response) == {"status": "success", "data": expected}
    record = stored(fake_odoo, "res.partner", ref="P100")
    assert (record["trust"], record["employee"], record["name"], record["lang"]) == (
        "bad",
        False,
        "Bo Chen / P100",
        "en_US",
    )


def test_the_constant_is_not_a_key_callers_may_send(client, contacts, fake_odoo):
    error(
        post(client, CONTACTS, {**ANN, "lang": "en_US"}),
        400,
        "Unknown key(s): lang. Allowed: contact_id, name, rating, debit_limit, credit_limit, color, employee.",
    )
    assert [r for r in fake_odoo.records("res.partner") if r.get("ref") == "P100"] == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "name",
            42,
            "Mapping line 'name' (name): Expression failed: Sorry, attribute access not allowed on "
            "'<class 'int'>' (attempted to access `.strip`)",
        ),
        ("rating", "D", "Mapping line 'rating' (trust): unknown value 'D'; expected one of: A, B, C."),
        ("rating", ["A"], "Mapping line 'rating' (trust): unknown value ['A']; expected one of: A, B, C."),
        ("debit_limit", "12.5", "Mapping line 'debit_limit' (debit_limit): expects a number, got '12.5'."),
        ("credit_limit", True, "Mapping line 'credit_limit' (credit_limit): expects a number, got True."),
        ("color", 2.5, "Mapping line 'color' (color): expects an integer, got 2.5."),
        ("color", "3", "Mapping line 'color' (color): expects an integer, got '3'."),
        (
            "color",
            2**31,
            "Mapping line 'color' (color): expects an integer from -2147483648 to 2147483647, got 2147483648.",
        ),
        ("employee", "yes", "Mapping line 'employee' (employee): expects true or false, got 'yes'."),
        ("employee", 1, "Mapping line 'employee' (employee): expects true or false, got 1."),
    ],
)
def test_a_bad_partner_value_is_400_naming_its_line_and_creates_nothing(
    client, contacts, fake_odoo, rpc_calls, key, value, message
):
    error(post(client, CONTACTS, {**ANN, key: value}), 400, message, line_id=line_id(contacts, key))
    assert [r for r in fake_odoo.records("res.partner") if r.get("ref") == "P100"] == []
    assert rpc_calls == []  # refused before any Odoo call


@pytest.fixture
def partners(odoo_client):
    """Three partners of the contacts endpoint, written with Odoo's values."""
    rows = [
        ("P1", "Ann Lee", "good", 100.0, 50.0, 1, True),
        ("P2", "Bo Chen", "normal", 200.0, 150.5, 2, False),
        ("P3", "Cy Diaz", "bad", 0.0, 300.0, 3, False),
    ]
    for ref, name, trust, debit, credit, color, employee in rows:
        vals = {
            "ref": ref,
            "name": f"{name} / {ref}",
            "trust": trust,
            "debit_limit": debit,
            "credit_limit": credit,
            "color": color,
            "employee": employee,
        }
        odoo_client.execute_kw("res.partner", "create", [vals])


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["contact_id"] for item in body(response)["data"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rating": "A"}, ["P1"]),  # the external value, mapped to the Odoo key "good"
        ({"rating__in": "A,C"}, ["P1", "P3"]),
        ({"debit_limit__gt": "100"}, ["P2"]),
        ({"credit_limit__lte": "150.5"}, ["P1", "P2"]),
        ({"color": "3"}, ["P3"]),
        ({"color__in": "1,2"}, ["P1", "P2"]),
        ({"color__gte": "2", "color__lt": "3"}, ["P2"]),
        ({"employee": "true"}, ["P1"]),
        ({"employee": "no"}, ["P2", "P3"]),
        ({"employee": "0", "rating": "B"}, ["P2"]),
    ],
)
def test_list_filters_convert_the_query_text_through_the_line(client, contacts, partners, params, expected):
    assert refs(client.get(CONTACTS, {**params, "order": "contact_id"})) == expected


def test_list_answers_every_type_in_its_external_form(client, contacts, partners):
    response = client.get(CONTACTS, {"rating": "B"})
    assert body(response)["data"] == [
        {
            "contact_id": "P2",
            "name": "Bo Chen",
            "rating": "B",
            "debit_limit": 200.0,
            "credit_limit": 150.5,
            "color": 2,
            "employee": False,
        }
    ]


@pytest.mark.parametrize(
    ("params", "message", "key"),
    [
        ({"rating": "Z"}, "Mapping line 'rating' (trust): unknown value 'Z'; expected one of: A, B, C.", "rating"),
        (
            {"rating__in": "A,good"},
            "Mapping line 'rating' (trust): unknown value 'good'; expected one of: A, B, C.",
            "rating",
        ),
        ({"color": "two"}, "Mapping line 'color' (color): 'two' is not an integer value.", "color"),
        ({"color": "2.5"}, "Mapping line 'color' (color): '2.5' is not an integer value.", "color"),
        (
            {"debit_limit__gt": "lots"},
            "Mapping line 'debit_limit' (debit_limit): 'lots' is not a monetary value.",
            "debit_limit",
        ),
        (
            {"debit_limit": "nan"},
            "Mapping line 'debit_limit' (debit_limit): 'nan' is not a monetary value.",
            "debit_limit",
        ),
        (
            {"credit_limit__lt": "1e400"},
            "Mapping line 'credit_limit' (credit_limit): '1e400' is not a float value.",
            "credit_limit",
        ),
        ({"employee": "maybe"}, "Mapping line 'employee' (employee): 'maybe' is not a boolean value.", "employee"),
    ],
)
def test_a_filter_value_the_line_cannot_convert_is_400_naming_the_line(
    client, contacts, rpc_calls, params, message, key
):
    error(client.get(CONTACTS, params), 400, message, line_id=line_id(contacts, key))
    assert rpc_calls == []


# -- sale.order: date with a format, date-time in a time zone, constant many2one -----------------------------


def test_post_stores_dates_as_odoo_does_and_get_answers_them_in_the_lines_format_and_zone(
    client, orders, customer_id, fake_odoo
):
    sent = {
        "reference": "PO-1",
        "valid_until": "31/01/2025",
        "delivery": "30/03/2025 01:30",  # Brussels winter time (UTC+1), the night DST starts
        "ordered_at": "2024-07-01T10:00:00",  # no offset: Brussels summer time (UTC+2)
    }
    response = post(client, ORDERS, sent)
    assert response.status_code == 201, response.content
    answered = {
        "reference": "PO-1",
        "valid_until": "31/01/2025",
        "delivery": "30/03/2025 01:30",
        "ordered_at": "2024-07-01T10:00:00+02:00",
    }
    assert body(response) == {"status": "success", "data": answered}
    record = stored(fake_odoo, "sale.order", client_order_ref="PO-1")
    assert (record["validity_date"], record["commitment_date"], record["date_order"], record["partner_id"]) == (
        "2025-01-31",
        "2025-03-30 00:30:00",
        "2024-07-01 08:00:00",
        customer_id,  # the constant line's many2one id
    )
    assert body(client.get(f"{ORDERS}/PO-1")) == {"status": "success", "data": answered}


def test_a_date_time_with_an_offset_is_converted_to_utc_and_answered_in_the_lines_zone(client, orders, fake_odoo):
    response = post(client, ORDERS, {"reference": "PO-2", "ordered_at": "2024-12-01T10:00:00-05:00"})
    assert response.status_code == 201, response.content
    record = stored(fake_odoo, "sale.order", client_order_ref="PO-2")
    assert record["date_order"] == "2024-12-01 15:00:00"
    year, month, day = record["validity_date"].split("-")  # Odoo's default validity, in the line's format
    assert body(response)["data"] == {
        "reference": "PO-2",
        "valid_until": f"{day}/{month}/{year}",
        "delivery": None,
        "ordered_at": "2024-12-01T16:00:00+01:00",
    }


def test_put_converts_dates_and_null_clears_them(client, orders, fake_odoo):
    assert post(client, ORDERS, {"reference": "PO-3", "valid_until": "01/02/2025"}).status_code == 201
    response = put(client, f"{ORDERS}/PO-3", {"valid_until": None, "delivery": "15/08/2025 09:05"})
    assert response.status_code == 200, response.content
    assert body(response)["data"]["valid_until"] is None
    assert body(response)["data"]["delivery"] == "15/08/2025 09:05"
    record = stored(fake_odoo, "sale.order", client_order_ref="PO-3")
    assert (record["validity_date"], record["commitment_date"]) == (False, "2025-08-15 07:05:00")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "valid_until",
            "2025-01-31",
            "Mapping line 'valid_until' (validity_date): expects a date in the format '%d/%m/%Y', got '2025-01-31'.",
        ),
        (
            "valid_until",
            "31/02/2025",
            "Mapping line 'valid_until' (validity_date): expects a date in the format '%d/%m/%Y', got '31/02/2025'.",
        ),
        (
            "valid_until",
            20250131,
            "Mapping line 'valid_until' (validity_date): expects a date in the format '%d/%m/%Y', got 20250131.",
        ),
        (
            "delivery",
            "30/03/2025",
            "Mapping line 'delivery' (commitment_date): expects a date-time in the format "
            "'%d/%m/%Y %H:%M', got '30/03/2025'.",
        ),
        (
            "ordered_at",
            "yesterday",
            "Mapping line 'ordered_at' (date_order): expects a date-time in the format ISO 8601, got 'yesterday'.",
        ),
        (
            "ordered_at",
            ["2024-07-01"],
            "Mapping line 'ordered_at' (date_order): expects a date-time in the format ISO 8601, got ['2024-07-01'].",
        ),
    ],
)
def test_a_bad_date_is_400_naming_its_line_and_creates_nothing(client, orders, fake_odoo, key, value, message):
    before = len(fake_odoo.records("sale.order"))
    error(post(client, ORDERS, {"reference": "PO-9", key: value}), 400, message, line_id=line_id(orders, key))
    assert len(fake_odoo.records("sale.order")) == before


@pytest.fixture
def dated_orders(odoo_client, customer_id):
    """Orders of the orders endpoint written with Odoo's values (UTC date-times)."""
    rows = [
        ("PO-A", "2020-01-31", "2024-03-01 08:30:00"),  # delivery 09:30 in Brussels
        ("PO-B", "2020-02-01", "2024-03-01 09:30:00"),  # delivery 10:30 in Brussels
        ("PO-C", "2020-03-15", False),
    ]
    for ref, validity, commitment in rows:
        vals = {"client_order_ref": ref, "partner_id": customer_id, "validity_date": validity}
        vals["commitment_date"] = commitment
        odoo_client.execute_kw("sale.order", "create", [vals])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"valid_until__gte": "01/02/2020"}, ["PO-B", "PO-C"]),  # 1 February 2020, not 2 January
        ({"valid_until__lt": "01/02/2020"}, ["PO-A"]),
        ({"valid_until": "15/03/2020"}, ["PO-C"]),
        ({"valid_until__in": "31/01/2020,15/03/2020"}, ["PO-A", "PO-C"]),
        ({"delivery__lt": "01/03/2024 10:00"}, ["PO-A"]),  # 10:00 in Brussels is 09:00 UTC
        ({"delivery__gte": "01/03/2024 10:00"}, ["PO-B"]),
        ({"delivery": "01/03/2024 10:30"}, ["PO-B"]),
    ],
)
def test_date_filters_are_parsed_in_the_lines_format_and_zone(client, orders, dated_orders, params, expected):
    response = client.get(ORDERS, {**params, "order": "reference"})
    assert response.status_code == 200, response.content
    assert [item["reference"] for item in body(response)["data"]] == expected


def test_listed_dates_are_answered_in_the_lines_format_and_zone(client, orders, dated_orders):
    response = client.get(ORDERS, {"valid_until__lt": "01/02/2020"})
    [order] = body(response)["data"]
    assert {k: order[k] for k in ("reference", "valid_until", "delivery")} == {
        "reference": "PO-A",
        "valid_until": "31/01/2020",
        "delivery": "01/03/2024 09:30",
    }


@pytest.mark.parametrize(
    ("params", "message", "key"),
    [
        (
            {"valid_until__gte": "2020-02-01"},
            "Mapping line 'valid_until' (validity_date): expects a date in the format '%d/%m/%Y', got '2020-02-01'.",
            "valid_until",
        ),
        (
            {"delivery__lt": "01/03/2024"},
            "Mapping line 'delivery' (commitment_date): expects a date-time in the "
            "format '%d/%m/%Y %H:%M', got '01/03/2024'.",
            "delivery",
        ),
    ],
)
def test_a_date_filter_in_another_format_is_400_naming_the_line(client, orders, rpc_calls, params, message, key):
    error(client.get(ORDERS, params), 400, message, line_id=line_id(orders, key))
    assert rpc_calls == []


@pytest.mark.parametrize(
    ("key", "raw", "shown"),
    [("debit_limit", "1" + "0" * 400, repr(10**400)[:57] + "...")],  # float() of it overflows
)
def test_a_number_out_of_float_range_is_400_naming_its_line_and_creates_nothing(
    client, contacts, fake_odoo, rpc_calls, key, raw, shown
):
    data = '{"contact_id": "P100", "name": "Ann", "%s": %s}' % (key, raw)  # noqa: UP031 - raw JSON number text
    response = client.post(CONTACTS, data, content_type="application/json")
    error(response, 400, f"Mapping line '{key}' ({key}): expects a finite number, got {shown}.", line_id(contacts, key))
    assert [r for r in fake_odoo.records("res.partner") if r.get("ref") == "P100"] == []
    assert rpc_calls == []


@pytest.mark.parametrize("raw", ["1e400", "-1e400"])  # JSON text that Python would read as infinity
def test_an_infinite_json_number_is_refused_by_the_body_reader(client, contacts, fake_odoo, rpc_calls, raw):
    data = '{"contact_id": "P100", "name": "Ann", "debit_limit": %s}' % raw  # noqa: UP031 - raw JSON number text
    response = client.post(CONTACTS, data, content_type="application/json")
    error(response, 400, f"JSON parse error - Number out of range: {raw}", None)
    assert [r for r in fake_odoo.records("res.partner") if r.get("ref") == "P100"] == []
    assert rpc_calls == []
