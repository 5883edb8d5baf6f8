"""Views of the generic routes: DRF views that answer JSON-RPC, with one exception handler (protocol).

A call is read and checked before its caller is authenticated (authentication is lazy: a
malformed call is a 400 whoever sends it), then one service runs. CSRF checks are off (DRF's
views are CSRF-exempt unless a session authentication asks for it) because only
``application/json`` bodies are accepted, which a cross-site form cannot send.

Letting a data call in reads the shared cache (the settings' and the API keys' versions, the caller's
failed authentications) and counts it against the rate limits: two round trips. A call with an API key
this process holds, on settings it holds, takes one: the rate-limit script counts it only if both
versions are still current and the caller is not throttled; else nothing is counted and the call goes
the ordinary way, which gives every refusal (``DataView.let_in_ahead``, as endpoints.views does).
"""

import logging

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from endpoints.generic import auth, gateway, protocol, schema, services, session
from endpoints.generic.caller import Caller
from endpoints.generic.models import GenericRouteSettings, OdooSession
from endpoints.generic.protocol import BusinessFailure, Outcome, RpcError
from hub import ratelimit, sharedcache
from hub.auth import credentials, keys, throttle
from hub.auth.authentication import key_accepted
from hub.auth.models import ApiKey
from hub.odoo.exceptions import OdooAuthError, OdooError, OdooUnavailable
from outbound import callbacks

logger = logging.getLogger(__name__)


class AnyAccept(BaseContentNegotiation):
    """JSON whatever the Accept header says: JSON-RPC clients (and Odoo's) send all sorts."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class JsonRpcView(APIView):
    """The common part of every generic route: POST only, a JSON body, JSON-RPC answers and errors."""

    http_method_names = ["post"]
    authentication_classes = [auth.GenericKeyAuthentication, auth.OdooSessionAuthentication]
    permission_classes = []
    parser_classes = []  # the body is read by protocol.decode_body, with its own messages
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept
    route_kind = "generic"
    body_optional = False
    call_id = None

    def initial(self, request, *args, **kwargs):
        request.hub_log.route_kind = self.route_kind
        if request.method != "POST":
            self.http_method_not_allowed(request)
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        """Deferred to ``request.auth`` in the view: the call is read and checked first."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise RpcError(405, "Use POST.", headers={"Allow": "POST"})

    def get_exception_handler(self):
        return protocol.exception_handler

    def params(self, request) -> dict:
        """The call's ``params`` (its id kept for the answer); RpcError 413, 415 or 400."""
        if self.body_optional and not int(request.META.get("CONTENT_LENGTH") or 0):
            return {}
        if request.content_type != "application/json":
            raise RpcError(415, "Send the call as application/json.")
        raw = request.body  # RequestDataTooBig: a 413 (hub.envelope.describe)
        if self.body_optional and not raw.strip():
            return {}
        self.call_id, params = protocol.decode_body(raw, params_required=not self.body_optional)
        return params

    def answer(self, result) -> Response:
        return Response({"jsonrpc": protocol.JSONRPC_VERSION, "id": self.call_id, "result": result})


class DataView(JsonRpcView):
    """One generic data route: ``route`` is its allow-list name, ``operation`` its service."""

    route: str = ""
    operation = None

    def post(self, request):
        call = protocol.call_from(self.call_id, self.params(request))
        try:
            ahead = self.let_in_ahead(request, call)
            if ahead is None:
                with sharedcache.read_ahead(gateway.shared_keys(request)):  # one round trip to let the call in
                    # request.auth authenticates now: the call itself was read and checked first
                    caller = auth.caller_for(request.auth, self.route, call.model)
                    gateway.admit(request, caller.principal, gateway.route_settings())
            else:
                caller, settings = ahead
                gateway.admit(request, caller.principal, settings)  # counted: refused here when past a limit
            outcome = self.run(caller, call)
        except OdooAuthError as exc:
            if isinstance(request.auth, OdooSession):  # the user's password changed in Odoo since the login
                raise RpcError(401, "Odoo refused the session's credentials: authenticate again.") from exc
            raise
        log = request.hub_log
        if outcome.is_success:
            log.outcome = "success"
        else:
            log.failed(outcome.messages)
        return Response(protocol.result_body(self.call_id, outcome))

    def let_in_ahead(self, request, call) -> tuple[Caller, GenericRouteSettings] | None:
        """Identify an API key's caller and count the call in one round trip to the shared cache, from the
        settings and keys this process holds: the caller and the settings when counted (both still current,
        the caller not throttled). None when nothing was: the counters cannot check conditions (not in Redis),
        the call has no API key (a session's cookie is looked up in the database anyway), nothing is held, the
        key is not one held or may not make this call (the ordinary way refuses it, from keys known to be
        current), or a condition failed."""
        if not ratelimit.checks_conditions():
            return None
        token = credentials.api_key(request)
        held_settings = gateway.held_settings()
        if not token or held_settings is None:
            return None
        held_key = keys.held(token)
        if held_key is None:
            return None
        (settings, settings_current), (key, keys_current) = held_settings, held_key
        try:
            caller = auth.caller_for(key, self.route, call.model)
        except (RpcError, OdooAuthError):
            return None
        conditions = (settings_current, keys_current, throttle.condition(request, throttle.GENERIC))
        if not gateway.count_ahead(request, conditions, settings, caller.principal):
            return None
        request.user, request.auth = key_accepted(request, key)
        return caller, settings

    def handle_exception(self, exc):
        return gateway.replayed(self.request, exc) or super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        gateway.complete(request, response)
        return response

    def run(self, caller, call) -> Outcome:
        """The service's outcome; a business failure or an Odoo refusal is an answer, not an error."""
        log = self.request.hub_log
        try:
            return type(self).operation(caller, call.model, call.vals)
        except BusinessFailure as exc:
            log.exception = exc
            return Outcome(False, exc.result, exc.message)
        except (OdooUnavailable, OdooAuthError):
            raise
        except OdooError as exc:
            log.exception = exc
            return Outcome(False, {}, exc.message)


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


def data_view(route: str, operation) -> type[DataView]:
    """The view class of one data route, documented from its serializers (endpoints.generic.schema)."""
    view = type(f"{route}_view", (DataView,), {"route": route, "operation": operation, "__doc__": f"/api/{route}"})
    return extend_schema_view(post=extend_schema(**schema.data_route(route)))(view)


CreateDataView = data_view(ApiKey.Route.CREATE_DATA, _keeping_callback_url(services.create_data))
UpdateDataView = data_view(ApiKey.Route.UPDATE_DATA, services.update_data)
CreateUpdateDataView = data_view(ApiKey.Route.CREATE_UPDATE_DATA, _keeping_callback_url(services.create_update_data))
SearchDataView = data_view(ApiKey.Route.SEARCH_DATA, services.search_data)
CallFunctionView = data_view(ApiKey.Route.CALL_FUNCTION, services.call_function)


@extend_schema_view(post=extend_schema(**schema.SESSION_AUTHENTICATE))
class SessionAuthenticateView(JsonRpcView):
    """/web/session/authenticate: open a hub session as an Odoo user (cookie ``session_id``)."""

    route_kind = "session"
    authentication_classes = []

    def post(self, request):
        params = self.params(request)
        login = params.get("login")
        if isinstance(login, str) and login:
            request.hub_log.principal = f"odoo:{login}"
        odoo_session, token = session.authenticate(params, request)
        request.hub_log.outcome = "success"
        response = self.answer({"uid": odoo_session.uid, "db": params["db"], "username": odoo_session.login})
        response.set_cookie(
            auth.SESSION_COOKIE,
            token,
            max_age=settings.SESSION_COOKIE_AGE,
            httponly=True,
            secure=not settings.DEBUG,
            samesite="Lax",
        )
        return response


@extend_schema_view(post=extend_schema(**schema.SESSION_DESTROY))
class SessionDestroyView(JsonRpcView):
    """/web/session/destroy: end the hub session of the ``session_id`` cookie."""

    route_kind = "session"
    authentication_classes = []
    body_optional = True

    def post(self, request):
        self.params(request)
        ended = session.destroy(request.COOKIES.get(auth.SESSION_COOKIE))
        if ended is not None:
            request.hub_log.principal = f"odoo:{ended.login}"
        request.hub_log.outcome = "success"
        response = self.answer(None)
        response.delete_cookie(auth.SESSION_COOKIE, samesite="Lax")
        return response
