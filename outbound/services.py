"""The outbox: changes become delivery rows, workers claim and attempt them, the sweep re-enqueues.

Every function takes ``now`` so tests drive a fake clock; Celery tasks (outbound.tasks) call these
with the real one.
"""

import hashlib
import json
import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import timezone

from logs import redaction
from logs.models import Outcome, RequestLog, RouteKind
from mappings.engine import EndpointMapping
from outbound import delivery as http
from outbound.models import Delivery, Event, OutboundConfiguration, RecordState

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


def mapping_of(configuration: OutboundConfiguration) -> EndpointMapping:
    """The configuration's mapping lines, ready to turn records into payload data."""
    return EndpointMapping(configuration.lines.all())


def digest(data) -> str:
    """A stable SHA-256 of payload data: equal data, equal digest, whatever the key order."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def body(configuration: OutboundConfiguration, event: str, data, now: datetime) -> dict:
    """The delivery body in Standard Webhooks' recommended shape."""
    return {"type": f"{configuration.name}.{event}", "timestamp": now.isoformat(), "data": data}


def target_for(configuration: OutboundConfiguration, record_id: int) -> str | None:
    """Where a record's deliveries go: the static URL, or the URL the record was created with."""
    if configuration.target == OutboundConfiguration.Target.URL:
        return configuration.target_url
    from outbound.models import RecordCallback

    callback = (
        RecordCallback.objects.filter(
            connection_id=configuration.connection_id, odoo_model=configuration.odoo_model, record_id=record_id
        )
        .order_by("-id")
        .first()
    )
    return callback.url if callback is not None else None


def record_change(
    configuration: OutboundConfiguration,
    record_id: int,
    event: str,
    data,
    *,
    now: datetime,
    write_date: str = "",
    identifier=None,
) -> Delivery | None:
    """Remember the record's payload digest and, when the configuration sends this event to a known
    target, write its delivery row (superseding the record's older pending ones). Call inside the
    transaction that moves the cursor; the row is enqueued once that transaction commits."""
    if event == Event.DELETED:
        RecordState.objects.filter(configuration=configuration, record_id=record_id).delete()
    else:
        values = {"digest": digest(data), "write_date": write_date, "identifier": identifier, "checked_at": now}
        upsert(RecordState, {"configuration": configuration, "record_id": record_id}, values)
    if not configuration.sends(event):
        return None
    target = target_for(configuration, record_id)
    if not target:
        logger.warning("Outbound %s: record %s has no callback URL: %s not sent", configuration, record_id, event)
        return None
    row = Delivery.objects.create(
        configuration=configuration,
        record_id=record_id,
        event=event,
        payload=body(configuration, event, data, now),
        target_url=target,
        next_attempt_at=now,
        created_at=now,
    )
    # Only rows no attempt holds: an attempt under way finishes, and this one waits for it.
    Delivery.objects.pending().filter(
        configuration=configuration, record_id=record_id, id__lt=row.id, attempt_started_at__isnull=True, is_test=False
    ).update(state=Delivery.State.SUPERSEDED, finished_at=now, last_error=f"Superseded by #{row.id}")
    enqueue_on_commit(row.id)
    return row


def upsert(model, keys: dict, values: dict):
    """UPDATE, else INSERT: a write first (SQLite then takes its write lock at once, where a read
    first, as update_or_create does, fails to upgrade it while another process writes)."""
    if model.objects.filter(**keys).update(**values):
        return model.objects.get(**keys)
    try:
        with transaction.atomic():
            return model.objects.create(**keys, **values)
    except IntegrityError:  # another process inserted it meanwhile
        model.objects.filter(**keys).update(**values)
        return model.objects.get(**keys)


def enqueue_on_commit(delivery_id: int, countdown: float = 0) -> None:
    """Send the delivery's id to the workers once the row is committed (never before: a worker
    could not see it)."""
    from outbound.tasks import deliver

    def send() -> None:
        try:
            deliver.apply_async((delivery_id,), countdown=countdown or None)
        except Exception:  # noqa: BLE001 - broker down: the row waits, the sweep sends it later
            logger.warning("Outbound: delivery %s not enqueued (broker unavailable); the sweep will", delivery_id)

    transaction.on_commit(send)


def _older_unfinished(row: Delivery) -> bool:
    return Delivery.objects.filter(
        configuration_id=row.configuration_id,
        record_id=row.record_id,
        id__lt=row.id,
        state=Delivery.State.PENDING,
        is_test=False,
    ).exists()


def claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Take the row for one attempt, or None when it is not due, finished, paused, or waits for an
    older change of its record. One conditional UPDATE: of two workers, one wins."""
    row = Delivery.objects.select_related("configuration").filter(pk=delivery_id).first()
    if row is None or row.state != Delivery.State.PENDING or row.next_attempt_at > now:
        return None
    if not row.configuration.active and not row.is_test:
        return None
    if not row.is_test and _older_unfinished(row):
        return None  # per-record order: sent once the older one is finished
    lease = row.configuration.connect_timeout + row.configuration.read_timeout + settings.OUTBOUND_LEASE_MARGIN_SECONDS
    taken = Delivery.objects.filter(
        pk=row.pk, state=Delivery.State.PENDING, next_attempt_at=row.next_attempt_at, attempts=row.attempts
    ).update(attempts=F("attempts") + 1, attempt_started_at=now, next_attempt_at=now + timedelta(seconds=lease))
    if not taken:
        return None
    row.refresh_from_db()
    return row


def attempt_delivery(delivery_id: int, *, now: datetime | None = None, jitter: float | None = None) -> Delivery | None:
    """One attempt of a due delivery: claim, send, log, and record the outcome (or the next try)."""
    now = now or timezone.now()
    row = claim(delivery_id, now)
    if row is None:
        return None
    configuration = row.configuration
    payload = http.encode(row.payload)
    headers = http.build_headers(configuration, row.webhook_id, int(now.timestamp()), payload)
    attempt = http.send(configuration, configuration.method, row.target_url, headers, payload, now)
    _log_attempt(row, attempt, now)
    # the schedule counts from the attempt's start: the same clock the caller gave
    _record_outcome(row, attempt, now, random.random() if jitter is None else jitter)
    if row.state != Delivery.State.PENDING:
        _enqueue_next_of_record(row)
    return row


def _record_outcome(row: Delivery, attempt: http.Attempt, now: datetime, jitter: float) -> None:
    configuration = row.configuration
    row.last_status = attempt.status
    row.last_error = attempt.error
    row.attempt_started_at = None
    if attempt.delivered:
        row.state, row.finished_at = Delivery.State.DELIVERED, now
    elif not attempt.transient:
        row.state, row.finished_at = Delivery.State.FAILED, now
    else:
        when = http.next_attempt(attempt, row.attempts, configuration, now, jitter)
        if row.attempts >= configuration.max_attempts:
            row.state, row.finished_at = Delivery.State.DEAD, now
            row.last_error = f"{attempt.error} (after {row.attempts} attempts)"
        elif when > row.expires_at():
            row.state, row.finished_at = Delivery.State.DEAD, now
            row.last_error = f"{attempt.error} (next try would pass the maximum age)"
        else:
            row.next_attempt_at = when
    row.save(
        update_fields=["state", "finished_at", "last_status", "last_error", "attempt_started_at", "next_attempt_at"]
    )
    if row.state == Delivery.State.PENDING:
        enqueue_on_commit(row.id, countdown=max(0.0, (row.next_attempt_at - timezone.now()).total_seconds()))


def _enqueue_next_of_record(row: Delivery) -> None:
    following = (
        Delivery.objects.pending()
        .filter(configuration_id=row.configuration_id, record_id=row.record_id, id__gt=row.id)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if following is not None:
        enqueue_on_commit(following)


def _log_attempt(row: Delivery, attempt: http.Attempt, now: datetime) -> None:
    """The attempt's request-log row: route kind outbound, principal the configuration, bodies masked."""
    limit = settings.LOG_BODY_MAX_BYTES
    configuration = row.configuration
    headers = redaction.mask_headers(attempt.request_headers)
    if configuration.auth == OutboundConfiguration.Auth.HEADER and configuration.auth_header in headers:
        headers[configuration.auth_header] = redaction.MASK
    sent = redaction.mask_body(attempt.body, "application/json")
    request_body, request_cut = redaction.cut(sent.text, limit)
    answer = redaction.mask_body(attempt.response_body, attempt.response_headers.get("content-type", ""))
    response_body, response_cut = redaction.cut(answer.text, limit)
    # no answer: the status a gateway would give
    status = attempt.status if attempt.status is not None else 504 if attempt.error_class == "Timeout" else 502
    try:
        RequestLog.objects.create(
            created_at=now,
            request_id=f"{row.webhook_id}.{row.attempts}",
            endpoint_slug=configuration.name[:100],
            route_kind=RouteKind.OUTBOUND,
            method=attempt.method,
            path=attempt.url[:2000],
            principal=f"outbound:{configuration.name}"[:200],
            status=status,
            outcome=Outcome.SUCCESS if attempt.delivered else Outcome.FAILURE,
            duration_ms=round(attempt.seconds * 1000),
            request_headers=headers,
            request_body=request_body,
            request_body_size=len(attempt.body),
            request_body_truncated=request_cut,
            request_masked=sent.masked,
            response_body=response_body,
            response_body_size=len(attempt.response_body),
            response_body_truncated=response_cut or attempt.response_truncated,
            error=redaction.mask_text(attempt.error[:4000]).text,
            error_class=attempt.error_class[:200],
            delivery=row,
        )
    except IntegrityError:
        logger.exception("Outbound: the log row of delivery %s attempt %s was not written", row.pk, row.attempts)


def sweep(now: datetime | None = None) -> int:
    """Re-enqueue due pending deliveries (their message may have been lost); the count sent."""
    from outbound.tasks import deliver

    now = now or timezone.now()
    ids = list(
        Delivery.objects.due(now)
        .filter(configuration__active=True)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


def redeliver(rows, now: datetime | None = None) -> int:
    """Admin "redeliver now": finished or waiting rows become pending and due at once."""
    now = now or timezone.now()
    ids = list(rows.values_list("id", flat=True))
    Delivery.objects.filter(id__in=ids).update(
        state=Delivery.State.PENDING, next_attempt_at=now, finished_at=None, attempt_started_at=None
    )
    for delivery_id in ids:
        enqueue_on_commit(delivery_id)
    return len(ids)


def cancel(rows, now: datetime | None = None) -> int:
    """Admin "cancel": pending rows are never sent."""
    now = now or timezone.now()
    return rows.filter(state=Delivery.State.PENDING).update(
        state=Delivery.State.CANCELLED, finished_at=now, last_error="Cancelled in the admin"
    )


def metrics(now: datetime | None = None) -> dict:
    """What support asks first: deliveries pending, dead, and the age of the oldest pending one."""
    now = now or timezone.now()
    pending = Delivery.objects.pending()
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "pending": pending.count(),
        "dead": Delivery.objects.dead().count(),
        "oldest_pending_seconds": round((now - oldest).total_seconds()) if oldest else None,
    }


class NothingToSend(Exception):
    """The test delivery found no record, or no target for it."""


def send_test_delivery(configuration: OutboundConfiguration, now: datetime | None = None) -> Delivery:
    """Admin "Send test delivery": the latest record of the domain (ONE read), sent now, in this
    process; the row (marked test) and its log row show the answer. Record states are untouched."""
    from outbound import reading

    now = now or timezone.now()
    mapping = mapping_of(configuration)
    records = reading.read(
        configuration, mapping, configuration.parsed_domain, limit=1, order="write_date desc, id desc"
    )
    if not records:
        raise NothingToSend(f"No {configuration.odoo_model} record within the domain to send.")
    record = records[0]
    data = reading.payload_data(configuration, mapping, record)
    if data is None:
        raise NothingToSend(f"Record {record['id']} cannot be mapped: see the log.")
    target = target_for(configuration, record["id"])
    if not target:
        raise NothingToSend(f"Record {record['id']} has no callback URL.")
    row = Delivery.objects.create(
        configuration=configuration,
        record_id=record["id"],
        event=Event.UPDATED,
        payload=body(configuration, Event.UPDATED, data, now),
        target_url=target,
        next_attempt_at=now,
        created_at=now,
        is_test=True,
    )
    attempt_delivery(row.pk, now=now)
    row.refresh_from_db()
    if row.state == Delivery.State.PENDING:
        # a test is tried once, never retried: its error stays as the answer
        Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.CANCELLED, finished_at=now)
        row.refresh_from_db()
    return row
