"""Gives every request an id and answers crashes on API routes in the envelope.

(The request log row itself is written here too once the log model exists.)
"""

import logging
import re
import uuid

from hub.envelope import error_response

logger = logging.getLogger(__name__)

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
API_PREFIXES = ("/bj_api_sync/", "/api/", "/web/session/")


def request_id_for(request) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Outermost middleware of the hub's API routes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIXES):
            return None
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        request.hub_error = exception
        return error_response(request, 500, "Internal error.")
