"""NUL characters (U+0000) in what a caller sends: refused before Odoo is called.

Odoo keeps its text in PostgreSQL, which cannot hold NUL: a NUL in a value, a search or a record
identifier can only fail there, so the hub answers it as a clear 400 of its own.
"""

from typing import Any

NUL = "\x00"


def message(where: str) -> str:
    """The refusal of a NUL in ``where`` (e.g. "request body")."""
    return f"The {where} holds a NUL character (\\u0000); Odoo cannot store or search it."


def holds_nul(value: Any) -> bool:
    """Whether any string in ``value`` (dict keys included, at any depth) holds a NUL; walked without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False
