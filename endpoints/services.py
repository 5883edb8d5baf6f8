"""The work behind each REST call: query parameters and bodies -> the fewest Odoo calls -> records.

Every function takes an ``EndpointConfig`` (endpoint row, parsed domain, mapping) and speaks to
Odoo through the endpoint's connection. It asks the mapping engine (mappings.engine) once for the
Odoo call and once for the answer; records are read with the mapping's read specification, so a
page, its nested records and its total come in one call. RPC budgets (ARCHITECTURE.md): list 1 (2 for a page past
the end), one 1, create 1 + 1 read-back + 1 per lookup field (the identifier check is one of them;
an upsert that meets existing records adds a domain check and a write per record), update 3,
delete 2.

Writes keep records inside the endpoint's domain: a create fills the values the domain fixes
(``mappings.domain.fixed_values``) that the body does not set, a value that plainly contradicts
them is refused before any write, and the read-back goes through the domain, so Odoo itself says
in that same call whether each record still belongs; one that does not is undone (created records
unlinked, updated ones given their previous values back) and the call is a 422 naming the domain.
"""

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from endpoints.config import EndpointConfig
from endpoints.models import MAX_PAGE_SIZE
from hub.envelope import ApiError
from hub.odoo.exceptions import OdooError
from hub.params import whole_number
from mappings import rules
from mappings.domain import and_domains, fixed_values
from mappings.engine import RESERVED_PARAMS

logger = logging.getLogger(__name__)

ORDER_PARAM = "order"
MAX_BATCH = 1000


@dataclass(frozen=True)
class Page:
    """One page of a list: records as external JSON, and where the page sits."""

    records: list[dict]
    total: int | None
    limit: int | None
    offset: int


def _client(config: EndpointConfig):
    return config.endpoint.connection.client()


def check_no_params(params: Mapping[str, str]) -> None:
    """Routes of one record take no query parameter; naming one is a mistake worth a 400."""
    if params:
        raise ApiError(400, f"Unknown query parameter(s): {', '.join(sorted(params))}. This route takes none.")


def list_records(config: EndpointConfig, params: Mapping[str, str]) -> Page:
    """Records of the endpoint's domain narrowed by the filter parameters, one page of them."""
    endpoint, mapping = config.endpoint, config.mapping
    paginated = endpoint.is_paginated
    search = mapping.search(params, within=config.domain, reserved=RESERVED_PARAMS if paginated else (ORDER_PARAM,))
    if paginated:
        limit = min(max(whole_number(params, "limit", endpoint.page_size), 1), MAX_PAGE_SIZE)
        offset = whole_number(params, "offset", 0)
    else:
        limit, offset = None, 0
    client = _client(config)
    # one call: the page, its nested records and (when the page is full) the total count
    found = client.web_search_read(
        endpoint.odoo_model, search.domain, search.specification, order=search.order, offset=offset, limit=limit
    )
    records = [mapping.to_external(record) for record in found["records"]]
    total = found["length"]
    if not records and offset:
        # Odoo 17/18 answer length 0 for a page past the end; the pager needs the real total
        total = client.search_count(endpoint.odoo_model, search.domain)
    return Page(records, total=total, limit=limit, offset=offset)


def _identified(config: EndpointConfig, identifier: str) -> list:
    """The domain of the record at ``identifier``, inside the endpoint's domain."""
    return config.mapping.identified(identifier, within=config.domain)


def _not_found(config: EndpointConfig, identifier: str) -> ApiError:
    key = config.mapping.identifier.external_key
    return ApiError(404, f"No {config.endpoint.slug} record with {key} {identifier!r}.")


def _ambiguous(config: EndpointConfig, identifier: str) -> ApiError:
    key = config.mapping.identifier.external_key
    return ApiError(
        409, f"Several {config.endpoint.slug} records have {key} {identifier!r}; the identifier must be unique."
    )


def get_record(config: EndpointConfig, identifier: str) -> dict:
    """The record at ``identifier`` as external JSON (one RPC); 404 outside the endpoint's domain."""
    return config.mapping.to_external(_one_record(_client(config), config, identifier, config.mapping.specification))


def _one_record(client, config: EndpointConfig, identifier: str, specification: dict) -> dict:
    """The single record at ``identifier`` read with ``specification`` (one RPC); 404 or 409 otherwise."""
    found = client.web_search_read(config.endpoint.odoo_model, _identified(config, identifier), specification, limit=2)
    records = found["records"]
    if not records:
        raise _not_found(config, identifier)
    if len(records) > 1:
        raise _ambiguous(config, identifier)
    return records[0]


def _find(config: EndpointConfig, client, identifier: str, fields: list[str]) -> dict:
    """The record at ``identifier`` with the current values of ``fields`` (one ``search_read``); 404 or 409."""
    found = client.search_read(config.endpoint.odoo_model, _identified(config, identifier), fields or ["id"], limit=2)
    if not found:
        raise _not_found(config, identifier)
    if len(found) > 1:
        raise _ambiguous(config, identifier)
    return found[0]


def _read_back(config: EndpointConfig, client, ids: list[int]) -> tuple[list[dict], list[int]]:
    """The records as the GET shows them, in the order of ``ids``, and the ids that fall outside the domain.

    Read through the endpoint's domain (one ``web_search_read``): Odoo decides, in the read itself,
    which records the endpoint still serves.
    """
    domain = and_domains(config.domain, [("id", "in", list(ids))])
    records = client.web_search_read(config.endpoint.odoo_model, domain, config.mapping.specification)["records"]
    by_id = {r["id"]: r for r in records}
    outside = [i for i in ids if i not in by_id]
    return [config.mapping.to_external(by_id[i]) for i in ids if i in by_id], outside


# -- keeping written records inside the endpoint's domain -------------------------------------------


def _outside(config: EndpointConfig, what: str, reason: str) -> ApiError:
    return ApiError(422, f"{what} would fall outside this endpoint's domain {config.endpoint.domain.strip()}{reason}")


def _records_named(positions: list[int], count: int) -> str:
    if count == 1:
        return "The record"
    return f"Record{'s' if len(positions) > 1 else ''} {', '.join(map(str, positions))}"


def _refuse_contradictions(config: EndpointConfig, vals_list: list[dict], fixed: dict) -> None:
    """A value that plainly differs from one the domain fixes is refused before anything is written.

    Plainly: the same JSON type (a boolean against a boolean, text against text); any other case,
    a many2one id against a name say, is left to Odoo's read-back.
    """
    for position, vals in enumerate(vals_list):
        for field, wanted in fixed.items():
            value = vals.get(field)
            if type(value) is type(wanted) and isinstance(value, bool | int | float | str) and value != wanted:
                what = _records_named([position], len(vals_list))
                raise _outside(config, what, f": it sets {field} to {value!r}.")


def _restorable(vals: dict) -> list[str]:
    """The fields of ``vals`` whose previous value can be written back: all but one2many line commands."""
    return [
        field
        for field, value in vals.items()
        if not isinstance(value, list)
        or all(isinstance(command, list | tuple) and command and command[0] in (4, 6) for command in value)
    ]


def _undoing(record: dict, vals: dict) -> tuple[dict, list[str]]:
    """What undoes a write of ``vals``, from the record as ``search_read`` gave it before: the vals
    that restore it, and the one2many fields whose old lines cannot come back."""
    restorable = _restorable(vals)
    return _previous(record, restorable), [field for field in vals if field not in restorable]


def _previous(record: dict, fields: list[str]) -> dict:
    vals = {}
    for field in fields:
        value = record.get(field, False)
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            value = value[0]  # many2one: [id, name]
        elif isinstance(value, list):
            value = [(6, 0, value)]  # many2many: its ids
        vals[field] = value
    return vals


def create_records(config: EndpointConfig, body) -> list[dict]:
    """Create one record or a list of them in one batched create; 409 (or update) on a known identifier."""
    payloads = body if isinstance(body, list) else [body]
    if not payloads:
        raise ApiError(400, "The list of records is empty.")
    if len(payloads) > MAX_BATCH:
        raise ApiError(400, f"At most {MAX_BATCH} records per request, not {len(payloads)}.")
    endpoint, mapping = config.endpoint, config.mapping
    client = _client(config)
    vals_list = mapping.to_odoo(payloads, client)  # checks keys first: 400 before any Odoo call
    rules.enforce(endpoint.record_rule, endpoint.record_rule_message, payloads)  # after the values, before writes
    fixed = fixed_values(config.domain)
    _refuse_contradictions(config, vals_list, fixed)
    keys = _identifier_keys(config, payloads, vals_list)
    existing = _existing_identifiers(config, client, payloads, keys)
    key = mapping.identifier.external_key if mapping.identifier else ""
    if existing and not endpoint.upsert_on_post:
        raise ApiError(409, f"A record with {key} {_given(config, payloads, keys, existing)} already exists.")
    before: dict[int, dict] = {}
    if existing:
        # an upsert may only update records the endpoint serves (its domain, and Odoo's active
        # filter: an archived record is not served): one more read tells which, and keeps the
        # values about to be written, to give them back should the write leave the domain
        ids_inside = and_domains(config.domain, [("id", "in", sorted(existing.values()))])
        fields = sorted({field for vals in vals_list for field in _restorable(vals)}) or ["id"]
        before = {record["id"]: record for record in client.search_read(endpoint.odoo_model, ids_inside, fields)}
        outside = {value for value, record_id in existing.items() if record_id not in before}
        if outside:
            raise ApiError(
                409,
                f"A record with {key} {_given(config, payloads, keys, outside)} exists outside this endpoint's "
                "records (outside its domain, or archived).",
            )

    ids: list[int | None] = [None] * len(payloads)
    new_positions = []
    written = {}
    for position, vals in enumerate(vals_list):
        record_id = existing.get(keys[position]) if keys[position] is not None else None
        if record_id is None:
            new_positions.append(position)
        else:
            written[record_id] = _undoing(before[record_id], vals)
            client.write(endpoint.odoo_model, [record_id], vals)
            ids[position] = record_id
    if new_positions:
        # what the domain fixes and the body does not set, as Odoo fills an action's domain
        new_vals = [{**fixed, **vals_list[p]} for p in new_positions]
        created = client.create(endpoint.odoo_model, new_vals)
        created = created if isinstance(created, list) else [created]
        for position, record_id in zip(new_positions, created, strict=True):
            ids[position] = record_id
    records, outside_ids = _read_back(config, client, ids)
    if outside_ids:
        positions = [position for position, record_id in enumerate(ids) if record_id in outside_ids]
        what = _records_named(positions, len(payloads))
        raise _undone(config, client, what, [ids[p] for p in new_positions], written)
    return records


def _undone(config: EndpointConfig, client, what: str, created: list[int], written: dict[int, tuple]) -> ApiError:
    """Take back a call whose records left the domain, and the 422 that says so.

    ``written`` holds, per record updated, the vals that restore it and the one2many fields it
    wrote (their old lines are gone: Odoo deleted them).
    """
    model = config.endpoint.odoo_model
    done = []
    try:
        if created:
            client.unlink(model, created)
            done.append("what the call created was deleted again")
        restores = [(record_id, previous) for record_id, (previous, _lines) in written.items() if previous]
        for record_id, previous in restores:
            client.write(model, [record_id], previous)
        if restores:
            done.append("what it updated got its previous values back")
    except OdooError as exc:
        done.append(f"undoing it failed, so the records stay as written ({exc.message})")
    lines = sorted({field for _previous, fields in written.values() for field in fields})
    if lines:
        done.append(f"the lines of {', '.join(lines)} stay as sent (Odoo deleted the old ones)")
    return _outside(config, what, f" once stored; {'; '.join(done)}.")


def _identifier_keys(config: EndpointConfig, payloads: list[dict], vals_list: list[dict]) -> list:
    """Per payload, the value Odoo stores for its identifier (a lookup's resolved id); None when it names none.

    Taken from the vals about to be written, so the check compares what Odoo holds: a selection's
    key, a formatted date as Odoo's text, a many2one looked up by code as the record's id.
    """
    mapping = config.mapping
    if not mapping.identifier_is_writable:
        return [None] * len(payloads)
    line = mapping.identifier
    keys = []
    for payload, vals in zip(payloads, vals_list, strict=True):
        value = vals.get(line.odoo_field) if line.external_key in payload else None
        keys.append(value if isinstance(value, str | int | float) and not isinstance(value, bool) else None)
    return keys


def _given(config: EndpointConfig, payloads: list[dict], keys: list, wanted) -> str:
    """The identifiers of the payloads whose Odoo value is in ``wanted``, as the caller wrote them."""
    key = config.mapping.identifier.external_key
    shown = dict.fromkeys(repr(p[key]) for p, value in zip(payloads, keys, strict=True) if value in wanted)
    return ", ".join(shown)


def _existing_identifiers(config: EndpointConfig, client, payloads: list[dict], keys: list) -> dict:
    """Odoo identifier value -> id of the records that already exist (one search for the whole batch)."""
    given = [value for value in keys if value is not None]
    counts = Counter(given)
    repeated = {value for value, count in counts.items() if count > 1}
    if repeated:
        key = config.mapping.identifier.external_key
        raise ApiError(400, f"The request repeats {key} {_given(config, payloads, keys, repeated)}.")
    if not given:
        return {}
    field = config.mapping.identifier.odoo_field
    # Searched without the endpoint's domain and with archived records (active_test False, which
    # models without ``active`` ignore): a record outside the domain or archived exists all the
    # same, and a second one with the same identifier would break the identifier's uniqueness.
    records = client.search_read(
        config.endpoint.odoo_model, [(field, "in", given)], [field], context={"active_test": False}
    )
    found = {}
    for record in records:
        value = record[field]
        found[value[0] if isinstance(value, list | tuple) and value else value] = record["id"]  # many2one: [id, name]
    return found


def update_record(config: EndpointConfig, identifier: str, body) -> dict:
    """Write the given keys to the record at ``identifier`` (find, write, read back: 3 RPC)."""
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    if not body:
        raise ApiError(400, "The body names no key to update.")
    client = _client(config)
    model = config.endpoint.odoo_model
    vals = config.mapping.to_odoo([body], client, partial=True)[0]  # 400 on a bad key before any call
    rules.enforce(config.endpoint.record_rule, config.endpoint.record_rule_message, [body])  # the keys sent only
    _refuse_contradictions(config, [vals], fixed_values(config.domain))
    record = _find(config, client, identifier, _restorable(vals))
    if vals:
        client.write(model, [record["id"]], vals)
    records, outside = _read_back(config, client, [record["id"]])
    if outside:
        raise _undone(config, client, "The record", [], {record["id"]: _undoing(record, vals)})
    return records[0]


def delete_record(config: EndpointConfig, identifier: str) -> dict:
    """Delete the record at ``identifier`` (find, unlink: 2 RPC); answers its identifier as GET shows it.

    The find reads the identifier field with it, so the answer is the caller's value ('alice' for a
    selection mapped to 'C001', '21/11/2026' for a formatted date), never Odoo's stored one.
    """
    client = _client(config)
    mapping = config.mapping
    record = _one_record(client, config, identifier, mapping.identifier_specification)
    client.unlink(config.endpoint.odoo_model, [record["id"]])
    return {mapping.identifier.external_key: mapping.external_identifier(record)}
