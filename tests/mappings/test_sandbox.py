"""Sandboxed expressions: what they can compute, and the escapes and excesses that must fail."""

import time

import pytest

from mappings import sandbox
from mappings.sandbox import ExpressionError, compile_expression

PAYLOAD = {"first": "Ada", "last": "Lovelace", "lines": [1, 2, 3], "address": {"city": "London"}, "n": 4}


def run(source, value=None, payload=PAYLOAD):
    return compile_expression(source).evaluate(value, payload)


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ("value", "x", "x"),
        ("payload['first'] + ' ' + payload['last']", None, "Ada Lovelace"),
        ("upper(value)", "abc", "ABC"),
        ("value.strip().lower()", "  AbC ", "abc"),
        ("value.split(',')", "a,b", ["a", "b"]),
        ("join('-', value)", ["a", 1], "a-1"),
        ("replace(value, 'a', 'o')", "banana", "bonono"),
        ("int(value) * 2", "21", 42),
        ("round(float(value), 2)", "3.14159", 3.14),
        ("abs(value) + min(1, 2) + max([3, 4])", -1, 6),
        ("len(payload['lines'])", None, 3),
        ("sum(x * 2 for x in payload['lines'])", None, 12),
        ("[x for x in payload['lines'] if x > 1]", None, [2, 3]),
        ("sorted(value, reverse=True)", [2, 3, 1], [3, 2, 1]),
        ("get(payload, 'address.city')", None, "London"),
        ("get(payload, 'address.zip', 'none')", None, "none"),
        ("payload.get('missing', 0)", None, 0),
        ("'yes' if value else 'no'", True, "yes"),
        ("value is None", None, True),
        ("bool(value) and str(value)", 5, "5"),
        ("{'a': value, 'b': [value]}", 1, {"a": 1, "b": [1]}),
        ("f'{value}-{payload[\"n\"]}'", "x", "x-4"),
        ("2 ** 10", None, 1024),
        ("parse_date(value, '%d/%m/%Y')", "31/12/2024", "2024-12-31"),
        ("format_date(value, '%d.%m.%Y')", "2024-12-31", "31.12.2024"),
        ("format_date(value, '%d.%m.%Y')", False, None),
        ("parse_datetime(value, '%d/%m/%Y %H:%M', 'Europe/Brussels')", "01/07/2024 12:00", "2024-07-01 10:00:00"),
        ("format_datetime(value, '%H:%M', 'Europe/Brussels')", "2024-01-15 10:00:00", "11:00"),
        ("add_days(value, 30)", "2024-01-15", "2024-02-14"),
    ],
)
def test_expressions_compute_with_value_payload_and_helpers(source, value, expected):
    assert run(source, value) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("value.__class__", "Attribute '__class__' is not allowed"),
        ("value.__class__.__mro__[1].__subclasses__()", "Attribute '__subclasses__' is not allowed"),
        ("payload.__init__.__globals__", "Attribute '__globals__' is not allowed"),
        ("value.ljust(10 ** 9)", "Attribute 'ljust' is not allowed"),
        ("value.format(1)", "Attribute 'format' is not allowed"),
        ("payload['lines'].append(1)", "Attribute 'append' is not allowed"),
        ("__import__('os').system('true')", "Attribute 'system' is not allowed"),
        ("__import__('os')", "Unknown name '__import__'"),
        ("import os", "Invalid expression: invalid syntax"),
        ("open('/etc/passwd')", "Unknown name 'open'"),
        ("eval('1')", "Unknown name 'eval'"),
        ("getattr(value, 'x')", "Unknown name 'getattr'"),
        ("type(value)", "Unknown name 'type'"),
        ("range(10)", "Unknown name 'range'"),
        ("os.system('true')", "Attribute 'system' is not allowed"),
        ("os", "Unknown name 'os'"),
        ("lambda: 1", "Lambda is not allowed in an expression."),
        ("(x := 1)", "NamedExpr is not allowed in an expression."),
        ("x = 1", "Invalid expression: invalid syntax"),
        ("value; value", "Invalid expression: invalid syntax"),
        ("{x for x in value}", "SetComp is not allowed in an expression."),
        ("[*payload['lines']]", "Starred is not allowed in an expression."),
        ("f'{value!r}'", "f-strings may not use format specifications or conversions."),
        ("f'{value:>999999999}'", "f-strings may not use format specifications or conversions."),
        ("(lambda: 1)()", "Only the helper functions and string/dict methods may be called."),
        ("'x' * 20000", None),  # compiles; fails when run (below)
        ("", "The expression is empty."),
        ("value +" + " 1 +" * 1000 + " 1", "The expression is longer than 2000 characters."),
    ],
)
def test_escapes_fail_when_the_line_is_saved(source, message):
    if message is None:
        compile_expression(source)
        return
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)
    assert message in str(caught.value)


def test_dict_unpacking_copies_without_changing_the_payload():
    payload = {"a": 1}
    assert run("{**payload, 'b': 2}", payload=payload) == {"a": 1, "b": 2}
    assert payload == {"a": 1}


@pytest.mark.parametrize(
    ("source", "value", "message"),
    [
        ("2 ** 100000", None, "Number too large (more than 4096 bits)."),
        ("10 ** 10 ** 10", None, "Number too large (more than 4096 bits)."),
        ("2.0 ** 100000", None, "Exponent too large (at most 4096)."),
        ("1 << 100000", None, "Shift too large (at most 4096)."),
        ("'x' * 20000", None, "Result too large (more than 10000 characters or items)."),
        ("value * 10 ** 6", "abc", "Result too large (more than 10000 characters or items)."),
        ("[0] * 100000", None, "Result too large (more than 10000 characters or items)."),
        ("value + value", "x" * 6000, "Result too large (more than 10000 characters or items)."),
        ("replace(value, 'a', value)", "a" * 200, "Result too large (more than 10000 characters or items)."),
        ("'%0999999999d' % 1", None, "String formatting with % is not available; use + and str()."),
        ("int(value)", "9" * 5000, "int() of a string longer than 100 characters."),
        ("round(1.5, 10 ** 9)", None, "round() to more than 100 digits."),
        (
            "[[1 for a in value] for b in value]",
            list(range(200)),
            "Expression failed: Comprehension generates too many elements",
        ),
        ("payload['nope']", None, "Expression failed: KeyError: 'nope'"),
        ("1 / 0", None, "Expression failed: ZeroDivisionError: division by zero"),
        ("int('x')", None, "Expression failed: ValueError: invalid literal for int() with base 10: 'x'"),
        ("str", None, "Expression result must be JSON data, not function."),
        ("(-8) ** 0.5", None, "Expression result must be JSON data, not complex."),
        ("float('nan')", None, "Expression result must be a finite number."),
        ("[float('inf')]", None, "Expression result must be a finite number."),
        ("- " * 900 + "1", None, "Expression failed: RecursionError"),
        ("payload.items()", None, "Expression result must be JSON data, not dict_items."),
        ("format_date(value, '%999999999Y')", "2024-01-01", "Invalid date format '%999999999Y'"),
        ("format_datetime(value, '%H', 'Mars/Olympus')", "2024-01-01 00:00:00", "Unknown time zone 'Mars/Olympus'."),
    ],
)
def test_limits_stop_evaluation_with_a_clear_error(monkeypatch, source, value, message):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 30.0)  # on a busy machine the clock must not trip before the limit named
    expression = compile_expression(source)
    with pytest.raises(ExpressionError) as caught:
        expression.evaluate(value, PAYLOAD)
    assert str(caught.value).startswith(message)


def test_each_evaluation_has_a_step_budget(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_STEPS", 50)
    expression = compile_expression("sum(x for x in value)")
    assert expression.evaluate(list(range(10)), {}) == 45
    with pytest.raises(ExpressionError, match=r"^Expression took more than 50 steps\.$"):
        expression.evaluate(list(range(100)), {})


def test_each_evaluation_has_a_time_limit(monkeypatch):
    expression = compile_expression("sum(x for x in value)")
    monkeypatch.setattr(sandbox, "TIME_LIMIT", -1.0)  # any evaluation is already late
    with pytest.raises(ExpressionError, match=r"^Expression took longer than -1.0 seconds\.$"):
        expression.evaluate([1], {})


def test_time_spent_waiting_does_not_count_against_the_limit(monkeypatch):
    # A helper that waits stands for a loaded machine or another thread keeping the evaluation off the CPU.
    monkeypatch.setitem(sandbox.FUNCTIONS, "wait", lambda seconds: time.sleep(seconds) or seconds)
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.05)
    assert compile_expression("wait(0.2) + 1").evaluate(None, {}) == 1.2


def test_the_time_limit_is_per_evaluation():
    expression = compile_expression("sum(x for x in value)")
    for _ in range(3):
        assert expression.evaluate(list(range(1000)), {}) == 499500


def test_expressions_cannot_change_the_payload():
    payload = {"lines": [3, 1, 2]}
    assert run("sorted(payload['lines'])", payload=payload) == [1, 2, 3]
    assert payload == {"lines": [3, 1, 2]}


def test_payload_keys_lists_what_the_expression_reads():
    expression = compile_expression("payload['a'] + payload.get('b', '') + get(payload, 'c.d') + value")
    assert expression.payload_keys == ("a", "b", "c")


@pytest.mark.parametrize("fmt", ["%d/%m/%Y", "%Y-%m-%dT%H:%M:%S%z", "%-d %B %Y", "week %W, 100%%"])
def test_date_formats_allow_plain_directives(fmt):
    assert sandbox.check_format(fmt) == fmt


@pytest.mark.parametrize("fmt", ["", "%10Y", "%_5d", "%", 5, "x" * 101])
def test_date_formats_refuse_widths_and_junk(fmt):
    with pytest.raises(ExpressionError, match=r"^Invalid date format"):
        sandbox.check_format(fmt)


@pytest.mark.parametrize(
    ("source", "value", "message"),
    [
        # "index" is allowed for lists and tuples, so the save-time check (any allowed name) passes it
        ("value.index('b')", "abc", "Expression failed: Sorry, '.index' access not allowed on '<class 'str'>'"),
        # without the run-time check, simpleeval would fall back to payload["count"]
        ("payload.count", None, "Expression failed: Sorry, '.count' access not allowed on '<class 'dict'>'"),
        ("value.title", {"title": "x"}, "Expression failed: Sorry, '.title' access not allowed on '<class 'dict'>'"),
        (
            "value.lower()",
            5,
            "Expression failed: Sorry, attribute access not allowed on '<class 'int'>' (attempted to access `.lower`)",
        ),
    ],
)
def test_attributes_are_checked_against_the_values_type_when_evaluated(source, value, message):
    expression = compile_expression(source)  # each name is allowed on some type: the save-time check passes
    with pytest.raises(ExpressionError) as caught:
        expression.evaluate(value, {**PAYLOAD, "count": 3})
    assert str(caught.value) == message


def test_attributes_allowed_for_the_values_type_work_when_evaluated():
    assert run("value.index('b')", ["a", "b"]) == 1
    assert run("value.count('a') + payload.get('n')", "banana") == 7


# --- limits inside one operation: checked before the result is built ---------------------------

# Far above a refusal's cost (microseconds), far below what the unbounded operations took (10-26 s).
FAST = 1.0
TOO_LARGE = "Result too large (more than 10000 characters or items)."


def timed_failure(source, value=None, payload=PAYLOAD) -> str:
    started = time.monotonic()
    with pytest.raises(ExpressionError) as caught:
        run(source, value, payload)
    assert time.monotonic() - started < FAST
    return str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # ten thousand references to one list of ten thousand: 10^8 items to sort, join or print
        ("len(sorted([[0] * 10000] * 10000))", TOO_LARGE),
        ("join(',', [[0] * 10000] * 10000)", TOO_LARGE),
        ("str([[0] * 10000] * 10000)", TOO_LARGE),
        ("[[0] * 100] * 100", TOO_LARGE),
        ("[[0] * 5000, [0] * 5000, [0] * 5000]", TOO_LARGE),
        ("sum([[0] * 10] * 10, [])", "sum() adds numbers; use join() for strings."),
        ("join('', ['x' * 9000, 'y' * 9000])", TOO_LARGE),
        (
            "[('x' * 9000).upper() for i in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]",
            "Expression built more than 100000 characters or items in all.",
        ),
        ('f\'{"x" * 6000}{"y" * 6000}\'', TOO_LARGE),
    ],
)
def test_what_once_ran_for_seconds_is_refused_before_it_is_built(source, message):
    assert timed_failure(source) == message


def test_everything_one_evaluation_builds_is_capped():
    # each string is within the limit, and the list of their lengths is small: the memory is not
    source = "len([len(('x' * 9000).upper()) for i in " + str(list(range(20))) + "])"
    assert timed_failure(source) == "Expression built more than 100000 characters or items in all."


def test_a_caller_sized_value_is_refused_before_any_helper_sees_it():
    huge = "a," * (9 * 1024 * 1024)  # 18 MB
    message = "The value is too large for this expression (more than 100000 characters or items)."
    assert timed_failure("value.split(',')", huge) == message
    assert timed_failure("len(value)", [["x" * 100] * 100] * 100) == message


def test_a_large_payload_string_reaches_no_string_method_or_helper():
    payload = {"notes": "a," * 500_000}
    assert timed_failure("payload['notes'].split(',')", payload=payload) == (
        "split() of more than 10000 characters or items."
    )
    assert timed_failure("split(payload['notes'], ',')", payload=payload) == (
        "split() of more than 10000 characters or items."
    )
    assert (
        timed_failure("sorted(payload['notes'])", payload=payload) == "sorted() of more than 10000 characters or items."
    )
    assert timed_failure("max(payload['lines'])", payload={"lines": [[0] * 100] * 200}) == (
        "max() of more than 10000 characters or items."
    )
    assert timed_failure("[payload['notes'][1:] for i in value]", list(range(1000)), payload) == TOO_LARGE
    assert run("payload['notes'][:4]", payload=payload) == "a,a,"
    # reading it is fine, and so are questions about it that build nothing
    assert run("len(payload['notes'])", payload=payload) == 1_000_000
    assert run("payload['notes'].startswith('a,')", payload=payload) is True


def test_values_within_the_limits_still_work():
    assert run("len(sorted([[0] * 100] * 99))") == 99
    assert run("join(',', [1, 2, 3]) + '!'") == "1,2,3!"
    assert run("sum([1, 2.5, 3])") == 6.5
    assert run("len('x' * 10000)") == 10000
    assert run("max(value)", [3, 9, 2]) == 9


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

leaves = st.sampled_from(["0", "'ab'", "value", "[0]", "[[0] * 50] * 50", "'x' * 5000", "[value, value]"])


def combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["10", "100", "1000", "10000"])).map(lambda p: f"({p[0]}) * {p[1]}"),
        st.tuples(children, children).map(lambda p: f"({p[0]}) + ({p[1]})"),
        st.tuples(children, children).map(lambda p: f"[{p[0]}, {p[1]}]"),
        children.map(lambda c: f"sorted([{c}, {c}])"),
        children.map(lambda c: f"join(',', [{c}, {c}])"),
        children.map(lambda c: f"str({c})"),
        children.map(lambda c: f"[{c} for i in [1, 2, 3, 4, 5, 6, 7, 8]]"),
        children.map(lambda c: f"str({c}).upper()"),
    )


expressions = st.recursive(leaves, combine, max_leaves=6)


@hypothesis_settings(max_examples=300, deadline=None)
@given(expressions, st.sampled_from(["abc", ["x" * 50] * 50, [[1, 2]] * 100]))
def test_no_expression_runs_past_its_limits(source, value):
    started = time.monotonic()
    try:
        result = run(source, value)
    except ExpressionError:
        pass
    else:
        assert sandbox.weight(result) <= sandbox.MAX_SIZE
    assert time.monotonic() - started < FAST
