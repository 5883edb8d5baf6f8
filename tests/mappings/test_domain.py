"""The domain parser: literal-only parsing, structural checks, and ANDing domains as wholes."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings.domain import OPERATORS, DomainError, and_domains, check_domain, fixed_values, parse_domain

# -- strategies ----------------------------------------------------------------------------------

identifiers = st.builds(str.__add__, st.sampled_from("abcxyz_"), st.text(alphabet="abcxyz_019", max_size=8))
field_paths = st.lists(identifiers, min_size=1, max_size=3).map(".".join)
scalars = st.one_of(
    st.text(st.characters(exclude_characters="\x00"), max_size=20),  # a NUL is refused (its own test)
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
plain_operators = sorted(OPERATORS - {"in", "not in", "any", "not any", "<>"})


@st.composite
def terms(draw, depth=0):
    field = draw(field_paths)
    kind = draw(st.sampled_from(["plain", "list", "sub"] if depth < 2 else ["plain", "list"]))
    if kind == "plain":
        return (field, draw(st.sampled_from(plain_operators)), draw(scalars))
    if kind == "list":
        return (field, draw(st.sampled_from(["in", "not in"])), draw(st.lists(scalars, max_size=4)))
    return (field, draw(st.sampled_from(["any", "not any"])), draw(domains(depth + 1)))


@st.composite
def expressions(draw, depth=0, size=3):
    """One complete prefix-notation expression, as a flat list."""
    if size <= 1 or draw(st.booleans()):
        return [draw(terms(depth))]
    operator = draw(st.sampled_from(["&", "|", "!"]))
    if operator == "!":
        return ["!", *draw(expressions(depth, size - 1))]
    return [operator, *draw(expressions(depth, size - 1)), *draw(expressions(depth, size - 1))]


@st.composite
def domains(draw, depth=0):
    parts = draw(st.lists(expressions(depth), max_size=3))
    return [element for part in parts for element in part]


def evaluate(domain, record):
    """A tiny evaluator for the property tests: terms are looked up in ``record`` by their repr."""
    stack = []
    for element in reversed(domain):
        if element == "!":
            stack.append(not stack.pop())
        elif element in ("&", "|"):
            left, right = stack.pop(), stack.pop()
            stack.append(left and right if element == "&" else left or right)
        else:
            stack.append(record[repr(element)])
    return all(stack)


def leaves(domain):
    return [element for element in domain if not isinstance(element, str)]


# -- parsing -------------------------------------------------------------------------------------


@given(domains())
def test_any_valid_domain_round_trips_through_its_text(domain):
    assert parse_domain(repr(domain)) == domain


def test_terms_become_tuples_and_tuple_values_lists():
    assert parse_domain("[['state', 'in', ('draft', 'sent')], ('name', 'ilike', 'x')]") == [
        ("state", "in", ["draft", "sent"]),
        ("name", "ilike", "x"),
    ]


def test_legacy_not_equal_and_upper_case_operators_are_normalised():
    assert parse_domain("[('a', '<>', 1), ('b', 'ILIKE', 'x')]") == [("a", "!=", 1), ("b", "ilike", "x")]


@pytest.mark.parametrize("text", ["", "   ", "[]", "()"])
def test_blank_and_empty_domains_are_empty(text):
    assert parse_domain(text) == []


def test_none_is_the_empty_domain():
    assert parse_domain(None) == []


def test_prefix_operators_and_nested_any():
    text = "['|', ('a', '=', 1), '!', ('b.c', '=', False), ('partner_id', 'any', [('country_id.code', '=', 'BE')])]"
    assert parse_domain(text) == [
        "|",
        ("a", "=", 1),
        "!",
        ("b.c", "=", False),
        ("partner_id", "any", [("country_id.code", "=", "BE")]),
    ]


def test_check_domain_accepts_decoded_json():
    assert check_domain([["active", "=", True], "|", ["a", "=", 1], ["b", "in", [1, 2]]]) == [
        ("active", "=", True),
        "|",
        ("a", "=", 1),
        ("b", "in", [1, 2]),
    ]


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "__import__('os').system('true')",
            "Domain may only contain literals (strings, numbers, True, False, None, lists and tuples): "
            "names, calls and operations are not allowed.",
        ),
        (
            "[('a', '=', 1)] * 3",
            "Domain may only contain literals (strings, numbers, True, False, None, lists and tuples): "
            "names, calls and operations are not allowed.",
        ),
        (
            "[('a', '=', x)]",
            "Domain may only contain literals (strings, numbers, True, False, None, lists and tuples): "
            "names, calls and operations are not allowed.",
        ),
        ("[('a',", "Domain is not valid literal syntax: '(' was never closed (line 1, column 2)."),
        ("'abc'", "Domain must be a list, got str."),
        ("{'a': 1}", "Domain must be a list, got dict."),
        ("['|', ('a', '=', 1)]", "Operator '|' at position 0 is missing 1 operand."),
        ("['&', '!']", "Operator '!' at position 1 is missing 1 operand."),
        ("[('a', '=', 1), '&']", "Operator '&' at position 1 is missing 2 operands."),
        (
            "['x']",
            "Unknown logical operator 'x' at position 0: expected '&', '|', '!' or a (field, operator, value) term.",
        ),
        ("[1]", "Term at position 0 must be a (field, operator, value) triple or '&', '|', '!', got 1."),
        (
            "[('a', '=')]",
            "Term at position 0 must be a (field, operator, value) triple or '&', '|', '!', got ('a', '=').",
        ),
        ("[('a', '=', 1), ('a b', '=', 1)]", "Term at position 1: field 'a b' is not a field name or dotted path."),
        ("[('a.', '=', 1)]", "Term at position 0: field 'a.' is not a field name or dotted path."),
        ("[(1, '=', 1)]", "Term at position 0: field 1 is not a field name or dotted path."),
        (
            "[('a', 'regex', 1)]",
            "Term at position 0: unknown operator 'regex'; known: !=, <, <=, <>, =, =?, =ilike, =like, >, >=, any, "
            "child_of, ilike, in, like, not any, not ilike, not in, not like, parent_of.",
        ),
        ("[('a', 'in', 1)]", "Term at position 0: operator 'in' needs a list value, got 1."),
        (
            "[('a', '=', {1})]",
            "Term at position 0: value must be a literal (str, int, float, bool, None or a list), got {1}.",
        ),
        (
            "[('a', '=', 1j)]",
            "Term at position 0: value must be a literal (str, int, float, bool, None or a list), got 1j.",
        ),
        (
            "[('a', '=', b'x')]",
            "Term at position 0: value must be a literal (str, int, float, bool, None or a list), got b'x'.",
        ),
        (
            "[('a', 'in', [[1]])]",
            "Term at position 0: list items must be str, int, float, bool or None, got [1].",
        ),
        ("[('a', 'any', [('b', '=', 1), '|'])]", "Operator '|' at position 0.1 is missing 2 operands."),
        ("[('a', 'any', 'b')]", "Domain at position 0 must be a list, got str."),
        (
            "[('a', '=', 1), ('a', 'not any', [('b', 'bad', 1)])]",
            "Term at position 1.0: unknown operator 'bad'; known: !=, <, <=, <>, =, =?, =ilike, =like, >, >=, any, "
            "child_of, ilike, in, like, not any, not ilike, not in, not like, parent_of.",
        ),
        (
            "[" * 300 + "]" * 300,
            "Domain is not valid literal syntax: too many nested parentheses (line 1, column 201).",
        ),
    ],
)
def test_invalid_domains_name_the_problem(text, message):
    with pytest.raises(DomainError) as caught:
        parse_domain(text)
    assert str(caught.value) == message


def test_domain_error_is_a_value_error():
    assert issubclass(DomainError, ValueError)


def test_overlong_text_is_refused_before_parsing():
    text = "[('name', 'in', [" + ", ".join(["'x'"] * 30_000) + "])]"
    with pytest.raises(DomainError, match=r"^Domain is too long \(\d+ characters, at most 100000\)\.$"):
        parse_domain(text)


def test_deeply_nested_any_is_refused():
    domain: list = [("a", "=", 1)]
    for _ in range(25):
        domain = [("a", "any", domain)]
    with pytest.raises(DomainError, match=r"nests 'any' deeper than 20 levels"):
        check_domain(domain)


@given(domains(), st.integers(min_value=0, max_value=30))
def test_truncated_domains_never_crash(domain, cut):
    """Any prefix of a valid domain is either valid or a DomainError, never another exception."""
    text = repr(domain)[:cut]
    with contextlib.suppress(DomainError):
        parse_domain(text)


@given(domains())
def test_dropping_the_last_term_after_an_operator_is_reported(domain):
    broken = [*domain, "|", ("a", "=", 1)]
    with pytest.raises(DomainError, match=r"Operator '\|' at position \d+ is missing 1 operand\."):
        check_domain(broken)


# -- and_domains ---------------------------------------------------------------------------------


def test_and_domains_closes_each_part():
    configured = parse_domain("['|', ('a', '=', 1), ('b', '=', 2)]")
    filters = [("c", "=", 3), ("d", "=", 4)]
    assert and_domains(configured, filters) == [
        "&",
        "|",
        ("a", "=", 1),
        ("b", "=", 2),
        "&",
        ("c", "=", 3),
        ("d", "=", 4),
    ]


def test_and_domains_with_empty_parts():
    assert and_domains([], [("a", "=", 1)]) == [("a", "=", 1)]
    assert and_domains([("a", "=", 1)], []) == [("a", "=", 1)]
    assert and_domains([], []) == []


@given(domains(), domains(), st.data())
def test_and_domains_matches_exactly_the_records_matching_both(first, second, data):
    combined = and_domains(first, second)
    assert check_domain(combined) == combined
    record = {repr(leaf): data.draw(st.booleans()) for leaf in leaves(first) + leaves(second)}
    assert evaluate(combined, record) == (evaluate(first, record) and evaluate(second, record))


@given(domains(), domains(), st.data())
def test_a_filter_can_never_widen_the_configured_domain(configured, filters, data):
    record = {repr(leaf): data.draw(st.booleans()) for leaf in leaves(configured) + leaves(filters)}
    if evaluate(and_domains(configured, filters), record):
        assert evaluate(configured, record)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("[('sale_ok', '=', True), ('type', '=', 'service')]", {"sale_ok": True, "type": "service"}),
        ("['&', ('sale_ok', '=', True), '|', ('a', '=', 1), ('b', '=', 2)]", {"sale_ok": True}),
        ("['|', ('sale_ok', '=', True), ('a', '=', 1), ('parent_id', '=', False)]", {"parent_id": False}),
        ("[('country_id.code', '=', 'BE'), ('id', '=', 4), ('ref', '!=', False)]", {}),
        ("[('x', '=', 1), ('x', '=', 2), '!', ('y', '=', 1)]", {}),
        ("[('x', '=', 1), ('x', '=', 1)]", {"x": 1}),
        ("[]", {}),
    ],
)
def test_fixed_values_are_the_equalities_every_record_satisfies(text, fixed):
    assert fixed_values(parse_domain(text)) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "[('name', '=', 'a\\x00b')]",
        "[('name', 'in', ['a', '\\0'])]",
        "[('child_ids', 'any', [('name', '=', '\\x00')])]",
    ],
)
def test_a_nul_in_a_value_is_refused(text):
    with pytest.raises(DomainError, match=r"holds a NUL character"):
        parse_domain(text)
