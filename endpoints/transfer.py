"""Configuration as code: all endpoints with their mapping lines as JSON, and back.

Secrets never leave: Basic password hashes and tokens are not exported. The connection is
named, not numbered, so a file made on staging imports on production. Import updates the
endpoint with the same slug (and request type) and replaces its mapping lines.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from endpoints.models import Endpoint
from hub.models import OdooConnection
from mappings.models import MappingLine
from outbound.models import OutboundConfiguration

logger = logging.getLogger(__name__)

FORMAT = "odoo-hub-endpoints"
VERSION = 1
# The configuration fields besides the connection; the admin form edits the same ones.
ENDPOINT_FIELDS = (
    "name",
    "request_type",
    "odoo_model",
    "domain",
    "slug",
    "allowed_methods",
    "auth",
    "basic_username",
    "is_paginated",
    "page_size",
    "upsert_on_post",
    "log_mode",
    "rate_limit_per_address",
    "rate_limit_per_credential",
    "require_idempotency_key",
    "record_rule",
    "record_rule_message",
    "active",
)
# Not configuration: identity, ownership, and times the database keeps.
LINE_SKIPPED = {"id", "endpoint", "outbound", "parent", "created_at", "updated_at"}


class TransferError(Exception):
    """A file that cannot be imported; the message says which endpoint and why."""


@dataclass
class ImportSummary:
    """What an import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _line_fields() -> list:
    return [f for f in MappingLine._meta.concrete_fields if f.name not in LINE_SKIPPED]


def _export_line(line: MappingLine, children: dict) -> dict:
    data = {f.name: f.value_from_object(line) for f in _line_fields()}
    kids = children.get(line.pk, [])
    if kids:
        data["children"] = [_export_line(kid, children) for kid in kids]
    return data


def _export_lines(lines) -> list:
    lines = list(lines)
    children: dict = {}
    for line in lines:
        if line.parent_id is not None:
            children.setdefault(line.parent_id, []).append(line)
    return [_export_line(line, children) for line in lines if line.parent_id is None]


def export_configurations() -> dict:
    """Every endpoint and outbound configuration with its mapping lines, secrets left out."""
    endpoints = []
    for endpoint in Endpoint.objects.select_related("connection").order_by("request_type", "slug"):
        data = {name: getattr(endpoint, name) for name in ENDPOINT_FIELDS}
        data["connection"] = endpoint.connection.name
        data["lines"] = _export_lines(MappingLine.objects.filter(endpoint=endpoint))
        endpoints.append(data)
    outbound = []
    for configuration in OutboundConfiguration.objects.select_related("connection").order_by("name"):
        data = {name: getattr(configuration, name) for name in OutboundConfiguration.TRANSFER_FIELDS}
        data["connection"] = configuration.connection.name
        data["lines"] = _export_lines(MappingLine.objects.filter(outbound=configuration))
        outbound.append(data)
    return {"format": FORMAT, "version": VERSION, "endpoints": endpoints, "outbound": outbound}


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _import_lines(owner: dict, items: list, parent: MappingLine | None, where: str) -> None:
    """Lines of ``owner`` (``{"endpoint": …}`` or ``{"outbound": …}``) from an export."""
    names = {f.name for f in _line_fields()}
    for position, item in enumerate(items):
        label = f"{where} line {position}"
        if not isinstance(item, dict):
            raise TransferError(f"{label}: must be an object.")
        unknown = sorted(set(item) - names - {"children"})
        if unknown:
            raise TransferError(f"{label}: unknown keys {', '.join(unknown)}.")
        line = MappingLine(**owner, parent=parent)
        for name, value in item.items():
            if name != "children":
                setattr(line, MappingLine._meta.get_field(name).attname, value)
        try:
            line.full_clean(validate_constraints=False)
        except ValidationError as exc:
            raise TransferError(f"{label}: {_messages(exc)}") from None
        line.save()
        _import_lines(owner, item.get("children") or [], line, label)


def _check_identifier(endpoint: Endpoint, where: str) -> None:
    """An inbound endpoint names its records by exactly one top-level identifier line."""
    if endpoint.request_type != Endpoint.RequestType.INBOUND:
        return
    count = MappingLine.objects.filter(endpoint=endpoint, parent__isnull=True, is_identifier=True).count()
    if count != 1:
        raise TransferError(f"{where}: exactly one mapping line must be the record identifier (found {count}).")


@transaction.atomic
def import_configurations(data) -> ImportSummary:
    """Create or update the endpoints of an export (all or nothing)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(f'Not an endpoint export: expected an object with "format": "{FORMAT}".')
    if data.get("version") != VERSION:
        raise TransferError(f"Unsupported export version {data.get('version')!r}; this hub reads {VERSION}.")
    items = data.get("endpoints")
    if not isinstance(items, list):
        raise TransferError('"endpoints" must be a list.')
    connections = {c.name: c for c in OdooConnection.objects.all()}
    summary = ImportSummary()
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise TransferError(f"endpoint {position}: must be an object.")
        where = f"endpoint {item.get('slug', position)!r}"
        request_type = item.get("request_type", Endpoint.RequestType.INBOUND)
        found = Endpoint.objects.filter(slug=item.get("slug"), request_type=request_type).first()
        endpoint = _import_row(item, found or Endpoint(), ENDPOINT_FIELDS, connections, "endpoint", where)
        is_new = found is None
        _check_identifier(endpoint, where)
        (summary.created if is_new else summary.updated).append(endpoint.slug)
        if endpoint.auth == Endpoint.Auth.BASIC and not endpoint.basic_password_hash:
            summary.warnings.append(f"{endpoint.slug}: uses Basic authentication; set its password in the admin.")
        if endpoint.auth == Endpoint.Auth.BEARER and not endpoint.tokens.usable().exists():
            summary.warnings.append(f"{endpoint.slug}: uses bearer tokens; create one in the admin.")
    _import_outbound(data.get("outbound") or [], connections, summary)
    logger.info("Imported endpoints: %s created, %s updated", len(summary.created), len(summary.updated))
    return summary


def _import_row(item: dict, row, fields, connections: dict, owner: str, where: str):
    """One exported endpoint or outbound configuration onto ``row`` (new or found): checked, saved,
    its mapping lines replaced; ``owner`` is the lines' foreign key to it."""
    unknown = sorted(set(item) - set(fields) - {"connection", "lines"})
    if unknown:
        raise TransferError(f"{where}: unknown keys {', '.join(unknown)}.")
    connection = connections.get(item.get("connection"))
    if connection is None:
        raise TransferError(f"{where}: no Odoo connection named {item.get('connection')!r}.")
    for name in fields:
        if name in item:
            setattr(row, name, item[name])
    row.connection = connection
    try:
        row.full_clean()
    except ValidationError as exc:
        raise TransferError(f"{where}: {_messages(exc)}") from None
    row.save()
    row.lines.all().delete()
    _import_lines({owner: row}, item.get("lines") or [], None, where)
    return row


def _import_outbound(items, connections: dict, summary: ImportSummary) -> None:
    """Create or update the outbound configurations of an export (by name); their lines are replaced."""
    if not isinstance(items, list):
        raise TransferError('"outbound" must be a list.')
    fields = OutboundConfiguration.TRANSFER_FIELDS
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise TransferError(f"outbound configuration {position}: must be an object.")
        where = f"outbound configuration {item.get('name', position)!r}"
        found = OutboundConfiguration.objects.filter(name=item.get("name")).first()
        configuration = _import_row(item, found or OutboundConfiguration(), fields, connections, "outbound", where)
        is_new = found is None
        (summary.created if is_new else summary.updated).append(f"outbound:{configuration.name}")
        if OutboundConfiguration.Auth(configuration.auth).needs_secret and not configuration.secret_encrypted:
            summary.warnings.append(f"outbound:{configuration.name}: set its {configuration.auth} secret in the admin.")
