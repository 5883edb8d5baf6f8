"""Read specifications and record shapes from mapping lines, and the line schemas built on them (pure, no database)."""

from endpoints import schema
from mappings import engine as reading  # the engine's read specifications
from mappings.values import LineSpec


def spec(**fields) -> LineSpec:
    return LineSpec(id=fields.pop("id", None), **fields)


ORDER_LINES = (
    spec(odoo_field="name", external_key="number", odoo_type="char", is_identifier=True, direction="out"),
    spec(
        odoo_field="partner_id",
        external_key="customer",
        value_type="many2one",
        options={"model": "res.partner", "field": "ref"},
    ),
    spec(odoo_field="user_id", external_key="salesman", odoo_type="many2one"),
    spec(
        odoo_field="tag_ids", external_key="tags", value_type="many2many", options={"model": "crm.tag", "field": "name"}
    ),
    spec(odoo_field="note", external_key="note", odoo_type="text", direction="in"),
    spec(odoo_field="company_id", external_key="company", value_type="constant", options={"value": 1}),
    spec(
        odoo_field="order_line",
        external_key="lines",
        value_type="one2many",
        children=(
            spec(
                odoo_field="product_id",
                external_key="sku",
                value_type="many2one",
                options={"model": "product.product", "field": "default_code"},
            ),
            spec(odoo_field="product_uom_qty", external_key="quantity", odoo_type="float"),
        ),
    ),
)


def test_specification_reads_what_the_lines_show():
    assert reading.specification(ORDER_LINES) == {
        "name": {},
        "partner_id": {"fields": {"ref": {}}},
        "user_id": {"fields": {"display_name": {}}},
        "tag_ids": {"fields": {"name": {}}},
        "order_line": {"fields": {"product_id": {"fields": {"default_code": {}}}, "product_uom_qty": {}}},
    }


def test_specification_reads_what_each_lookup_output_needs_merged_per_field():
    def country(key, **options):
        return spec(
            odoo_field="country_id",
            external_key=key,
            value_type="many2one",
            options={"model": "res.country", "field": "code", **options},
        )

    assert reading.specification((country("country"),)) == {"country_id": {"fields": {"code": {}}}}
    assert reading.specification((country("country", output="id"),)) == {"country_id": {}}
    assert reading.specification((country("a"), country("b", output="name"), country("c", output="id"))) == {
        "country_id": {"fields": {"code": {}, "display_name": {}}}
    }
    plain = spec(odoo_field="country_id", external_key="d", odoo_type="many2one")
    assert reading.specification((country("a"), plain)) == {"country_id": {"fields": {"code": {}, "display_name": {}}}}
    nested = spec(
        odoo_field="child_ids",
        external_key="contacts",
        value_type="one2many",
        children=(country("country"),),
    )
    again = spec(
        odoo_field="child_ids",
        external_key="contact_countries",
        value_type="one2many",
        children=(country("name", output="name"),),
    )
    assert reading.specification((nested, again)) == {
        "child_ids": {"fields": {"country_id": {"fields": {"code": {}, "display_name": {}}}}}
    }


def test_an_inbound_only_identifier_is_still_read():
    lines = (spec(odoo_field="ref", external_key="id", odoo_type="char", is_identifier=True, direction="in"),)
    assert reading.specification(lines) == {"ref": {}}


def test_shaped_gives_plain_many2one_as_read_does_and_leaves_lookups_nested_too():
    record = {
        "id": 7,
        "name": "S00007",
        "partner_id": {"id": 3, "ref": "AZ"},
        "user_id": {"id": 2, "display_name": "Mitchell Admin"},
        "tag_ids": [{"id": 1, "name": "VIP"}],
        "order_line": [{"id": 9, "product_id": {"id": 5, "default_code": "D-1"}, "product_uom_qty": 2.0}],
    }
    assert reading.shaped(record, ORDER_LINES) == {
        "id": 7,
        "name": "S00007",
        "partner_id": {"id": 3, "ref": "AZ"},
        "user_id": [2, "Mitchell Admin"],
        "tag_ids": [{"id": 1, "name": "VIP"}],
        "order_line": [{"id": 9, "product_id": {"id": 5, "default_code": "D-1"}, "product_uom_qty": 2.0}],
    }
    assert record["user_id"] == {"id": 2, "display_name": "Mitchell Admin"}  # the input is left alone


def test_line_schemas_by_value_type_and_odoo_type():
    fields = {
        "note": {"type": "text", "string": "Terms"},
        "state": {"type": "selection", "selection": [["draft", "Quotation"], ["sale", "Order"]]},
    }
    assert schema.line_schema(ORDER_LINES[4], fields, direction="in") == {
        "type": "string",
        "description": "Terms",
        "nullable": True,
    }
    assert schema.line_schema(ORDER_LINES[1], {}, direction="in") == {
        "type": "string",
        "minLength": 1,
        "description": "ref of a res.partner record",
        "nullable": True,
    }
    assert schema.line_schema(ORDER_LINES[1], {}, direction="out") == {
        "type": "string",
        "description": "ref of a res.partner record",
        "nullable": True,
    }
    named = spec(
        odoo_field="partner_id",
        external_key="customer",
        value_type="many2one",
        options={"model": "res.partner", "field": "ref", "output": "name"},
    )
    assert schema.line_schema(named, {}, direction="out") == {
        "type": "string",
        "description": "display name of a res.partner record",
        "nullable": True,
    }
    assert schema.line_schema(named, {}, direction="in")["description"] == "ref of a res.partner record"
    by_id = spec(
        odoo_field="tag_ids",
        external_key="tags",
        value_type="many2many",
        options={"model": "crm.tag", "field": "name", "output": "id"},
    )
    assert schema.line_schema(by_id, {}, direction="out") == {
        "type": "array",
        "items": {"type": "integer", "description": "id of a crm.tag record"},
    }
    assert schema.line_schema(ORDER_LINES[3], {}, direction="out") == {
        "type": "array",
        "items": {"type": "string", "description": "name of a crm.tag record"},
    }
    state = spec(odoo_field="state", external_key="state", odoo_type="selection")
    assert schema.line_schema(state, fields, direction="out")["enum"] == ["draft", "sale"]
    mapped = spec(
        odoo_field="state",
        external_key="state",
        value_type="selection",
        options={"map": {"open": "draft", "1": "sale"}},
    )
    assert schema.line_schema(mapped, fields, direction="out") == {"enum": ["open", 1]}
    when = spec(odoo_field="date_order", external_key="at", value_type="datetime", options={"format": "%d/%m/%Y %H:%M"})
    assert schema.line_schema(when, {}, direction="out") == {
        "type": "string",
        "description": "date-time as %d/%m/%Y %H:%M",
        "nullable": True,
    }
    flag = spec(odoo_field="active", external_key="active", odoo_type="boolean")
    assert schema.line_schema(flag, {}, direction="out") == {"type": "boolean"}


def test_nested_lines_become_an_array_of_objects_with_their_required_keys():
    nested = schema.line_schema(ORDER_LINES[6], {}, direction="in")
    assert nested == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "sku": {
                    "type": "string",
                    "minLength": 1,
                    "description": "default_code of a product.product record",
                    "nullable": True,
                },
                "quantity": {"type": "number", "nullable": True},
            },
            "additionalProperties": False,
        },
    }


def test_example_values_are_placeholders_by_type():
    body = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "qty": {"type": "number"},
            "when": {"type": "string", "format": "date"},
            "kind": {"enum": ["goods", "service"]},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    assert schema.example_value(body, {}) == {
        "name": "<name>",
        "qty": 0.0,
        "when": "2026-01-31",
        "kind": "goods",
        "tags": ["<tags>"],
    }


def test_a_many2many_request_is_a_list_or_an_object_naming_its_mode():
    # a record named by an empty text is no record: each name has at least one character
    tags = {"type": "array", "items": {"type": "string", "minLength": 1, "description": "name of a crm.tag record"}}
    modes = {
        "type": "object",
        "properties": {"mode": {"enum": ["add", "replace"], "default": "replace"}, "records": tags},
        "required": ["records"],
        "additionalProperties": False,
    }
    assert schema.line_schema(ORDER_LINES[3], {}, direction="in") == {
        "oneOf": [tags, modes],
        "description": "a list (replaces the related records), or {mode, records}",
    }
    adding = spec(
        odoo_field="tag_ids",
        external_key="tags",
        value_type="many2many",
        options={"model": "crm.tag", "field": "name", "mode": "add"},
    )
    request = schema.line_schema(adding, {}, direction="in")
    assert request["description"] == "a list (adds the related records), or {mode, records}"
    assert request["oneOf"][1]["properties"]["mode"]["default"] == "add"
