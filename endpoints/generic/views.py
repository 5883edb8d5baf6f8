"""Views of the generic routes: decode the JSON-RPC call, authenticate, run one service, answer, annotate the log.

Plain Django views (the answers are JSON-RPC, not the hub's REST envelope). CSRF checks are off
because only ``application/json`` bodies are accepted, which a cross-site form cannot send.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from endpoints.generic import auth, protocol, services, session
from endpoints.generic.protocol import BusinessFailure, Outcome, RpcError
from hub.models import ApiKey
from hub.odoo.exceptions import OdooAuthError, OdooError, OdooUnavailable
from logs.recording import annotate
from outbound import callbacks

logger = logging.getLogger(__name__)


def _body(request, *, may_be_empty: bool = False) -> bytes:
    if request.method != "POST":
        raise RpcError(405, "Use POST.", headers={"Allow": "POST"})
    if may_be_empty and not int(request.META.get("CONTENT_LENGTH") or 0):
        return b""
    if request.content_type != "application/json":
        raise RpcError(415, "Send the call as application/json.")
    try:
        return request.body
    except RequestDataTooBig:
        raise RpcError(413, f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.") from None


def _log(request, route_kind: str, principal: str | None, outcome: str, error: str = "") -> None:
    """Tell the request log who called and how it ended (only what is known)."""
    details = {"route_kind": route_kind, "outcome": outcome}
    if principal:
        details["principal"] = principal
    if error:
        details["error"] = error
    annotate(request, **details)


def _note_error(request, exc: Exception) -> None:
    """Keep the exception behind an error answer for the log's error_class, as hub.envelope does for REST."""
    request.hub_error = exc


def _error(request, call_id, exc: RpcError) -> JsonResponse:
    response = JsonResponse(
        protocol.error_body(call_id, exc.http_status, exc.message, getattr(request, "request_id", None)),
        status=exc.http_status,
    )
    for name, value in exc.headers.items():
        response[name] = value
    return response


def _data_route(route: str, operation):
    @csrf_exempt
    def view(request):
        call_id, principal = None, None
        try:
            call_id, params = protocol.decode_body(_body(request))
            call = protocol.call_from(call_id, params)
            caller = auth.caller_for(request, route, call.model)
            principal = caller.principal
            try:
                outcome = operation(caller, call.model, call.vals)
            except BusinessFailure as exc:
                _note_error(request, exc)
                outcome = Outcome(False, exc.result, exc.message)
            except OdooError as exc:
                if isinstance(exc, OdooUnavailable | OdooAuthError):
                    raise
                _note_error(request, exc)
                outcome = Outcome(False, {}, exc.message)
        except (RpcError, OdooUnavailable, OdooAuthError) as exc:
            _note_error(request, exc)
            failure = _as_rpc_error(exc, principal)
            _log(request, "generic", principal or failure.principal, "failure", failure.message)
            return _error(request, call_id, failure)
        if outcome.is_success:
            _log(request, "generic", principal, "success")
        else:
            _log(request, "generic", principal, "failure", outcome.messages)
        return JsonResponse(protocol.result_body(call_id, outcome))

    view.__name__ = route
    view.__doc__ = f"/api/{route}"
    return view


def _as_rpc_error(exc: Exception, principal: str | None) -> RpcError:
    if isinstance(exc, RpcError):
        return exc
    if isinstance(exc, OdooAuthError) and principal and principal.startswith("odoo:"):
        # the user's password changed in Odoo since the session was opened
        return RpcError(401, "Odoo refused the session's credentials: authenticate again.")
    return RpcError(exc.http_status, exc.message)


def _keeping_callback_url(operation):
    """``vals.callback_url``: refused before any Odoo call when it is no usable URL, stored with the
    record once it is written (outbound configurations may target it)."""

    def run(caller, model: str, vals: dict) -> Outcome:
        url = vals.get("callback_url") if isinstance(vals, dict) else None
        if url is not None:
            problem = callbacks.problem(url)
            if problem is None and getattr(caller.connection, "pk", None) is None:
                problem = "callback_url needs an Odoo connection saved in the admin (not ODOO_URL)."
            if problem:
                raise RpcError(400, problem)
        outcome = operation(caller, model, vals)
        if url is not None and outcome.is_success:
            callbacks.remember(caller.connection, model, outcome.result["id"], url)
        return outcome

    return run


create_data = _data_route(ApiKey.Route.CREATE_DATA, _keeping_callback_url(services.create_data))
update_data = _data_route(ApiKey.Route.UPDATE_DATA, services.update_data)
create_update_data = _data_route(ApiKey.Route.CREATE_UPDATE_DATA, _keeping_callback_url(services.create_update_data))
search_data = _data_route(ApiKey.Route.SEARCH_DATA, services.search_data)
call_function = _data_route(ApiKey.Route.CALL_FUNCTION, services.call_function)


@csrf_exempt
def session_authenticate(request):
    """/web/session/authenticate: open a hub session as an Odoo user (cookie ``session_id``)."""
    call_id, principal = None, None
    try:
        call_id, params = protocol.decode_body(_body(request))
        login = params.get("login")
        principal = f"odoo:{login}" if isinstance(login, str) and login else None
        odoo_session, token = session.authenticate(params, request)
    except (RpcError, OdooUnavailable, OdooAuthError) as exc:
        _note_error(request, exc)
        failure = _as_rpc_error(exc, None)
        _log(request, "session", principal, "failure", failure.message)
        return _error(request, call_id, failure)
    _log(request, "session", principal, "success")
    result = {"uid": odoo_session.uid, "db": params["db"], "username": odoo_session.login}
    response = JsonResponse({"jsonrpc": protocol.JSONRPC_VERSION, "id": call_id, "result": result})
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        max_age=settings.SESSION_COOKIE_AGE,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )
    return response


@csrf_exempt
def session_destroy(request):
    """/web/session/destroy: end the hub session of the ``session_id`` cookie."""
    call_id = None
    try:
        raw = _body(request, may_be_empty=True)
        if raw.strip():
            call_id, _params = protocol.decode_body(raw)
    except RpcError as exc:
        _note_error(request, exc)
        _log(request, "session", None, "failure", exc.message)
        return _error(request, call_id, exc)
    ended = session.destroy(request.COOKIES.get(auth.SESSION_COOKIE))
    _log(request, "session", f"odoo:{ended.login}" if ended else None, "success")
    response = JsonResponse({"jsonrpc": protocol.JSONRPC_VERSION, "id": call_id, "result": None})
    response.delete_cookie(auth.SESSION_COOKIE, samesite="Lax")
    return response
