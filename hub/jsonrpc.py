"""The JSON-RPC error envelope of the generic routes and the Odoo-style session, and which paths use it.

Here, below both the generic routes (endpoints.generic.protocol answers their failures with it) and
the request log middleware (which answers Django's own error pages on those paths with it), so
that each family of routes has one error shape whoever answers.
"""

from hub.auth.models import ApiKey

JSONRPC_VERSION = "2.0"
# The generic data routes (the key routes but the log API, which is REST) and the session routes.
DATA_PATHS = tuple(f"/api/{route}" for route in ApiKey.Route.values if route != ApiKey.Route.LOGS)
SESSION_PREFIX = "/web/session/"


def is_jsonrpc_path(path: str) -> bool:
    """Whether failures on this path are answered with :func:`error_body` (a typo'd sub-path too)."""
    return path.startswith(SESSION_PREFIX) or any(path == p or path.startswith(p + "/") for p in DATA_PATHS)


def error_body(call_id, status: int, message: str, request_id: str | None) -> dict:
    """The answer to a call that was refused or could not reach Odoo: the HTTP status as ``code``."""
    return {
        "jsonrpc": JSONRPC_VERSION,
        "id": call_id,
        "error": {"code": status, "message": message, "data": {"request_id": request_id}},
    }
