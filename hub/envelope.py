"""The one JSON envelope every hub API answer uses, and the exception handler that fills it.

Success: ``{"status": "success", "data": …}`` (lists add ``"pagination"``).
Error: ``{"status": "error", "code", "message", "line_id", "request_id"}``.
"""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the API answers as is: an HTTP status, a message, maybe the failing mapping line.

    Any exception with ``http_status`` and ``message`` attributes is answered the same way
    (the Odoo client's errors are), so this module needs to know no other package. One that also
    has a ``public_message`` is answered with that: its ``message`` is for staff only (the log row
    and the server log).
    """

    def __init__(self, status: int, message: str, *, line_id: int | None = None, headers: dict | None = None):
        super().__init__(message)
        self.http_status = status
        self.message = message
        self.line_id = line_id
        self.headers = headers or {}


def request_id_of(request) -> str | None:
    """The id the request log middleware gave this request."""
    return getattr(request, "request_id", None)


def success_body(data, pagination: dict | None = None) -> dict:
    body = {"status": "success", "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return body


def error_body(status: int, message: str, *, line_id: int | None = None, request_id: str | None = None) -> dict:
    return {"status": "error", "code": status, "message": message, "line_id": line_id, "request_id": request_id}


def error_response(request, status: int, message: str, *, line_id=None, headers=None) -> JsonResponse:
    """A plain Django error response in the envelope (for code outside DRF views)."""
    response = JsonResponse(
        error_body(status, message, line_id=line_id, request_id=request_id_of(request)), status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def describe(exc: Exception) -> tuple[int, str, int | None, dict]:
    """HTTP status, message, mapping line and headers for any exception the API may meet."""
    if isinstance(getattr(exc, "http_status", None), int) and isinstance(getattr(exc, "message", None), str):
        message = exc.message
        public = getattr(exc, "public_message", None)
        if isinstance(public, str) and public:
            logger.warning("Answered %s as %r: %s", exc.__class__.__name__, public, message)
            message = public
        return exc.http_status, message, getattr(exc, "line_id", None), dict(getattr(exc, "headers", {}))
    if isinstance(exc, Http404):
        return 404, "Not found.", None, {}
    # Django's own client errors, raised while a view reads the request
    if isinstance(exc, RequestDataTooBig):
        return 413, f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.", None, {}
    if isinstance(exc, SuspiciousOperation | BadRequest):
        return 400, "Bad request.", None, {}
    if isinstance(exc, PermissionDenied):
        return 403, "Forbidden.", None, {}
    if isinstance(exc, drf_exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail
        message = str(exc.default_detail) if isinstance(detail, (list, dict)) else str(detail)
        return exc.status_code, message, None, headers
    return 500, "Internal error.", None, {}


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error becomes the envelope, never a traceback."""
    request = context.get("request")
    status, message, line_id, headers = describe(exc)
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        view = context.get("view")
        authenticate_header = view.get_authenticate_header(request) if view is not None else None
        if authenticate_header:
            headers["WWW-Authenticate"] = authenticate_header
        else:
            status = 403 if status == 401 else status
    if status == 500:
        logger.exception("Unhandled error in %s", getattr(request, "path", "?"))
    log = getattr(request, "hub_log", None)  # the request log's object (logs.recording), when it runs
    if log is not None:
        log.failed(exception=exc)
    response = Response(error_body(status, message, line_id=line_id, request_id=request_id_of(request)), status=status)
    for name, value in headers.items():
        response[name] = value
    return response
