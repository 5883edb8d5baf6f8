"""Replaying a logged request through the hub's own pipeline, in-process.

The request is rebuilt from its row (method, path, query, body, headers) and dispatched
through the full middleware stack and URL resolver, exactly as a WSGI server would, so the
new call is authenticated, transformed, sent to Odoo and logged like any other; its row
points back at the original through ``replay_of``.

Credentials were masked before storing, so the hub cannot re-send them, and it does not
bypass authentication for a replay: each masked credential header must be given again by
the operator on the confirmation page (sent with the replay only, masked in the new row),
otherwise the replay is refused. A request whose body or query was cut or masked is refused
too: what would be sent is not what the caller sent.
"""

import io
import sys
import uuid
from dataclasses import dataclass, field

from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest

from logs import redaction
from logs.models import RequestLog
from logs.recording import REPLAY_ENVIRON_KEY

# Headers rebuilt by the replay itself rather than copied from the row.
_NOT_COPIED = frozenset({"content-length", "content-type", "x-request-id"})


class ReplayRefused(Exception):
    """The logged request cannot be sent again as it was."""


@dataclass
class ReplayPlan:
    """Whether a row can be replayed, why not, and which credential headers must be given again."""

    log: RequestLog
    refusal: str = ""
    masked_headers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refusal


@dataclass
class ReplayResult:
    """The answer to a replay and its new log row (None when the endpoint's log mode skipped it)."""

    status: int
    content: bytes
    log: RequestLog | None


def is_credential_header(name: str) -> bool:
    """Whether the log masked this header's value (so a replay cannot send it)."""
    return name.lower() in redaction.SECRET_HEADERS or redaction.is_secret_key(name)


def plan(log: RequestLog) -> ReplayPlan:
    """Check a row before replaying it; says why not in words support staff understand."""
    masked = sorted(name for name, value in log.request_headers.items() if value and is_credential_header(name))
    if log.request_body_truncated:
        return ReplayPlan(log, f"Its body was cut at {log.request_body_size} bytes in the log.", masked)
    if log.request_masked:
        return ReplayPlan(log, "A secret in its body or query string was masked in the log.", masked)
    if "\ufffd" in log.request_body:
        return ReplayPlan(log, "Its body was not UTF-8 text; the log holds an approximation.", masked)
    return ReplayPlan(log, "", masked)


def replay(log: RequestLog, *, credentials: dict[str, str] | None = None) -> ReplayResult:
    """Send the logged request again through the hub; the new row links to ``log``."""
    checked = plan(log)
    if not checked.ok:
        raise ReplayRefused(checked.refusal)
    credentials = {name.lower(): value for name, value in (credentials or {}).items() if value}
    missing = [name for name in checked.masked_headers if name.lower() not in credentials]
    if missing:
        raise ReplayRefused(
            f"The original call carried {', '.join(missing)} (masked in the log): "
            "give a credential for it on the confirmation page."
        )
    request_id = uuid.uuid4().hex
    environ = _environ(log, credentials, request_id)
    response = _ReplayHandler()(environ)
    response.hub_close()  # the row is written when the response closes; this one is never sent
    content = b"" if response.streaming else response.content
    new_log = RequestLog.objects.filter(request_id=request_id).first()
    return ReplayResult(status=response.status_code, content=content, log=new_log)


def _environ(log: RequestLog, credentials: dict[str, str], request_id: str) -> dict:
    body = log.request_body.encode("utf-8")
    headers = {name: value for name, value in log.request_headers.items() if name.lower() not in _NOT_COPIED}
    headers = {name: value for name, value in headers.items() if not is_credential_header(name)}
    headers.update(credentials)
    headers["X-Request-ID"] = request_id
    environ = {
        "REQUEST_METHOD": log.method,
        # WSGI carries the path as bytes decoded as latin-1.
        "PATH_INFO": log.path.encode("utf-8").decode("iso-8859-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": log.query_string,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": _header(log.request_headers, "content-type"),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        REPLAY_ENVIRON_KEY: log.pk,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def _header(headers: dict, wanted: str) -> str:
    return next((value for name, value in headers.items() if name.lower() == wanted), "")


class _ReplayHandler(BaseHandler):
    """The WSGI handler's request path without its request_started/finished signals.

    Those signals close database connections, which must not happen in the middle of the admin
    request that asked for the replay.
    """

    def __init__(self):
        super().__init__()
        self.load_middleware()

    def __call__(self, environ: dict):
        request = WSGIRequest(environ)
        return self.get_response(request)
