"""One polling cycle of a configuration: ONE ``web_search_read`` (the lines' specification) finds
what changed and which known records still exist; the deliveries are written in the transaction
that moves the cursor.

The cursor is ``(write_date, id)`` of the last record sent. Odoo answers ``write_date`` cut to
the second while PostgreSQL keeps microseconds, so ``=`` on a value read never matches and ``>``
returns that same second again. The query therefore asks for ``write_date >= next second`` OR
(``write_date >= cursor second`` AND ``id > cursor id``): it pages through one busy second by id
and needs no exact match. Once a cycle has caught up, the cursor id goes back to 0 so the last
second is read again next time: a record of that second committed after our read (one
transaction's records share its start time) is not skipped, and the payload digest keeps the
records already sent from being sent twice.

Deletions: the same read asks for up to ``deletion_check_size`` known records (those checked
longest ago) by id; a known record missing from a complete answer has left Odoo or the domain.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from outbound import reading, services
from outbound.models import Event, OutboundConfiguration, RecordState

logger = logging.getLogger(__name__)

ORDER = "write_date asc, id asc"
_ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass
class PollResult:
    """What one cycle did."""

    read: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    cursor: tuple[str, int] = ("", 0)
    skipped: str = ""  # why nothing was done (another cycle moved the cursor first)

    @property
    def sent(self) -> int:
        return self.created + self.updated + self.deleted


def _next_second(write_date: str) -> str:
    return (datetime.strptime(write_date, _ODOO_DATETIME) + timedelta(seconds=1)).strftime(_ODOO_DATETIME)


def cursor_domain(write_date: str, record_id: int) -> list:
    """Records after the cursor, exact whether Odoo keeps microseconds or not."""
    if not write_date:
        return []
    return [
        "|",
        ("write_date", ">=", _next_second(write_date)),
        "&",
        ("write_date", ">=", write_date),
        ("id", ">", record_id),
    ]


def _after_cursor(record: dict, write_date: str, record_id: int) -> bool:
    if not write_date:
        return True
    stamp = str(record.get("write_date") or "")[:19]
    return stamp > write_date or (stamp == write_date and record["id"] > record_id)


def and_domains(*domains: list) -> list:
    """Domains joined by AND in Odoo's prefix notation (each an operand)."""
    operands = [d for d in domains if d]
    result: list = []
    for index, domain in enumerate(operands):
        if index < len(operands) - 1:
            result.append("&")
        result.extend(_one_operand(domain))
    return result


def _one_operand(domain: list) -> list:
    leaves = sum(1 for item in domain if not isinstance(item, str))
    operators = sum(1 for item in domain if item in ("&", "|"))
    return ["&"] * (leaves - 1 - operators) + list(domain)


def poll(configuration: OutboundConfiguration, *, now: datetime | None = None) -> PollResult:
    """One cycle: one read, then the deliveries and the new cursor in one transaction."""
    now = now or timezone.now()
    start_date, start_id = configuration.cursor_write_date, configuration.cursor_id
    mapping = services.mapping_of(configuration)
    known = list(
        RecordState.objects.filter(configuration=configuration)
        .order_by("checked_at", "record_id")
        .values_list("record_id", flat=True)[: configuration.deletion_check_size]
    )
    changed = cursor_domain(start_date, start_id)
    # no cursor yet: every record of the domain is new, none is known
    selector = ["|", *_one_operand(changed), ("id", "in", known)] if changed and known else changed
    limit = configuration.batch_size + len(known)
    records = reading.read(
        configuration, mapping, and_domains(configuration.parsed_domain, selector), limit=limit, order=ORDER
    )
    complete = len(records) < limit
    result = PollResult(read=len(records))

    cursor = (start_date, start_id)
    for record in records:
        if _after_cursor(record, start_date, start_id):
            cursor = (str(record.get("write_date") or "")[:19], record["id"])
    if complete:
        cursor = (cursor[0], 0)  # caught up: read the last second again next time (see module doc)
    interval = timedelta(seconds=configuration.poll_interval or 60)
    with transaction.atomic():
        # The transaction's first statement writes: the cursor moves only if no other cycle (a second
        # worker, the command) moved it since we read; a write first also takes SQLite's write lock
        # at once (a read first would fail to upgrade it when a worker writes meanwhile).
        moved = OutboundConfiguration.objects.filter(
            pk=configuration.pk, cursor_write_date=start_date, cursor_id=start_id
        ).update(cursor_write_date=cursor[0], cursor_id=cursor[1], last_polled_at=now, next_poll_at=now + interval)
        if not moved:
            result.skipped = "another cycle moved the cursor first"
            return result
        states = {
            s.record_id: s
            for s in RecordState.objects.filter(
                configuration=configuration, record_id__in=[r["id"] for r in records] + known
            )
        }
        still_there = []
        for record in records:
            apply_record(configuration, mapping, record, states.get(record["id"]), now, result, still_there)
        if complete:
            present = {record["id"] for record in records}
            for record_id in known:
                if record_id not in present:
                    state = states.get(record_id)
                    data = reading.deleted_data(mapping, record_id, state.identifier if state else None)
                    services.record_change(configuration, record_id, Event.DELETED, data, now=now)
                    result.deleted += 1
        if still_there:
            RecordState.objects.filter(configuration=configuration, record_id__in=still_there).update(checked_at=now)
        configuration.cursor_write_date, configuration.cursor_id = cursor
    result.cursor = cursor
    logger.info(
        "Outbound %s polled: %s read, %s created, %s updated, %s deleted",
        configuration,
        result.read,
        result.created,
        result.updated,
        result.deleted,
    )
    return result


def apply_record(configuration, mapping, record: dict, state, now, result: PollResult, still_there: list) -> None:
    """One record as read: sent as created (new to the domain) or updated (payload changed), or not at all."""
    data = reading.payload_data(configuration, mapping, record)
    if data is None:
        return
    if state is not None and state.digest == services.digest(data):
        result.unchanged += 1
        still_there.append(record["id"])
        return
    event = Event.CREATED if state is None else Event.UPDATED
    services.record_change(
        configuration,
        record["id"],
        event,
        data,
        now=now,
        write_date=str(record.get("write_date") or "")[:19],
        identifier=reading.identifier_of(mapping, record),
    )
    if event == Event.CREATED:
        result.created += 1
    else:
        result.updated += 1


def poll_due(now: datetime | None = None) -> list[tuple[str, PollResult]]:
    """One cycle of every active configuration whose interval has elapsed."""
    now = now or timezone.now()
    results = []
    for configuration in OutboundConfiguration.objects.due_for_poll(now).select_related("connection"):
        try:
            results.append((configuration.name, poll(configuration, now=now)))
        except Exception:
            logger.exception("Outbound %s: poll failed", configuration)
            OutboundConfiguration.objects.filter(pk=configuration.pk).update(
                next_poll_at=now + timedelta(seconds=configuration.poll_interval)
            )
    return results
