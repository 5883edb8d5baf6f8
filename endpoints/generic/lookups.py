"""Batched lookups: every relational value of a payload resolved with one search per (model, lookup field).

``{"name": "Customer A"}`` on a header and ``{"name": "Customer B"}`` on a line both look up
res.partner by name: one ``search_read`` with ``name in [...]`` answers both, and tells how many
records each value matched (zero and several are errors, or auto_create's cue).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from endpoints.generic.payload import Ref, Use
from mappings import lookups


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
    """Look every Ref up with the engine's batched lookups: one ``search_read`` per (model, lookup field)."""
    uses: dict[Ref, list[Use]] = defaultdict(list)
    for ref, use in refs:
        uses[ref].append(use)
    found = lookups.search(client, ((ref.model, ref.field, ref.value) for ref in uses))
    resolution = Resolution()
    # grouped by (model, lookup field) in order of first use: the first problem named is the same one
    targets = list(dict.fromkeys((ref.model, ref.field) for ref in uses))
    for ref in sorted(uses, key=lambda ref: targets.index((ref.model, ref.field))):
        ref_uses = uses[ref]
        ids = found.ids(ref.model, ref.field, ref.value)
        if len(ids) == 1:
            resolution.found[ref] = ids[0]
        elif not ids:
            resolution.missing[ref] = ref_uses
        else:
            resolution.ambiguous[ref] = (len(ids), ref_uses[0])
    return resolution
