"""The nested reader: what to read of a record and its related records, as one tree, Odoo's
read *specification* (``{"name": {}, "partner_id": {"fields": {"email": {}}}}``).

Both input dialects describe their reads with it: the REST mapping lines (``specification``) and
the generic routes' field lists (``parse_fields``: ``"name, partner_id{email}"``). It is read in
one of two ways, each keeping its route's RPC budget and answer shape:

- in ONE ``web_search_read`` / ``web_read`` call (Odoo 17+), by the REST endpoints: the nested
  records of one2many lines, the lookup field of lookup lines (a country's code: what a caller
  sends, so a GET answers what a POST took) and, for a list, the total count come in the same
  call; ``shaped`` then gives plain many2one values ``read()``'s shape, ``[id, display name]``,
  which plain lines and expressions expect (lookup lines read the nested dict themselves);
- level by level with ``read`` (``expand``), by the generic routes, which answer ``read()``'s
  shapes: one call per (related model, sub-field list) per level, whatever the number of records.
"""

import re
from collections import defaultdict

from mappings.choices import OdooType, ValueType
from mappings.odoo_fields import FieldsOf
from mappings.values import lookup_read_field

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


def shaped(record: dict, lines) -> dict:
    """A ``web_read`` record with plain many2one values as ``read()`` gives them, nested records too.

    A field that a lookup line also reads keeps its dict (plain lines read a dict as well).
    """
    looked_up = {line.odoo_field for line in lines if line.value_type in _LOOKUPS}
    result = dict(record)
    for line in lines:
        value = record.get(line.odoo_field)
        if isinstance(value, dict) and line.odoo_field not in looked_up:
            result[line.odoo_field] = [value.get("id"), value.get("display_name", "")]
        elif line.value_type == ValueType.ONE2MANY and line.children and isinstance(value, list):
            result[line.odoo_field] = [
                shaped(item, line.children) if isinstance(item, dict) else item for item in value
            ]
    return result


# -- the generic routes' field lists: "name, partner_id{name, email, country_id{code}}" ----------------

MAX_DEPTH = 5  # each level costs one read per related model; deeper trees are a mistake, not a need
RELATIONAL = ("many2one", "one2many", "many2many")
_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([{},]))")


class SpecError(ValueError):
    """A field list that cannot be parsed or read (sub-fields of a plain field); the message says where."""


def parse_fields(value: str | list | tuple | None) -> dict:
    """``"a, b{c, d{e}}"`` or ``["a", "b{c}"]`` -> the specification ``{"a": {}, "b": {"fields": {...}}}``."""
    if value is None:
        return {}
    if isinstance(value, list | tuple):
        if not all(isinstance(item, str) for item in value):
            raise SpecError("A field list must be a string or a list of strings.")
        text = ",".join(value)
    elif isinstance(value, str):
        text = value
    else:
        raise SpecError("A field list must be a string or a list of strings.")
    if not text.strip():
        return {}
    tokens = _tokenize(text)
    spec, position = _parse_list(tokens, 0, depth=1)
    if position != len(tokens):
        raise SpecError(f"Unexpected {tokens[position]!r} in field list {text!r}.")
    return spec


def _tokenize(text: str) -> list[str]:
    tokens = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match:
            raise SpecError(f"Unexpected character {text[position:].lstrip()[0]!r} in field list {text!r}.")
        tokens.append(match.group(1) or match.group(2))
        position = match.end()
    return tokens


def _parse_list(tokens: list[str], position: int, depth: int) -> tuple[dict, int]:
    if depth > MAX_DEPTH:
        raise SpecError(f"Sub-fields nest at most {MAX_DEPTH} levels deep.")
    spec: dict = {}
    while True:
        if position >= len(tokens) or tokens[position] in "{},":
            found = tokens[position] if position < len(tokens) else "the end"
            raise SpecError(f"Expected a field name, found {found!r}.")
        name = tokens[position]
        position += 1
        sub: dict = {}
        if position < len(tokens) and tokens[position] == "{":
            children, position = _parse_list(tokens, position + 1, depth + 1)
            if position >= len(tokens) or tokens[position] != "}":
                raise SpecError(f"Missing '}}' after the sub-fields of {name!r}.")
            position += 1
            sub = {"fields": children}
        if name in spec:
            raise SpecError(f"Field {name!r} is listed twice.")
        spec[name] = sub
        if position < len(tokens) and tokens[position] == ",":
            position += 1
            continue
        return spec, position


def related_models(fields_of: FieldsOf, model: str, spec: dict, *, check_all: bool = False) -> set[str]:
    """The related models a specification reads; SpecError when sub-fields sit on a non-relational field.

    ``check_all`` also checks that every field of the first level exists (Odoo would say so, but
    only after a write whose result is being asked for).
    """
    found: set[str] = set()
    fields = fields_of(model) if check_all else None
    for name, sub in spec.items():
        if "fields" not in sub:
            if check_all and name != "id" and name not in fields:
                raise SpecError(f"{model} has no field {name!r}.")
            continue
        fields = fields if fields is not None else fields_of(model)
        meta = fields.get(name)
        if meta is None:
            raise SpecError(f"{model} has no field {name!r}.")
        if meta.get("type") not in RELATIONAL or not meta.get("relation"):
            raise SpecError(f"{model}.{name} is not a relational field: it has no sub-fields.")
        found.add(meta["relation"])
        found |= related_models(fields_of, meta["relation"], sub["fields"])
    return found


def field_names(spec: dict) -> list[str]:
    """The fields a specification reads at its first level."""
    return list(spec)


def _frozen(spec: dict) -> tuple:
    """A specification as a hashable key: two fields asking the same of one model share one read."""
    return tuple((name, _frozen(sub.get("fields", {}))) for name, sub in spec.items())


def expand(client, fields_of: FieldsOf, model: str, records: list[dict], spec: dict) -> list[dict]:
    """Records as ``read()`` gives them -> their relational values with sub-fields replaced by the related
    records (in place), level by level: one ``read`` per (related model, sub-field list) per level."""
    level = [(model, records, spec)]
    while level:
        # (related model, sub-specification) -> ids to read, and where each expanded value goes
        wanted: dict[tuple, dict[int, None]] = defaultdict(dict)
        subs: dict[tuple, tuple[str, dict]] = {}
        places: list[tuple[dict, str, str, tuple, object]] = []
        for current_model, current_records, current_spec in level:
            for name, sub in current_spec.items():
                if "fields" not in sub:
                    continue
                meta = fields_of(current_model)[name]
                key = (meta["relation"], _frozen(sub["fields"]))
                subs[key] = (meta["relation"], sub["fields"])
                for record in current_records:
                    value = record.get(name)
                    wanted[key].update(dict.fromkeys(_ids(value)))
                    places.append((record, name, meta["type"], key, value))
        read: dict[tuple, dict[int, dict]] = {}
        level = []
        for key, ids in wanted.items():
            related_model, children = subs[key]
            rows = client.read(related_model, list(ids), field_names(children)) if ids else []
            read[key] = {row["id"]: row for row in rows}
            level.append((related_model, rows, children))
        for record, name, kind, key, value in places:
            rows = read[key]
            if kind == "many2one":
                ids = _ids(value)
                record[name] = rows.get(ids[0], False) if ids else False
            else:
                record[name] = [rows[i] for i in _ids(value) if i in rows]
    return records


def _ids(value) -> list[int]:
    """Ids held by a relational value as read: [id, name] for many2one, a list of ids for x2many."""
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return [value[0]]
        return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    return []
