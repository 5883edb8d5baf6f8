"""Reading an outbound configuration's records from Odoo through its mapping lines: one call."""

import logging

from mappings.engine import EndpointMapping, MappingError
from outbound.models import OutboundConfiguration

logger = logging.getLogger(__name__)

# The polling cursor is (write_date, id): both are read with every record whatever the lines show.
CURSOR_SPECIFICATION = {"id": {}, "write_date": {}}


def read(
    configuration: OutboundConfiguration,
    mapping: EndpointMapping,
    domain: list,
    *,
    limit: int | None = None,
    order: str | None = None,
) -> list[dict]:
    """ONE ``web_search_read`` with the lines' specification (plus the cursor's write_date): the
    records as the engine maps them, nested one2many records and lookup fields included."""
    specification = {**CURSOR_SPECIFICATION, **mapping.specification}
    client = configuration.connection.client()
    answer = client.web_search_read(configuration.odoo_model, domain, specification, limit=limit or None, order=order)
    return answer["records"]


def payload_data(configuration: OutboundConfiguration, mapping: EndpointMapping, record: dict) -> dict | None:
    """The record through the mapping lines, with its Odoo id; None (logged) when a line fails."""
    try:
        data = mapping.to_external(record)
    except MappingError as exc:
        logger.error("Outbound %s: record %s not mapped: %s", configuration, record.get("id"), exc)
        return None
    return {"id": record["id"], **data} if "id" not in data else data


def identifier_of(mapping: EndpointMapping, record: dict):
    """The identifier line's value of a record (kept to name it once deleted), or None."""
    if mapping.identifier is None:
        return None
    try:
        return mapping.external_identifier(record)
    except MappingError:
        return None


def deleted_data(mapping: EndpointMapping, record_id: int, identifier) -> dict:
    """What a deletion sends: the record's Odoo id, and its identifier when the lines have one."""
    data = {"id": record_id}
    if mapping.identifier is not None and identifier is not None:
        data[mapping.identifier.external_key] = identifier
    return data
