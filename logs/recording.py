"""What the middleware knows about a request, what views add to it, and the one write of its row.

Views call :func:`annotate`; the middleware (logs.middleware) calls :func:`start` and
:func:`finish`. Nothing here ever raises into the request: a failed write is logged.
"""

import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.http.request import RawPostDataException
from django.utils import timezone

from hub.client_address import client_ip
from logs import redaction
from logs.models import REQUEST_ID_MAX_LENGTH, Outcome, RequestLog, RouteKind

logger = logging.getLogger(__name__)

LOG_MODES = ("all", "errors", "off")
WRITE_ATTEMPTS = 3
# Set by logs.replay on the WSGI environ; never reachable from HTTP (headers become HTTP_*).
REPLAY_ENVIRON_KEY = "hub.replay_of"
NOT_STORED = "(not stored: the log could not process it)"


@dataclass
class Record:
    """What is known about one request so far (kept on the Django request as ``_hub_log``)."""

    request_id: str
    started: float
    created_at: object
    endpoint: object = None
    route_kind: str = ""
    principal: str = ""
    outcome: str = ""
    line_id: int | None = None
    error: str = ""
    log_mode: str = ""
    raw_body: bytes | None = None
    body_unreadable: str = ""


def _django_request(request):
    """The Django HttpRequest behind a DRF Request (DRF keeps attributes set on itself)."""
    return getattr(request, "_request", request)


def annotate(request, **fields) -> None:
    """Tell the request log what the view knows: endpoint, route_kind, principal, outcome, line_id,
    error, log_mode. Unknown names are refused loudly: they are programming errors."""
    record = getattr(_django_request(request), "_hub_log", None)
    unknown = set(fields) - {"endpoint", "route_kind", "principal", "outcome", "line_id", "error", "log_mode"}
    if unknown:
        raise TypeError(f"annotate() got unknown fields: {', '.join(sorted(unknown))}")
    if record is None:
        return  # not an API route, or the middleware is not installed (e.g. a unit test)
    if "log_mode" in fields and fields["log_mode"] not in (*LOG_MODES, None):
        raise ValueError(f"log_mode must be one of {LOG_MODES}")
    if "outcome" in fields and fields["outcome"] not in (*Outcome.values, None):
        raise ValueError(f"outcome must be one of {Outcome.values}")
    for name, value in fields.items():
        setattr(record, name, "" if value is None and name not in ("endpoint", "line_id") else value)


def start(request, request_id: str) -> Record:
    """Begin the record of an API request: timing, and the body before a view consumes it."""
    record = Record(request_id=request_id, started=time.perf_counter(), created_at=timezone.now())
    try:
        record.raw_body = request.body
    except RawPostDataException:
        record.body_unreadable = "(body already consumed)"
    except Exception as exc:  # noqa: BLE001 - e.g. RequestDataTooBig: the view answers it; we log the size
        record.body_unreadable = f"(body not read: {exc.__class__.__name__})"
    request._hub_log = record
    return record


def outcome_of(record: Record, status: int) -> str:
    """The view's word on the outcome, except that an error status is always a failure."""
    if status >= 400:
        return Outcome.FAILURE
    return record.outcome or Outcome.SUCCESS


def should_write(record: Record, status: int, outcome: str) -> bool:
    """The endpoint's (or the view's) log mode decides: all, errors only, or off."""
    mode = record.log_mode or getattr(record.endpoint, "log_mode", "") or "all"
    if mode == "off":
        return False
    if mode == "errors":
        return status >= 400 or outcome == Outcome.FAILURE
    return True


def build_row(
    request, response, record: Record, stats, error: BaseException | None, *, bare: bool = False
) -> RequestLog:
    """The row for a finished request, with secrets masked and bodies cut.

    ``bare``: without query string, headers and bodies, for when masking them failed: the call
    is still recorded (who, what route, which status), and nothing unmasked is stored.
    """
    limit = settings.LOG_BODY_MAX_BYTES
    status = response.status_code
    path = request.path
    route_kind = record.route_kind or RouteKind.for_path(path)
    outcome = outcome_of(record, status)

    if bare:
        query = redaction.Masked("", False)
        body = redaction.Masked(NOT_STORED, False)
        body_size = len(record.raw_body) if record.raw_body is not None else _content_length(request)
    else:
        query = redaction.mask_query(request.META.get("QUERY_STRING", ""))
        if record.raw_body is not None:
            body = redaction.mask_body(record.raw_body, request.META.get("CONTENT_TYPE", ""))
            body_size = len(record.raw_body)
        else:
            body = redaction.Masked(record.body_unreadable, False)
            body_size = _content_length(request)
    request_body, request_cut = redaction.cut(body.text, limit)
    request_cut = request_cut or bare or (record.raw_body is None and body_size > 0)

    if bare:
        content = b"" if getattr(response, "streaming", False) else response.content
        response_body, response_size, response_cut = NOT_STORED, len(content), bool(content)
    else:
        response_body, response_size, response_cut = _response_text(response, route_kind, limit)

    error_message = record.error
    error_class = ""
    line_id = record.line_id
    if error is not None:
        error_class = f"{error.__class__.__module__}.{error.__class__.__qualname__}"
        if not error_message:
            error_message = str(getattr(error, "message", "") or error)
        if line_id is None:
            line_id = getattr(error, "line_id", None)
    error_message = redaction.mask_text(error_message[:4000]).text

    endpoint = record.endpoint
    replay_of = request.META.get(REPLAY_ENVIRON_KEY)
    row = RequestLog(
        created_at=record.created_at,
        request_id=record.request_id,
        endpoint_id=getattr(endpoint, "pk", None),
        endpoint_slug=getattr(endpoint, "slug", "") or "",
        route_kind=route_kind,
        method=request.method[:10],
        path=path[:2000],
        query_string=query.text,
        client_ip=client_ip(request),
        principal=(record.principal or _session_principal(request))[:200],
        status=status if 100 <= status <= 599 else 500,
        outcome=outcome,
        duration_ms=round((time.perf_counter() - record.started) * 1000),
        rpc_count=stats.count if stats is not None else 0,
        rpc_ms=stats.milliseconds if stats is not None else 0,
        request_headers={} if bare else redaction.mask_headers(request.headers),
        request_body=request_body,
        request_body_size=body_size,
        request_body_truncated=request_cut,
        request_masked=body.masked or query.masked,
        response_body=response_body,
        response_body_size=response_size,
        response_body_truncated=response_cut,
        error=error_message,
        error_class=error_class[:200],
        line_id=line_id if isinstance(line_id, int) and line_id >= 0 else None,
        replay_of_id=replay_of if isinstance(replay_of, int) else None,
    )
    if bare:
        return row
    sent = redaction.sent_secrets(
        request.META.get("QUERY_STRING", ""), record.raw_body, request.META.get("CONTENT_TYPE", ""), request.headers
    )
    return redaction.scrub_row(row, sent)


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _session_principal(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.get_username()}"
    return ""


def _response_text(response, route_kind: str, limit: int) -> tuple[str, int, bool]:
    if getattr(response, "streaming", False):
        return "(streamed response)", 0, False
    content = response.content
    if route_kind == RouteKind.LOGS:
        # The log API answers with other rows: storing them again would grow the log with itself.
        return "(not stored: log API answer)", len(content), False
    content_type = response.get("Content-Type", "")
    if content and not any(kind in content_type for kind in ("json", "text", "xml", "javascript")):
        return f"(binary: {content_type or 'unknown type'})", len(content), False
    text, cut = redaction.cut(redaction.mask_body(content, content_type).text, limit)
    return text, len(content), cut


def finish(request, response, stats, error: BaseException | None) -> RequestLog | None:
    """Build and write the row of a finished request; never raises."""
    record = getattr(request, "_hub_log", None)
    if record is None:
        return None
    try:
        outcome = outcome_of(record, response.status_code)
        if not should_write(record, response.status_code, outcome):
            return None
        try:
            row = build_row(request, response, record, stats, error)
        except Exception:  # a bug in masking must not cost the call its row
            logger.exception("Could not process request %s for the log; recording it bare", record.request_id)
            row = build_row(request, response, record, stats, error, bare=True)
        write(row)
        return row
    except Exception:  # the log must never break an answer
        logger.exception("Could not record request %s %s (%s)", request.method, request.path, record.request_id)
        return None


def write(row: RequestLog, using: str = "default") -> None:
    """Insert the row once: INSERT … ON CONFLICT DO NOTHING, retried on transient errors.

    A retry after a lost acknowledgement finds this very row already there and inserts nothing.
    Any other conflict means another request reused the caller's X-Request-ID: that request's row
    is kept and this one is stored under a suffixed id, so both calls are recorded.
    """
    connection = connections[using]
    failures = 0
    renamed = False
    while True:
        try:
            inserted = _insert_ignoring_conflict(row, using)
        except DatabaseError:
            failures += 1
            if failures == WRITE_ATTEMPTS or connection.in_atomic_block:
                raise
            logger.warning("Writing log row %s failed (attempt %s), retrying", row.request_id, failures)
            connection.close()  # reconnect on the next attempt
            time.sleep(0.05 * failures)
            continue
        # After a failed attempt the conflicting row may be ours (the insert went through, its
        # answer was lost) or another request's that took the id meanwhile: only ours ends here.
        if inserted or (failures and _is_stored(row, using)):
            return
        if renamed:  # even the random suffix is taken: give up rather than loop
            raise DatabaseError(f"log row {row.request_id} was not written")
        original = row.request_id
        row.request_id = f"{original[: REQUEST_ID_MAX_LENGTH - 13]}.{uuid.uuid4().hex[:12]}"
        renamed = True
        logger.info("Request id %s was already logged; this call is logged as %s", original, row.request_id)


def _is_stored(row: RequestLog, using: str) -> bool:
    """Whether the row under ``row.request_id`` is this one (same start time, method, path and status)."""
    return (
        RequestLog.objects.using(using)
        .filter(
            request_id=row.request_id,
            created_at=row.created_at,
            method=row.method,
            path=row.path,
            status=row.status,
        )
        .exists()
    )


def _insert_ignoring_conflict(row: RequestLog, using: str) -> bool:
    """One INSERT that skips a row whose request id exists; True when the row was inserted.

    ``… ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL; ``INSERT OR IGNORE … RETURNING`` on
    SQLite) answers a row only when it inserted one. That is per statement, unlike the cursor's
    rowcount, which SQLite takes from the connection and which another thread sharing it may change.
    """
    fields = [f for f in RequestLog._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(RequestLog, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [row])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [RequestLog._meta.pk]
    # One statement, no savepoint: the middleware runs outside the request's transaction (it is
    # the outermost layer), and ON CONFLICT DO NOTHING cannot fail on a duplicate id.
    connection = connections[using]
    returning = connection.features.can_return_columns_from_insert  # SQLite 3.35+, PostgreSQL
    (sql, params), *_ = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not returning:
            return cursor.rowcount > 0
        returned = cursor.fetchall()
    if returned:
        row.pk = returned[0][0]
    return bool(returned)
