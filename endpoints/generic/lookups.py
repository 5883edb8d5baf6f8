"""Batched lookups: every relational value of a payload resolved with one search per (model, lookup field).

``{"name": "Customer A"}`` on a header and ``{"name": "Customer B"}`` on a line both look up
res.partner by name: one ``search_read`` with ``name in [...]`` answers both, and tells how many
records each value matched (zero and several are errors, or auto_create's cue).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from endpoints.generic.payload import Ref, Use


@dataclass
class Resolution:
    """What the lookups found: an id per resolved Ref, and the Refs that matched none or several."""

    found: dict[Ref, int] = field(default_factory=dict)
    missing: dict[Ref, list[Use]] = field(default_factory=dict)
    ambiguous: dict[Ref, tuple[int, Use]] = field(default_factory=dict)

    def first_problem(self) -> str | None:
        """The error message for the first Ref that is missing or ambiguous, if any."""
        for ref, (count, use) in self.ambiguous.items():
            return ambiguous_message(ref, use, count)
        for ref, uses in self.missing.items():
            return missing_message(ref, uses[0])
        return None


def missing_message(ref: Ref, use: Use) -> str:
    return f"{use.path}: no {ref.model} record has {ref.describe()}."


def ambiguous_message(ref: Ref, use: Use, count: int) -> str:
    return f"{use.path}: {count} {ref.model} records have {ref.describe()}; a lookup must match exactly one."


def resolve(client, refs: Iterable[tuple[Ref, Use]]) -> Resolution:
    """Look every Ref up, one ``search_read`` per (model, lookup field)."""
    uses: dict[Ref, list[Use]] = defaultdict(list)
    for ref, use in refs:
        uses[ref].append(use)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for ref in uses:
        values = groups[(ref.model, ref.field)]
        if ref.value not in values:
            values.append(ref.value)
    resolution = Resolution()
    for (model, lookup_field), values in groups.items():
        rows = client.execute_kw(model, "search_read", [[[lookup_field, "in", values]]], {"fields": [lookup_field]})
        matches: dict = defaultdict(list)
        for row in rows:
            for key in _keys(row.get(lookup_field)):
                matches[key].append(row["id"])
        for value in values:
            ref = Ref(model, lookup_field, value)
            ids = matches.get(value, [])
            if len(ids) == 1:
                resolution.found[ref] = ids[0]
            elif not ids:
                resolution.missing[ref] = uses[ref]
            else:
                resolution.ambiguous[ref] = (len(ids), uses[ref][0])
    return resolution


def _keys(value) -> list:
    """The values a record holds for a lookup field, as comparable keys."""
    if isinstance(value, list):
        # many2one reads as [id, display_name], x2many as a list of ids
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return [value[0]]
        return [item for item in value if isinstance(item, int | str | float)]
    return [value] if isinstance(value, int | str | float) and not isinstance(value, bool) else []
