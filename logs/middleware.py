"""Gives every request an id, answers crashes on API routes in the envelope, and writes the log row.

Listed first in MIDDLEWARE, so it wraps everything else: by the time it writes the row, the
request's own transaction (ATOMIC_REQUESTS or a view's atomic block) is over, committed or
rolled back, and the row survives a request that failed. The row (and any work deferred through
hub.deferred) is handed to the log writer (logs.writer) when the WSGI server closes the response,
after sending it: the caller does not wait for the log's commit.
"""

import logging
import re
import sys
import uuid
import weakref
from http import HTTPStatus

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError

from hub import callstats, garbage, jsonrpc
from hub.envelope import error_response, request_id_of
from logs import recording
from logs.writer import writer

logger = logging.getLogger(__name__)

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
API_PREFIXES = ("/bj_api_sync/", "/api/", "/web/session/")
# Exceptions Django itself turns into a client error (400/403/404), not a crash.
CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


def request_id_for(request) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex


def is_api_path(path: str) -> bool:
    """Whether requests to this path are logged and answered in the envelope."""
    return path.startswith(API_PREFIXES)


def note_exception(sender, request=None, **kwargs) -> None:
    """``got_request_exception`` receiver: keeps the class of a crash outside any view for the log."""
    exception = sys.exc_info()[1]
    log = getattr(request, "hub_log", None)
    if log is not None and exception is not None and log.exception is None:
        log.exception = exception


def envelope_for(request, status: int, message: str, headers: dict | None = None):
    """An error answer in the envelope of the path's family: JSON-RPC on the generic and session
    routes, the REST envelope elsewhere."""
    if not jsonrpc.is_jsonrpc_path(request.path):
        return error_response(request, status, message, headers=headers)
    response = JsonResponse(jsonrpc.error_body(None, status, message, request_id_of(request)), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def envelope_for_page(request, response):
    """The error envelope in place of a non-JSON error page, keeping the headers that matter."""
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    message = "Internal error." if status >= 500 else f"{phrase}."
    headers = {name: response[name] for name in ("Allow", "WWW-Authenticate", "Retry-After") if name in response}
    return envelope_for(request, status, message, headers)


def after_response(request, response, stats) -> None:
    """Hand the call to the log writer (its row when ``stats`` is given, its deferred work) once
    ``response`` is closed.

    WSGI servers call ``close()`` after the last byte went out (Django's test client does too);
    Django runs the response's ``_resource_closers`` there, the hook its own file responses use.
    ``response.hub_close`` does the same work at once and waits for it, for a caller that never
    closes and reads the row next (the replay). Closing also breaks the call's reference cycles
    (hub.garbage), and ``close`` holds the response weakly, as the response holds ``close``.
    """
    finished = False
    answer = weakref.ref(response)

    def close() -> None:
        nonlocal finished
        if finished:
            return
        finished = True
        closed = answer()
        garbage.release(closed)
        garbage.drop_tracebacks(request.hub_log.exception)  # the row keeps its class and message only
        writer.submit(request, closed, stats)

    def close_and_wait() -> None:
        close()
        writer.flush()

    response._resource_closers.append(close)
    response.hub_close = close_and_wait


class RequestLogMiddleware:
    """Outermost middleware of the hub's API routes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        if not is_api_path(request.path):
            recording.start(request, request.request_id, recorded=False)
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            after_response(request, response, None)
            return response

        recording.start(request, request.request_id)
        with callstats.tracking() as stats:
            response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            # Django's own HTML error pages (unknown route 404, a crash in another middleware) become the envelope.
            response = envelope_for_page(request, response)
        response["X-Request-ID"] = request.request_id
        recording.answered(request)
        after_response(request, response, stats)
        return response

    def process_exception(self, request, exception):
        if not is_api_path(request.path):
            return None
        request.hub_log.exception = exception
        if isinstance(exception, CLIENT_ERRORS):
            return None  # Django answers these 400/403/404 itself; __call__ puts its page in the envelope
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return envelope_for(request, 500, "Internal error.")
