"""The engine and the fields check against the Odoo stand-in over HTTP, with exact RPC counts."""

import pytest

from hub import callstats
from mappings import engine
from mappings.admin_support import check_field_names, check_lines
from mappings.engine import EndpointMapping, MappingError
from mappings.models import MappingLine
from mappings.values import LineSpec, many2one_check

pytestmark = pytest.mark.django_db

COUNTRY_OPTIONS = {"model": "res.country", "field": "code"}

PARTNER_LINES = [
    LineSpec(1, "ref", "customer_id", odoo_type="char", is_identifier=True, required=True),
    LineSpec(2, "name", "name", odoo_type="char", required=True),
    LineSpec(3, "country_id", "country", value_type="many2one", options=COUNTRY_OPTIONS),
    LineSpec(
        4, "category_id", "tags", value_type="many2many", options={"model": "res.partner.category", "field": "name"}
    ),
    LineSpec(
        5,
        "child_ids",
        "contacts",
        value_type="one2many",
        children=(
            LineSpec(6, "name", "name", odoo_type="char", required=True),
            LineSpec(7, "country_id", "country", value_type="many2one", options=COUNTRY_OPTIONS),
        ),
    ),
    LineSpec(8, "parent_id", "company", value_type="many2one", options={"model": "res.partner", "field": "ref"}),
]


@pytest.fixture
def seeded(odoo_client):
    """Countries, tags and partners of our own, so the test does not depend on the demo data."""

    def create(model, vals):
        return odoo_client.execute_kw(model, "create", [vals])

    return {
        "XA": create("res.country", {"name": "Xanadu", "code": "XA"}),
        "XB": create("res.country", {"name": "Xebec", "code": "XB"}),
        "Gold": create("res.partner.category", {"name": "D1 Gold"}),
        "Silver": create("res.partner.category", {"name": "D1 Silver"}),
        "ACME": create("res.partner", {"name": "Acme", "ref": "D1-ACME", "is_company": True}),
        "DUP1": create("res.partner", {"name": "Dup one", "ref": "D1-DUP"}),
        "DUP2": create("res.partner", {"name": "Dup two", "ref": "D1-DUP"}),
    }


def payloads():
    return [
        {
            "customer_id": "D1-1",
            "name": "First",
            "country": "XA",
            "tags": ["D1 Gold", "D1 Silver"],
            "contacts": [{"name": "Ann", "country": "XB"}, {"name": "Ben"}],
            "company": "D1-ACME",
        },
        {"customer_id": "D1-2", "name": "Second", "country": "XB", "tags": ["D1 Gold"]},
        {"customer_id": "D1-3", "name": "Third", "contacts": [{"name": "Cid", "country": "XA"}]},
    ]


def test_lookups_are_one_search_per_model_and_field_for_all_payloads(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    with callstats.tracking() as stats:
        vals = mapping.to_odoo(payloads(), odoo_client)
    assert [(model, method) for model, method, _ in stats.calls] == [
        ("res.country", "search_read"),
        ("res.partner.category", "search_read"),
        ("res.partner", "search_read"),
    ]
    assert stats.count == 3
    assert vals == [
        {
            "ref": "D1-1",
            "name": "First",
            "country_id": seeded["XA"],
            "category_id": [(6, 0, [seeded["Gold"], seeded["Silver"]])],
            "child_ids": [(0, 0, {"name": "Ann", "country_id": seeded["XB"]}), (0, 0, {"name": "Ben"})],
            "parent_id": seeded["ACME"],
        },
        {
            "ref": "D1-2",
            "name": "Second",
            "country_id": seeded["XB"],
            "category_id": [(6, 0, [seeded["Gold"]])],
        },
        {"ref": "D1-3", "name": "Third", "child_ids": [(0, 0, {"name": "Cid", "country_id": seeded["XA"]})]},
    ]


def test_the_vals_are_what_odoo_accepts(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    vals = mapping.to_odoo(payloads()[:1], odoo_client)
    [record_id] = odoo_client.execute_kw("res.partner", "create", [vals])
    [record] = odoo_client.execute_kw(
        "res.partner", "read", [[record_id]], {"fields": ["ref", "country_id", "category_id", "child_ids", "parent_id"]}
    )
    assert record["ref"] == "D1-1"
    assert record["country_id"][0] == seeded["XA"]
    assert sorted(record["category_id"]) == sorted([seeded["Gold"], seeded["Silver"]])
    assert len(record["child_ids"]) == 2
    assert record["parent_id"][0] == seeded["ACME"]
    [read] = odoo_client.execute_kw("res.partner", "web_read", [[record_id]], {"specification": mapping.specification})
    out = mapping.to_external(read)
    # what the caller sent comes back: codes, names and refs, not display names (the contacts have
    # their company's country: Odoo gives a contact its company's address)
    assert out == {
        "customer_id": "D1-1",
        "name": "First",
        "country": "XA",
        "tags": ["D1 Gold", "D1 Silver"],
        "contacts": [{"name": "Ann", "country": "XA"}, {"name": "Ben", "country": "XA"}],
        "company": "D1-ACME",
    }


def test_a_read_without_the_lookup_field_is_refused_by_name(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    [record_id] = odoo_client.execute_kw("res.partner", "create", [mapping.to_odoo(payloads()[:1], odoo_client)])
    [record] = odoo_client.execute_kw("res.partner", "read", [[record_id]], {"fields": ["country_id"]})
    with pytest.raises(MappingError) as caught:
        mapping.to_external(record)
    assert (caught.value.line_id, caught.value.message) == (
        3,
        "Mapping line 'country' (country_id): the related record was read without its code: "
        f"[{seeded['XA']}, 'Xanadu'].",
    )


def test_without_lookup_values_no_rpc_is_made(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    with callstats.tracking() as stats:
        assert mapping.to_odoo([{"customer_id": "x", "name": "y", "country": None}], odoo_client) == [
            {"ref": "x", "name": "y", "country_id": False}
        ]
    assert stats.count == 0


def test_a_value_without_match_names_the_line_and_value(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    body = [{"customer_id": "x", "name": "y", "contacts": [{"name": "z", "country": "QQ"}]}]
    with callstats.tracking() as stats, pytest.raises(MappingError) as caught:
        mapping.to_odoo(body, odoo_client)
    assert stats.count == 1
    error = caught.value
    assert (error.http_status, error.line_id, error.message) == (
        400,
        7,
        "Mapping line 'country' (country_id): no res.country record has code 'QQ'.",
    )


def test_a_value_with_several_matches_names_the_line_and_ids(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    with pytest.raises(MappingError) as caught:
        mapping.to_odoo([{"customer_id": "x", "name": "y", "company": "D1-DUP"}], odoo_client)
    ids = ", ".join(str(i) for i in sorted([seeded["DUP1"], seeded["DUP2"]]))
    assert (caught.value.line_id, caught.value.message) == (
        8,
        f"Mapping line 'company' (parent_id): several res.partner records have ref 'D1-DUP' (ids {ids}).",
    )


def test_keys_are_checked_before_any_rpc(odoo_client, seeded):
    mapping = EndpointMapping(PARTNER_LINES)
    with callstats.tracking() as stats, pytest.raises(MappingError) as caught:
        mapping.to_odoo([{"name": "y", "country": "XA"}], odoo_client)
    assert caught.value.missing == ["customer_id"]
    assert stats.count == 0


# -- fields_get check --------------------------------------------------------------------------------


@pytest.fixture
def endpoint(odoo_connection):
    from endpoints.models import Endpoint

    return Endpoint.objects.create(
        name="Partners", connection=odoo_connection, odoo_model="res.partner", slug="partners", allowed_methods=["GET"]
    )


def add(endpoint, key, field, **fields):
    return MappingLine.objects.create(endpoint=endpoint, external_key=key, odoo_field=field, **fields)


def test_field_names_are_checked_against_fields_get(endpoint, odoo_connection):
    add(endpoint, "customer_id", "ref", is_identifier=True)
    add(endpoint, "vat_number", "x_no_such_field")
    add(endpoint, "country", "country_id", value_type="many2one", options={"model": "res.country", "field": "nope"})
    add(
        endpoint,
        "tags",
        "category_id",
        value_type="many2one",
        options={"model": "res.partner.category", "field": "name"},
    )
    add(endpoint, "company", "parent_id", value_type="many2one", options={"model": "res.country", "field": "code"})
    add(endpoint, "since", "name", value_type="date")
    contacts = add(endpoint, "contacts", "child_ids", value_type="one2many")
    add(endpoint, "email", "email", parent=contacts)
    add(endpoint, "bogus", "x_bogus", parent=contacts)
    add(endpoint, "limit_", "credit_limit", odoo_type="integer")
    lines = list(endpoint.lines.all())
    with callstats.tracking() as stats:
        check = check_lines(odoo_connection, "res.partner", lines)
    # one fields_get per model involved: res.partner, res.country, res.partner.category
    assert sorted(model for model, _, _ in stats.calls) == ["res.country", "res.partner", "res.partner.category"]
    assert check.answered is True
    assert check.warnings == []
    assert [(line.external_key, problem) for line, problem in check.problems] == [
        ("vat_number", "res.partner has no field 'x_no_such_field'."),
        ("country", "res.country has no field 'nope' to look records up by."),
        ("tags", "res.partner.category_id is a many2many field, not many2one."),
        ("company", "parent_id points to res.partner, the lookup searches res.country."),
        ("since", "res.partner.name is a char field, not date."),
        ("bogus", "res.partner has no field 'x_bogus'."),
        ("limit_", "res.partner.credit_limit is a float field, the line says integer."),
    ]


def test_check_field_names_fills_empty_odoo_types(endpoint):
    line = add(endpoint, "customer_id", "ref", is_identifier=True)
    typed = add(endpoint, "active", "active", odoo_type="boolean")
    assert check_field_names(endpoint, endpoint.lines.all()) == [
        "Odoo field types filled in from Odoo: customer_id (char)."
    ]
    line.refresh_from_db()
    typed.refresh_from_db()
    assert (line.odoo_type, typed.odoo_type) == ("char", "boolean")


def test_check_field_names_warns_when_odoo_does_not_answer(endpoint):
    line = add(endpoint, "customer_id", "ref", is_identifier=True)
    endpoint.connection.url = "http://127.0.0.1:9"  # nobody listens there
    endpoint.connection.save()
    messages = check_field_names(endpoint, endpoint.lines.all())
    assert messages == [
        "Could not check fields of res.partner against Odoo: "
        "Cannot connect to Odoo at http://127.0.0.1:9: [Errno 111] Connection refused"
    ]
    line.refresh_from_db()
    assert line.odoo_type == ""


@pytest.fixture
def kept():
    """The process's kept lookups, empty before and after (they outlive a test's stand-in data)."""
    engine._kept.clear()
    yield engine._kept
    engine._kept.clear()


def country_searches(stats) -> int:
    return sum(1 for model, method, _ in stats.calls if (model, method) == ("res.country", "search_read"))


def kept_mapping(seconds="300") -> EndpointMapping:
    options = {**COUNTRY_OPTIONS, "keep": seconds}
    return EndpointMapping(
        [
            LineSpec(1, "ref", "customer_id", odoo_type="char", is_identifier=True, required=True),
            LineSpec(2, "country_id", "country", value_type="many2one", options=options),
            LineSpec(
                3,
                "child_ids",
                "contacts",
                value_type="one2many",
                children=(LineSpec(4, "country_id", "country", value_type="many2one", options=COUNTRY_OPTIONS),),
            ),
        ]
    )


def test_a_kept_lookup_is_searched_once_until_its_seconds_are_over(odoo_client, seeded, kept, monkeypatch):
    mapping = kept_mapping()
    clock = [1000.0]
    monkeypatch.setattr(engine.time, "monotonic", lambda: clock[0])
    answers = []
    for _ in range(2):
        with callstats.tracking() as stats:
            answers.append(mapping.to_odoo([{"customer_id": "K1", "country": "XA"}], odoo_client))
        answers.append(country_searches(stats))
    assert answers == [[{"ref": "K1", "country_id": seeded["XA"]}], 1, [{"ref": "K1", "country_id": seeded["XA"]}], 0]
    with callstats.tracking() as stats:  # another key: only it is searched
        vals = mapping.to_odoo(
            [{"customer_id": "K2", "country": "XB"}, {"customer_id": "K3", "country": "XA"}], odoo_client
        )
    assert [v["country_id"] for v in vals] == [seeded["XB"], seeded["XA"]]
    assert country_searches(stats) == 1
    assert set(kept) == {
        (odoo_client.url, odoo_client.database, odoo_client.login, "res.country", "code", code) for code in ("XA", "XB")
    }
    clock[0] += 301  # past the 300 seconds
    with callstats.tracking() as stats:
        mapping.to_odoo([{"customer_id": "K1", "country": "XA"}], odoo_client)
    assert country_searches(stats) == 1


def test_a_shorter_keep_applies_at_once_to_keys_kept_already(odoo_client, seeded, kept, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(engine.time, "monotonic", lambda: clock[0])
    kept_mapping("300").to_odoo([{"customer_id": "K1", "country": "XA"}], odoo_client)
    clock[0] += 100  # within the 300 seconds it was kept for, past the 60 the admin now sets
    with callstats.tracking() as stats:
        kept_mapping("60").to_odoo([{"customer_id": "K1", "country": "XA"}], odoo_client)
    assert country_searches(stats) == 1


def test_a_key_no_record_holds_is_never_kept(odoo_client, seeded, kept):
    mapping = kept_mapping()
    for _ in range(2):
        with callstats.tracking() as stats, pytest.raises(MappingError):
            mapping.to_odoo([{"customer_id": "K1", "country": "ZZ"}], odoo_client)
        assert country_searches(stats) == 1
    assert kept == {}


def test_the_shortest_keep_of_lines_searching_one_field_applies_nested_lines_included(kept):
    nested = (LineSpec(4, "country_id", "country", value_type="many2one", options={**COUNTRY_OPTIONS, "keep": 60}),)
    lines = [
        LineSpec(1, "ref", "customer_id", odoo_type="char", is_identifier=True),
        LineSpec(2, "country_id", "country", value_type="many2one", options={**COUNTRY_OPTIONS, "keep": "300"}),
        LineSpec(3, "child_ids", "contacts", value_type="one2many", children=nested),
    ]
    assert EndpointMapping(lines)._keep == {("res.country", "code"): 60}
    assert EndpointMapping(PARTNER_LINES)._keep == {}


@pytest.mark.parametrize(
    ("keep", "refused"), [("300", False), (86400, False), ("", False), ("-1", True), ("1h", True), (86401, True)]
)
def test_keep_is_a_number_of_seconds_up_to_a_day(keep, refused):
    problems = many2one_check({**COUNTRY_OPTIONS, "keep": keep}, "both")
    assert any(problem.startswith("keep must be a number of seconds") for problem in problems) is refused
