"""The JSON-RPC shape of the generic routes: reading a call, writing its answer.

A call is ``{"jsonrpc": "2.0", "method": "call", "id": …, "params": {"model": …, "vals": {…}}}``
(a body with only ``params`` is accepted). An answer is either a result
(``{"jsonrpc", "id", "result": {"is_success", "result", "messages"}}``, HTTP 200, also for
business failures) or, for failures of the call itself (bad JSON, authentication, allow-list,
Odoo unreachable), an error object with the HTTP status as ``code``.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from rest_framework.response import Response

from hub import jsonbody
from hub.envelope import describe, request_id_of
from hub.jsonrpc import JSONRPC_VERSION, error_body
from hub.odoo.names import is_model_name

logger = logging.getLogger(__name__)


class RpcError(Exception):
    """A failure of the call itself, answered with an HTTP error status and a JSON-RPC error object."""

    def __init__(self, http_status: int, message: str, *, headers: dict | None = None, public_message: str = ""):
        super().__init__(message)
        self.http_status = http_status
        self.message = message
        self.public_message = public_message  # what callers see when ``message`` is for staff only
        self.headers = headers or {}


class BusinessFailure(Exception):
    """The call was understood but could not be done: answered ``is_success: false`` (HTTP 200)."""

    def __init__(self, message: str, result: Any = None):
        super().__init__(message)
        self.message = message
        self.result = {} if result is None else result


@dataclass
class Outcome:
    """What an operation answers inside ``result``."""

    is_success: bool
    result: Any
    messages: str


@dataclass
class RpcCall:
    """One decoded call: the JSON-RPC id, the Odoo model and the ``vals`` object."""

    id: Any
    model: str
    vals: dict = field(default_factory=dict)


def decode_body(raw: bytes, *, params_required: bool = True) -> tuple[Any, dict]:
    """The JSON-RPC id and the ``params`` object of a request body; RpcError(400) when malformed.

    Without ``params_required`` (Odoo's /web/session/destroy) a missing or null ``params`` is ``{}``.
    """
    try:
        body = jsonbody.loads(raw or b"")
    except jsonbody.JsonTooDeep as exc:
        raise RpcError(400, f"The request body is not valid JSON: {exc}") from None
    except jsonbody.JsonHoldsNul as exc:
        raise RpcError(400, str(exc)) from None
    except ValueError:  # UnicodeDecodeError is one too
        raise RpcError(400, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise RpcError(400, "The request body must be a JSON object.")
    call_id = body.get("id")
    if isinstance(call_id, dict | list | bool):  # JSON-RPC 2.0: an id is a string, a number or null
        raise RpcError(400, '"id" must be a string, a number or null.')
    if "jsonrpc" in body and body["jsonrpc"] != JSONRPC_VERSION:
        raise RpcError(400, '"jsonrpc" must be "2.0".')
    if not isinstance(body.get("method", ""), str):  # ignored, but documented as text
        raise RpcError(400, '"method" must be a string.')
    params = body.get("params")
    if params is None and not params_required:
        return call_id, {}
    if not isinstance(params, dict):
        raise RpcError(400, 'The request body needs a "params" object.')
    return call_id, params


def decode_call(raw: bytes) -> RpcCall:
    """A data call (``params.model`` and ``params.vals``) from a request body; RpcError(400) when malformed."""
    return call_from(*decode_body(raw))


def call_from(call_id: Any, params: dict) -> RpcCall:
    """The data call of a decoded body's ``params``; RpcError(400) when model or vals are malformed."""
    model = params.get("model")
    if not is_model_name(model):
        raise RpcError(400, '"params.model" must be an Odoo model name such as "res.partner".')
    vals = params.get("vals", {})
    if not isinstance(vals, dict):
        raise RpcError(400, '"params.vals" must be an object.')
    return RpcCall(id=call_id, model=model, vals=vals)


def result_body(call_id: Any, outcome: Outcome) -> dict:
    """The answer to a call that was carried out (successfully or not)."""
    return {
        "jsonrpc": JSONRPC_VERSION,
        "id": call_id,
        "result": {"is_success": outcome.is_success, "result": outcome.result, "messages": outcome.messages},
    }


def exception_handler(exc: Exception, context: dict) -> Response:
    """The generic routes' DRF exception handler: every error becomes the JSON-RPC error object."""
    request, view = context.get("request"), context.get("view")
    status, message, _line_id, headers = describe(exc)
    if status == 500:
        logger.exception("Unhandled error in %s", getattr(request, "path", "?"))
    log = getattr(request, "hub_log", None)
    if log is not None:
        log.failed(getattr(exc, "message", message), exception=exc)  # staff see the detail
    body = error_body(getattr(view, "call_id", None), status, message, request_id_of(request))
    return Response(body, status=status, headers=headers)
