"""Field lists with nested sub-fields (search_field, result_field), parsed into read specifications without Odoo."""

import pytest

from mappings.reading import MAX_DEPTH, SpecError, parse_fields


def test_flat_list_from_a_string():
    assert parse_fields("name, email,phone") == {"name": {}, "email": {}, "phone": {}}
    assert list(parse_fields("phone, name")) == ["phone", "name"]  # read in the order given


def test_nested_sub_fields_as_the_issue_writes_them():
    assert parse_fields(["name", "partner_id{name, email, country_id{code}}"]) == {
        "name": {},
        "partner_id": {"fields": {"name": {}, "email": {}, "country_id": {"fields": {"code": {}}}}},
    }


def test_list_items_may_hold_several_fields():
    assert parse_fields(["name, ref", "user_id{login}"]) == {
        "name": {},
        "ref": {},
        "user_id": {"fields": {"login": {}}},
    }


@pytest.mark.parametrize("empty", [None, "", "   ", [], ()])
def test_empty_input_is_an_empty_list(empty):
    assert parse_fields(empty) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,", "Expected a field name, found 'the end'."),
        ("partner_id{name", "Missing '}' after the sub-fields of 'partner_id'."),
        ("partner_id{}", "Expected a field name, found '}'."),
        ("name}", "Unexpected '}' in field list 'name}'."),
        ("name, name", "Field 'name' is listed twice."),
        ("na-me", "Unexpected character '-' in field list 'na-me'."),
        ("1name", "Unexpected character '1' in field list '1name'."),
    ],
)
def test_malformed_lists_are_refused_with_where(text, message):
    with pytest.raises(SpecError) as caught:
        parse_fields(text)
    assert str(caught.value) == message


def test_non_strings_are_refused():
    with pytest.raises(SpecError, match="a string or a list of strings"):
        parse_fields(["name", 3])
    with pytest.raises(SpecError, match="a string or a list of strings"):
        parse_fields({"name": 1})


def test_depth_is_bounded():
    deep = "a{" * MAX_DEPTH + "b" + "}" * MAX_DEPTH
    with pytest.raises(SpecError) as caught:
        parse_fields(deep)
    assert str(caught.value) == f"Sub-fields nest at most {MAX_DEPTH} levels deep."
    allowed = "a{" * (MAX_DEPTH - 1) + "b" + "}" * (MAX_DEPTH - 1)
    assert list(parse_fields(allowed)) == ["a"]
