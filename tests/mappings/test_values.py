"""Value types as pure functions: coercion, formats, maps, lookups from what the engine found, errors naming lines."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings.errors import MappingError
from mappings.values import REGISTRY, Context, Found, LineSpec


def line(value_type="plain", odoo_type="", options=None, **kwargs):
    return LineSpec(
        id=kwargs.pop("id", 7),
        odoo_field=kwargs.pop("odoo_field", "x_field"),
        external_key=kwargs.pop("external_key", "key"),
        value_type=value_type,
        odoo_type=odoo_type,
        options=options or {},
        **kwargs,
    )


def to_odoo(spec, value, ctx=None):
    return REGISTRY[spec.value_type].to_odoo(value, spec, ctx or Context())


def to_external(spec, value, ctx=None):
    return REGISTRY[spec.value_type].to_external(value, spec, ctx or Context())


def error_of(call, *args):
    with pytest.raises(MappingError) as caught:
        call(*args)
    return caught.value.http_status, caught.value.line_id, caught.value.message


# -- plain -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("odoo_type", "value", "expected"),
    [
        ("integer", 5, 5),
        ("integer", 5.0, 5),
        ("float", 2, 2.0),
        ("monetary", 9.99, 9.99),
        ("boolean", True, True),
        ("char", "abc", "abc"),
        ("selection", 1, "1"),  # a selection key may be written as a number
        ("text", "multi\nline", "multi\nline"),
        ("html", "<p>x</p>", "<p>x</p>"),
        ("selection", "draft", "draft"),
        ("date", "2024-02-29", "2024-02-29"),
        ("datetime", "2024-02-29 23:59:59", "2024-02-29 23:59:59"),
        ("many2one", 3, 3),
        ("many2many", [3, 4, 3], [(6, 0, [3, 4])]),
        ("many2many", None, [(6, 0, [])]),
        ("char", None, False),
        ("integer", None, False),
        ("", {"any": ["json"]}, {"any": ["json"]}),
    ],
)
def test_plain_coerces_by_odoo_type(odoo_type, value, expected):
    assert to_odoo(line(odoo_type=odoo_type), value) == expected


@pytest.mark.parametrize(
    ("odoo_type", "value", "problem"),
    [
        ("integer", 1.5, "expects an integer, got 1.5."),
        ("integer", "5", "expects an integer, got '5'."),
        ("integer", True, "expects an integer, got True."),
        ("float", "1.0", "expects a number, got '1.0'."),
        ("float", float("inf"), "expects a finite number, got inf."),
        ("monetary", -float("inf"), "expects a finite number, got -inf."),
        ("monetary", 10**400, "expects a finite number, got " + repr(10**400)[:57] + "...."),
        ("boolean", "true", "expects true or false, got 'true'."),
        ("char", ["a"], "expects a string, got ['a']."),
        ("char", False, "expects a string, got False."),
        ("char", 42, "expects a string, got 42."),  # documented as text: a number is no name
        ("text", 1.5, "expects a string, got 1.5."),
        ("date", "2024-02-30", "expects a date 'YYYY-MM-DD', got '2024-02-30'."),
        ("date", "20240101", "expects a date 'YYYY-MM-DD', got '20240101'."),
        (
            "datetime",
            "2024-01-01T10:00:00",
            "expects a UTC date-time 'YYYY-MM-DD HH:MM:SS', got '2024-01-01T10:00:00'.",
        ),
        ("many2one", "3", "expects a record id (integer), got '3'."),
        ("many2many", [1, "2"], "expects a list of record ids, got [1, '2']."),
        ("one2many", [], "one2many fields are written through the one2many value type."),
    ],
)
def test_plain_refuses_values_of_the_wrong_type_naming_the_line(odoo_type, value, problem):
    spec = line(odoo_type=odoo_type, id=12, external_key="amount", odoo_field="x_amount")
    assert error_of(to_odoo, spec, value) == (400, 12, f"Mapping line 'amount' (x_amount): {problem}")


@pytest.mark.parametrize(
    ("odoo_type", "options", "value", "expected"),
    [
        ("char", {}, False, None),
        ("char", {}, "x", "x"),
        ("boolean", {}, False, False),
        ("integer", {}, 0, 0),
        ("many2one", {}, [3, "Belgium"], 3),
        ("many2one", {"many2one_as": "name"}, [3, "Belgium"], "Belgium"),
        ("many2one", {}, {"id": 3, "display_name": "Belgium"}, 3),
        ("many2one", {"many2one_as": "name"}, {"id": 3, "display_name": "Belgium"}, "Belgium"),
        ("many2one", {}, False, None),
        ("many2many", {}, [1, 2], [1, 2]),
        ("", {}, False, False),
    ],
)
def test_plain_output(odoo_type, options, value, expected):
    assert to_external(line(odoo_type=odoo_type, options=options), value) == expected


# -- constant ----------------------------------------------------------------------------------


def test_constant_ignores_the_value_both_ways():
    spec = line("constant", options={"value": "contact"})
    assert to_odoo(spec, "other") == "contact"
    assert to_external(spec, "whatever Odoo says") == "contact"


# -- dates -------------------------------------------------------------------------------------


def test_date_format_both_ways():
    spec = line("date", options={"format": "%d/%m/%Y"})
    assert to_odoo(spec, "31/12/2024") == "2024-12-31"
    assert to_external(spec, "2024-12-31") == "31/12/2024"
    assert to_external(spec, False) is None
    assert to_odoo(spec, None) is False


def test_date_in_the_wrong_format_names_the_line():
    spec = line("date", options={"format": "%d/%m/%Y"}, id=3, external_key="birthday", odoo_field="birthdate")
    assert error_of(to_odoo, spec, "2024-12-31") == (
        400,
        3,
        "Mapping line 'birthday' (birthdate): expects a date in the format '%d/%m/%Y', got '2024-12-31'.",
    )


def test_datetime_iso_with_time_zone_is_stored_in_utc():
    spec = line("datetime", options={"tz": "Europe/Brussels"})
    assert to_odoo(spec, "2024-07-01T12:00:00") == "2024-07-01 10:00:00"  # local summer time
    assert to_odoo(spec, "2024-01-01T12:00:00") == "2024-01-01 11:00:00"  # local winter time
    assert to_odoo(spec, "2024-07-01T12:00:00+00:00") == "2024-07-01 12:00:00"  # an offset wins
    assert to_odoo(spec, "2024-07-01T12:00:00Z") == "2024-07-01 12:00:00"
    assert to_external(spec, "2024-07-01 10:00:00") == "2024-07-01T12:00:00+02:00"
    assert to_external(spec, False) is None


def test_datetime_with_a_format_and_default_utc():
    spec = line("datetime", options={"format": "%d.%m.%Y %H:%M"})
    assert to_odoo(spec, "01.07.2024 12:30") == "2024-07-01 12:30:00"
    assert to_external(spec, "2024-07-01 12:30:00") == "01.07.2024 12:30"


def test_datetime_refuses_text_not_in_its_format():
    spec = line("datetime", id=4, external_key="at", odoo_field="date_order")
    assert error_of(to_odoo, spec, "yesterday") == (
        400,
        4,
        "Mapping line 'at' (date_order): expects a date-time in the format ISO 8601, got 'yesterday'.",
    )


zones = st.sampled_from(["UTC", "Europe/Brussels", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"])
odoo_datetimes = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
    lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")
)


@given(odoo_datetimes, zones, st.sampled_from(["iso", "%Y-%m-%d %H:%M:%S %z", "%d/%m/%Y %H:%M:%S%z"]))
def test_datetime_round_trips_through_any_zone_and_format(value, tz, fmt):
    spec = line("datetime", options={"tz": tz, "format": fmt})
    assert to_odoo(spec, to_external(spec, value)) == value


@given(st.dates(min_value=dt.date(1900, 1, 1)), st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%m-%d-%Y", "%Y%m%d"]))
def test_date_round_trips_through_any_format(day, fmt):
    spec = line("date", options={"format": fmt})
    value = day.strftime("%Y-%m-%d")
    assert to_odoo(spec, to_external(spec, value)) == value


# -- selection ---------------------------------------------------------------------------------

SELECTION = line("selection", options={"map": {"new": "draft", "confirmed": "sale", "1": "done"}}, id=9)


def test_selection_maps_both_ways():
    assert to_odoo(SELECTION, "confirmed") == "sale"
    assert to_odoo(SELECTION, 1) == "done"  # JSON scalars match the map's keys by their JSON text
    assert to_external(SELECTION, "sale") == "confirmed"
    assert to_external(SELECTION, False) is None


def test_several_external_values_of_one_key_answer_the_first_in_sort_order():
    # whatever order the database keeps the map's keys in (PostgreSQL's jsonb reorders them)
    for mapping in ({"ally": "C001", "alice": "C001"}, {"alice": "C001", "ally": "C001"}):
        aliases = line("selection", options={"map": mapping}, id=9)
        assert to_external(aliases, "C001") == "alice"
        assert to_odoo(aliases, "ally") == to_odoo(aliases, "alice") == "C001"


def test_unmapped_selection_values_name_the_line():
    assert error_of(to_odoo, SELECTION, "cancelled") == (
        400,
        9,
        "Mapping line 'key' (x_field): unknown value 'cancelled'; expected one of: 1, confirmed, new.",
    )
    assert error_of(to_external, SELECTION, "cancel") == (
        400,
        9,
        "Mapping line 'key' (x_field): Odoo value 'cancel' has no external value in the selection map.",
    )


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(min_size=1, max_size=8), min_size=1))
def test_selection_round_trips_to_the_first_external_value_in_sort_order(mapping):
    # Several external values may name one Odoo key; the answer is the first in sort order
    # (jsonb keeps no insertion order, so "first as written" would differ between databases).
    spec = line("selection", options={"map": mapping})
    for external, odoo in mapping.items():
        assert to_odoo(spec, external) == odoo
        assert to_external(spec, odoo) == min(e for e, o in mapping.items() if o == odoo)


# -- lookups -----------------------------------------------------------------------------------

COUNTRY = line("many2one", options={"model": "res.country", "field": "code"}, id=5, external_key="country")
TAGS = line("many2many", options={"model": "res.partner.category", "field": "name"}, id=6, external_key="tags")


def lookups(model, field, table):
    """A Context holding what the engine's one search of ``model`` by ``field`` found."""
    return Context(found=Found({(model, field): table}))


def test_many2one_lookup_reads_what_the_engine_found():
    assert to_odoo(COUNTRY, "BE", lookups("res.country", "code", {"BE": [21]})) == 21
    assert to_odoo(COUNTRY, None, lookups("res.country", "code", {})) is False


def test_many2one_lookup_finding_none_or_several_names_the_line():
    ctx = lookups("res.country", "code", {"BE": [21, 22]})
    assert error_of(to_odoo, COUNTRY, "XX", ctx) == (
        400,
        5,
        "Mapping line 'country' (x_field): no res.country record has code 'XX'.",
    )
    assert error_of(to_odoo, COUNTRY, "BE", ctx) == (
        400,
        5,
        "Mapping line 'country' (x_field): several res.country records have code 'BE' (ids 21, 22).",
    )


def test_many2one_refuses_non_scalar_keys():
    assert error_of(to_odoo, COUNTRY, {"code": "BE"}, lookups("res.country", "code", {})) == (
        400,
        5,
        "Mapping line 'country' (x_field): expects a code of res.country, got {'code': 'BE'}.",
    )


def test_many2one_output_is_the_lookup_field_as_sent():
    assert to_external(COUNTRY, {"id": 21, "code": "BE"}) == "BE"  # a specification read
    assert to_external(COUNTRY, {"id": 21, "code": False}) is None  # Odoo reads an empty field as False
    assert to_external(COUNTRY, False) is None
    assert to_external(line("many2one", options={"model": "m", "field": "id"}), 21) == 21


def test_many2one_output_name_or_id_on_request():
    named = line("many2one", options={"model": "m", "field": "f", "output": "name"})
    assert to_external(named, {"id": 21, "display_name": "Belgium"}) == "Belgium"
    assert to_external(named, [21, "Belgium"]) == "Belgium"  # read()'s pair
    by_id = line("many2one", options={"model": "m", "field": "f", "output": "id"})
    assert to_external(by_id, 21) == 21
    assert to_external(by_id, [21, "B"]) == 21
    assert to_external(by_id, {"id": 21, "f": "x"}) == 21


def test_many2one_read_without_its_lookup_field_names_the_line():
    assert error_of(to_external, COUNTRY, [21, "Belgium"]) == (
        400,
        5,
        "Mapping line 'country' (x_field): the related record was read without its code: [21, 'Belgium'].",
    )
    assert error_of(to_external, COUNTRY, {"id": 21, "display_name": "Belgium"}) == (
        400,
        5,
        "Mapping line 'country' (x_field): the related record was read without its code.",
    )


def test_many2many_replaces_the_relation_with_the_records_found():
    ctx = lookups("res.partner.category", "name", {"VIP": [1], "Gold": [2]})
    assert to_odoo(TAGS, ["VIP", "Gold", "VIP"], ctx) == [(6, 0, [1, 2])]
    assert to_odoo(TAGS, [], ctx) == [(6, 0, [])]
    assert to_odoo(TAGS, None, ctx) == [(6, 0, [])]
    assert error_of(to_odoo, TAGS, "VIP", ctx) == (400, 6, "Mapping line 'tags' (x_field): expects a list, got 'VIP'.")


def test_many2many_output():
    assert to_external(TAGS, [{"id": 1, "name": "VIP"}, {"id": 2, "name": "Gold"}]) == ["VIP", "Gold"]
    assert to_external(TAGS, False) == []
    assert to_external(TAGS, []) == []
    by_id = line("many2many", options={"model": "m", "field": "name", "output": "id"})
    assert to_external(by_id, [1, 2]) == [1, 2]
    named = line("many2many", options={"model": "m", "field": "code", "output": "name"})
    assert to_external(named, [{"id": 1, "display_name": "VIP"}]) == ["VIP"]
    assert error_of(to_external, TAGS, [1, 2]) == (
        400,
        6,
        "Mapping line 'tags' (x_field): the related record was read without its name: 1.",
    )


# -- one2many ----------------------------------------------------------------------------------

LINES = line("one2many", id=8, external_key="lines", odoo_field="order_line")


def test_one2many_creates_nested_records():
    converted = [{"x_n": 1}, {"x_n": 2}]  # the engine mapped the objects through the child lines
    assert to_odoo(LINES, [{"n": 1}, {"n": 2}], Context(nested=converted)) == [(0, 0, {"x_n": 1}), (0, 0, {"x_n": 2})]
    assert to_odoo(LINES, None, Context()) == []


def test_one2many_on_update_replaces_the_lines():
    assert to_odoo(LINES, [{"n": 1}], Context(nested=[{"x_n": 1}], partial=True)) == [(5, 0, 0), (0, 0, {"x_n": 1})]
    assert to_odoo(LINES, [], Context(nested=[], partial=True)) == [(5, 0, 0)]


def test_one2many_refuses_non_objects():
    assert error_of(to_odoo, LINES, [1], Context()) == (
        400,
        8,
        "Mapping line 'lines' (order_line): expects a list of objects, got [1].",
    )


def test_one2many_output():
    assert to_external(LINES, [4, 5]) == [4, 5]
    assert to_external(LINES, [{"x_n": 4}], Context(nested=[{"n": 4}])) == [{"n": 4}]
    assert to_external(LINES, False) == []


# -- options checks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "options", "direction", "problems"),
    [
        ("plain", {}, "both", []),
        ("plain", {"many2one_as": "code"}, "both", ["many2one_as must be 'id' or 'name'."]),
        ("constant", {}, "in", ['A constant needs options {"value": ...}.']),
        ("constant", {"value": None}, "in", []),
        ("date", {"format": "%d/%m/%Y"}, "both", []),
        (
            "date",
            {"format": "%99Y"},
            "both",
            ["Invalid date format '%99Y': use strftime directives such as %d/%m/%Y."],
        ),
        ("datetime", {"tz": "Nowhere/City"}, "both", ["Unknown time zone 'Nowhere/City'."]),
        ("datetime", {"format": "iso", "tz": "Europe/Brussels"}, "both", []),
        ("selection", {}, "both", ['A selection needs options {"map": {"external value": "odoo key", ...}}.']),
        ("selection", {"map": {"a": ["x"]}}, "both", ["Selection map values must be Odoo keys (strings or integers)."]),
        ("many2one", {"model": "res.country", "field": "code"}, "both", []),
        (
            "many2one",
            {"field": "code"},
            "both",
            ['A lookup needs options {"model": "res.country", "field": "code"}: model is missing.'],
        ),
        (
            "many2many",
            {"model": "res.partner.category", "field": "a b", "output": "x"},
            "both",
            [
                'A lookup needs options {"model": "res.country", "field": "code"}: field is missing.',
                "output must be 'field' (the lookup field's value, the default), 'name' or 'id'.",
            ],
        ),
        ("one2many", {}, "both", []),
        ("expression", {"to_odoo": "value"}, "in", []),
        (
            "expression",
            {"to_odoo": "value"},
            "both",
            ["An expression line in direction 'both' needs options to_external."],
        ),
        (
            "expression",
            {"to_odoo": "value.__class__", "to_external": "lambda: 1"},
            "both",
            [
                "to_odoo: Attribute '__class__' is not allowed; allowed: capitalize, count, endswith, find, get, "
                "index, isalnum, isalpha, isdigit, isspace, items, keys, lower, lstrip, removeprefix, removesuffix, "
                "rsplit, rstrip, split, startswith, strip, title, upper, values.",
                "to_external: Lambda is not allowed in an expression.",
            ],
        ),
    ],
)
def test_options_checks(value_type, options, direction, problems):
    assert REGISTRY[value_type].check_options(options, direction) == problems


def test_every_value_type_is_registered():
    from mappings.choices import ValueType

    assert set(REGISTRY) == set(ValueType.values)
