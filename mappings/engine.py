"""The transformation engine: an endpoint's mapping lines applied to payloads, records and query parameters.

``EndpointMapping`` is built once per configuration and then only read, so one instance serves
concurrent requests. Inbound, it checks keys, applies defaults, resolves every relational lookup
of all payloads (nested lines included) with ONE ``search_read`` per (model, lookup field), then
builds the vals through the value types of mappings.values.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from mappings import lookups
from mappings.choices import OdooType, ValueType
from mappings.errors import MappingError
from mappings.sandbox import ExpressionError, compile_expression
from mappings.values import Context, LineSpec

__all__ = ["RESERVED_PARAMS", "EndpointMapping", "MappingError", "spec_of"]

logger = logging.getLogger(__name__)

RESERVED_PARAMS = frozenset({"limit", "offset", "order"})
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

    # -- what the endpoint layer asks ---------------------------------------------------------

    @property
    def read_fields(self) -> list[str]:
        """The Odoo fields to read for the output (and the identifier)."""
        fields: list[str] = []
        for line in self.lines:
            if line.is_identifier or (line.outbound and line.value_type != ValueType.CONSTANT):
                fields.append(line.odoo_field)
            expression = line.expressions.get("to_external")
            if line.outbound and expression is not None:
                fields.extend(expression.payload_keys)
        return list(dict.fromkeys(fields))

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
        """An Odoo record as read -> the external JSON object."""
        return self._external(self.lines, record)

    def _external(self, lines: tuple[LineSpec, ...], record: Mapping) -> dict:
        result = {}
        for line in lines:
            if line.outbound:
                value = record.get(line.odoo_field, False)
                nested = [self._external(line.children, item) for item in value] if _objects(line, value) else None
                result[line.external_key] = line.kind.to_external(value, line, Context(payload=record, nested=nested))
        return result

    # -- inbound -------------------------------------------------------------------------------

    def to_odoo(self, payloads: list[dict], client, *, partial: bool = False) -> list[dict]:
        """External objects -> Odoo vals, one per payload; ONE search per (model, lookup field) for all."""
        if isinstance(payloads, Mapping):
            payloads = [payloads]
        effective = []
        for index, payload in enumerate(payloads):
            path = f"record {index}" if len(payloads) > 1 else ""
            effective.append(self._prepare(self.lines, payload, path, partial=partial))
        wanted = [item for payload in effective for item in self._collect(self.lines, payload)]
        found = lookups.search(client, wanted)
        return [self._vals(self.lines, payload, found, partial=partial) for payload in effective]

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
                for key in value if isinstance(value, list) else [value]:
                    if lookups.is_key(key):
                        yield model, field, key
            elif line.value_type == ValueType.ONE2MANY and isinstance(value, list):
                for item in value:
                    if isinstance(item, Mapping):
                        yield from self._collect(line.children, item)

    def _vals(self, lines: tuple[LineSpec, ...], payload: Mapping, found: lookups.Found, *, partial: bool) -> dict:
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

    def filter_domain(self, params: Mapping[str, str], reserved: Iterable[str] = RESERVED_PARAMS) -> list:
        """Query parameters named by external keys (with __in, __gt, __gte, __lt, __lte, __ilike) -> domain."""
        reserved = set(reserved)
        domain: list = []
        unknown = []
        for name, text in params.items():
            if name in reserved:
                continue
            resolved = self._param(name)
            if resolved is None:
                unknown.append(name)
                continue
            line, suffix = resolved
            text = str(text)
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
        if unknown:
            allowed = self.allowed_params
            raise MappingError(
                f"Unknown query parameter(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}.",
                unknown=unknown,
                allowed=allowed,
            )
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
        """The identifier of an Odoo record as read (specification-shaped) -> its value as GET shows it."""
        line = self.identifier
        if line is None:
            raise MappingError("This endpoint has no record identifier line.")
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
