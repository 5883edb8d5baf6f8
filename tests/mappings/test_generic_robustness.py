"""Whatever a caller sends, the parsers answer a plan or their own error (never a crash), without Odoo."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.generic_payload import PayloadError, RecordPlan, parse_record
from mappings.reading import SpecError, parse_fields, related_models
from tests.mappings.test_generic_payload import FIELDS

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "partner_id",
                    "tag_ids",
                    "order_line",
                    "product_id",
                    "tax_id",
                    "sub_line_ids",
                    "attachment_ids",
                    "mode",
                    "records",
                    "id",
                    "ref",
                    "datas",
                    "x",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_payload_parses_or_raises_payload_error(payload):
    try:
        plan = parse_record("sale.order", payload, FIELDS.__getitem__, max_attachment_bytes=100)
    except PayloadError:
        return
    assert isinstance(plan, RecordPlan)
    ids = {ref: 1 for ref, _use in plan.refs()}
    assert isinstance(plan.vals(ids), dict)


names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
# a tree is a list of (name, children or None); rendered as text, parsed back into a read specification
trees = st.recursive(
    st.tuples(names, st.none()),
    lambda children: st.tuples(names, st.lists(children, min_size=1, max_size=3)),
    max_leaves=8,
)


def render(tree) -> str:
    return ", ".join(name + (f"{{{render(children)}}}" if children else "") for name, children in tree)


def as_spec(tree) -> dict:
    return {name: ({"fields": as_spec(children)} if children else {}) for name, children in tree}


def unique(tree) -> bool:
    seen = [name for name, _ in tree]
    return len(seen) == len(set(seen)) and all(unique(children) for _, children in tree if children)


def depth(tree) -> int:
    return 1 + max((depth(children) for _, children in tree if children), default=0)


@settings(max_examples=300, deadline=None)
@given(st.lists(trees, min_size=1, max_size=4))
def test_rendered_field_trees_parse_back(tree):
    if not unique(tree) or depth(tree) > 5:
        return
    assert parse_fields(render(tree)) == as_spec(tree)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab_{}, 1-", max_size=20))
def test_any_text_parses_or_raises_field_spec_error(text):
    with contextlib.suppress(SpecError):
        parse_fields(text)


def test_related_models_follow_the_tree_and_refuse_plain_fields():
    specs = parse_fields("name, partner_id{name, country_id{code}}, order_line{product_id{name}}")
    fields = {
        **FIELDS,
        "res.partner": {"name": {"type": "char"}, "country_id": {"type": "many2one", "relation": "res.country"}},
    }
    assert related_models(fields.__getitem__, "sale.order", specs) == {
        "res.partner",
        "res.country",
        "sale.order.line",
        "product.product",
    }
    for text, message in [
        ("name{x}", "sale.order.name is not a relational field: it has no sub-fields."),
        ("nope{x}", "sale.order has no field 'nope'."),
    ]:
        with pytest.raises(SpecError) as caught:
            related_models(fields.__getitem__, "sale.order", parse_fields(text))
        assert str(caught.value) == message
