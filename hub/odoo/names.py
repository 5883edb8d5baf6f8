"""The one rule for Odoo model names, as Odoo itself checks them (``ir.model``'s "lowercase characters,
digits, underscores and dots"): ``res.partner``, ``sale.order.line``, ``x_vehicle``, ``l10n_be.report``.

Endpoints, API keys, callable methods, the generic routes and the JSON-2 transport all check a model
name with it, so a name one of them accepts is never refused by another.
"""

import re

MODEL_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


def is_model_name(name: object) -> bool:
    """Whether ``name`` is a string Odoo would accept as a model name."""
    return isinstance(name, str) and bool(MODEL_NAME.match(name))

# A field or method name: a Python identifier in ASCII (Odoo's own field names are lowercase, but
# studio and import tools create others, and Odoo says itself which ones it does not know).
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_field_name(name: object) -> bool:
    """Whether ``name`` can name a field (or a method) of an Odoo model."""
    return isinstance(name, str) and bool(FIELD_NAME.match(name))
