"""Value types: pure functions between external JSON values and Odoo values, in a registry.

Each value type is a ``ValueType`` holding ``to_odoo(value, line, ctx)`` and
``to_external(value, line, ctx)``, a check of the line's options, and what the engine needs to
batch lookups and build filters. Functions get the line as an immutable ``LineSpec`` and a
``Context`` (the whole payload or record, the ids the engine's lookups found, a one2many line's
nested objects already converted), so they touch neither the database nor Odoo and call nothing
back. A value they cannot translate raises ``line.error(...)``, a ``MappingError`` naming the line.
Adding a type: docs/adding-a-value-type.md.
"""

import datetime as dt
import functools
import json
import math
import types
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mappings.choices import Direction, OdooType, ValueType
from mappings.errors import MappingError
from mappings.sandbox import ODOO_DATE, ODOO_DATETIME, Expression, ExpressionError, check_format, compile_expression

ISO = "iso"


@dataclass(frozen=True)
class LineSpec:
    """An immutable snapshot of a mapping line, as the engine and the value types use it."""

    id: int | None
    odoo_field: str
    external_key: str
    value_type: str = ValueType.PLAIN
    odoo_type: str = ""
    options: Mapping = field(default_factory=dict)
    direction: str = Direction.BOTH
    required: bool = False
    default: Any = None
    is_identifier: bool = False
    children: tuple["LineSpec", ...] = ()
    expressions: Mapping[str, Expression] = field(default_factory=dict, compare=False)

    # Asked for every line of every record mapped: worked out once per line (the snapshot never changes).
    @functools.cached_property
    def inbound(self) -> bool:
        return Direction(self.direction).inbound

    @functools.cached_property
    def outbound(self) -> bool:
        return Direction(self.direction).outbound

    @functools.cached_property
    def kind(self) -> "ValueTypeSpec":
        return REGISTRY[self.value_type]

    def error(self, message: str) -> MappingError:
        """A 400 naming this line by its external key and id."""
        return MappingError(f"Mapping line '{self.external_key}' ({self.odoo_field}): {message}", line_id=self.id)


def lookup_key(value: Any) -> str:
    """A lookup key as the text it is compared by: a caller's 42 finds Odoo's "42"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def is_lookup_key(value: Any) -> bool:
    """Whether a value can be looked up: a string or a number, not a boolean."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Found:
    """What the engine's batched lookups found: per (model, lookup field) and key, the matching ids."""

    ids_by_target: Mapping[tuple[str, str], Mapping[str, list[int]]] = field(default_factory=dict)

    def ids(self, model: str, lookup_field: str, value: Any) -> list[int]:
        """The ids of the ``model`` records whose ``lookup_field`` is ``value`` (none, one or several)."""
        return self.ids_by_target.get((model, lookup_field), {}).get(lookup_key(value), [])


# the found lookups of a context that has none: shared, so a context costs no Found of its own
NOTHING_LOOKED_UP = Found(types.MappingProxyType({}))
NO_PAYLOAD = types.MappingProxyType({})


class Context(NamedTuple):
    """What a value function may know beyond its value, as data the engine prepared.

    ``payload`` is the external object on the way in, the Odoo record on the way out.
    ``found`` holds the ids of every lookup key of the request (the engine searched them all at once).
    ``nested`` is a one2many line's list of objects already mapped through its child lines (vals on
    the way in, external objects on the way out), None when the value is not a list of objects.

    A named tuple, not a frozen dataclass: as immutable, and made for every record mapped at a
    fifth of the cost (~0.3 µs against ~1.4).
    """

    payload: Mapping = NO_PAYLOAD
    partial: bool = False
    found: Found = NOTHING_LOOKED_UP
    nested: list | None = None


@dataclass(frozen=True)
class Option:
    """One key of a line's options as the admin edits it: a labelled field of its value type.

    ``kind`` says how it is typed: ``text``, ``choice`` (one of ``choices``), ``json`` (any JSON
    value), ``pairs`` (an object of text to text, one ``external = odoo`` pair a line),
    ``expression`` (sandbox code), ``model`` (an Odoo model) or ``field`` (a field of the model
    named by the option ``of``, or of the line's own model).
    """

    name: str
    label: str
    kind: str = "text"
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    of: str = ""
    writes: bool = False  # only writing what callers send uses it: not offered where lines only send (outbound)


@dataclass(frozen=True)
class ValueTypeSpec:
    """One value type: its two transforms and what the engine and the admin need to know of it."""

    to_odoo: Callable[[Any, LineSpec, Context], Any]
    to_external: Callable[[Any, LineSpec, Context], Any]
    check_options: Callable[[Mapping, str], list[str]]  # (options, direction) -> problems
    filter: Callable[[str, LineSpec], tuple[str, Any]] | None = None  # query text -> (field path, Odoo value)
    lookup_target: Callable[[LineSpec], tuple[str, str]] | None = None  # (model, field) searched in one batch
    text_search: bool = False  # whether key__ilike makes sense
    reads_payload: bool = True  # False: the value ignores the caller's key (constant)
    options: tuple[Option, ...] = ()  # the keys of a line's options, as the admin shows them


# -- shared helpers ----------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _empty(value) -> bool:
    """Odoo reads an empty non-boolean field as False."""
    return value is None or value is False


def _zone(tz: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tz)


def _no_problems(options: Mapping, direction: str) -> list[str]:
    return []


def parse_param_text(text: str, odoo_type: str):
    """A query-string value -> the JSON value a caller would have sent for this Odoo type."""
    if odoo_type in (OdooType.INTEGER, OdooType.MANY2ONE):
        return int(text)
    if odoo_type in (OdooType.FLOAT, OdooType.MONETARY):
        number = float(text)
        if not math.isfinite(number):  # "nan", "inf", "1e400": no number a caller could have sent in JSON
            raise ValueError(text)
        return number
    if odoo_type == OdooType.BOOLEAN:
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(text)
    return text


# -- plain -------------------------------------------------------------------------------------

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_TEXT_TYPES = (OdooType.CHAR, OdooType.TEXT, OdooType.HTML, OdooType.SELECTION, OdooType.BINARY)
_FREE_TEXT_TYPES = (OdooType.CHAR, OdooType.TEXT, OdooType.HTML)  # documented as strings: a number is refused


def plain_to_odoo(value, line: LineSpec, ctx: Context):
    """Coerce a JSON value to what Odoo expects for the line's field type."""
    kind = line.odoo_type
    if value is None:
        return [(6, 0, [])] if kind == OdooType.MANY2MANY else False
    if kind == OdooType.INTEGER:
        # an int is checked as is: float() of a huge one (a 40-digit id) overflows
        if _is_number(value) and (isinstance(value, int) or value.is_integer()):
            return _int32(int(value), line)
        raise line.error(f"expects an integer, got {_shown(value)}.")
    if kind in (OdooType.FLOAT, OdooType.MONETARY):
        if _is_number(value):
            return _finite_float(value, line)
        raise line.error(f"expects a number, got {_shown(value)}.")
    if kind == OdooType.BOOLEAN:
        if isinstance(value, bool):
            return value
        raise line.error(f"expects true or false, got {_shown(value)}.")
    if kind in _TEXT_TYPES:
        if isinstance(value, str):
            return value
        if _is_number(value) and kind not in _FREE_TEXT_TYPES:  # a selection key may be written as a number
            return str(value)
        raise line.error(f"expects a string, got {_shown(value)}.")
    if kind == OdooType.DATE:
        return _odoo_date(value, line)
    if kind == OdooType.DATETIME:
        return _odoo_datetime(value, line)
    if kind == OdooType.MANY2ONE:
        if isinstance(value, int) and not isinstance(value, bool):
            return _int32(value, line)
        raise line.error(f"expects a record id (integer), got {_shown(value)}.")
    if kind == OdooType.MANY2MANY:
        mode, ids = many2many_request(value, line)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in ids):
            return many2many_commands(mode, [_int32(v, line) for v in ids])
        raise line.error(f"expects a list of record ids, got {_shown(value)}.")
    if kind == OdooType.ONE2MANY:
        raise line.error("one2many fields are written through the one2many value type.")
    return value


def _int32(value: int, line: LineSpec) -> int:
    """Odoo stores integers and ids in 32 bits (PostgreSQL integer, XML-RPC int): larger is a caller's mistake."""
    if INT32_MIN <= value <= INT32_MAX:
        return value
    raise line.error(f"expects an integer from {INT32_MIN} to {INT32_MAX}, got {_shown(value)}.")


def _finite_float(value: int | float, line: LineSpec) -> float:
    """JSON reads 1e400 as infinity and float() of a 400-digit integer overflows: neither is a value Odoo stores."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isfinite(number):
        return number
    raise line.error(f"expects a finite number, got {_shown(value)}.")


def _odoo_date(value, line: LineSpec) -> str:
    try:
        if isinstance(value, str) and len(value) == 10:
            return dt.date.fromisoformat(value).strftime(ODOO_DATE)
    except ValueError:
        pass
    raise line.error(f"expects a date 'YYYY-MM-DD', got {_shown(value)}.")


def _odoo_datetime(value, line: LineSpec) -> str:
    try:
        if isinstance(value, str):
            return dt.datetime.strptime(value, ODOO_DATETIME).strftime(ODOO_DATETIME)
    except ValueError:
        pass
    raise line.error(f"expects a UTC date-time 'YYYY-MM-DD HH:MM:SS', got {_shown(value)}.")


# Read for every value of every record shown: on Python 3.11 each ``OdooType.X`` costs ~0.2 µs, a name ~0.02.
_BOOLEAN, _MANY2ONE = OdooType.BOOLEAN.value, OdooType.MANY2ONE.value


def plain_to_external(value, line: LineSpec, ctx: Context):
    """Odoo's read value as JSON: False -> null except for booleans, many2one (pair or dict) -> id or name."""
    kind = line.odoo_type
    if kind == _BOOLEAN:
        return bool(value)
    if kind and _empty(value):
        return None
    if kind == _MANY2ONE:
        if isinstance(value, list | tuple):
            return value[1] if line.options.get("many2one_as") == "name" else value[0]
        if isinstance(value, Mapping):  # a specification read
            return value.get("display_name") if line.options.get("many2one_as") == "name" else value.get("id")
    return value


def plain_check(options: Mapping, direction: str) -> list[str]:
    problems = []
    if options.get("many2one_as", "id") not in ("id", "name"):
        problems.append("many2one_as must be 'id' or 'name'.")
    problems += _mode_check(options)
    return problems


def _mode_check(options: Mapping) -> list[str]:
    if options.get("mode", "replace") not in MANY2MANY_MODES:
        return ["mode (of a many2many) must be 'replace' (the default) or 'add'."]
    return []


def plain_filter(text: str, line: LineSpec):
    if line.odoo_type in (OdooType.MANY2MANY, OdooType.ONE2MANY, OdooType.BINARY):
        raise line.error(f"{line.odoo_type} fields cannot be filtered on.")
    try:
        typed = parse_param_text(text, line.odoo_type)
    except ValueError:
        article = "an" if line.odoo_type[:1] in "aeiou" else "a"
        raise line.error(f"{_shown(text)} is not {article} {line.odoo_type} value.") from None
    return line.odoo_field, plain_to_odoo(typed, line, Context())


# -- constant ----------------------------------------------------------------------------------


def constant_value(value, line: LineSpec, ctx: Context):
    """The configured value, whatever was sent or read."""
    return line.options["value"]


def constant_check(options: Mapping, direction: str) -> list[str]:
    return [] if "value" in options else ['A constant needs options {"value": ...}.']


# -- date and datetime -------------------------------------------------------------------------


def date_to_odoo(value, line: LineSpec, ctx: Context):
    """External date text in the line's format -> Odoo ``YYYY-MM-DD``."""
    if value is None:
        return False
    fmt = line.options.get("format", ODOO_DATE)
    try:
        if isinstance(value, str):
            return dt.datetime.strptime(value, fmt).date().strftime(ODOO_DATE)
    except ValueError:
        pass
    raise line.error(f"expects a date in the format {fmt!r}, got {_shown(value)}.")


def date_to_external(value, line: LineSpec, ctx: Context):
    """Odoo ``YYYY-MM-DD`` -> text in the line's format."""
    if _empty(value):
        return None
    fmt = line.options.get("format", ODOO_DATE)
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime(fmt)
    except ValueError:
        raise line.error(f"Odoo sent a date that is not 'YYYY-MM-DD': {_shown(value)}.") from None


def date_check(options: Mapping, direction: str) -> list[str]:
    try:
        check_format(options.get("format", ODOO_DATE))
    except ExpressionError as exc:
        return [str(exc)]
    return []


def datetime_to_odoo(value, line: LineSpec, ctx: Context):
    """External date-time (in the line's time zone unless it carries an offset) -> Odoo UTC text."""
    if value is None:
        return False
    fmt = line.options.get("format", ISO)
    try:
        if isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value) if fmt == ISO else dt.datetime.strptime(value, fmt)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=_zone(line.options.get("tz", "UTC")))
            return parsed.astimezone(dt.UTC).strftime(ODOO_DATETIME)
    except ValueError:
        pass
    shown = "ISO 8601" if fmt == ISO else repr(fmt)
    raise line.error(f"expects a date-time in the format {shown}, got {_shown(value)}.")


def datetime_to_external(value, line: LineSpec, ctx: Context):
    """Odoo UTC text -> the line's format in the line's time zone (ISO 8601 with offset by default)."""
    if _empty(value):
        return None
    try:
        moment = dt.datetime.strptime(str(value), ODOO_DATETIME).replace(tzinfo=dt.UTC)
    except ValueError:
        raise line.error(f"Odoo sent a date-time that is not 'YYYY-MM-DD HH:MM:SS': {_shown(value)}.") from None
    local = moment.astimezone(_zone(line.options.get("tz", "UTC")))
    fmt = line.options.get("format", ISO)
    return local.isoformat() if fmt == ISO else local.strftime(fmt)


def datetime_check(options: Mapping, direction: str) -> list[str]:
    problems = []
    fmt = options.get("format", ISO)
    if fmt != ISO:
        try:
            check_format(fmt)
        except ExpressionError as exc:
            problems.append(str(exc))
    tz = options.get("tz", "UTC")
    try:
        _zone(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        problems.append(f"Unknown time zone {tz!r}.")
    return problems


def _text_filter(to_odoo):
    def build(text: str, line: LineSpec):
        return line.odoo_field, to_odoo(text, line, Context())

    return build


# -- selection ---------------------------------------------------------------------------------


def _map_key(value) -> str:
    """Map keys are JSON object keys (strings); other JSON scalars match by their JSON text."""
    return value if isinstance(value, str) else json.dumps(value)


def selection_to_odoo(value, line: LineSpec, ctx: Context):
    """External value -> Odoo selection key through the line's map."""
    if value is None:
        return False
    mapping = line.options["map"]
    if isinstance(value, list | dict) or _map_key(value) not in mapping:
        raise line.error(f"unknown value {_shown(value)}; expected one of: {', '.join(sorted(mapping))}.")
    return mapping[_map_key(value)]


def selection_to_external(value, line: LineSpec, ctx: Context):
    """Odoo selection key -> the external value mapped to it (the first in sort order when several are).

    Sorted, not first as written: PostgreSQL's jsonb does not keep the order of an object's keys.
    """
    if _empty(value):
        return None
    externals = sorted(external for external, odoo in line.options["map"].items() if odoo == value)
    if externals:
        return externals[0]
    raise line.error(f"Odoo value {_shown(value)} has no external value in the selection map.")


def selection_check(options: Mapping, direction: str) -> list[str]:
    mapping = options.get("map")
    if not isinstance(mapping, dict) or not mapping:
        return ['A selection needs options {"map": {"external value": "odoo key", ...}}.']
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in mapping.values()):
        return ["Selection map values must be Odoo keys (strings or integers)."]
    return []


# -- many2one / many2many lookups --------------------------------------------------------------


def _lookup_target(line: LineSpec) -> tuple[str, str]:
    return line.options["model"], line.options["field"]


def _record_id(value, line: LineSpec, ctx: Context) -> int:
    """The id of the one record the lookup key ``value`` names, from what the engine found."""
    model, lookup_field = _lookup_target(line)
    if not is_lookup_key(value):
        raise line.error(f"expects a {lookup_field} of {model}, got {_shown(value)}.")
    ids = ctx.found.ids(model, lookup_field, value)
    if not ids:
        raise line.error(f"no {model} record has {lookup_field} {value!r}.")
    if len(ids) > 1:
        raise line.error(f"several {model} records have {lookup_field} {value!r} (ids {', '.join(map(str, ids))}).")
    return ids[0]


def many2one_to_odoo(value, line: LineSpec, ctx: Context):
    """External key (e.g. a country code) -> the id of the one record with that key."""
    if value is None:
        return False
    return _record_id(value, line, ctx)


LOOKUP_OUTPUTS = ("field", "name", "id")  # option "output" of lookup lines; "field" (the default) echoes the input


def lookup_output(line: LineSpec) -> str:
    """What a lookup line answers: its lookup field's value (default), the display name or the id."""
    return line.options.get("output", "field")


def lookup_read_field(line: LineSpec) -> str:
    """The field of the related record the line answers: the lookup field, ``display_name`` or ``id``."""
    output = lookup_output(line)
    if output == "name":
        return "display_name"
    return "id" if output == "id" else line.options["field"]


def _looked_up(item, line: LineSpec):
    """One related record as read -> the value the line answers.

    A specification read gives ``{"id": .., "<lookup field>": ..}``; a bare id comes from a read
    that did not ask for sub-fields, ``[id, name]`` from ``read()``: those serve the outputs they hold.
    """
    wanted = lookup_read_field(line)
    if isinstance(item, (dict, Mapping)):  # dict first: a Mapping check alone costs ~0.3 µs a record
        if wanted in item:
            return None if _empty(item[wanted]) else item[wanted]  # Odoo reads an empty field as False
        raise line.error(f"the related record was read without its {wanted}.")
    if isinstance(item, list | tuple) and len(item) == 2 and wanted in ("id", "display_name"):
        return item[0] if wanted == "id" else item[1]
    if isinstance(item, int) and not isinstance(item, bool) and wanted == "id":
        return item
    raise line.error(f"the related record was read without its {wanted}: {_shown(item)}.")


def many2one_to_external(value, line: LineSpec, ctx: Context):
    """The related record -> its lookup field's value (what a caller sends), or option output name / id."""
    if _empty(value):
        return None
    return _looked_up(value, line)


MANY2MANY_MODES = ("replace", "add")  # option "mode" of many2many lines, and "mode" of a value object


def many2many_request(value, line: LineSpec) -> tuple[str, list]:
    """A many2many value -> (mode, items).

    A list takes the line's mode (option ``mode``, ``replace`` by default); an object
    ``{"mode": "add" | "replace", "records": [...]}`` says its own, as on the generic routes
    (without ``mode``, the line's).
    """
    mode = line.options.get("mode", "replace")
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"mode", "records"})
        if unknown or not isinstance(value.get("records"), list):
            raise line.error(
                f'expects a list, or {{"mode": "add" | "replace", "records": [...]}}, got {_shown(value)}.'
            )
        mode = value.get("mode", mode)
        if mode not in MANY2MANY_MODES:
            raise line.error(f'"mode" must be "add" or "replace", not {_shown(mode)}.')
        return mode, value["records"]
    if isinstance(value, list):
        return mode, value
    raise line.error(f"expects a list, got {_shown(value)}.")


def many2many_commands(mode: str, ids: list[int]) -> list:
    """Odoo's commands: add each record ((4, id, 0)) or replace the relation by them ((6, 0, ids))."""
    ids = list(dict.fromkeys(ids))
    if mode == "add":
        return [(4, record_id, 0) for record_id in ids]
    return [(6, 0, ids)]


def lookup_keys(value) -> list:
    """The lookup keys a lookup line's value holds: a many2one's key, a many2many's list or its ``records``."""
    if isinstance(value, Mapping):
        value = value.get("records")
    return value if isinstance(value, list) else [value]


def many2many_to_odoo(value, line: LineSpec, ctx: Context):
    """A list of external keys -> the records found, replacing the relation or added to it (line or value mode)."""
    if value is None:
        return [(6, 0, [])]
    mode, items = many2many_request(value, line)
    return many2many_commands(mode, [_record_id(item, line, ctx) for item in items])


def many2many_to_external(value, line: LineSpec, ctx: Context):
    """The related records -> the list of their lookup field's values (or option output name / id)."""
    if _empty(value):
        return []
    return [_looked_up(item, line) for item in value]


MAX_KEEP_SECONDS = 86_400  # a lookup line's option keep: at most a day


def lookup_check(options: Mapping, direction: str) -> list[str]:
    problems = []
    model, lookup_field = options.get("model"), options.get("field")
    if not isinstance(model, str) or not model.strip():
        problems.append('A lookup needs options {"model": "res.country", "field": "code"}: model is missing.')
    if not isinstance(lookup_field, str) or not lookup_field.isidentifier():
        problems.append('A lookup needs options {"model": "res.country", "field": "code"}: field is missing.')
    if options.get("output", "field") not in LOOKUP_OUTPUTS:
        problems.append("output must be 'field' (the lookup field's value, the default), 'name' or 'id'.")
    keep = options.get("keep")
    if keep not in (None, "") and not (str(keep).isdigit() and int(keep) <= MAX_KEEP_SECONDS):
        problems.append(
            f"keep must be a number of seconds from 0 to {MAX_KEEP_SECONDS} (a day), or empty to search on every write."
        )
    return problems


def lookup_keep(options: Mapping) -> int:
    """A lookup line's option ``keep``: the seconds a key found stays known (0: searched on every write)."""
    keep = options.get("keep")
    return min(int(keep), MAX_KEEP_SECONDS) if keep not in (None, "") and str(keep).isdigit() else 0


def many2one_check(options: Mapping, direction: str) -> list[str]:
    problems = lookup_check(options, direction)
    if "mode" in options:
        problems.append("mode (replace or add) is an option of many2many lines; a many2one holds one record.")
    return problems


def many2many_check(options: Mapping, direction: str) -> list[str]:
    return lookup_check(options, direction) + _mode_check(options)


def lookup_filter(text: str, line: LineSpec):
    lookup_field = line.options["field"]
    if lookup_field == "id":
        try:
            return f"{line.odoo_field}.id", int(text)
        except ValueError:
            raise line.error(f"expects a record id, got {_shown(text)}.") from None
    return f"{line.odoo_field}.{lookup_field}", text


# -- one2many nested lines ---------------------------------------------------------------------


def one2many_to_odoo(value, line: LineSpec, ctx: Context):
    """Nested objects -> (0, 0, vals) create commands; a partial update first clears the relation (5, 0, 0)."""
    prefix = [(5, 0, 0)] if ctx.partial else []
    if value is None:
        return prefix
    if not isinstance(value, list) or ctx.nested is None:
        raise line.error(f"expects a list of objects, got {_shown(value)}.")
    return prefix + [(0, 0, vals) for vals in ctx.nested]


def one2many_to_external(value, line: LineSpec, ctx: Context):
    """Odoo's list of ids as is; nested records (a specification read) through the child lines."""
    if _empty(value):
        return []
    if ctx.nested is not None:
        return ctx.nested
    return list(value)


# -- expression --------------------------------------------------------------------------------


def _evaluate(direction: str):
    def run(value, line: LineSpec, ctx: Context):
        expression = line.expressions.get(direction)
        if expression is None:
            raise line.error(f"has no valid {direction} expression.")
        try:
            return expression.evaluate(value, ctx.payload)
        except ExpressionError as exc:
            raise line.error(str(exc)) from None

    return run


def expression_check(options: Mapping, direction: str) -> list[str]:
    needed = []
    if Direction(direction).inbound:
        needed.append("to_odoo")
    if Direction(direction).outbound:
        needed.append("to_external")
    missing = [name for name in needed if not options.get(name)]
    if missing:
        return [f"An expression line in direction {direction!r} needs options {', '.join(missing)}."]
    problems = []
    for name in ("to_odoo", "to_external"):
        if options.get(name):
            try:
                compile_expression(options[name])
            except ExpressionError as exc:
                problems.append(f"{name}: {exc}")
    return problems


_LOOKUP_OPTIONS = (
    Option("model", "Lookup model", "model", "The related model searched, e.g. res.country"),
    Option("field", "Lookup field", "field", "The field of that model the key is compared to, e.g. code", of="model"),
    Option(
        "output",
        "Answer with",
        "choice",
        "What responses show of the related record (default: the lookup field's value)",
        choices=(("field", "the lookup field's value"), ("name", "the display name"), ("id", "the record id")),
    ),
    Option(
        "keep",
        "Keep found records for (seconds)",
        help="For reference data that does not change (countries, currencies): a key found is not searched "
        "again for this long, in each hub process; empty: searched on every write",
        writes=True,
    ),
)

REGISTRY: dict[str, ValueTypeSpec] = {
    ValueType.PLAIN: ValueTypeSpec(
        plain_to_odoo,
        plain_to_external,
        plain_check,
        filter=plain_filter,
        text_search=True,
        options=(
            Option(
                "many2one_as",
                "A many2one field reads as",
                "choice",
                "For a plain line over a many2one field (default: its id)",
                choices=(("id", "its id"), ("name", "its display name")),
            ),
        ),
    ),
    ValueType.CONSTANT: ValueTypeSpec(
        constant_value,
        constant_value,
        constant_check,
        reads_payload=False,
        options=(Option("value", "Value (JSON)", "json", 'Written and answered whatever is sent, e.g. "web" or 3'),),
    ),
    ValueType.DATE: ValueTypeSpec(
        date_to_odoo,
        date_to_external,
        date_check,
        filter=_text_filter(date_to_odoo),
        options=(Option("format", "Date format", help=f"strftime codes, e.g. %d/%m/%Y (default: {ODOO_DATE})"),),
    ),
    ValueType.DATETIME: ValueTypeSpec(
        datetime_to_odoo,
        datetime_to_external,
        datetime_check,
        filter=_text_filter(datetime_to_odoo),
        options=(
            Option("format", "Date-time format", help=f"{ISO} (ISO 8601, the default) or strftime codes"),
            Option("tz", "Time zone", help="Of date-times sent without an offset, and of answers (default: UTC)"),
        ),
    ),
    ValueType.SELECTION: ValueTypeSpec(
        selection_to_odoo,
        selection_to_external,
        selection_check,
        filter=_text_filter(selection_to_odoo),
        options=(Option("map", "Value map", "pairs", "One pair a line: external value = Odoo key"),),
    ),
    ValueType.MANY2ONE: ValueTypeSpec(
        many2one_to_odoo,
        many2one_to_external,
        many2one_check,
        filter=lookup_filter,
        lookup_target=_lookup_target,
        text_search=True,
        options=_LOOKUP_OPTIONS,
    ),
    ValueType.MANY2MANY: ValueTypeSpec(
        many2many_to_odoo,
        many2many_to_external,
        many2many_check,
        filter=lookup_filter,
        lookup_target=_lookup_target,
        text_search=True,
        options=_LOOKUP_OPTIONS,
    ),
    ValueType.ONE2MANY: ValueTypeSpec(one2many_to_odoo, one2many_to_external, _no_problems),
    ValueType.EXPRESSION: ValueTypeSpec(
        _evaluate("to_odoo"),
        _evaluate("to_external"),
        expression_check,
        options=(
            Option(
                "to_odoo",
                "Expression to Odoo",
                "expression",
                "Names value and payload (the request's object); directions in, both",
            ),
            Option(
                "to_external",
                "Expression to the API",
                "expression",
                "Names value and payload (the Odoo record); directions out, both",
            ),
        ),
    ),
}
