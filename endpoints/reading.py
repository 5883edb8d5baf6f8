"""Reading records the way the mapping lines show them: one ``web_search_read`` / ``web_read`` call.

A specification read (Odoo 17+) returns, in the same call, the nested records of one2many lines
(an order with its lines), the lookup field of many2one and many2many lookup lines (a country's
code, a partner's email, tag names: what a caller sends, so a GET answers what a POST took) and,
for a list, the total count. Plain many2one values are then given ``read()``'s shape,
``[id, display name]``, which plain lines and expressions expect; lookup lines read the nested
dict themselves (mappings.values).
"""

from mappings.choices import OdooType, ValueType
from mappings.values import lookup_read_field

MANY2ONE_SPEC = {"fields": {"display_name": {}}}
_LOOKUPS = (ValueType.MANY2ONE, ValueType.MANY2MANY)


def specification(lines) -> dict:
    """The ``web_read`` specification of the fields the lines show (and the identifier)."""
    spec: dict = {}
    for line in lines:
        expression = line.expressions.get("to_external")
        if line.outbound and expression is not None:
            for key in expression.payload_keys:
                spec.setdefault(key, {})
        if line.is_identifier or (line.outbound and line.value_type != ValueType.CONSTANT):
            spec[line.odoo_field] = _merged(spec.get(line.odoo_field, {}), _field_spec(line))
    return spec


def _field_spec(line) -> dict:
    if line.value_type == ValueType.ONE2MANY and line.children:
        return {"fields": specification(line.children)}
    if line.value_type in _LOOKUPS:
        wanted = lookup_read_field(line)
        # an id needs no sub-read: Odoo answers a many2one as its id, a many2many as its ids
        return {} if wanted == "id" else {"fields": {wanted: {}}}
    if line.value_type == ValueType.PLAIN and line.odoo_type == OdooType.MANY2ONE:
        return MANY2ONE_SPEC
    return {}


def _merged(first: dict, second: dict) -> dict:
    """Two lines on one field (say a country's code and its name): one read asking for both."""
    if "fields" not in first or "fields" not in second:
        return second if "fields" in second else first
    fields = dict(first["fields"])
    for name, sub in second["fields"].items():
        fields[name] = _merged(fields.get(name, {}), sub)
    return {**first, **second, "fields": fields}


def shaped(record: dict, lines) -> dict:
    """A ``web_read`` record with plain many2one values as ``read()`` gives them, nested records too.

    A field that a lookup line also reads keeps its dict (plain lines read a dict as well).
    """
    looked_up = {line.odoo_field for line in lines if line.value_type in _LOOKUPS}
    result = dict(record)
    for line in lines:
        value = record.get(line.odoo_field)
        if isinstance(value, dict) and line.odoo_field not in looked_up:
            result[line.odoo_field] = [value.get("id"), value.get("display_name", "")]
        elif line.value_type == ValueType.ONE2MANY and line.children and isinstance(value, list):
            result[line.odoo_field] = [
                shaped(item, line.children) if isinstance(item, dict) else item for item in value
            ]
    return result
