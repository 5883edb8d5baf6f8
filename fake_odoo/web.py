"""The web client's read methods: ``web_read`` with a specification, ``read_group`` and ``web_read_group``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_odoo import errors

if TYPE_CHECKING:
    from fake_odoo.orm import BaseModel


def web_read(recs: BaseModel, specification: dict) -> list[dict]:
    """Records shaped by ``specification``: many2one as id or {id, sub fields}, x2many as ids or sub-records."""
    fields = recs._fields
    for name in specification:
        if name not in fields:
            raise errors.invalid_field(recs._name, name)
    plain = [name for name in specification if name != "id"]
    rows = recs._read(plain, load=None) if plain else [{"id": i} for i in recs._existing()]
    for name, sub in specification.items():
        if name == "id":
            continue
        meta = fields[name]
        sub = sub or {}
        comodel_name = meta.get("relation")
        if meta["type"] == "many2one" and "fields" in sub:  # even {"fields": {}}: Odoo answers {"id": ..}
            comodel = recs.env[comodel_name].with_env(recs.env.with_context(**(sub.get("context") or {})))
            targets = sorted({row[name] for row in rows if row[name]})
            shaped = {r["id"]: r for r in web_read(comodel.browse(targets), sub["fields"])} if targets else {}
            for row in rows:
                row[name] = shaped.get(row[name], {"id": row[name]}) if row[name] else False
        elif meta["type"] in ("one2many", "many2many") and "fields" in sub:
            comodel = recs.env[comodel_name]
            for row in rows:
                ids = row[name]
                if sub.get("order"):
                    ids = comodel._search([("id", "in", ids)], order=sub["order"], active_test=False)
                limit = sub.get("limit")
                head, tail = (ids[:limit], ids[limit:]) if limit else (ids, [])
                shaped = {r["id"]: r for r in web_read(comodel.browse(head), sub["fields"] or {})} if head else {}
                row[name] = [shaped.get(i, {"id": i}) for i in head] + [{"id": i} for i in tail]
    return rows


def _group_domain(domain: list, field: str, value: Any) -> list:
    leaf = [field, "=", value]
    if not domain:
        return [leaf]
    return ["&", *[list(item) if isinstance(item, list | tuple) else item for item in domain], leaf]


def read_group(recs: BaseModel, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True) -> list:
    """Groups of records by the first ``groupby`` field (lazy) or all of them, with counts and sums."""
    if isinstance(groupby, str):
        groupby = [groupby]
    groupby = list(groupby or [])
    model_fields = recs._fields
    ids = recs._search(domain or [])
    table = recs._table
    keys = groupby[:1] if lazy else groupby
    for key in keys:
        if key.split(":")[0] not in model_fields:
            raise errors.invalid_field(recs._name, key)
    aggregates = []
    for spec in fields or []:
        name, _, func = spec.partition(":")
        name = name.split("(")[0]
        if name in model_fields and name not in keys and model_fields[name]["type"] in ("integer", "float", "monetary"):
            aggregates.append((name, func or "sum"))
    groups: dict[tuple, list[int]] = {}
    for record_id in ids:
        record = table[record_id]
        key = tuple(record.get(k.split(":")[0]) or False for k in keys)
        groups.setdefault(key, []).append(record_id)
    result = []
    for key, members in groups.items():
        row: dict[str, Any] = {}
        group_domain = list(domain or [])
        for name, value in zip(keys, key, strict=True):
            meta = model_fields[name]
            if meta["type"] == "many2one" and value:
                row[name] = [value, recs.env.display_name(meta["relation"], value)]
            else:
                row[name] = value
            group_domain = _group_domain(group_domain, name, value)
        if lazy:
            row[f"{keys[0]}_count"] = len(members)
        else:
            row["__count"] = len(members)
        for name, func in aggregates:
            values = [table[i].get(name) or 0 for i in members]
            row[name] = _aggregate(func, values)
        row["__domain"] = group_domain
        if lazy and len(groupby) > 1:
            row["__context"] = {"group_by": groupby[1:]}
        result.append(row)
    result.sort(key=lambda row: tuple(_sort_key(row[k], model_fields[k]["type"]) for k in keys))
    return result[offset or 0 :][: limit or None]


def _sort_key(value: Any, ftype: str) -> tuple:
    """Groups in ascending order of their value; booleans False first, unset values last (NULLS LAST)."""
    if ftype == "boolean":
        return (0, int(bool(value)), "")
    if value is None or value is False:
        return (2, 0, "")
    if isinstance(value, list):
        value = value[1]
    return (1, 0, value) if isinstance(value, str) else (1, value, "")


def _aggregate(func: str, values: list) -> Any:
    if not values:
        return 0
    if func == "max":
        return max(values)
    if func == "min":
        return min(values)
    if func == "avg":
        return sum(values) / len(values)
    if func == "count":
        return len(values)
    return sum(values)


def web_read_group(recs: BaseModel, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True) -> dict:
    """``read_group`` plus the number of groups, as the web client's list views ask for."""
    groups = read_group(recs, domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
    return {"groups": groups, "length": len(groups)}
