"""The nested reader: records and their related records read with a read *specification*, level by level.

A specification is Odoo's tree of what to read (``{"name": {}, "partner_id": {"fields": {"email":
{}}}}``). Both input dialects describe their reads with one: the engine builds it from the REST
mapping lines (``mappings.engine.specification``), ``parse_fields`` from the generic routes' field
lists (``"name, partner_id{email}"``). The REST endpoints hand it to Odoo's ``web_read`` (Odoo
17+ reads the nested records in the same call); the generic routes, which answer ``read()``'s
shapes, read it here with ``expand``: one ``read`` per (related model, sub-field list) per level,
whatever the number of records.
"""

import re
from collections import defaultdict

from mappings.odoo_fields import FieldsOf

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
