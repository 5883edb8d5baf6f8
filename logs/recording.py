"""The log object of a request (``request.hub_log``) and the one write of its row.

The middleware (logs.middleware) attaches a :class:`HubLog` to every request, notes when the
answer was ready (:func:`answered`) and calls :func:`finish` once the answer has gone; views fill
in what they know by setting its fields. Nothing here ever raises into the request: a failed
write is logged.
"""

import datetime
import functools
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.http.request import RawPostDataException
from django.utils import timezone

from hub.client_address import client_ip
from logs import redaction
from logs.models import REQUEST_ID_MAX_LENGTH, Outcome, RequestLog, RouteKind
from logs.text import escape_nul

logger = logging.getLogger(__name__)

LOG_MODES = ("all", "errors", "off")
WRITE_ATTEMPTS = 3
# Set by logs.replay on the WSGI environ; never reachable from HTTP (headers become HTTP_*).
REPLAY_ENVIRON_KEY = "hub.replay_of"
NOT_STORED = "(not stored: the log could not process it)"


@dataclass(slots=True)  # slots: a misspelt field is an AttributeError, not a silently lost value
class HubLog:
    """What is known about one request so far; views set its fields, the middleware writes it.

    ``endpoint`` is the configured endpoint (its id, slug and log mode go in the row);
    ``log_mode`` overrides the endpoint's; ``exception`` is the error behind a failed answer
    (its class, message and mapping line are recorded when the fields say nothing else).
    """

    request_id: str
    started: float
    created_at: object
    answered: float | None = None  # perf_counter when the answer was ready: the row's duration ends there
    recorded: bool = True  # False outside the API routes: the object exists, no row is written
    endpoint: object = None
    route_kind: str = ""
    principal: str = ""
    outcome: str = ""
    line_id: int | None = None
    error: str = ""
    exception: BaseException | None = None
    log_mode: str = ""
    raw_body: bytes | None = None
    body_unreadable: str = ""

    def failed(self, error: str = "", *, exception: BaseException | None = None) -> None:
        """The call failed: why (a message), and the exception behind it when there is one."""
        self.outcome = Outcome.FAILURE
        if error:
            self.error = error[:4000]
        if exception is not None:
            self.exception = exception


def start(request, request_id: str, *, recorded: bool = True) -> HubLog:
    """Attach the log object of a request: timing, and (for a recorded one) the body before a view consumes it."""
    log = HubLog(request_id=request_id, started=time.perf_counter(), created_at=timezone.now(), recorded=recorded)
    if recorded:
        try:
            log.raw_body = request.body
        except RawPostDataException:
            log.body_unreadable = "(body already consumed)"
        except Exception as exc:  # noqa: BLE001 - e.g. RequestDataTooBig: the view answers it; we log the size
            log.body_unreadable = f"(body not read: {exc.__class__.__name__})"
    request.hub_log = log
    return log


def answered(request) -> None:
    """The answer is ready: the call's duration ends now, not when its row is written."""
    log = getattr(request, "hub_log", None)
    if log is not None:
        log.answered = time.perf_counter()


def outcome_of(log: HubLog, status: int) -> str:
    """The view's word on the outcome, except that an error status is always a failure."""
    if status >= 400:
        return Outcome.FAILURE
    return log.outcome or Outcome.SUCCESS


def should_write(log: HubLog, status: int, outcome: str) -> bool:
    """The endpoint's (or the view's) log mode decides: all, errors only, or off."""
    mode = log.log_mode or getattr(log.endpoint, "log_mode", "") or "all"
    if mode == "off":
        return False
    if mode == "errors":
        return status >= 400 or outcome == Outcome.FAILURE
    return True


def build_row(request, response, log: HubLog, stats, *, bare: bool = False) -> RequestLog:
    """The row for a finished request, with secrets masked and bodies cut.

    ``bare``: without query string, headers and bodies, for when masking them failed: the call
    is still recorded (who, what route, which status), and nothing unmasked is stored.
    """
    limit = settings.LOG_BODY_MAX_BYTES
    status = response.status_code
    path = request.path
    route_kind = log.route_kind or RouteKind.for_path(path)
    outcome = outcome_of(log, status)

    if bare:
        query = redaction.Masked("", False)
        body = redaction.Masked(NOT_STORED, False)
        body_size = len(log.raw_body) if log.raw_body is not None else _content_length(request)
    else:
        query = redaction.mask_query(request.META.get("QUERY_STRING", ""))
        if log.raw_body is not None:
            body = redaction.mask_body(log.raw_body, request.META.get("CONTENT_TYPE", ""))
            body_size = len(log.raw_body)
        else:
            body = redaction.Masked(log.body_unreadable, False)
            body_size = _content_length(request)
    request_body, request_cut = redaction.cut(body.text, limit)
    request_cut = request_cut or bare or (log.raw_body is None and body_size > 0)

    if bare:
        content = b"" if getattr(response, "streaming", False) else response.content
        response_body, response_size, response_cut = NOT_STORED, len(content), bool(content)
    else:
        response_body, response_size, response_cut = _response_text(response, route_kind, limit)

    error = log.exception
    error_message = log.error
    error_class = ""
    line_id = log.line_id
    if error is not None:
        error_class = f"{error.__class__.__module__}.{error.__class__.__qualname__}"
        if not error_message:
            error_message = str(getattr(error, "message", "") or error)
        if line_id is None:
            line_id = getattr(error, "line_id", None)
    error_message = redaction.mask_text(error_message[:4000]).text

    endpoint = log.endpoint
    replay_of = request.META.get(REPLAY_ENVIRON_KEY)
    row = RequestLog(
        created_at=log.created_at,
        request_id=log.request_id,
        endpoint_id=getattr(endpoint, "pk", None),
        endpoint_slug=getattr(endpoint, "slug", "") or "",
        route_kind=route_kind,
        method=request.method[:10],
        path=path[:2000],
        query_string=query.text,
        client_ip=client_ip(request),
        principal=(log.principal or _session_principal(request))[:200],
        status=status if 100 <= status <= 599 else 500,
        outcome=outcome,
        duration_ms=round(((log.answered or time.perf_counter()) - log.started) * 1000),
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
        request.META.get("QUERY_STRING", ""), log.raw_body, request.META.get("CONTENT_TYPE", ""), request.headers
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


def row_for(request, response, stats) -> RequestLog | None:
    """The row of a finished request, ready to insert, or None (not recorded, or its log mode says no);
    never raises."""
    log = getattr(request, "hub_log", None)
    if log is None or not log.recorded:
        return None
    try:
        outcome = outcome_of(log, response.status_code)
        if not should_write(log, response.status_code, outcome):
            return None
        try:
            row = build_row(request, response, log, stats)
        except Exception:  # a bug in masking must not cost the call its row
            logger.exception("Could not process request %s for the log; recording it bare", log.request_id)
            row = build_row(request, response, log, stats, bare=True)
        return escape_nul(row)
    except Exception:  # the log must never break an answer
        logger.exception("Could not record request %s %s (%s)", request.method, request.path, log.request_id)
        return None


def write_many(rows: list[RequestLog], using: str = "default") -> None:
    """Insert ``rows`` at once; a row it did not insert (its request id was taken, the
    statement failed) is written on its own by :func:`write`. Never raises: a row that cannot be
    written is logged."""
    failed = False
    if len(rows) > 1:
        try:
            _insert_many_ignoring_conflict(rows, using)
        except Exception as exc:  # noqa: BLE001 - a database error, or a row's value that cannot be sent
            logger.warning("Writing %s log rows at once failed; writing them one by one", len(rows))  # each fails alone
            if isinstance(exc, DatabaseError):
                failed = True  # perhaps inserted with its answer lost: write() checks before renaming
                connections[using].close()
    for row in rows:
        if row.pk is None:
            try:
                write(row, using, after_failure=failed)
            except Exception:
                logger.exception("Could not record request %s %s (%s)", row.method, row.path, row.request_id)


def write(row: RequestLog, using: str = "default", *, after_failure: bool = False) -> None:
    """Insert the row once: INSERT … ON CONFLICT DO NOTHING, retried on transient errors.

    A retry after a lost acknowledgement finds this very row already there and inserts nothing
    (``after_failure``: an earlier statement may have inserted it). Any other conflict means another
    request reused the caller's X-Request-ID: that request's row is kept and this one is stored
    under a suffixed id, so both calls are recorded.
    """
    connection = connections[using]
    failures = int(after_failure)
    renamed = False
    while True:
        try:
            inserted = _insert_ignoring_conflict(row, using)
        except DatabaseError:
            failures += 1
            if failures >= WRITE_ATTEMPTS or connection.in_atomic_block:
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


@functools.cache
def _fields() -> tuple:
    return tuple(field for field in RequestLog._meta.concrete_fields if not field.primary_key)


def _insert_from_json(connection) -> str:
    """PostgreSQL: the rows as one JSON array, each an object keyed by column, typed by the table itself
    (``jsonb_populate_record``) and inserted in their order. Python's C encoder turns the whole batch into
    that one parameter: binding each value instead cost the writer ~35 µs of CPU more per row."""
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in _fields()]
    # only names from the model, quoted by the backend: the values travel as the one parameter
    return (  # noqa: S608
        "INSERT INTO {table} ({columns}) SELECT {picked} "
        "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS given(value, position), "
        "jsonb_populate_record(NULL::{table}, given.value) AS r ORDER BY given.position "
        "ON CONFLICT DO NOTHING {returning}"
    ).format(
        table=quote(RequestLog._meta.db_table),
        columns=", ".join(columns),
        picked=", ".join(f"r.{column}" for column in columns),
        returning=_returning(connection),
    )


def _returning(connection) -> str:
    quote = connection.ops.quote_name
    return f"RETURNING {quote(RequestLog._meta.pk.column)}, {quote(RequestLog._meta.get_field('request_id').column)}"


def _json_rows(rows: list[RequestLog]) -> str:
    fields = _fields()
    return json.dumps(
        [{field.column: getattr(row, field.attname) for field in fields} for row in rows],
        default=_json_value,
        ensure_ascii=False,
    )


def _json_value(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"a log row holds a {type(value).__name__}, which the JSON insert does not convert")


def _insert_values(connection, rows: int) -> str:
    """SQLite: ``rows`` rows of placeholders."""
    quote = connection.ops.quote_name
    fields = _fields()
    one_row = "({})".format(", ".join(["%s"] * len(fields)))
    return "INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING {returning}".format(  # noqa: S608
        table=quote(RequestLog._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        values=", ".join([one_row] * rows),
        returning=_returning(connection),
    )


def _params(row: RequestLog, fields: tuple, connection) -> list:
    # get_db_prep_save is each field's public conversion to what the database driver takes; for most
    # columns it hands back the very value, which costs a third of the insert's CPU to find out
    params = []
    for field, kept_type in zip(fields, _kept_types(), strict=True):
        value = getattr(row, field.attname)
        if value is None or type(value) is not kept_type:
            value = field.get_db_prep_save(field.pre_save(row, add=True), connection)
        params.append(value)
    return params


# Fields whose conversion gives back any value of this exact type unchanged (Django's own methods,
# not overridden): a text for a char or text field, an int for an integer one, a bool for a boolean.
_UNCHANGED = (
    (models.BooleanField, bool, models.BooleanField.get_prep_value),
    (models.IntegerField, int, models.IntegerField.get_prep_value),
    (models.CharField, str, models.CharField.get_prep_value),
    (models.TextField, str, models.TextField.get_prep_value),
)


@functools.cache
def _kept_types() -> tuple:
    """Per field of the insert, the type its conversion keeps as it is, or None (always converted)."""

    def kept(field):
        if type(field).get_db_prep_value is not models.Field.get_db_prep_value:
            return None
        for field_class, value_type, prep in _UNCHANGED:
            if isinstance(field, field_class) and type(field).get_prep_value is prep:
                return value_type
        return None

    return tuple(kept(field) for field in _fields())


def _insert_ignoring_conflict(row: RequestLog, using: str) -> bool:
    """One INSERT that skips a row whose request id exists; True when the row was inserted.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL, SQLite 3.35+) answers a row only
    when it inserted one. That is per statement, unlike the cursor's rowcount, which SQLite takes
    from the connection and which another thread sharing it may change. One statement, no
    savepoint: the middleware runs outside the request's transaction (it is the outermost
    layer), and ON CONFLICT DO NOTHING cannot fail on a duplicate id.
    """
    _insert_many_ignoring_conflict([row], using)
    return row.pk is not None


def _insert_many_ignoring_conflict(rows: list[RequestLog], using: str) -> None:
    """All ``rows`` inserted in one statement, skipping those whose request id exists; each inserted
    row gets its pk. Of rows sharing one request id, at most the first is inserted."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_insert_from_json(connection), [_json_rows(rows)])
        else:
            fields = _fields()
            params = [value for row in rows for value in _params(row, fields, connection)]
            cursor.execute(_insert_values(connection, len(rows)), params)
        returned = cursor.fetchall()
    waiting: dict[str, list[RequestLog]] = {}
    for row in rows:
        waiting.setdefault(row.request_id, []).append(row)
    for pk, request_id in returned:
        waiting[request_id].pop(0).pk = pk
