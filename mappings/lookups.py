"""The one batched lookup resolver: every key a request looks records up by, found with ONE
``search_read`` per (model, lookup field), whatever the number of payloads, lines and fields.

Both input dialects use it: the REST mapping lines (a country code, a partner's email) and the
generic routes' relational formats (``{"ref": "C-1"}``). Keys compare by text, so a caller's 42
finds Odoo's "42"; a record's many2one lookup field (read as ``[id, name]``) answers by its id.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Target = tuple[str, str]  # (model, lookup field)


def key(value: Any) -> str:
    """A lookup value as the text it is compared by."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def is_key(value: Any) -> bool:
    """Whether a value can be looked up: a string or a number, not a boolean."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Found:
    """What one round of lookups found: per target and key, the ids of the matching records."""

    ids_by_target: Mapping[Target, Mapping[str, list[int]]] = field(default_factory=dict)

    def ids(self, model: str, lookup_field: str, value: Any) -> list[int]:
        """The ids of the ``model`` records whose ``lookup_field`` is ``value`` (none, one or several)."""
        return self.ids_by_target.get((model, lookup_field), {}).get(key(value), [])


def search(client, wanted: Iterable[tuple[str, str, Any]]) -> Found:
    """Look every ``(model, lookup field, value)`` up: one ``search_read`` per (model, lookup field)."""
    groups: dict[Target, dict[str, Any]] = defaultdict(dict)
    for model, lookup_field, value in wanted:
        groups[(model, lookup_field)].setdefault(key(value), value)
    found: dict[Target, dict[str, list[int]]] = {}
    for (model, lookup_field), values in groups.items():
        rows = client.search_read(model, [[lookup_field, "in", list(values.values())]], [lookup_field])
        index: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            for held in _held(row.get(lookup_field)):
                index[key(held)].append(row["id"])
        found[(model, lookup_field)] = dict(index)
    return Found(found)


def _held(value: Any) -> list:
    """The keys a record holds in its lookup field: a scalar, a many2one's id, an x2many's ids."""
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return [value[0]]
        return [item for item in value if is_key(item)]
    return [value] if is_key(value) else []
