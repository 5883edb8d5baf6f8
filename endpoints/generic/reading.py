"""Reading records with nested sub-fields (``partner_id{name, email, country_id{code}}``).

The records of the first level come from one ``search_read`` (or ``read``); each deeper level costs
one ``read`` per (related model, sub-field list), whatever the number of records and of fields
that point there: the ids are gathered level by level first.
"""

from collections import defaultdict

from endpoints.generic.fieldspec import FieldSpec
from endpoints.generic.payload import FieldsOf

RELATIONAL = ("many2one", "one2many", "many2many")


class SpecError(ValueError):
    """A sub-field list on a field that has no related records."""


def related_models(
    fields_of: FieldsOf, model: str, specs: tuple[FieldSpec, ...], *, check_all: bool = False
) -> set[str]:
    """The related models a field tree reads; SpecError when a ``{…}`` sits on a non-relational field.

    ``check_all`` also checks that every field of the first level exists (Odoo would say so, but
    only after a write whose result is being asked for).
    """
    found: set[str] = set()
    fields = fields_of(model) if check_all else None
    for spec in specs:
        if spec.children is None:
            if check_all and spec.name != "id" and spec.name not in fields:
                raise SpecError(f"{model} has no field {spec.name!r}.")
            continue
        fields = fields if fields is not None else fields_of(model)
        meta = fields.get(spec.name)
        if meta is None:
            raise SpecError(f"{model} has no field {spec.name!r}.")
        if meta.get("type") not in RELATIONAL or not meta.get("relation"):
            raise SpecError(f"{model}.{spec.name} is not a relational field: it has no sub-fields.")
        found.add(meta["relation"])
        found |= related_models(fields_of, meta["relation"], spec.children)
    return found


def field_names(specs: tuple[FieldSpec, ...]) -> list[str]:
    """The fields to read at one level."""
    return [spec.name for spec in specs]


def expand(client, fields_of: FieldsOf, model: str, records: list[dict], specs: tuple[FieldSpec, ...]) -> list[dict]:
    """Replace the relational values that have sub-fields by the related records (in place)."""
    level = [(model, records, specs)]
    while level:
        # (related model, sub-specs) -> ids to read, and where each expanded value goes
        wanted: dict[tuple[str, tuple[FieldSpec, ...]], dict[int, None]] = defaultdict(dict)
        places: list[tuple[dict, str, str, tuple, object]] = []
        for current_model, current_records, current_specs in level:
            for spec in current_specs:
                if spec.children is None:
                    continue
                meta = fields_of(current_model)[spec.name]
                key = (meta["relation"], spec.children)
                for record in current_records:
                    value = record.get(spec.name)
                    wanted[key].update(dict.fromkeys(_ids(value)))
                    places.append((record, spec.name, meta["type"], key, value))
        read: dict[tuple, dict[int, dict]] = {}
        level = []
        for key, ids in wanted.items():
            related_model, children = key
            rows = (
                client.execute_kw(related_model, "read", [list(ids)], {"fields": field_names(children)}) if ids else []
            )
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
