"""Retention of the request log: deleting old rows in small batches."""

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.db.models import Max, Min

from logs.models import RequestLog

logger = logging.getLogger(__name__)

_AGE = re.compile(r"^\s*(\d+)\s*([dhw]?)\s*$", re.IGNORECASE)
_UNITS = {"": "days", "d": "days", "h": "hours", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '2w' or a bare number of days, as a timedelta."""
    match = _AGE.match(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{text!r} is not an age like 30d, 12h or 2w (at least 1)")
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def purge_before(
    cutoff: datetime,
    *,
    batch_size: int = 10_000,
    using: str = "default",
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Delete rows created before ``cutoff``, one id range of ``batch_size`` per transaction.

    Each batch is a short transaction (no long lock, no rows loaded into memory); replays that
    point at a deleted row keep existing with ``replay_of`` emptied. Returns the count removed;
    ``progress(removed_in_batch, removed_so_far, last_id)`` is called after each batch.
    """
    old = RequestLog.objects.using(using).filter(created_at__lt=cutoff)
    bounds = old.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return 0
    table = connections[using].ops.quote_name(RequestLog._meta.db_table)
    # Table name from the model's meta, values as parameters.
    delete_sql = f"DELETE FROM {table} WHERE id >= %s AND id < %s AND created_at < %s"  # noqa: S608
    removed = 0
    low = bounds["low"]
    while low <= bounds["high"]:
        high = low + batch_size
        with transaction.atomic(using=using):
            in_batch = RequestLog.objects.using(using).filter(id__gte=low, id__lt=high, created_at__lt=cutoff)
            RequestLog.objects.using(using).filter(replay_of__in=in_batch).update(replay_of=None)
            with connections[using].cursor() as cursor:
                cursor.execute(delete_sql, [low, high, cutoff])
                count = max(cursor.rowcount, 0)
        removed += count
        if progress is not None:
            progress(count, removed, high - 1)
        low = high
    logger.info("Purged %s request log rows older than %s", removed, cutoff.isoformat())
    return removed
