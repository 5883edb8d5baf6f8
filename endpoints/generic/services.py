"""The five generic operations: create_data, update_data, create_update_data, search_data, call_function.

Each takes the authenticated Caller, the Odoo model and the call's ``vals`` and answers an Outcome;
a business failure raises BusinessFailure (answered ``is_success: false``), a refusal RpcError.
RPC calls per write: one search per (model, lookup field) of the whole payload, one create or write
for the record with its lines, one read when ``result_field`` asks for values (or when lines carry
files), one create of all attachments; update adds the one search of ``search_key``.
"""

import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from endpoints.generic.caller import Caller
from endpoints.generic.models import CallableMethod
from endpoints.generic.protocol import BusinessFailure, Outcome, RpcError
from hub.odoo.exceptions import OdooAuthError, OdooError, OdooUnavailable
from hub.odoo.names import is_field_name
from hub.sentences import joined
from mappings import autocreate
from mappings.attachments import ATTACHMENT_MODEL, TooMuchAttached, check_call_totals
from mappings.domain import DomainError, parse_domain
from mappings.field_paths import FieldPathError
from mappings.generic_payload import PayloadError, RecordPlan, ambiguous_message, parse_record, resolve
from mappings.reading import SpecError, expand, field_names, parse_fields, related_models

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_SEARCH_FIELDS = {"display_name": {}}
_ORDER_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(\s+(asc|desc))?(\s+nulls\s+(first|last))?$", re.IGNORECASE)


@dataclass
class WriteRequest:
    """A parsed create or update: the record plan, auto_create templates and fields to answer."""

    model: str
    plan: RecordPlan
    auto_create: dict
    result_fields: dict  # a read specification (mappings.reading)


def create_data(caller: Caller, model: str, vals: dict) -> Outcome:
    """Create one record (with its lines and files) from ``vals.payload``."""
    request = _write_request(caller, model, vals, vals.get("payload"))
    return _save(caller, request, None)


def update_data(caller: Caller, model: str, vals: dict) -> Outcome:
    """Apply ``vals.payload`` to the one record ``vals.search_key`` matches (lines replaced, or written by id)."""
    domain = _search_key_domain(vals)
    request = _write_request(caller, model, vals, vals.get("payload"))
    record_id = _only_match(caller, request, vals, domain, "update_data")
    if record_id is None:
        raise BusinessFailure(_no_match_message(model, vals))
    return _save(caller, request, record_id)


def create_update_data(caller: Caller, model: str, vals: dict) -> Outcome:
    """Update the record ``vals.search_key`` matches, or create it (with the search key's values) if none."""
    domain = _search_key_domain(vals)
    payload = vals.get("payload")
    request = _write_request(caller, model, vals, payload)
    record_id = _only_match(caller, request, vals, domain, "create_update_data")
    if record_id is not None:
        return _save(caller, request, record_id)
    if isinstance(payload, dict):
        # the created record must be found by the same search_key next time
        payload = {**{k: v for k, v in vals["search_key"].items() if k != "id"}, **payload}
        request = _write_request(caller, model, vals, payload)
    return _save(caller, request, None)


def search_data(caller: Caller, model: str, vals: dict) -> Outcome:
    """Records matching ``search_domain``, with ``search_field`` (nested sub-fields expanded)."""
    caller.check_models([model])
    payload = vals.get("payload", {})
    if not isinstance(payload, dict):
        raise BusinessFailure(
            '"vals.payload" must be an object with search_field, search_domain, limit, offset, order.'
        )
    try:
        specs = parse_fields(payload.get("search_field")) or DEFAULT_SEARCH_FIELDS
        caller.check_models(related_models(caller.fields_of, model, specs))
    except SpecError as exc:
        raise BusinessFailure(f"search_field: {exc}") from None
    try:
        domain = parse_domain(payload.get("search_domain"))
    except DomainError as exc:
        raise BusinessFailure(f"search_domain: {exc}") from None
    limit = _whole_number(payload, "limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = _whole_number(payload, "offset", 0, minimum=0)
    order = payload.get("order")
    order = _order(order) if order not in (None, "") else None
    try:
        caller.check_search(model, domain, order)
    except FieldPathError as exc:
        raise BusinessFailure(str(exc)) from None
    records = caller.client.search_read(model, domain, field_names(specs), limit=limit, offset=offset, order=order)
    expand(caller.client, caller.fields_of, model, records, specs)
    more = " (the limit: ask again with offset for more)" if len(records) == limit else ""
    return Outcome(True, records, f"{len(records)} record(s) found{more}.")


def call_function(caller: Caller, model: str, vals: dict) -> Outcome:
    """Call an allow-listed method on the records ``vals.search_key`` picks (or on the model)."""
    caller.check_models([model])
    payload = vals.get("payload")
    if not isinstance(payload, dict):
        raise BusinessFailure('"vals.payload" must be an object with "method" (and "parameter", "context").')
    method = payload.get("method")
    if not is_field_name(method):
        raise BusinessFailure('"payload.method" must be a method name.')
    if method.startswith("_"):
        raise RpcError(403, f"Private methods such as {method} cannot be called.")
    if not CallableMethod.objects.allows(model, method):
        raise RpcError(403, f"{model}.{method} is not on the list of callable methods.")
    parameter = payload.get("parameter", {})
    if not isinstance(parameter, dict) or "context" in parameter:
        raise BusinessFailure('"payload.parameter" must be an object of keyword arguments (context goes in "context").')
    context = payload.get("context", {})
    if not isinstance(context, dict):
        raise BusinessFailure('"payload.context" must be an object, e.g. {"lang": "fr_FR"}.')
    kwargs = {**parameter, **({"context": context} if context else {})}
    args: list = []
    target = "the model"
    if vals.get("search_key") is not None:
        domain = _search_key_domain(vals)
        ids = caller.client.search(model, domain, context=context or None)
        if not ids:
            raise BusinessFailure(_no_match_message(model, vals))
        args = [ids]
        target = f"{len(ids)} record(s)"
    result = caller.client.execute_kw(model, method, args, kwargs)
    return Outcome(True, result, f"{model}.{method} called on {target}.")


# --- writing -------------------------------------------------------------------------------------------


def _write_request(caller: Caller, model: str, vals: dict, payload) -> WriteRequest:
    try:
        # before anything else, Odoo's fields_get included: a call over the caps costs Odoo nothing
        check_call_totals(
            payload,
            max_count=settings.HUB_ATTACHMENT_MAX_COUNT,
            max_total_bytes=settings.HUB_ATTACHMENT_MAX_TOTAL_BYTES,
        )
    except TooMuchAttached as exc:
        raise RpcError(413, str(exc)) from None
    caller.check_models([model])
    if payload is None:
        raise BusinessFailure('"vals.payload" is required: the values of the record.')
    try:
        spec = autocreate.check_spec(vals.get("auto_create"))
        plan = parse_record(model, payload, caller.fields_of, max_attachment_bytes=settings.HUB_ATTACHMENT_MAX_BYTES)
    except PayloadError as exc:
        raise BusinessFailure(str(exc)) from None
    lines = dict(plan.lines())
    for name in plan.keyed_lines():
        if any(line.has_attachments() for line in lines[name]):
            # files are matched to new lines by their order; lines kept in place break that pairing
            raise BusinessFailure(f"{name}: files go on lines that replace the current ones, not on lines sent by id.")
    try:
        result_fields = parse_fields(vals.get("result_field"))
        models = plan.models() | related_models(caller.fields_of, model, result_fields, check_all=True)
    except SpecError as exc:
        raise BusinessFailure(f"result_field: {exc}") from None
    caller.check_models(models)
    return WriteRequest(model=model, plan=plan, auto_create=spec, result_fields=result_fields)


def _save(caller: Caller, request: WriteRequest, record_id: int | None) -> Outcome:
    client = caller.client
    creating = record_id is None
    if creating and request.plan.keyed_lines():
        path = next(iter(request.plan.keyed_lines().values()))[0][0]
        raise BusinessFailure(f"{path}: a line id writes a line of an existing record; a new record has none yet.")
    resolution = resolve(client, request.plan.refs())
    for ref, (count, use) in resolution.ambiguous.items():
        raise BusinessFailure(ambiguous_message(ref, use, count))
    made: list[autocreate.Made] = []
    try:
        ids = dict(resolution.found)
        if resolution.missing:
            try:
                planned = autocreate.plan_missing(resolution.missing, request.auto_create, caller.fields_of)
                caller.check_models(model for _, _, plan in planned for model in plan.models())
                ids.update(autocreate.create(client, planned, made))
            except PayloadError as exc:
                raise BusinessFailure(str(exc)) from None
        vals = request.plan.vals(ids, replace_lines=not creating)
        if creating:
            record_id = _single_id(client.create(request.model, vals))
        else:
            client.write(request.model, [record_id], vals)
    except (OdooError, BusinessFailure) as exc:
        if made:
            raise _after_cleanup(client, made, exc) from exc
        raise
    verb = "created" if creating else "updated"
    try:
        values, line_ids = _read_back(caller, request, record_id)
    except OdooError as exc:
        if isinstance(exc, OdooUnavailable | OdooAuthError):
            raise
        raise BusinessFailure(
            f"Record {verb} (id {record_id}), but it could not be read back: {exc.message}", {"id": record_id}
        ) from exc
    result = {"id": record_id, **values}
    attached = _attach(caller, request, record_id, verb, line_ids)
    messages = [f"Record {verb}."]
    if attached:
        messages.append(f"{attached} file(s) attached.")
    if made:
        result["auto_created"] = [item.as_json() for item in made]
        messages.append(f"auto_create made {len(made)} record(s).")
    return Outcome(True, result, joined(*messages))


def _after_cleanup(client, made: list[autocreate.Made], exc: Exception) -> Exception:
    """The failure to answer once the records made by auto_create were removed (or could not be)."""
    listing = ", ".join(f"{item.ref.model} {item.id}" for item in made)
    if isinstance(exc, OdooUnavailable | OdooAuthError):
        # Odoo may or may not have done the write: removing the records could break it.
        kept = f"The record(s) made by auto_create were kept ({listing})."
        public = joined(exc.public_message or exc.message, kept)
        return RpcError(exc.http_status, joined(exc.message, kept), public_message=public)
    removed, sentence = autocreate.remove(client, made)
    key = "auto_created_removed" if removed else "auto_created_left"
    return BusinessFailure(joined(exc.message, sentence), result={key: [item.as_json() for item in made]})


def _read_back(caller: Caller, request: WriteRequest, record_id: int) -> tuple[dict, dict]:
    """The values ``result_field`` asks for, and the ids of the lines that carry files: one read for both
    (plus one per level of sub-fields)."""
    line_fields = _line_fields_with_files(request.plan)
    if not request.result_fields and not line_fields:
        return {}, {}
    names = field_names(request.result_fields)
    names += [name for name in line_fields if name not in names]
    rows = caller.client.read(request.model, [record_id], names)
    row = rows[0] if rows else {}
    line_ids = {name: row.get(name) or [] for name in line_fields}
    expand(caller.client, caller.fields_of, request.model, rows, request.result_fields)
    wanted = set(field_names(request.result_fields)) - {"id"}
    return {name: value for name, value in row.items() if name in wanted}, line_ids


def _line_fields_with_files(plan: RecordPlan) -> tuple[str, ...]:
    """The one2many fields of a record whose lines (or their lines) carry files."""
    return tuple(name for name, lines in plan.lines() if any(line.has_attachments() for line in lines))


def _attach(caller: Caller, request: WriteRequest, record_id: int, verb: str, line_ids: dict) -> int:
    """Attach every file of the payload to the record it sits on; how many were attached.

    Line ids come from reading the one2many fields of the records whose lines carry files (for the
    record itself, ``line_ids`` from the read-back; below, one read per model and field list per
    level): lines created by one call get increasing ids in the order they were sent, and an
    update replaced all of them, so sorting the ids pairs them up.
    """
    if not request.plan.has_attachments():
        return 0
    client = caller.client
    to_create: list[dict] = []
    level: list[tuple[RecordPlan, int]] = [(request.plan, record_id)]
    known = {record_id: {"id": record_id, **line_ids}}
    try:
        while level:
            groups: dict[tuple[str, tuple[str, ...]], list[tuple[RecordPlan, int]]] = defaultdict(list)
            for plan, plan_id in level:
                to_create += [attachment.vals(plan.model, plan_id) for attachment in plan.attachments]
                names = _line_fields_with_files(plan)
                if names:
                    groups[(plan.model, names)].append((plan, plan_id))
            level = []
            for (model, names), items in groups.items():
                if known:
                    rows, known = [known[record_id]], {}  # the record itself: read with result_field already
                else:
                    ids = [plan_id for _, plan_id in items]
                    rows = client.read(model, ids, list(names))
                by_id = {row["id"]: row for row in rows}
                for plan, plan_id in items:
                    lines_of = dict(plan.lines())
                    for name in names:
                        line_ids = sorted(by_id.get(plan_id, {}).get(name) or [])
                        if len(line_ids) != len(lines_of[name]):
                            raise BusinessFailure(
                                f"{model} {plan_id}: {name} holds {len(line_ids)} lines, not the "
                                f"{len(lines_of[name])} sent: their files cannot be matched to them."
                            )
                        level += zip(lines_of[name], line_ids, strict=True)
        client.create(ATTACHMENT_MODEL, to_create)
    except (OdooError, BusinessFailure) as exc:
        if isinstance(exc, OdooUnavailable | OdooAuthError):
            raise
        raise BusinessFailure(
            f"Record {verb} (id {record_id}), but its files were not attached: {exc.message}", {"id": record_id}
        ) from exc
    return len(to_create)


# --- small parts ---------------------------------------------------------------------------------------


def _single_id(value) -> int:
    return value[0] if isinstance(value, list) else value


def _search_key_domain(vals: dict) -> list:
    key = vals.get("search_key")
    if not isinstance(key, dict) or not key:
        raise BusinessFailure('"vals.search_key" must be an object such as {"ref": "C-1"}.')
    domain = []
    for name, value in key.items():
        if not is_field_name(name):
            raise BusinessFailure(f"search_key: {name!r} is not a field name.")
        if not isinstance(value, str | int | float | bool):
            raise BusinessFailure(f"search_key.{name}: must be a string, a number or a boolean.")
        domain.append([name, "=", value])
    return domain


def _only_match(caller: Caller, request: WriteRequest, vals: dict, domain: list, operation: str) -> int | None:
    """The id of the one record the search key matches, None for none; BusinessFailure for several.

    Lines sent with their id must be lines of that record: the same one call reads its current ones.
    """
    model, keyed = request.model, request.plan.keyed_lines()
    if keyed:
        rows = caller.client.search_read(model, domain, sorted(keyed), limit=2)
    else:
        rows = [{"id": record_id} for record_id in caller.client.search(model, domain, limit=2)]
    if len(rows) > 1:
        raise BusinessFailure(
            f"Several {model} records match search_key {_json(vals['search_key'])}: {operation} needs exactly one."
        )
    if not rows:
        return None
    for name, given in keyed.items():
        current = set(rows[0].get(name) or [])
        for path, line_id in given:
            if line_id not in current:
                raise BusinessFailure(f"{path}: {line_id} is not one of the {name} lines of this {model} record.")
    return rows[0]["id"]


def _no_match_message(model: str, vals: dict) -> str:
    return f"No {model} record matches search_key {_json(vals['search_key'])}."


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _whole_number(payload: dict, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    value = payload.get(name)
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or (maximum and value > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum else f"at least {minimum}"
        raise BusinessFailure(f'"{name}" must be a whole number {bounds}.')
    return value


def _order(value) -> str:
    if not isinstance(value, str) or not all(_ORDER_TERM.match(term.strip()) for term in value.split(",")):
        raise BusinessFailure('"order" must look like "name asc, id desc".')
    return value
