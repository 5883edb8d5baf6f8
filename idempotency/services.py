"""Idempotency keys (draft-ietf-httpapi-idempotency-key-header): claim a key, store or replay its answer.

The first call with a key inserts a row (``INSERT … ON CONFLICT DO NOTHING``): the unique
(scope, key) is the lock every process sees. The call then runs, and its answer (status, the
headers that matter, the body bytes) is stored on the row. A repeat with the same key and the
same fingerprint (method, route, credential, body digest) is answered with the stored bytes and
``Idempotent-Replayed: true``; with another fingerprint it is 422; while the first still runs, 409.

A key becomes retryable (the next call with it runs again) when:
- the first call's answer is a 5xx: Odoo could not be reached or timed out, the hub failed;
- storing the answer failed, or the process died between calling Odoo and storing it: the row
  stays locked until ``HUB_IDEMPOTENCY_LOCK_SECONDS`` after the call began, then a retry takes it
  over. In these cases Odoo may have done the work already: the retry may do it again.
- it expired (``HUB_IDEMPOTENCY_RETENTION_HOURS``); ``purge_logs`` deletes expired rows.
"""

import hashlib
import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connection
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.http import HttpResponse
from django.utils import timezone

from idempotency.models import KEY_MAX_LENGTH, StoredAnswer

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = ("POST", "PUT")
STORED_HEADERS = ("Content-Type", "Location")  # the rest is the hub's per-request business
# A Structured Field String ("…", as the draft writes it) or, leniently, the bare characters.
_CHARS = rf"[\x21\x23-\x5b\x5d-\x7e]{{1,{KEY_MAX_LENGTH}}}"
_KEY = re.compile(rf'^(?:"({_CHARS})"|({_CHARS}))$')
TAKE_ATTEMPTS = 3
LOCKED_ATTEMPTS = 5


class Refused(Exception):
    """A call the key forbids to run: 400 (missing or malformed key), 409 (still running), 422 (other request)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.http_status = status
        self.message = message
        self.headers = headers or {}


class Replay(Exception):  # not an error: the answer to give instead of running the call
    """The call was made before: ``response`` is its stored answer."""

    def __init__(self, response: HttpResponse):
        super().__init__("replayed")
        self.response = response


@dataclass(frozen=True)
class Claim:
    """The hold of one request on its key: only its holder stores or releases the row."""

    pk: int
    token: str


def key_of(request, *, required: bool) -> str | None:
    """The request's Idempotency-Key, None without one; Refused(400) when malformed, or absent and required."""
    given = request.headers.get(HEADER)
    if given is None:
        if required:
            raise Refused(400, f"This endpoint requires an {HEADER} header on {request.method}.")
        return None
    match = _KEY.match(given.strip())
    if match is None:
        raise Refused(400, f"The {HEADER} header must be 1 to {KEY_MAX_LENGTH} visible ASCII characters, e.g. a UUID.")
    return match.group(1) or match.group(2)


def fingerprint_of(method: str, path: str, scope: str, body: bytes) -> str:
    """What makes two calls the same call: method, route, credential and body digest."""
    digest = hashlib.sha256(body).hexdigest()
    return hashlib.sha256("\n".join((method, path, scope, digest)).encode()).hexdigest()


def claim(request, scope: str, key: str, body: bytes) -> Claim:
    """Hold ``key`` of ``scope`` for this call; Refused (409, 422) or Replay when it was used before."""
    fingerprint = fingerprint_of(request.method, request.path, scope, body)
    for _attempt in range(TAKE_ATTEMPTS):
        now = timezone.now()
        token = uuid.uuid4().hex
        values = {
            "fingerprint": fingerprint,
            "token": token,
            "method": request.method,
            "path": request.path[:2000],
            "status": None,
            "headers": {},
            "body": b"",
            "created_at": now,
            "locked_until": now + timedelta(seconds=settings.HUB_IDEMPOTENCY_LOCK_SECONDS),
            "expires_at": now + timedelta(hours=settings.HUB_IDEMPOTENCY_RETENTION_HOURS),
        }
        # ON CONFLICT DO NOTHING: no failed statement, so no savepoint, whatever transaction is open.
        row = _retrying(_insert_or_read, scope, key, values)
        if row is None:
            continue  # released or purged meanwhile: try again
        if row.token == token:
            return Claim(row.pk, token)
        abandoned = row.is_running and row.locked_until <= now
        if row.expires_at <= now or abandoned:
            # Take the row over; the token decides between several takers (one update wins).
            if StoredAnswer.objects.filter(pk=row.pk, token=row.token).update(**values):
                if abandoned:
                    logger.warning(
                        "Idempotency key %s: the call begun at %s never finished; running it again",
                        row.pk,
                        row.created_at.isoformat(),
                    )
                return Claim(row.pk, token)
            continue
        if row.fingerprint != fingerprint:
            raise Refused(
                422, f"This {HEADER} was used for another request (method, route or body differ); use a new key."
            )
        if row.is_running:
            raise Refused(
                409,
                f"A request with this {HEADER} is still running; retry once it has finished.",
                headers={"Retry-After": "1"},
            )
        raise Replay(replay_of(row))
    raise Refused(409, f"A request with this {HEADER} is changing hands; retry.", headers={"Retry-After": "1"})


def _insert_or_read(scope: str, key: str, values: dict) -> StoredAnswer | None:
    """INSERT … ON CONFLICT DO NOTHING, then read the row at (scope, key), whoever inserted it.

    One plain statement, not bulk_create(): that opens a transaction, which threads sharing one
    connection (the test server on an in-memory database) cannot do at once.
    """
    row = StoredAnswer(scope=scope, key=key, **values)
    fields = [f for f in StoredAnswer._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(StoredAnswer, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [row])
    (sql, params), *_ = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return StoredAnswer.objects.filter(scope=scope, key=key).first()


def _retrying(operation, *args):
    """Run ``operation``, again after a short pause when SQLite says a table is locked by another writer.

    SQLite's busy timeout covers most of it; an in-memory shared-cache database (tests) answers
    "table is locked" at once. Inside a transaction nothing is retried: the transaction is lost.
    """
    attempt = 1
    while True:
        try:
            return operation(*args)
        except OperationalError as exc:
            if attempt == LOCKED_ATTEMPTS or "locked" not in str(exc) or connection.in_atomic_block:
                raise
            time.sleep(0.02 * attempt)
            attempt += 1


def replay_of(row: StoredAnswer) -> HttpResponse:
    """The stored answer, byte for byte, marked as replayed."""
    response = HttpResponse(bytes(row.body), status=row.status)
    for name, value in row.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def finish(held: Claim, response) -> None:
    """Store the answer (below 500) for replay, or release the key (5xx: the call may be retried). Never raises."""
    try:
        if response.status_code >= 500 or getattr(response, "streaming", False):
            release(held)
            return
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()  # DRF renders after the view: the stored bytes are those sent
        headers = {name: response[name] for name in STORED_HEADERS if name in response}
        store(held, response.status_code, headers, response.content)
    except DatabaseError:
        logger.exception("Could not store the answer of idempotent call %s; its key stays retryable", held.pk)
        release(held)


def store(held: Claim, status: int, headers: dict, body: bytes) -> None:
    """Keep the answer on the held row (a row taken over by another request is left alone)."""
    _retrying(
        lambda: StoredAnswer.objects.filter(pk=held.pk, token=held.token).update(
            status=status, headers=headers, body=body
        )
    )


def release(held: Claim) -> None:
    """Give the key up: the next call with it runs. Never raises (the lock then times out)."""
    try:
        _retrying(lambda: StoredAnswer.objects.filter(pk=held.pk, token=held.token, status__isnull=True).delete())
    except DatabaseError:
        logger.exception("Could not release idempotency key %s; it is retryable after its lock times out", held.pk)


def purge_expired(now=None) -> int:
    """Delete the answers past their retention; the number deleted."""
    deleted, _ = StoredAnswer.objects.expired(now or timezone.now()).delete()
    return deleted
