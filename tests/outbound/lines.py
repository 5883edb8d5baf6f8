"""Mapping lines of the outbound payload tests: lookups shown by their lookup field, nested one2many lines."""

from mappings.models import MappingLine

COUNTRY = {"model": "res.country", "field": "code"}
PARTNER_LINES = [
    {"odoo_field": "name", "external_key": "name"},
    {"odoo_field": "country_id", "external_key": "country", "value_type": "many2one", "options": COUNTRY},
    {
        "odoo_field": "country_id",
        "external_key": "country_name",
        "value_type": "many2one",
        "options": {**COUNTRY, "output": "name"},
    },
]
ORDER_LINES = [
    {"odoo_field": "name", "external_key": "number"},
    {"odoo_field": "partner_id", "external_key": "customer", "value_type": "many2one",
     "options": {"model": "res.partner", "field": "email"}},
    {"odoo_field": "order_line", "external_key": "lines", "value_type": "one2many", "children": [
        {"odoo_field": "product_id", "external_key": "sku", "value_type": "many2one",
         "options": {"model": "product.product", "field": "default_code"}},
        {"odoo_field": "product_uom_qty", "external_key": "quantity"},
    ]},
]  # fmt: skip


def save_lines(configuration, lines, parent=None) -> None:
    """Mapping lines of an outbound configuration, ``children`` nested under their one2many line."""
    for sequence, line in enumerate(lines):
        line = dict(line)
        children = line.pop("children", [])
        saved = MappingLine.objects.create(outbound=configuration, parent=parent, sequence=sequence, **line)
        save_lines(configuration, children, saved)
