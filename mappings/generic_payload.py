"""The generic routes' input dialect: their friendly relational formats, parsed into a plan of what to write.

- many2one: ``{"<lookup field>": value}`` (e.g. ``{"ref": "C-1"}``), a bare id, or null/false to clear;
- many2many: ``{"mode": "add" | "replace", "records": [{"<lookup field>": value} | id, …]}``;
- one2many: a list of objects, each in these same formats (nested one2many too); on an update, a
  line of the record's own lines that carries its ``"id"`` is written in place ((1, id, vals)),
  and then the field's other lines are kept instead of replaced;
- ``attachment_ids``: files to attach to the record they sit on (see attachments.py).

Parsing is pure: it needs only the field types of the models involved (``fields_of``, from
mappings.odoo_fields). The lookups (:class:`Ref`) are collected so that :func:`resolve` finds all
of them, across header and lines, with the engine's batched lookups (one search per (model, lookup
field)); :meth:`RecordPlan.vals` then builds Odoo's values.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.odoo.names import is_field_name
from mappings.attachments import ATTACHMENT_KEY, Attachment, AttachmentError, parse_attachments
from mappings.engine import search_keys
from mappings.odoo_fields import FieldsOf

MANY2MANY_MODES = ("replace", "add")


class PayloadError(ValueError):
    """A payload value in the wrong format; the message names the field path."""


@dataclass(frozen=True)
class Ref:
    """A record of ``model`` looked up by ``field == value``."""

    model: str
    field: str
    value: str | int | float

    def describe(self) -> str:
        return f"{self.field} = {json.dumps(self.value, ensure_ascii=False)}"


@dataclass(frozen=True)
class Use:
    """Where a lookup appears in the payload: the relational field and its path."""

    field: str
    path: str


@dataclass
class Many2One:
    """A many2one value to look up."""

    ref: Ref


@dataclass
class Many2Many:
    """A many2many value: records (looked up or given by id) added or replacing the current ones."""

    mode: str
    items: list[Ref | int]


@dataclass
class One2Many:
    """The lines of a one2many field, each a record plan of its own."""

    lines: list["RecordPlan"]


@dataclass
class RecordPlan:
    """One record to write: plain values, relational values to resolve, lines, attachments."""

    model: str
    values: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    line_id: int | None = None  # a line of the record being updated, written in place

    def lines(self) -> Iterator[tuple[str, list["RecordPlan"]]]:
        """The one2many fields of this record and their line plans."""
        for name, value in self.values.items():
            if isinstance(value, One2Many):
                yield name, value.lines

    def refs(self, path: str = "") -> Iterator[tuple[Ref, Use]]:
        """Every lookup of this record and its lines, depth first, with where it is used."""
        for name, value in self.values.items():
            where = f"{path}{name}"
            if isinstance(value, Many2One):
                yield value.ref, Use(name, where)
            elif isinstance(value, Many2Many):
                for item in value.items:
                    if isinstance(item, Ref):
                        yield item, Use(name, where)
        for name, lines in self.lines():
            for index, line in enumerate(lines):
                yield from line.refs(f"{path}{name}[{index}].")

    def keyed_lines(self) -> dict[str, list[tuple[str, int]]]:
        """Per one2many field, the lines sent with their id: (path of the id, line id)."""
        keyed: dict[str, list[tuple[str, int]]] = {}
        for name, lines in self.lines():
            given = [(f"{name}[{index}].id", line.line_id) for index, line in enumerate(lines) if line.line_id]
            if given:
                keyed[name] = given
        return keyed

    def models(self) -> set[str]:
        """The models this plan writes or looks up (itself, its lines, their lookups)."""
        found = {self.model} | {ref.model for ref, _ in self.refs()}
        for _name, lines in self.lines():
            for line in lines:
                found |= line.models()
        return found

    def has_attachments(self) -> bool:
        """Whether this record or any of its lines carries files."""
        return bool(self.attachments) or any(line.has_attachments() for _, lines in self.lines() for line in lines)

    def vals(self, ids: Mapping[Ref, int], *, replace_lines: bool = False) -> dict:
        """Odoo values, with every lookup replaced by the id it resolved to.

        ``replace_lines`` (an update) clears the current lines of each one2many field sent before
        creating the new ones, as the webhook module did; unless some of its lines carry their id:
        those are written in place, the others created, and the lines not sent are kept (Odoo
        refuses to remove a line of a confirmed sales order, so clearing them would fail there).
        """
        vals: dict[str, Any] = {}
        for name, value in self.values.items():
            if isinstance(value, Many2One):
                vals[name] = ids[value.ref]
            elif isinstance(value, Many2Many):
                record_ids = [ids[item] if isinstance(item, Ref) else item for item in value.items]
                if value.mode == "add":
                    vals[name] = [[4, record_id, 0] for record_id in record_ids]
                else:
                    vals[name] = [[6, 0, record_ids]]
            elif isinstance(value, One2Many):
                keyed = any(line.line_id for line in value.lines)
                commands = [[5, 0, 0]] if replace_lines and not keyed else []
                commands += [
                    [1, line.line_id, line.vals(ids)] if line.line_id else [0, 0, line.vals(ids)]
                    for line in value.lines
                ]
                vals[name] = commands
            else:
                vals[name] = value
        return vals


def parse_record(
    model: str, payload: Any, fields_of: FieldsOf, *, max_attachment_bytes: int, path: str = ""
) -> RecordPlan:
    """A payload object for ``model`` -> RecordPlan; PayloadError names the first bad value."""
    if not isinstance(payload, dict):
        raise PayloadError(f"{path.rstrip('.') or 'payload'}: must be an object.")
    fields = fields_of(model)
    plan = RecordPlan(model=model)
    for name, value in payload.items():
        where = f"{path}{name}"
        if name == ATTACHMENT_KEY:
            try:
                plan.attachments = parse_attachments(value, where, max_attachment_bytes)
            except AttachmentError as exc:
                raise PayloadError(str(exc)) from None
            continue
        meta = fields.get(name) or {}
        kind, relation = meta.get("type"), meta.get("relation")
        if kind == "many2one" and relation:
            plan.values[name] = _many2one(relation, value, where)
        elif kind == "many2many" and relation:
            plan.values[name] = _many2many(relation, value, where)
        elif kind == "one2many" and relation:
            plan.values[name] = _one2many(relation, value, where, fields_of, max_attachment_bytes)
        else:
            # Plain values (and fields Odoo does not know) go through as sent: Odoo says what it refuses.
            plan.values[name] = value
    return plan


def parse_lookup(model: str, value: Any, where: str) -> Ref:
    """``{"<field>": value}`` -> Ref; PayloadError otherwise."""
    if not isinstance(value, dict) or len(value) != 1:
        raise PayloadError(f'{where}: a lookup is an object with one field, e.g. {{"name": "…"}} or {{"id": 5}}.')
    ((lookup_field, lookup_value),) = value.items()
    if not is_field_name(lookup_field):
        raise PayloadError(f"{where}: {lookup_field!r} is not a field name.")
    if lookup_field == "id":
        if not isinstance(lookup_value, int) or isinstance(lookup_value, bool):
            raise PayloadError(f'{where}: {{"id": …}} needs a whole number.')
    elif not isinstance(lookup_value, str | int | float) or isinstance(lookup_value, bool):
        raise PayloadError(f"{where}: the value of {lookup_field!r} must be a string or a number.")
    return Ref(model, lookup_field, lookup_value)


def _record_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _many2one(model: str, value: Any, where: str):
    if value is None or value is False:
        return False
    if _record_id(value):
        return value
    return Many2One(parse_lookup(model, value, where))


def _many2many(model: str, value: Any, where: str):
    if value is None or value is False:
        return Many2Many("replace", [])
    if not isinstance(value, dict) or "records" not in value:
        raise PayloadError(
            f'{where}: a many2many value is {{"mode": "add" | "replace", "records": [{{"<field>": value}}, …]}}.'
        )
    unknown = set(value) - {"mode", "records"}
    if unknown:
        raise PayloadError(f"{where}: unknown keys {', '.join(sorted(unknown))} (mode, records).")
    mode = value.get("mode", "replace")
    if mode not in MANY2MANY_MODES:
        raise PayloadError(f'{where}: "mode" must be "add" or "replace", not {json.dumps(mode)}.')
    records = value["records"]
    if not isinstance(records, list):
        raise PayloadError(f'{where}: "records" must be a list.')
    items: list[Ref | int] = []
    for index, item in enumerate(records):
        items.append(item if _record_id(item) else parse_lookup(model, item, f"{where}.records[{index}]"))
    return Many2Many(mode, items)


def _one2many(model: str, value: Any, where: str, fields_of: FieldsOf, max_attachment_bytes: int):
    if value is None or value is False:
        return One2Many([])
    if not isinstance(value, list):
        raise PayloadError(f"{where}: a one2many value is a list of objects, one per line.")
    lines = []
    for index, line in enumerate(value):
        line_path = f"{where}[{index}]."
        line_id = None
        if isinstance(line, dict) and "id" in line:
            line_id, line = line["id"], {key: item for key, item in line.items() if key != "id"}
            if not _record_id(line_id):
                raise PayloadError(f"{line_path}id: a line id is a whole number, as search_data answers it.")
            if "[" in where:
                raise PayloadError(f"{line_path}id: only the record's own lines are written by id, not lines of lines.")
        plan = parse_record(model, line, fields_of, max_attachment_bytes=max_attachment_bytes, path=line_path)
        plan.line_id = line_id
        lines.append(plan)
    return One2Many(lines)


# -- resolving the lookups ------------------------------------------------------------------------


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
    found = search_keys(client, ((ref.model, ref.field, ref.value) for ref in uses))
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
