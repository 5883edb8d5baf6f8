"""What deleting a record does to the records that point to it: Odoo's ``ondelete`` of each many2one.

Odoo declares on every many2one what PostgreSQL does when the target is deleted: ``restrict`` (the
delete fails with a foreign-key violation), ``cascade`` (the pointing records go too) or
``set null`` (the link is emptied). A field that declares nothing is ``set null``; a required one
must declare ``restrict`` or ``cascade``. The table below holds the declarations of the relations
the demo data uses; any other required many2one is taken as ``restrict``, the safe reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fake_odoo import errors
from fake_odoo.access import DESCRIPTIONS

if TYPE_CHECKING:
    from fake_odoo.orm import Env

RESTRICT = "restrict"
CASCADE = "cascade"
SET_NULL = "set null"

# (model, many2one field) -> its ondelete, as the Odoo 18 models declare it.
DECLARED: dict[tuple[str, str], str] = {
    ("res.users", "partner_id"): RESTRICT,
    ("res.users", "company_id"): RESTRICT,
    ("res.company", "partner_id"): RESTRICT,
    ("res.partner", "parent_id"): SET_NULL,
    ("res.partner", "commercial_partner_id"): SET_NULL,
    ("res.partner", "country_id"): RESTRICT,
    ("res.partner", "state_id"): RESTRICT,
    ("res.partner", "title"): SET_NULL,
    ("res.partner", "user_id"): SET_NULL,
    ("res.partner", "company_id"): SET_NULL,
    ("res.partner.category", "parent_id"): CASCADE,
    ("res.country.state", "country_id"): RESTRICT,
    ("product.category", "parent_id"): CASCADE,
    ("product.product", "product_tmpl_id"): CASCADE,
    ("product.template", "categ_id"): RESTRICT,
    ("sale.order", "partner_id"): RESTRICT,
    ("sale.order", "partner_invoice_id"): RESTRICT,
    ("sale.order", "partner_shipping_id"): RESTRICT,
    ("sale.order.line", "order_id"): CASCADE,
    ("sale.order.line", "product_id"): RESTRICT,
    ("account.move", "partner_id"): RESTRICT,
    ("account.move.line", "move_id"): CASCADE,
    ("account.move.line", "partner_id"): RESTRICT,
    ("account.move.line", "product_id"): RESTRICT,
}

# Audit columns point to users; Odoo declares them ``set null``.
AUDIT_FIELDS = ("create_uid", "write_uid")


def rule(model: str, field: str, meta: dict) -> str:
    """The ondelete of ``model.field``: declared, else restrict for a required field, else set null."""
    declared = DECLARED.get((model, field))
    if declared:
        return declared
    if field in AUDIT_FIELDS:
        return SET_NULL
    return RESTRICT if meta.get("required") else SET_NULL


def references(env: Env, target: str) -> list[tuple[str, str, str]]:
    """(model, field, ondelete) of every stored many2one to ``target`` among the models holding records."""
    found = []
    for model, fields in env.store.fields.items():
        if not env.store.data.get(model):
            continue
        for name, meta in fields.items():
            if meta.get("type") == "many2one" and meta.get("relation") == target and meta.get("store", True):
                found.append((model, name, rule(model, name, meta)))
    return found


def plan(env: Env, model: str, ids: list[int]) -> dict[str, set[int]]:
    """Every record a delete of ``ids`` removes (cascades followed), per model; restrict refusals raise.

    Checked as a whole before anything is removed: Odoo's delete runs in one transaction, so a
    refusal anywhere leaves every record in place.
    """
    doomed: dict[str, set[int]] = {model: set(ids)}
    pending = [(model, set(ids))]
    while pending:
        target, target_ids = pending.pop()
        for source, field, ondelete in references(env, target):
            if ondelete != CASCADE:
                continue
            hit = {i for i, record in env.table(source).items() if record.get(field) in target_ids}
            new = hit - doomed.get(source, set())
            if new:
                doomed.setdefault(source, set()).update(new)
                pending.append((source, new))
    for target, target_ids in doomed.items():
        for source, field, ondelete in references(env, target):
            if ondelete != RESTRICT:
                continue
            gone = doomed.get(source, set())
            if any(record.get(field) in target_ids and i not in gone for i, record in env.table(source).items()):
                raise foreign_key_violation(source, field)
    return doomed


def foreign_key_violation(source: str, field: str) -> errors.ValidationError:
    """Odoo's message for a delete PostgreSQL refused: it names the pointing model and its constraint."""
    return errors.ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        f"Model: {DESCRIPTIONS.get(source, source)} ({source})\n"
        f"Constraint: {source.replace('.', '_')}_{field}_fkey\n"
    )


def set_null_fields(env: Env, target: str) -> list[tuple[str, str]]:
    """(model, field) of the many2one links to ``target`` that a delete empties."""
    return [(source, field) for source, field, ondelete in references(env, target) if ondelete == SET_NULL]
