"""Odoo 18 domain semantics of the stand-in, on a small hand-made store (no server, no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_odoo import domain as d
from fake_odoo.errors import UserError

F = {"type": "char", "store": True}
FIELDS = {
    "res.partner": {
        "id": {"type": "integer", "store": True},
        "name": F,
        "complete_name": F,
        "email": F,
        "ref": F,
        "vat": F,
        "company_registry": F,
        "display_name": {"type": "char", "store": False},
        "active": {"type": "boolean", "store": True},
        "is_company": {"type": "boolean", "store": True},
        "color": {"type": "integer", "store": True},
        "credit_limit": {"type": "float", "store": True},
        "date": {"type": "date", "store": True},
        "create_date": {"type": "datetime", "store": True},
        "type": {"type": "selection", "store": True},
        "parent_id": {"type": "many2one", "relation": "res.partner", "store": True},
        "country_id": {"type": "many2one", "relation": "res.country", "store": True},
        "child_ids": {"type": "one2many", "relation": "res.partner", "relation_field": "parent_id", "store": True},
        "category_id": {"type": "many2many", "relation": "res.partner.category", "store": True},
        "image_1920": {"type": "binary", "store": True},
    },
    "res.country": {
        "id": {"type": "integer", "store": True},
        "name": F,
        "code": F,
        "display_name": {"type": "char", "store": False},
    },
    "res.partner.category": {
        "id": {"type": "integer", "store": True},
        "name": F,
        "active": {"type": "boolean", "store": True},
        "display_name": {"type": "char", "store": False},
        "parent_id": {"type": "many2one", "relation": "res.partner.category", "store": True},
    },
}


def partner(pid, name, parent=False, **values):
    record = {
        "id": pid,
        "name": name,
        "email": False,
        "ref": False,
        "vat": False,
        "company_registry": False,
        "active": True,
        "is_company": not parent,
        "color": 0,
        "credit_limit": 0.0,
        "date": False,
        "create_date": "2026-11-20 22:26:10",
        "type": "contact",
        "parent_id": parent,
        "country_id": False,
        "child_ids": [],
        "category_id": [],
    }
    record.update(values)
    return record


def build_tables():
    partners = [
        partner(1, "YourCompany", country_id=233, email="info@yourcompany.com"),
        partner(9, "Wood Corner", country_id=233, category_id=[7], email="wood.corner26@example.com"),
        partner(10, "Deco Addict", country_id=233, category_id=[7, 8], color=3),
        partner(13, "OpenWood", country_id=20, date="2026-11-01", image_1920="iVBORw0KGgo="),
        partner(17, "Willie Burke", parent=9, email="willie@example.com", date="2026-10-01"),
        partner(18, "Ron Gibson", parent=9, create_date="2026-11-21 08:00:00"),
        partner(19, "Jane 100%_sure", parent=10, credit_limit=250.5),
        partner(20, "Ghost", parent=10, active=False, type="other"),
        partner(21, "Ghost Kid", parent=20),
        partner(22, "Straße", active=False, is_company=False),
    ]
    tables = {"res.partner": {p["id"]: p for p in partners}}
    for p in partners:
        if p["parent_id"]:
            tables["res.partner"][p["parent_id"]]["child_ids"].append(p["id"])
    for p in partners:
        parent = tables["res.partner"].get(p["parent_id"])
        p["complete_name"] = f"{parent['name']}, {p['name']}" if parent else p["name"]
    tables["res.country"] = {
        20: {"id": 20, "name": "Belgium", "code": "BE"},
        233: {"id": 233, "name": "United States", "code": "US"},
        57: {"id": 57, "name": "Germany", "code": "DE"},
    }
    tables["res.partner.category"] = {
        1: {"id": 1, "name": "Vendor", "active": True, "parent_id": False},
        7: {"id": 7, "name": "Desk Manufacturers", "active": True, "parent_id": 1},
        8: {"id": 8, "name": "Old tag", "active": False, "parent_id": 1},
    }
    return tables


class Env:
    """The three methods fake_odoo.domain needs from B1's ORM environment."""

    def __init__(self, tables=None, context=None):
        self.tables = tables or build_tables()
        self.context = context or {}

    def fields(self, model):
        return FIELDS[model]

    def table(self, model):
        return self.tables[model]

    def display_name(self, model, record_id):
        return self.tables[model][record_id].get("complete_name") or self.tables[model][record_id]["name"]


ENV = Env()


def ids(domain, **kwargs):
    """Ids found, sorted by id (for set comparisons)."""
    return sorted(d.search(ENV, "res.partner", domain, **kwargs))


ACTIVE = [1, 9, 10, 13, 17, 18, 19, 21]
ALL = [1, 9, 10, 13, 17, 18, 19, 20, 21, 22]


def test_empty_domain_hides_archived_records():
    assert ids([]) == ACTIVE
    assert ids([], active_test=False) == ALL


def test_mentioning_active_disables_the_active_filter():
    assert ids([("active", "=", False)]) == [20, 22]
    assert ids(["|", ("active", "=", False), ("active", "=", True)]) == ALL
    # A dotted 'parent_id.active' is not the model's own active field: the filter stays.
    assert ids([("parent_id.active", "=", False)]) == [21]


def test_equality_and_inequality_treat_unset_values_like_odoo():
    assert ids([("email", "=", False)]) == [10, 13, 18, 19, 21]
    assert ids([("email", "!=", False)]) == [1, 9, 17]
    # '!=' a value also matches records where the field is unset (Odoo adds OR IS NULL).
    assert ids([("email", "!=", "willie@example.com")]) == [1, 9, 10, 13, 18, 19, 21]
    assert ids([("name", "=", "Wood Corner")]) == [9]


def test_like_operators():
    assert ids([("name", "ilike", "wood")]) == [9, 13]
    assert ids([("name", "like", "wood")]) == []
    assert ids([("name", "like", "Wood")]) == [9, 13]
    assert ids([("name", "=like", "W%")]) == [9, 17]
    assert ids([("name", "=ilike", "w%")]) == [9, 17]
    assert ids([("name", "not ilike", "o")]) == [17, 19]
    assert ids([("name", "not like", "W")]) == [1, 10, 18, 19, 21]
    # % and _ in the value are wildcards (Odoo does not escape them); backslash escapes them.
    assert ids([("name", "ilike", "100%sure")]) == [19]
    assert ids([("name", "ilike", "J_ne")]) == [19]
    assert ids([("name", "ilike", "100\\%\\_")]) == [19]
    assert ids([("name", "ilike", "1\\_0")]) == []
    # An empty ilike matches everything, unset values too.
    assert ids([("email", "ilike", "")]) == ACTIVE
    assert ids([("email", "not ilike", "example")]) == [1, 10, 13, 18, 19, 21]


def test_ilike_folds_case_beyond_ascii():
    assert ids([("name", "ilike", "STRASSE")], active_test=False) == []
    assert ids([("name", "ilike", "STRAẞE")], active_test=False) == [22]


def test_in_and_not_in():
    assert ids([("id", "in", [1, 9, 99999])]) == [1, 9]
    assert ids([("id", "not in", [1, 9])]) == [10, 13, 17, 18, 19, 21]
    assert ids([("name", "in", ["Wood Corner", "Deco Addict"])]) == [9, 10]
    assert ids([("email", "in", [False, "willie@example.com"])]) == [10, 13, 17, 18, 19, 21]
    # 'not in' on a many2one includes records without a value.
    assert ids([("parent_id", "not in", [9])]) == [1, 9, 10, 13, 19, 21]
    assert ids([("parent_id", "in", [])]) == []
    assert ids([("parent_id", "not in", [])]) == ACTIVE


def test_comparisons_ignore_unset_values():
    assert ids([("id", "<", 13)]) == [1, 9, 10]
    assert ids([("id", ">=", 19)]) == [19, 21]
    assert ids([("id", "<=", 10)], active_test=False) == [1, 9, 10]
    assert ids([("date", "<", "2026-12-01")]) == [13, 17]
    assert ids([("date", ">", "2026-10-01")]) == [13]
    assert ids([("credit_limit", ">", 100)]) == [19]
    assert ids([("color", ">", 0)]) == [10]


def test_datetime_compared_with_a_bare_date():
    # A date alone means the start of the day, or its end for '>' and '<='.
    assert ids([("create_date", "<=", "2026-11-20")]) == [1, 9, 10, 13, 17, 19, 21]
    assert ids([("create_date", ">", "2026-11-20")]) == [18]
    assert ids([("create_date", ">=", "2026-11-21")]) == [18]


def test_prefix_operators_and_implicit_and():
    assert ids(["|", ("name", "ilike", "wood"), ("name", "ilike", "deco")]) == [9, 10, 13]
    assert ids(["&", ("is_company", "=", True), ("country_id.code", "=", "US")]) == [1, 9, 10]
    assert ids([("is_company", "=", True), ("name", "ilike", "o")]) == [1, 9, 10, 13]
    assert ids(["|", "&", ("is_company", "=", True), ("name", "ilike", "deco"), ("name", "ilike", "ron")]) == [10, 18]
    assert ids(["!", ("is_company", "=", True)]) == [17, 18, 19, 21]


def test_not_of_a_comparison_with_unset_value_matches_neither():
    # =like on an unset column is unknown in SQL, and NOT unknown is still unknown.
    assert ids([("email", "=like", "%example.com")]) == [9, 17]
    assert ids(["!", ("email", "=like", "%example.com")]) == [1]
    # '!' of '=' becomes '!=', which matches unset values.
    assert ids(["!", ("email", "=", "willie@example.com")]) == [1, 9, 10, 13, 18, 19, 21]


def test_dotted_paths():
    assert ids([("country_id.code", "=", "BE")]) == [13]
    assert ids([("parent_id.name", "ilike", "wood")]) == [17, 18]
    # Through a many2one the comodel is searched without the active filter.
    assert ids([("parent_id.name", "=", "Ghost")]) == [21]
    # Through a many2many the comodel's active filter applies.
    assert ids([("category_id.name", "=", "Old tag")]) == []
    assert ids([("category_id.name", "=", "Desk Manufacturers")]) == [9, 10]
    # A negative operator inside a path: partners with a parent whose name does not match.
    assert ids([("parent_id.name", "not ilike", "wood")]) == [19, 21]
    # '!' before a path: also the partners without any parent.
    assert ids(["!", ("parent_id.name", "ilike", "wood")]) == [1, 9, 10, 13, 19, 21]


def test_many2one_compared_with_a_name():
    assert ids([("parent_id", "=", "Wood Corner")]) == [17, 18]
    # The name search looks at the complete name: "Deco Addict, Ghost" is the parent of 21.
    assert ids([("parent_id", "ilike", "deco")]) == [19, 21]
    assert ids([("parent_id", "!=", "Wood Corner")]) == [1, 9, 10, 13, 19, 21]


def test_x2many_leaves():
    assert ids([("child_ids", "!=", False)]) == [9, 10]
    assert ids([("child_ids", "!=", False)], active_test=False) == [9, 10, 20]
    assert ids([("child_ids", "=", False)]) == [1, 13, 17, 18, 19, 21]
    assert ids([("category_id", "in", [7])]) == [9, 10]
    assert ids([("category_id", "=", 8)]) == [10]
    assert ids([("category_id", "!=", 8)]) == [1, 9, 13, 17, 18, 19, 21]
    assert ids([("category_id", "=", False)]) == [1, 13, 17, 18, 19, 21]
    assert ids([("category_id", "ilike", "desk")]) == [9, 10]
    assert ids([("child_ids", "in", [17])]) == [9]
    assert ids([("child_ids.name", "ilike", "ghost")], active_test=False) == [10, 20]


def test_hierarchy_operators():
    assert ids([("id", "child_of", 10)]) == [10, 19, 21]
    assert ids([("id", "child_of", [9, 13])]) == [9, 13, 17, 18]
    assert ids([("id", "parent_of", [21])]) == [10, 21]
    # On the model itself, child_of through parent_id includes the record itself, as in Odoo.
    assert ids([("parent_id", "child_of", 10)]) == [10, 19, 21]
    assert ids([("category_id", "child_of", 1)]) == [9, 10]
    assert ids([("id", "child_of", "deco")]) == [10, 19, 21]
    assert ids([("id", "child_of", False)]) == []


def test_explicit_any_operators():
    assert ids([("child_ids", "any", [("name", "ilike", "ron")])]) == [9]
    assert ids([("parent_id", "any", [("name", "=", "Ghost")])]) == [21]
    assert ids([("parent_id", "not any", [("name", "ilike", "wood")])]) == [1, 9, 10, 13, 19, 21]
    assert ids([("category_id", "not any", [("name", "=", "Desk Manufacturers")])]) == [1, 13, 17, 18, 19, 21]


def test_binary_fields_only_test_whether_set():
    assert ids([("image_1920", "!=", False)]) == [13]
    assert ids([("image_1920", "=", False)]) == [1, 9, 10, 17, 18, 19, 21]
    # Any other leaf on a binary is ignored by Odoo (it matches every record).
    assert ids([("image_1920", "ilike", "zzz")]) == ACTIVE


def test_display_name_search_uses_the_models_name_fields():
    # res.partner searches complete_name, email, ref, vat and company registry.
    assert ids([("display_name", "ilike", "wood corner")]) == [9, 17, 18]
    assert ids([("display_name", "ilike", "example.com")]) == [9, 17]
    assert ids([("display_name", "not ilike", "wood")]) == [1, 10, 19, 21]
    # An empty pattern matches everything, and nothing with a negative operator.
    assert ids([("display_name", "ilike", "")]) == ACTIVE
    assert ids([("display_name", "not ilike", "")]) == []
    tags = sorted(d.search(ENV, "res.partner.category", [("display_name", "=", "Vendor / Desk Manufacturers")]))
    assert tags == [7]


def test_default_order_skips_fields_the_stand_in_does_not_model():
    # res.country's own order is by name; a model whose _order names unknown fields still sorts.
    assert d.search(ENV, "res.country", []) == [20, 57, 233]
    assert d.order_ids(ENV, "res.country", [233, 20, 57], "code desc") == [233, 57, 20]


def test_optional_equality():
    assert ids([("name", "=?", False)]) == ACTIVE
    assert ids([("name", "=?", "OpenWood")]) == [13]


def test_operator_aliases():
    assert ids([("name", "<>", "OpenWood")]) == [1, 9, 10, 17, 18, 19, 21]
    assert ids([("is_company", "in", True)]) == [1, 9, 10, 13]


def test_order_with_several_keys_and_directions():
    partners = ENV.table("res.partner")
    assert d.search(ENV, "res.partner", [("is_company", "=", True)], order="name desc, id") == [1, 9, 13, 10]
    assert d.search(ENV, "res.partner", [], order="id desc", limit=3) == [21, 19, 18]
    assert d.search(ENV, "res.partner", [], order="id", offset=2, limit=2) == [10, 13]
    # Default order of res.partner: complete_name ASC, id DESC.
    default = d.search(ENV, "res.partner", [])
    assert [partners[i]["complete_name"] for i in default] == sorted(partners[i]["complete_name"] for i in ACTIVE)
    # Unset values come last ascending and first descending, as in PostgreSQL.
    assert d.search(ENV, "res.partner", [("id", "in", [1, 9, 10])], order="email") == [1, 9, 10]
    assert d.search(ENV, "res.partner", [("id", "in", [1, 9, 10])], order="email desc") == [10, 9, 1]
    assert d.search(ENV, "res.partner", [("id", "in", [1, 9, 10])], order="email desc nulls last") == [9, 1, 10]


def test_order_by_many2one_uses_the_comodel_order():
    ordered = d.search(ENV, "res.partner", [("is_company", "=", True)], order="country_id, name")
    assert ordered == [13, 10, 9, 1]  # Belgium, then United States by name
    ordered = d.search(ENV, "res.partner", [("is_company", "=", True)], order="country_id desc, name")
    assert ordered == [10, 9, 1, 13]
    # "field.id" orders a many2one by the raw id instead of the comodel's order.
    ordered = d.search(ENV, "res.partner", [("is_company", "=", True)], order="country_id.id desc, name")
    assert ordered == [10, 9, 1, 13]
    # Parents ordered by the partner order (complete_name), children without a parent last.
    ordered = d.search(ENV, "res.partner", [], order="parent_id, id")
    assert ordered == [19, 21, 17, 18, 1, 9, 10, 13]


def test_invalid_order():
    with pytest.raises(UserError) as caught:
        d.search(ENV, "res.partner", [], order="name; DROP TABLE x")
    assert caught.value.message == (
        'Invalid "order" specified (name; DROP TABLE x). A valid "order" specification is a comma-separated list '
        "of valid field names (optionally followed by asc/desc for the direction)"
    )
    with pytest.raises(ValueError, match=r"^Invalid field 'nonexistent_field' on model 'res.partner'$"):
        d.search(ENV, "res.partner", [], order="nonexistent_field")


NOT_A_LIST = "Domains to normalize must have a 'domain' form: a list or tuple of domain components"


@pytest.mark.parametrize(
    ("domain", "error", "message"),
    [
        ("[('name', '=', 'x')]", AssertionError, NOT_A_LIST),
        ([["name", "ilike"]], ValueError, "not enough values to unpack (expected 3, got 2)"),
        (["|", ["name", "=", "x"]], ValueError, "Domain ['|', ['name', '=', 'x']] is syntactically not correct."),
        ([["name", "bogus_op", "x"]], ValueError, "Invalid leaf ('name', 'bogus_op', 'x')"),
        (["name", "=", "x"], IndexError, "string index out of range"),
        ([["nonexistent_field", "=", 1]], ValueError,
         "Invalid field res.partner.nonexistent_field in leaf ('nonexistent_field', '=', 1)"),
        ([["country_id.nonexistent", "=", 1]], ValueError,
         "Invalid field res.country.nonexistent in leaf ('nonexistent', '=', 1)"),
        ([["name", "ILIKE", "x"]], ValueError, "Invalid leaf ('name', 'ILIKE', 'x')"),
    ],
)  # fmt: skip
def test_malformed_domains_raise_odoos_errors(domain, error, message):
    with pytest.raises(error) as caught:
        d.validate_domain(ENV, "res.partner", domain)
    assert str(caught.value) == message
    with pytest.raises(error) as caught:
        d.search(ENV, "res.partner", domain)
    assert str(caught.value) == message


def test_trivially_false_domain_is_not_checked_further():
    # Odoo answers an 'in []' domain before looking at the fields, like PostgreSQL never runs.
    assert d.search(ENV, "res.partner", [("bogus", "in", [])]) == []
    d.validate_domain(ENV, "res.partner", [("bogus", "in", [])])


# --- properties over generated leaves ----------------------------------------------------------

NAMES = ["name", "email", "parent_id", "country_id", "color", "credit_limit", "date", "is_company", "type"]
VALUES = {
    "name": st.sampled_from(["Wood Corner", "wood", "W%", "o", "", "Ghost", "100%", False]),
    "email": st.sampled_from(["willie@example.com", "%example%", "", False]),
    "parent_id": st.sampled_from([9, 10, 20, False, [9, 10], "Wood", "deco"]),
    "country_id": st.sampled_from([20, 233, False, [20], "Belgium"]),
    "color": st.sampled_from([0, 3, False, [0, 3]]),
    "credit_limit": st.sampled_from([0.0, 100, 250.5, False]),
    "date": st.sampled_from(["2026-11-01", "2026-10-01", False]),
    "is_company": st.sampled_from([True, False, [True], [False]]),
    "type": st.sampled_from(["contact", "other", False, ["contact", "other"]]),
}
OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "like", "ilike", "not like", "not ilike", "=like"]


@st.composite
def leaves(draw):
    name = draw(st.sampled_from(NAMES))
    operator = draw(st.sampled_from(OPERATORS))
    value = draw(VALUES[name])
    if operator in ("in", "not in") and not isinstance(value, list):
        value = [value]
    if operator not in ("in", "not in") and isinstance(value, list):
        operator = "in"
    if operator.endswith("like") and not isinstance(value, str):
        value = str(value)
    return (name, operator, value)


NEGATABLE = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">", "in": "not in", "not in": "in"}


@settings(max_examples=300, deadline=None)
@given(leaves())
def test_not_of_a_leaf_equals_its_negated_operator(leaf):
    name, operator, value = leaf
    negated = NEGATABLE.get(operator) or {"like": "not like", "ilike": "not ilike"}.get(operator)
    if negated is None:
        return
    assert ids(["!", leaf], active_test=False) == ids([(name, negated, value)], active_test=False)


@settings(max_examples=300, deadline=None)
@given(leaves(), leaves())
def test_or_is_the_union_and_and_the_intersection(first, second):
    one = set(ids([first], active_test=False))
    two = set(ids([second], active_test=False))
    assert set(ids(["|", first, second], active_test=False)) == one | two
    assert set(ids([first, second], active_test=False)) == one & two
    assert set(ids(["&", first, second], active_test=False)) == one & two


@settings(max_examples=200, deadline=None)
@given(leaves())
def test_a_positive_leaf_and_its_negation_partition_only_set_values(leaf):
    # For '=' a non-empty value, a record matches exactly one of the leaf and its negation
    # (Odoo's '!=' a value also matches unset fields; '!=' an empty value does not).
    name, operator, value = leaf
    if operator != "=" or name in ("parent_id", "country_id") or isinstance(value, list) or value in ("", 0):
        return
    matched = set(ids([leaf], active_test=False))
    negated = set(ids(["!", leaf], active_test=False))
    assert matched.isdisjoint(negated)
    assert matched | negated == set(ALL)


ORDER_KEYS = ["name", "email", "id", "color", "parent_id", "date"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(ORDER_KEYS), min_size=1, max_size=3, unique=True),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.integers(0, 8),
    st.integers(1, 5),
)
def test_offset_and_limit_slice_the_full_order(keys, descending, offset, limit):
    order = ", ".join(f"{key} {'desc' if desc else 'asc'}" for key, desc in zip(keys, descending, strict=False))
    full = d.search(ENV, "res.partner", [], order=order, active_test=False)
    assert sorted(full) == ALL
    assert (
        d.search(ENV, "res.partner", [], order=order, offset=offset, limit=limit, active_test=False)
        == full[offset : offset + limit]
    )
