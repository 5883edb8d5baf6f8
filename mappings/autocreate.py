"""``auto_create``: records made when a lookup finds nothing, and removed again when the write fails.

``vals.auto_create`` maps a relational field of the payload to the values of the record to make
when that field's lookup finds nothing: one object (used for every missing value of the field,
completed with the lookup itself, so ``{"ref": "C-9"}`` creates a record with ``ref`` "C-9"), or a
list of objects, of which the one carrying the missing lookup value is used. Its values may use
the relational formats too (resolved in one more round of batched lookups, without auto_create
of their own). All missing records of one model are made with one ``create`` call.

Odoo commits each RPC call on its own, so when the main write then fails, :func:`remove` unlinks
what was made (one ``unlink`` per model) and the answer says so. A template that cannot be used
is a PayloadError, as a malformed payload is.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from mappings.generic_payload import PayloadError, RecordPlan, Ref, Use, missing_message, parse_record, resolve
from mappings.odoo_fields import FieldsOf

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Made:
    """A record auto_create made: for which lookup, for which payload field."""

    ref: Ref
    field: str
    id: int

    def as_json(self) -> dict:
        return {"field": self.field, "model": self.ref.model, "id": self.id, "lookup": {self.ref.field: self.ref.value}}


def check_spec(spec) -> dict:
    """``vals.auto_create`` -> {field: object or list of objects}; PayloadError when malformed."""
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise PayloadError('"auto_create" must be an object: {"<relational field>": {<values>}}.')
    for name, template in spec.items():
        items = template if isinstance(template, list) else [template]
        if not items or not all(isinstance(item, dict) for item in items):
            raise PayloadError(f"auto_create.{name}: must be an object or a list of objects.")
    return spec


def plan_missing(missing: dict[Ref, list[Use]], spec: dict, fields_of: FieldsOf) -> list[tuple[Ref, Use, RecordPlan]]:
    """The records to make for the lookups that found nothing; PayloadError for one not covered."""
    planned = []
    for ref, uses in missing.items():
        use = next((use for use in uses if use.field in spec), None)
        if use is None:
            raise PayloadError(missing_message(ref, uses[0]))
        if ref.field == "id":
            raise PayloadError(f'{use.path}: auto_create cannot make a record for a lookup by "id".')
        template = _template_for(spec[use.field], ref, use)
        values = {**template, ref.field: ref.value}
        plan = parse_record(ref.model, values, fields_of, max_attachment_bytes=0, path=f"auto_create.{use.field}.")
        if plan.has_attachments():
            raise PayloadError(f"auto_create.{use.field}: records made by auto_create cannot carry attachments.")
        planned.append((ref, use, plan))
    return planned


def _template_for(template, ref: Ref, use: Use) -> dict:
    if isinstance(template, dict):
        return template
    for item in template:
        if item.get(ref.field) == ref.value:
            return item
    raise PayloadError(f"auto_create.{use.field}: no entry has {ref.describe()} (needed for {use.path}).")


def create(client, planned: list[tuple[Ref, Use, RecordPlan]], made: list[Made]) -> dict[Ref, int]:
    """Make the planned records (one lookup round for their own lookups, one create per model).

    ``made`` is filled as records come into existence, so the caller can remove them on failure.
    """
    refs = (item for _, use, plan in planned for item in plan.refs(f"auto_create.{use.field}."))
    resolution = resolve(client, refs)
    problem = resolution.first_problem()
    if problem:
        raise PayloadError(problem)
    by_model: dict[str, list[tuple[Ref, Use, RecordPlan]]] = defaultdict(list)
    for item in planned:
        by_model[item[0].model].append(item)
    ids: dict[Ref, int] = {}
    for model, items in by_model.items():
        new_ids = client.create(model, [plan.vals(resolution.found) for _, _, plan in items])
        new_ids = new_ids if isinstance(new_ids, list) else [new_ids]
        for (ref, use, _plan), new_id in zip(items, new_ids, strict=True):
            made.append(Made(ref, use.field, new_id))
            ids[ref] = new_id
    logger.info("auto_create made %s record(s)", len(made))
    return ids


def remove(client, made: list[Made]) -> tuple[bool, str]:
    """Unlink what auto_create made (one call per model); whether it worked and a sentence saying so."""
    by_model: dict[str, list[int]] = defaultdict(list)
    for item in made:
        by_model[item.ref.model].append(item.id)
    listing = ", ".join(f"{item.ref.model} {item.id}" for item in made)
    try:
        for model, ids in by_model.items():
            client.unlink(model, ids)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the caller must hear what is left
        logger.warning("Could not remove records made by auto_create (%s): %s", listing, exc)
        return False, f"The record(s) made by auto_create could NOT be removed ({listing}): {_message(exc)}"
    return True, f"The record(s) made by auto_create were removed again ({listing})."


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or exc.__class__.__name__
