"""Reading records the way the mapping lines show them: one ``web_search_read`` / ``web_read`` call.

A specification read (Odoo 17+) returns, in the same call, the nested records of one2many lines
(an order with its lines), the lookup values of many2many lines (tag names instead of ids) and,
for a list, the total count. The records are then given ``read()``'s shape where the value types
expect it: a many2one as ``[id, display name]``.
"""

from mappings.choices import OdooType, ValueType

MANY2ONE_SPEC = {"fields": {"display_name": {}}}


def specification(lines) -> dict:
    """The ``web_read`` specification of the fields the lines show (and the identifier)."""
    spec: dict = {}
    for line in lines:
        expression = line.expressions.get("to_external")
        if line.outbound and expression is not None:
            for key in expression.payload_keys:
                spec.setdefault(key, {})
        if line.is_identifier or (line.outbound and line.value_type != ValueType.CONSTANT):
            spec[line.odoo_field] = _field_spec(line)
    return spec


def _field_spec(line) -> dict:
    if line.value_type == ValueType.ONE2MANY and line.children:
        return {"fields": specification(line.children)}
    if line.value_type == ValueType.MANY2ONE or (
        line.value_type == ValueType.PLAIN and line.odoo_type == OdooType.MANY2ONE
    ):
        return MANY2ONE_SPEC
    if line.value_type == ValueType.MANY2MANY:
        return {"fields": {line.options.get("field", "id"): {}}}
    return {}


def shaped(record: dict, lines) -> dict:
    """A ``web_read`` record with many2one values as ``read()`` gives them, nested records too."""
    result = dict(record)
    for line in lines:
        value = record.get(line.odoo_field)
        if isinstance(value, dict):
            result[line.odoo_field] = [value.get("id"), value.get("display_name", "")]
        elif line.value_type == ValueType.ONE2MANY and line.children and isinstance(value, list):
            result[line.odoo_field] = [
                shaped(item, line.children) if isinstance(item, dict) else item for item in value
            ]
    return result
