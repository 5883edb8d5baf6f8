"""Reading request bodies as strict JSON with bounded nesting, without database or Odoo."""

import pytest

from hub.jsonbody import MAX_DEPTH, JsonHoldsNul, JsonTooDeep, loads, nests_deeper_than


@pytest.mark.parametrize(
    ("value", "limit", "deeper"),
    [
        (1, 0, False),
        ("[[[", 0, False),
        ([], 0, True),
        ([], 1, False),
        ({"a": [1, {"b": []}]}, 4, False),
        ({"a": [1, {"b": []}]}, 3, True),
        ([[], [[[]]], []], 3, True),
        ([[], [[[]]], []], 4, False),
    ],
)
def test_nesting_depth(value, limit, deeper):
    assert nests_deeper_than(value, limit) is deeper


def test_json_nested_to_the_limit_is_read():
    raw = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert nests_deeper_than(loads(raw), MAX_DEPTH - 1)


@pytest.mark.parametrize(
    "raw",
    [
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a": ' * 100_000 + "1" + "}" * 100_000,  # json itself runs out of stack on this one
    ],
    ids=["one-level-too-deep", "beyond-the-recursion-limit"],
)
def test_deeper_json_is_refused(raw):
    with pytest.raises(JsonTooDeep, match=f"^The JSON nests arrays and objects deeper than {MAX_DEPTH} levels.$"):
        loads(raw)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_refused(constant):
    with pytest.raises(ValueError, match=f"^Out of range float values are not JSON compliant: '{constant}'$"):
        loads(f'{{"x": {constant}}}')


@pytest.mark.parametrize("number", ["1e400", "-1e400"])
def test_numbers_beyond_float_range_are_refused(number):
    with pytest.raises(ValueError, match=f"^Number out of range: {number}$"):
        loads(f'{{"x": {number}}}')
    assert loads('{"x": 1.5e300}') == {"x": 1.5e300}


def test_bytes_and_text_are_read_alike():
    assert loads(b'{"name": "Zo\xc3\xab"}') == loads('{"name": "Zoë"}') == {"name": "Zoë"}


@pytest.mark.parametrize(
    "raw",
    ['{"a": "x\\u0000"}', '{"a\\u0000": 1}', '[[{"a": ["\\u0000"]}]]', '{"a": "x\\u0000"}'.encode("utf-16")],
    ids=["value", "key", "nested", "utf-16"],
)
def test_nul_in_a_string_is_refused(raw):
    with pytest.raises(JsonHoldsNul):
        loads(raw)


def test_an_escaped_backslash_before_u0000_is_no_nul():
    assert loads('{"a": "\\\\u0000"}') == {"a": "\\u0000"}
