"""The engine without Odoo: keys, defaults, constants, nesting, output, filters, order and identifier."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings.domain import and_domains, check_domain, parse_domain
from mappings.engine import EndpointMapping, MappingError, Search
from mappings.sandbox import compile_expression
from mappings.values import LineSpec

CONTACT_LINES = (
    LineSpec(11, "name", "name", odoo_type="char", required=True),
    LineSpec(12, "email", "email", odoo_type="char"),
)


def partner_mapping() -> EndpointMapping:
    return EndpointMapping(
        [
            LineSpec(1, "ref", "customer_id", odoo_type="char", is_identifier=True, required=True),
            LineSpec(2, "name", "name", odoo_type="char", required=True),
            LineSpec(3, "active", "active", odoo_type="boolean", default=True),
            LineSpec(4, "credit_limit", "credit", odoo_type="float"),
            LineSpec(5, "type", "kind", value_type="constant", options={"value": "contact"}, direction="in"),
            LineSpec(
                6,
                "country_id",
                "country",
                value_type="many2one",
                options={"model": "res.country", "field": "code"},
            ),
            LineSpec(
                7,
                "category_id",
                "tags",
                value_type="many2many",
                options={"model": "res.partner.category", "field": "name"},
            ),
            LineSpec(8, "child_ids", "contacts", value_type="one2many", children=CONTACT_LINES),
            LineSpec(
                9, "create_date", "created", value_type="datetime", options={"tz": "Europe/Brussels"}, direction="out"
            ),
            LineSpec(10, "state", "status", value_type="selection", options={"map": {"new": "draft", "ok": "sale"}}),
            LineSpec(
                13,
                "comment",
                "summary",
                value_type="expression",
                options={
                    "to_odoo": "upper(value)",
                    "to_external": "payload['name'] + ' <' + (payload['email'] or '-') + '>'",
                },
                expressions={
                    "to_odoo": compile_expression("upper(value)"),
                    "to_external": compile_expression("payload['name'] + ' <' + (payload['email'] or '-') + '>'"),
                },
            ),
            LineSpec(14, "date", "since", value_type="date", options={"format": "%d/%m/%Y"}),
            LineSpec(15, "email", "email", odoo_type="char", direction="out"),
        ]
    )


MAPPING = partner_mapping()


def raised(call, *args, **kwargs) -> MappingError:
    with pytest.raises(MappingError) as caught:
        call(*args, **kwargs)
    return caught.value


# -- what the endpoints app reads ----------------------------------------------------------------


def test_properties_for_the_endpoints_app():
    assert MAPPING.identifier.external_key == "customer_id"
    assert list(MAPPING.specification) == [
        "ref",
        "name",
        "active",
        "credit_limit",
        "country_id",
        "category_id",
        "child_ids",
        "create_date",
        "state",
        "email",  # read for the expression line on comment
        "comment",
        "date",
    ]
    assert MAPPING.writable_keys == [
        "customer_id",
        "name",
        "active",
        "credit",
        "country",
        "tags",
        "contacts",
        "status",
        "summary",
        "since",
    ]
    assert MAPPING.required_keys == ["customer_id", "name"]
    assert MAPPING.identifier_is_writable is True
    assert MAPPING.order_keys == [
        "customer_id",
        "name",
        "active",
        "credit",
        "country",
        "created",
        "status",
        "since",
        "email",
    ]


def test_allowed_params_follow_the_value_types():
    assert MAPPING.allowed_params == [
        "customer_id",
        "customer_id__in",
        "customer_id__gt",
        "customer_id__gte",
        "customer_id__lt",
        "customer_id__lte",
        "customer_id__ilike",
        "name",
        "name__in",
        "name__gt",
        "name__gte",
        "name__lt",
        "name__lte",
        "name__ilike",
        "active",
        "active__in",
        "credit",
        "credit__in",
        "credit__gt",
        "credit__gte",
        "credit__lt",
        "credit__lte",
        "country",
        "country__in",
        "country__ilike",
        "tags",
        "tags__in",
        "tags__ilike",
        "created",
        "created__in",
        "created__gt",
        "created__gte",
        "created__lt",
        "created__lte",
        "status",
        "status__in",
        "since",
        "since__in",
        "since__gt",
        "since__gte",
        "since__lt",
        "since__lte",
        "email",
        "email__in",
        "email__gt",
        "email__gte",
        "email__lt",
        "email__lte",
        "email__ilike",
    ]


# -- to_odoo without lookups ---------------------------------------------------------------------


def test_to_odoo_builds_vals_with_defaults_constants_and_nested_lines():
    payload = {
        "customer_id": "C1",
        "name": "Ada",
        "credit": 10,
        "status": "ok",
        "summary": "vip",
        "since": "01/02/2024",
        "contacts": [{"name": "Bob", "email": "bob@example.com"}, {"name": "Eve"}],
    }
    assert MAPPING.to_odoo([payload], None) == [
        {
            "ref": "C1",
            "name": "Ada",
            "active": True,
            "credit_limit": 10.0,
            "type": "contact",
            "child_ids": [(0, 0, {"name": "Bob", "email": "bob@example.com"}), (0, 0, {"name": "Eve"})],
            "state": "sale",
            "comment": "VIP",
            "date": "2024-02-01",
        }
    ]
    assert payload["contacts"][1] == {"name": "Eve"}  # the caller's payload is left as it was


def test_partial_writes_only_the_given_keys():
    assert MAPPING.to_odoo([{"credit": 5, "contacts": [{"name": "Bob"}]}], None, partial=True) == [
        {"credit_limit": 5.0, "child_ids": [(5, 0, 0), (0, 0, {"name": "Bob"})]}
    ]
    assert MAPPING.to_odoo([{}], None, partial=True) == [{}]


def test_null_clears_a_field():
    assert MAPPING.to_odoo([{"credit": None, "country": None, "tags": None}], None, partial=True) == [
        {"credit_limit": False, "country_id": False, "category_id": [(6, 0, [])]}
    ]


def test_missing_and_unknown_keys_are_listed():
    error = raised(MAPPING.to_odoo, [{"name": "Ada", "vat": "x", "created": "2024"}], None)
    assert (error.http_status, error.line_id) == (400, None)
    assert error.missing == ["customer_id"]
    assert error.unknown == ["vat", "created"]
    assert error.message == (
        "Unknown key(s): vat, created. Allowed: customer_id, name, active, credit, country, tags, contacts, status, "
        "summary, since. Missing required key(s): customer_id."
    )


def test_a_list_names_the_record_at_fault():
    error = raised(MAPPING.to_odoo, [{"customer_id": "1", "name": "a"}, {"customer_id": "2"}], None)
    assert error.message == "Missing required key(s) in record 1: name."
    assert error.missing == ["name"]


def test_nested_lines_check_their_own_keys():
    payload = {"customer_id": "1", "name": "a", "contacts": [{"name": "b"}, {"email": "c", "phone": "d"}]}
    error = raised(MAPPING.to_odoo, [payload], None)
    assert error.message == (
        "Unknown key(s) in contacts[1]: phone. Allowed: name, email. Missing required key(s) in contacts[1]: name."
    )
    assert (error.missing, error.unknown) == (["name"], ["phone"])


def test_partial_skips_required_but_not_unknown_keys():
    error = raised(MAPPING.to_odoo, [{"kind": "company"}], None, partial=True)
    assert error.unknown == ["kind"]  # a constant line takes nothing from the caller
    assert error.message.startswith("Unknown key(s): kind.")


def test_a_record_must_be_an_object():
    assert raised(MAPPING.to_odoo, [["a"]], None).message == "Each record must be a JSON object."


def test_a_bad_value_names_its_line():
    error = raised(MAPPING.to_odoo, [{"customer_id": "1", "name": "a", "status": "gone"}], None)
    assert (error.http_status, error.line_id, error.message) == (
        400,
        10,
        "Mapping line 'status' (state): unknown value 'gone'; expected one of: new, ok.",
    )


def test_an_expression_that_fails_names_its_line():
    source = "value + 1"
    mapping = EndpointMapping(
        [
            LineSpec(
                21,
                "x_total",
                "total",
                value_type="expression",
                direction="in",
                options={"to_odoo": source},
                expressions={"to_odoo": compile_expression(source)},
            )
        ]
    )
    assert mapping.to_odoo([{"total": 1}], None) == [{"x_total": 2}]
    error = raised(mapping.to_odoo, [{"total": "1"}], None)
    assert (error.line_id, error.message) == (
        21,
        "Mapping line 'total' (x_total): Expression failed: TypeError: can only concatenate str (not \"int\") to str",
    )


# -- to_external -----------------------------------------------------------------------------------

RECORD = {
    "id": 7,
    "ref": "C1",
    "name": "Ada",
    "active": True,
    "credit_limit": 0.0,
    "type": "contact",
    "country_id": {"id": 20, "code": "BE"},  # as the specification read gives them
    "category_id": [{"id": 4, "name": "VIP"}],
    "child_ids": [8, 9],
    "create_date": "2024-07-01 10:00:00",
    "state": "draft",
    "comment": False,
    "email": False,
    "date": "2024-02-01",
}


def test_to_external_shows_the_outbound_lines():
    assert MAPPING.to_external(RECORD) == {
        "customer_id": "C1",
        "name": "Ada",
        "active": True,
        "credit": 0.0,
        "country": "BE",
        "tags": ["VIP"],
        "contacts": [8, 9],
        "created": "2024-07-01T12:00:00+02:00",
        "status": "new",
        "summary": "Ada <->",
        "since": "01/02/2024",
        "email": None,
    }


def test_to_external_maps_nested_records_of_a_specification_read():
    record = {**RECORD, "child_ids": [{"id": 8, "name": "Bob", "email": "b@x"}]}
    assert MAPPING.to_external(record)["contacts"] == [{"name": "Bob", "email": "b@x"}]


# -- filters, order, identifier ------------------------------------------------------------------------


def test_filter_domain_converts_through_the_value_types():
    params = {
        "active": "false",
        "credit__gte": "100.5",
        "country__in": "BE, FR",
        "name__ilike": "ad",
        "created__lt": "2024-07-01T12:00:00",
        "status": "ok",
        "since": "31/12/2023",
        "tags": "VIP",
        "limit": "5",
        "offset": "0",
        "order": "name",
    }
    assert MAPPING.filter_domain(params) == [
        ("active", "=", False),
        ("credit_limit", ">=", 100.5),
        ("country_id.code", "in", ["BE", "FR"]),
        ("name", "ilike", "ad"),
        ("create_date", "<", "2024-07-01 10:00:00"),
        ("state", "=", "sale"),
        ("date", "=", "2023-12-31"),
        ("category_id.name", "=", "VIP"),
    ]


def test_filter_domain_with_an_explicit_reserved_set():
    assert MAPPING.filter_domain({"page": "2", "name": "x"}, reserved={"page"}) == [("name", "=", "x")]


def test_unknown_parameters_list_the_allowed_ones():
    error = raised(MAPPING.filter_domain, {"vat": "1", "active__ilike": "x", "summary": "y", "name": "ok"})
    assert error.unknown == ["active__ilike", "summary", "vat"]  # sorted
    allowed = ["limit", "offset", "order", *MAPPING.allowed_params]  # the reserved ones first
    assert error.allowed == allowed
    assert error.message == (f"Unknown query parameter(s): active__ilike, summary, vat. Allowed: {', '.join(allowed)}.")


def test_unknown_parameters_are_refused_before_any_value_converts():
    error = raised(MAPPING.filter_domain, {"active": "maybe", "vat": "1"}, reserved=("order",))
    assert error.unknown == ["vat"]
    assert error.message.startswith("Unknown query parameter(s): vat. Allowed: order, customer_id, ")


def test_search_is_the_one_list_call():
    within = [("customer_rank", ">", 0)]
    search = MAPPING.search({"name": "x", "order": "-name", "limit": "5"}, within=within)
    assert search.domain == and_domains(within, [("name", "=", "x")])
    assert search.order == "name desc"
    assert search.specification == MAPPING.specification
    assert MAPPING.search({}, within=[]) == Search(domain=[], order=None, specification=MAPPING.specification)


@pytest.mark.parametrize(
    ("params", "line_id", "message"),
    [
        ({"active": "maybe"}, 3, "Mapping line 'active' (active): 'maybe' is not a boolean value."),
        ({"credit__gt": "lots"}, 4, "Mapping line 'credit' (credit_limit): 'lots' is not a float value."),
        (
            {"status__in": "ok,gone"},
            10,
            "Mapping line 'status' (state): unknown value 'gone'; expected one of: new, ok.",
        ),
        (
            {"since__gte": "2024-01-01"},
            14,
            "Mapping line 'since' (date): expects a date in the format '%d/%m/%Y', got '2024-01-01'.",
        ),
    ],
)
def test_a_parameter_that_does_not_convert_names_its_line(params, line_id, message):
    error = raised(MAPPING.filter_domain, params)
    assert (error.http_status, error.line_id, error.message) == (400, line_id, message)


def test_order_translates_keys_to_fields():
    assert MAPPING.order("name,-credit, country") == "name asc, credit_limit desc, country_id asc"
    assert MAPPING.order("") == ""


def test_order_by_an_unknown_or_unorderable_key_fails():
    error = raised(MAPPING.order, "name,-vat,tags")
    assert error.unknown == ["vat", "tags"]
    assert error.message == (
        "Unknown order key(s): vat, tags. Allowed: customer_id, name, active, credit, country, created, status, "
        "since, email."
    )


def test_identifier_domain_from_a_url_or_a_body_value():
    assert MAPPING.identifier_domain("C1") == [("ref", "=", "C1")]
    numeric = EndpointMapping([LineSpec(1, "id", "id", odoo_type="integer", is_identifier=True)])
    assert numeric.identifier_domain("42") == [("id", "=", 42)]
    assert numeric.identifier_domain(42) == [("id", "=", 42)]
    error = raised(numeric.identifier_domain, "abc")
    assert (error.line_id, error.message) == (1, "Mapping line 'id' (id): 'abc' is not an integer value.")


def test_a_mapping_without_identifier():
    mapping = EndpointMapping([LineSpec(1, "name", "name")])
    assert mapping.identifier is None
    assert mapping.identifier_is_writable is False
    assert raised(mapping.identifier_domain, "x").message == "This endpoint has no record identifier line."


# a NUL is refused before (a 400), and so is an empty filter value
NO_NUL_TEXT = st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=30)


@given(NO_NUL_TEXT, NO_NUL_TEXT)
def test_any_text_filter_gives_a_valid_domain_that_only_narrows(name, ref):
    filters = MAPPING.filter_domain({"name__ilike": name, "customer_id__in": ref, "country": ref})
    configured = parse_domain("['|', ('active', '=', True), ('is_company', '=', True)]")
    combined = and_domains(configured, filters)
    assert check_domain(combined) == combined
    assert combined[: 1 + len(configured)] == ["&", *configured]


def test_a_filter_without_a_value_is_refused_whatever_its_line():
    error = raised(MAPPING.filter_domain, {"name__ilike": "", "customer_id__in": "x", "country": ""})
    assert error.message == "Query parameter(s) without a value: country, name__ilike."
