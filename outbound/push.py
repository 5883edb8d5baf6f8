"""Odoo's "Send Webhook Notification", received: noted at once, the record read back later.

Odoo posts before its transaction commits (a read at once sees nothing for a create and old
values for a write; a create rolled back later was still announced), never retries, and may post
one create many times. So a notice only marks the record as due after a short delay, one row per
record; the read-back (ONE RPC) sends what changed, like a poll would, and a record not found is
read once more later before it is called deleted. Polling remains the safety net.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbound import polling, reading, services
from outbound.models import Event, OutboundConfiguration, PushNotice, RecordState

logger = logging.getLogger(__name__)


class BadNotice(ValueError):
    """The body is not an Odoo webhook notification for this configuration's model."""


def record_id_of(configuration: OutboundConfiguration, body) -> int:
    """The record a notification names (``_id``, or ``id``), checked against the configuration's model."""
    if not isinstance(body, dict):
        raise BadNotice("The body must be a JSON object, as Odoo's webhook notification is.")
    model = body.get("_model")
    if model is not None and model != configuration.odoo_model:
        raise BadNotice(f"This receiver takes {configuration.odoo_model} notifications, not {model}.")
    record_id = body.get("_id", body.get("id"))
    if isinstance(record_id, bool) or not isinstance(record_id, int) or record_id <= 0:
        raise BadNotice("The notification names no record: _id must be a positive integer.")
    return record_id


def note(configuration: OutboundConfiguration, record_id: int, now: datetime | None = None) -> PushNotice:
    """Mark the record due for a read-back after the push delay (one row per record)."""
    now = now or timezone.now()
    due = now + timedelta(seconds=settings.OUTBOUND_PUSH_DELAY_SECONDS)
    notice = services.upsert(
        PushNotice,
        {"configuration": configuration, "record_id": record_id},
        {"due_at": due, "rechecks": 0, "received_at": now},
    )
    _enqueue_on_commit(notice.pk, settings.OUTBOUND_PUSH_DELAY_SECONDS)
    return notice


def _enqueue_on_commit(notice_id: int, countdown: float) -> None:
    from outbound.tasks import read_back

    def send() -> None:
        try:
            read_back.apply_async((notice_id,), countdown=countdown or None)
        except Exception:  # noqa: BLE001 - broker down: the sweep reads due notices later
            logger.warning("Outbound: push notice %s not enqueued (broker unavailable); the sweep will", notice_id)

    transaction.on_commit(send)


def read_back(notice_id: int, now: datetime | None = None) -> str:
    """Read a due notice's record (ONE RPC) and send its change; what happened, in a word."""
    now = now or timezone.now()
    notice = PushNotice.objects.select_related("configuration__connection").filter(pk=notice_id).first()
    if notice is None or notice.due_at > now:
        return "not due"
    configuration = notice.configuration
    if not configuration.active:
        return "paused"
    mapping = services.mapping_of(configuration)
    domain = polling.and_domains(configuration.parsed_domain, [("id", "=", notice.record_id)])
    records = reading.read(configuration, mapping, domain, limit=1)
    with transaction.atomic():
        # Take the notice first (a write: see services.upsert); a newer notice of the record, or
        # another worker's read-back, changed it meanwhile: that one reads again.
        taken = PushNotice.objects.filter(pk=notice.pk, due_at=notice.due_at, rechecks=notice.rechecks).delete()[0]
        if not taken:
            return "taken"
        state = RecordState.objects.filter(configuration=configuration, record_id=notice.record_id).first()
        if records:
            result = polling.PollResult()
            polling.apply_record(configuration, mapping, records[0], state, now, result, [])
            return "created" if result.created else "updated" if result.updated else "unchanged"
        if notice.rechecks < 1:
            # Not there yet (Odoo had not committed) or gone: once more later before saying deleted.
            again = PushNotice.objects.create(
                configuration=configuration,
                record_id=notice.record_id,
                rechecks=notice.rechecks + 1,
                due_at=now + timedelta(seconds=settings.OUTBOUND_PUSH_RECHECK_SECONDS),
                received_at=notice.received_at,
            )
            _enqueue_on_commit(again.pk, settings.OUTBOUND_PUSH_RECHECK_SECONDS)
            return "recheck"
        if state is None:
            return "never seen"  # an announced create that was rolled back
        data = reading.deleted_data(mapping, notice.record_id, state.identifier)
        services.record_change(configuration, notice.record_id, Event.DELETED, data, now=now)
        return "deleted"


def due_notices(now: datetime) -> list[int]:
    """Notices whose read-back is due (their message may have been lost)."""
    return list(
        PushNotice.objects.filter(due_at__lte=now, configuration__active=True).values_list("id", flat=True)[:500]
    )
