"""The transformation engine: an endpoint's mapping lines applied to payloads, records and query parameters.

``EndpointMapping`` is built once per configuration and then only read, so one instance serves
concurrent requests. A service asks it once for the Odoo call and once for the answer:

- a list: ``search(params, within=domain)`` gives the domain, order and read specification of the
  one ``web_search_read``; ``to_external(record)`` turns each record read into external JSON;
- a write: ``to_odoo(payloads, client)`` checks keys, applies defaults, resolves every relational
  lookup of all payloads (nested lines included) with ONE ``search_read`` per (model, lookup field)
  (``search_keys``, the one batched lookup resolver, which the generic routes' dialect uses too),
  then builds the vals through the value types of mappings.values; the read-back uses
  ``specification`` and ``to_external`` again.

``to_external(record)`` with ``specification`` is also what an outbound payload needs: one
``web_read(model, ids, mapping.specification)`` and the records are external JSON.
"""

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mappings.choices import OdooType, ValueType
from mappings.domain import and_domains
from mappings.errors import MappingError
from mappings.sandbox import ExpressionError, compile_expression
from mappings.values import (
    Context,
    Found,
    LineSpec,
    is_lookup_key,
    lookup_keep,
    lookup_key,
    lookup_keys,
    lookup_read_field,
)

__all__ = ["RESERVED_PARAMS", "EndpointMapping", "MappingError", "Search", "search_keys", "spec_of", "specification"]

logger = logging.getLogger(__name__)

RESERVED_PARAMS = ("limit", "offset", "order")  # in the order an error message lists them
RANGE_SUFFIXES = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
SUFFIXES = ("in", "gt", "gte", "lt", "lte", "ilike")
_TEXT_ODOO_TYPES = {OdooType.UNSET, OdooType.CHAR, OdooType.TEXT, OdooType.HTML, OdooType.SELECTION}
_UNRANGED_ODOO_TYPES = {OdooType.BOOLEAN, OdooType.MANY2ONE, OdooType.SELECTION}
_UNORDERABLE = {ValueType.CONSTANT, ValueType.EXPRESSION, ValueType.ONE2MANY, ValueType.MANY2MANY}


def spec_of(line, children: tuple[LineSpec, ...] = ()) -> LineSpec:
    """An immutable LineSpec from a MappingLine (expressions compiled; a broken one is left out)."""
    options = dict(line.options or {})
    expressions = {}
    if line.value_type == ValueType.EXPRESSION:
        for direction in ("to_odoo", "to_external"):
            if options.get(direction):
                try:
                    expressions[direction] = compile_expression(options[direction])
                except ExpressionError as exc:
                    logger.warning("Mapping line %s: %s expression does not compile: %s", line.pk, direction, exc)
    return LineSpec(
        id=line.pk,
        odoo_field=line.odoo_field,
        external_key=line.external_key,
        value_type=line.value_type,
        odoo_type=line.odoo_type,
        options=options,
        direction=line.direction,
        required=line.required,
        default=line.default,
        is_identifier=line.is_identifier,
        children=children,
        expressions=expressions,
    )


def _ordered(lines: Iterable) -> list:
    return sorted(lines, key=lambda line: (line.sequence, line.pk or 0))


def _build_specs(lines: Iterable) -> tuple[LineSpec, ...]:
    """Top-level LineSpecs (children nested) from MappingLines (all of an endpoint's lines) or LineSpecs."""
    lines = list(lines)
    if all(isinstance(line, LineSpec) for line in lines):
        return tuple(lines)
    by_parent: dict = defaultdict(list)
    for line in lines:
        by_parent[line.parent_id].append(line)

    def build(parent_id, seen: frozenset) -> tuple[LineSpec, ...]:
        return tuple(
            spec_of(line, build(line.pk, seen | {line.pk}) if line.pk not in seen else ())
            for line in _ordered(by_parent.get(parent_id, []))
        )

    return build(None, frozenset())


@dataclass(frozen=True)
class Search:
    """The one ``web_search_read`` of a list: its domain, its order (or None) and what to read."""

    domain: list
    order: str | None
    specification: dict


def _where(path: str) -> str:
    return f" in {path}" if path else ""


def _join(path: str, part: str) -> str:
    return f"{path}, {part}" if path else part


class EndpointMapping:
    """An endpoint's mapping lines, ready to translate payloads, records and query parameters."""

    def __init__(self, lines: Iterable):
        self.lines: tuple[LineSpec, ...] = _build_specs(lines)
        self.identifier: LineSpec | None = next((line for line in self.lines if line.is_identifier), None)
        self._filters = {line.external_key: line for line in self.lines if line.kind.filter is not None}
        self._orderable = {
            line.external_key: line
            for line in self.lines
            if line.value_type not in _UNORDERABLE and line.odoo_type not in (OdooType.MANY2MANY, OdooType.ONE2MANY)
        }
        # What to read of a record to show it (and its identifier): one web_read, nested records included.
        self.specification: dict = specification(self.lines)
        self.identifier_specification: dict = specification([self.identifier]) if self.identifier else {}
        # what to_external does per record, worked out once: a list of 100 records runs it 100 times
        self._shaping = _shaping(self.lines)
        self._outbound = _outbound_plan(self.lines)
        self._keep = _kept_lookups(self.lines)

    # -- what the endpoint layer asks ---------------------------------------------------------

    @property
    def writable_keys(self) -> list[str]:
        """External keys a request body may carry."""
        return [line.external_key for line in self.lines if _writable(line)]

    @property
    def required_keys(self) -> list[str]:
        """External keys a full record (POST) must carry: required lines without a default."""
        return [line.external_key for line in self.lines if _writable(line) and line.required and line.default is None]

    @property
    def identifier_is_writable(self) -> bool:
        """Whether callers send the identifier in bodies (then POST checks it for duplicates)."""
        return self.identifier is not None and _writable(self.identifier)

    @property
    def allowed_params(self) -> list[str]:
        """Filter parameters the list route accepts (the reserved limit/offset/order excluded)."""
        names = []
        for key, line in self._filters.items():
            names.append(key)
            names.extend(f"{key}__{suffix}" for suffix in SUFFIXES if _suffix_allowed(line, suffix))
        return names

    @property
    def order_keys(self) -> list[str]:
        """External keys ``order`` accepts."""
        return list(self._orderable)

    # -- outbound ------------------------------------------------------------------------------

    def to_external(self, record: Mapping) -> dict:
        """An Odoo record read with ``specification`` (or with ``read()``) -> the external JSON object."""
        return self._external(self._outbound, _shaped(record, self._shaping))

    def _external(self, plan: tuple, record: Mapping) -> dict:
        result = {}
        shared = None  # one (immutable) context for the record's lines without nested objects
        for line, odoo_field, external_key, to_external, one2many in plan:
            value = record.get(odoo_field, False)
            if one2many and _objects(line, value):
                children = _outbound_plan(line.children)
                context = Context(payload=record, nested=[self._external(children, item) for item in value])
            else:
                context = shared = shared or Context(payload=record)
            result[external_key] = to_external(value, line, context)
        return result

    # -- inbound -------------------------------------------------------------------------------

    def to_odoo(self, payloads: list[dict], client, *, partial: bool = False, fresh: bool = False) -> list[dict]:
        """External objects -> Odoo vals, one per payload; ONE search per (model, lookup field) for all.
        ``fresh``: every key is searched, none taken from what lookup lines keep (the admin's dry run
        shows each search)."""
        if isinstance(payloads, Mapping):
            payloads = [payloads]
        effective = []
        for index, payload in enumerate(payloads):
            path = f"record {index}" if len(payloads) > 1 else ""
            effective.append(self._prepare(self.lines, payload, path, partial=partial))
            if not partial:
                self._check_identifier(effective[-1], path)
        wanted = [item for payload in effective for item in self._collect(self.lines, payload)]
        found = search_keys(client, wanted, keep=None if fresh else self._keep)
        return [self._vals(self.lines, payload, found, partial=partial) for payload in effective]

    def _check_identifier(self, payload: dict, path: str) -> None:
        """A new record must carry a usable identifier, else no ``/<id>`` reaches it (Odoo's ``id`` is exempt)."""
        line = self.identifier
        if not self.identifier_is_writable or line.odoo_field == "id" or line.external_key not in payload:
            return  # a missing key is the required-key check's; ``id`` is assigned by Odoo
        value = payload[line.external_key]
        if value is None or (isinstance(value, str) and not value.strip()):
            raise MappingError(
                f"The identifier {line.external_key} (Odoo field {line.odoo_field}){_where(path)} "
                "is required and must not be null or empty."
            )

    def _prepare(self, lines: tuple[LineSpec, ...], payload, path: str, *, partial: bool) -> dict:
        """Check keys (unknown, missing required) and add defaults; nested objects recursively."""
        if not isinstance(payload, Mapping):
            raise MappingError(f"Each record must be a JSON object{_where(path)}.")
        writable = {line.external_key: line for line in lines if _writable(line)}
        unknown = [key for key in payload if key not in writable]
        missing = (
            []
            if partial
            else [
                line.external_key
                for line in writable.values()
                if line.required and line.default is None and line.external_key not in payload
            ]
        )
        if unknown or missing:
            parts = []
            if unknown:
                parts.append(f"Unknown key(s){_where(path)}: {', '.join(unknown)}. Allowed: {', '.join(writable)}.")
            if missing:
                parts.append(f"Missing required key(s){_where(path)}: {', '.join(missing)}.")
            raise MappingError(" ".join(parts), missing=missing, unknown=unknown, allowed=list(writable))
        result = dict(payload)
        if not partial:
            for key, line in writable.items():
                if key not in result and line.default is not None:
                    result[key] = line.default
        for key, line in writable.items():
            if line.value_type == ValueType.ONE2MANY and isinstance(result.get(key), list):
                result[key] = [
                    self._prepare(line.children, item, _join(path, f"{key}[{i}]"), partial=False)
                    if isinstance(item, Mapping)
                    else item  # the value type names the line for a non-object item
                    for i, item in enumerate(result[key])
                ]
        return result

    def _collect(self, lines: tuple[LineSpec, ...], payload: Mapping) -> Iterator[tuple[str, str, Any]]:
        """Every lookup key of this payload and its nested objects, as (model, lookup field, key)."""
        for line in lines:
            if line.external_key not in payload or not _writable(line):
                continue
            value = payload[line.external_key]
            if line.kind.lookup_target is not None and value is not None:
                model, field = line.kind.lookup_target(line)
                for key in lookup_keys(value):
                    if is_lookup_key(key):
                        yield model, field, key
            elif line.value_type == ValueType.ONE2MANY and isinstance(value, list):
                for item in value:
                    if isinstance(item, Mapping):
                        yield from self._collect(line.children, item)

    def _vals(self, lines: tuple[LineSpec, ...], payload: Mapping, found: Found, *, partial: bool) -> dict:
        vals = {}
        for line in lines:
            if not line.inbound:
                continue
            if line.value_type == ValueType.CONSTANT:
                if not partial:
                    vals[line.odoo_field] = line.kind.to_odoo(None, line, Context(payload=payload, found=found))
            elif line.external_key in payload:
                value = payload[line.external_key]
                nested = (
                    [self._vals(line.children, item, found, partial=False) for item in value]
                    if _objects(line, value)
                    else None
                )
                ctx = Context(payload=payload, partial=partial, found=found, nested=nested)
                vals[line.odoo_field] = line.kind.to_odoo(value, line, ctx)
        return vals

    # -- query parameters ----------------------------------------------------------------------

    def search(self, params: Mapping[str, str], *, within: list, reserved: Sequence[str] = RESERVED_PARAMS) -> Search:
        """A list's query parameters -> its one ``web_search_read``: the filters ANDed with ``within``
        (the endpoint's domain, which they can only narrow), ``order`` and the read specification.

        ``reserved`` are the other parameters the route accepts (paging); any other unknown name is a
        MappingError listing what is allowed.
        """
        domain = and_domains(within, self.filter_domain(params, reserved))
        order = self.order(params["order"]) if params.get("order") else None
        return Search(domain=domain, order=order or None, specification=self.specification)

    def filter_domain(self, params: Mapping[str, str], reserved: Iterable[str] = RESERVED_PARAMS) -> list:
        """Query parameters named by external keys (with __in, __gt, __gte, __lt, __lte, __ilike) -> domain.

        Unknown names are refused before any value is converted; the message lists ``reserved`` first.
        """
        reserved = list(reserved)
        resolved = {name: self._param(name) for name in params if name not in reserved}
        unknown = sorted(name for name, found in resolved.items() if found is None)
        if unknown:
            allowed = [*reserved, *self.allowed_params]
            raise MappingError(
                f"Unknown query parameter(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}.",
                unknown=unknown,
                allowed=allowed,
            )
        empty = sorted(name for name in resolved if str(params[name]) == "")
        if empty:  # ?id= is a filter left unfilled, not a search for empty values
            raise MappingError(f"Query parameter(s) without a value: {', '.join(empty)}.")
        domain: list = []
        for name, (line, suffix) in resolved.items():
            text = str(params[name])
            if suffix == "in":
                pairs = [line.kind.filter(part.strip(), line) for part in text.split(",") if part.strip()]
                field = pairs[0][0] if pairs else line.kind.filter(text, line)[0]
                domain.append((field, "in", [value for _, value in pairs]))
            elif suffix == "ilike":
                field, _ = line.kind.filter(text, line) if line.kind.lookup_target else (line.odoo_field, None)
                domain.append((field, "ilike", text))
            else:
                field, value = line.kind.filter(text, line)
                domain.append((field, RANGE_SUFFIXES.get(suffix, "="), value))
        return domain

    def _param(self, name: str) -> tuple[LineSpec, str] | None:
        if name in self._filters:
            return self._filters[name], ""
        key, _, suffix = name.rpartition("__")
        line = self._filters.get(key)
        if line is not None and suffix in SUFFIXES and _suffix_allowed(line, suffix):
            return line, suffix
        return None

    def order(self, param: str) -> str:
        """``"key,-key"`` -> ``"field asc, field desc"``; an unknown key is a MappingError."""
        parts, unknown = [], []
        for raw in str(param).split(","):
            item = raw.strip()
            if not item:
                continue
            descending = item.startswith("-")
            key = item[1:].strip() if descending else item
            line = self._orderable.get(key)
            if line is None:
                unknown.append(key)
                continue
            parts.append(f"{line.odoo_field} {'desc' if descending else 'asc'}")
        if unknown:
            raise MappingError(
                f"Unknown order key(s): {', '.join(unknown)}. Allowed: {', '.join(self._orderable)}.",
                unknown=unknown,
                allowed=list(self._orderable),
            )
        return ", ".join(parts)

    def identified(self, value, *, within: list) -> list:
        """The domain of the record at identifier ``value`` (text as from a URL) inside ``within``."""
        return and_domains(within, self.identifier_domain(value))

    def identifier_domain(self, value) -> list:
        """``[(identifier field, "=", value coerced through the identifier line)]``; text as from a URL."""
        line = self.identifier
        if line is None:
            raise MappingError("This endpoint has no record identifier line.")
        if isinstance(value, str) and line.kind.filter is not None:
            field, coerced = line.kind.filter(value, line)
        elif line.kind.lookup_target is not None:
            field, coerced = f"{line.odoo_field}.{line.options['field']}", value
        else:
            field, coerced = line.odoo_field, line.kind.to_odoo(value, line, Context())
        return [(field, "=", coerced)]

    def external_identifier(self, record: Mapping):
        """The identifier of an Odoo record read with ``identifier_specification`` -> its value as GET shows it."""
        line = self.identifier
        if line is None:
            raise MappingError("This endpoint has no record identifier line.")
        record = shaped(record, [line])
        return line.kind.to_external(record.get(line.odoo_field, False), line, Context(payload=record))


def _objects(line: LineSpec, value) -> bool:
    """Whether a one2many line's value is a list of objects, which the engine maps through the child lines."""
    if line.value_type != ValueType.ONE2MANY or not isinstance(value, list):
        return False
    return all(isinstance(item, Mapping) for item in value)


def _writable(line: LineSpec) -> bool:
    return line.inbound and line.kind.reads_payload


def _suffix_allowed(line: LineSpec, suffix: str) -> bool:
    if suffix == "ilike":
        if not line.kind.text_search:
            return False
        return line.kind.lookup_target is not None or line.odoo_type in _TEXT_ODOO_TYPES
    if suffix in RANGE_SUFFIXES:
        if line.value_type == ValueType.PLAIN:
            return line.odoo_type not in _UNRANGED_ODOO_TYPES
        return line.value_type in (ValueType.DATE, ValueType.DATETIME)
    return True


# -- the one batched lookup resolver -------------------------------------------------------------


# Keys found by lookup lines with option ``keep``: (Odoo connection and user, model, field, key) ->
# (monotonic time it was found, the ids found); the line's keep as it is now decides whether it still
# holds, so a shorter keep applies at once. Per process; emptied when it grows past KEPT_MAX.
_kept: dict[tuple, tuple[float, list[int]]] = {}
_kept_lock = threading.Lock()
KEPT_MAX = 10_000


def search_keys(client, wanted: Iterable[tuple[str, str, Any]], keep: Mapping | None = None) -> Found:
    """Look every ``(model, lookup field, key)`` up: ONE ``search_read`` per (model, lookup field).

    Both input dialects use it: the REST lookup lines (a country code, a partner's email) and the
    generic routes' relational formats (``{"ref": "C-1"}``, mappings.generic_payload). ``keep``
    gives, per (model, lookup field), the seconds a key found stays known to this process (a line's
    option ``keep``): such keys are not searched again until then, and a search is made only for
    the others. A key no record holds is never kept: it is searched on every call.
    """
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for model, field, key in wanted:
        groups[(model, field)].setdefault(lookup_key(key), key)
    found: dict[tuple[str, str], dict[str, list[int]]] = {}
    now = time.monotonic()
    for (model, field), keys in groups.items():
        seconds = (keep or {}).get((model, field), 0)
        where = (client.url, client.database, client.login, model, field) if seconds else ()  # what one user may see
        index: dict[str, list[int]] = defaultdict(list)
        if seconds:
            for key in list(keys):
                held = _kept.get((*where, key))
                if held is not None and now - held[0] < seconds:
                    index[key] = list(held[1])
                    del keys[key]
        if keys:
            rows = client.search_read(model, [[field, "in", list(keys.values())]], [field])
            searched: dict[str, list[int]] = defaultdict(list)
            for row in rows:
                for held in _held(row.get(field)):
                    searched[lookup_key(held)].append(row["id"])
            index.update(searched)
            if seconds:
                with _kept_lock:
                    if len(_kept) >= KEPT_MAX:
                        _kept.clear()
                    for key in keys:
                        if key in searched:
                            _kept[(*where, key)] = (now, searched[key])
        found[(model, field)] = dict(index)
    return Found(found)


def _kept_lookups(lines) -> dict[tuple[str, str], int]:
    """(model, lookup field) -> seconds a key found is kept, from the lookup lines' option ``keep``
    (nested lines included; the shortest where two lines search the same field)."""
    keep: dict[tuple[str, str], int] = {}
    pending = list(lines)
    while pending:
        line = pending.pop()
        pending.extend(line.children)
        seconds = lookup_keep(line.options)
        if line.kind.lookup_target is not None and seconds:
            target = line.kind.lookup_target(line)
            keep[target] = min(seconds, keep.get(target, seconds))
    return keep


def _held(value) -> list:
    """The keys a record holds in its lookup field: a scalar, a many2one's id (``[id, name]``), an x2many's ids."""
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return [value[0]]
        return [item for item in value if is_lookup_key(item)]
    return [value] if is_lookup_key(value) else []


# -- read specifications: what to read of a record to show it through the lines --------------------
#
# A specification read (Odoo 17+) returns, in the same call, the nested records of one2many lines
# (an order with its lines), the lookup field of many2one and many2many lookup lines (a country's
# code, a partner's email, tag names: what a caller sends, so a GET answers what a POST took) and,
# for a list, the total count. ``shaped`` then gives plain many2one values ``read()``'s shape,
# ``[id, display name]``, which plain lines and expressions expect; lookup lines read the nested
# dict themselves (mappings.values).

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


def shaped(record: dict, lines, looked_up: frozenset | None = None) -> dict:
    """A ``web_read`` record with plain many2one values as ``read()`` gives them, nested records too.

    A field that a lookup line also reads keeps its dict (plain lines read a dict as well).
    ``looked_up`` is :func:`_looked_up_fields` of ``lines``, when the caller has it. The record
    itself is returned when nothing in it changes.
    """
    return _shaped(record, _shaping(lines, looked_up))


def _shaping(lines, looked_up: frozenset | None = None) -> tuple:
    """What :func:`shaped` looks at, per line that can change a record: its field, whether a dict there becomes
    a pair, and the plan of its nested records (a one2many line with children) or None."""
    if looked_up is None:
        looked_up = _looked_up_fields(lines)
    plan = []
    for line in lines:
        nested = _shaping(line.children) if line.value_type == ValueType.ONE2MANY and line.children else None
        pairs = line.odoo_field not in looked_up
        if pairs or nested is not None:
            plan.append((line.odoo_field, pairs, nested))
    return tuple(plan)


def _shaped(record: dict, plan: tuple) -> dict:
    result = record
    for odoo_field, pairs, nested in plan:
        value = record.get(odoo_field)
        if pairs and isinstance(value, dict):
            value = [value.get("id"), value.get("display_name", "")]
        elif nested is not None and isinstance(value, list):
            value = [_shaped(item, nested) if isinstance(item, dict) else item for item in value]
        else:
            continue
        if result is record:
            result = dict(record)
        result[odoo_field] = value
    return result


def _outbound_plan(lines) -> tuple:
    """Per outbound line: the line, its Odoo field, its key, its value type's to_external, whether a one2many."""
    return tuple(
        (line, line.odoo_field, line.external_key, line.kind.to_external, line.value_type == ValueType.ONE2MANY)
        for line in lines
        if line.outbound
    )


def _looked_up_fields(lines) -> frozenset:
    return frozenset(line.odoo_field for line in lines if line.value_type in _LOOKUPS)
