"""REST views of the configured endpoints: /bj_api_sync/v1/<slug> and /bj_api_sync/v1/<slug>/<id>.

Thin on purpose: resolve the configuration, authenticate, check the method, let the call in (rate
limits, idempotency: endpoints.gateway), call a service, wrap the answer in the envelope. Every
error is an exception the envelope handler answers.

Letting a call in reads the shared cache (the configuration's version, the caller's failed
authentications) and counts it against its rate limits: two round trips. When this process holds
the endpoint's configuration and the call passes what that configuration checks, one round trip
does both: the rate-limit script counts the call only if the version is still current and the
caller is not throttled. Else nothing is counted and the call goes the ordinary way, which gives
every refusal (``let_in_ahead``).
"""

import logging
from urllib.parse import quote, urlencode

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from endpoints import auth, config, gateway, services
from endpoints.models import Endpoint
from hub import nul, ratelimit, sharedcache
from hub.auth import throttle
from hub.envelope import ApiError, error_response, success_body
from hub.jsonbody import JsonBodyParser, JsonOnlyNegotiation
from hub.odoo.exceptions import OdooValidationError
from idempotency import services as idempotency

logger = logging.getLogger(__name__)

API_VERSION = "1.0"
BODY_METHODS = ("POST", "PUT")
# A longer Location (an identifier of thousands of characters) breaks clients and proxies that
# cap header lines (nginx 4-8 KiB, Python's http.client 64 KiB): the answer then goes without it.
MAX_LOCATION_LENGTH = 2000


def check_api_version(request) -> None:
    """``X-API-Version`` is optional; when given it must be a version this hub speaks."""
    given = request.headers.get("X-API-Version")
    if given is not None and given.strip() != API_VERSION:
        raise ApiError(400, f"Unsupported X-API-Version {given!r}; this hub speaks {API_VERSION}.")


@extend_schema(exclude=True)  # the schema describes each configured endpoint instead (endpoints.schema)
class EndpointView(APIView):
    """Common pipeline of both routes; subclasses name the methods their route serves."""

    authentication_classes = [auth.EndpointAuthentication]  # each endpoint its own way
    permission_classes = []
    parser_classes = [JsonBodyParser]  # strict JSON, nesting bounded: a 400, never a crash
    content_negotiation_class = JsonOnlyNegotiation  # another Content-Type: 415 naming it
    route_methods: tuple[str, ...] = ()
    endpoint_config = None
    identity = None  # the caller, when it was identified ahead (let_in_ahead)
    let_in = False  # counted ahead, its route checked (let_in_ahead)

    def route_allowed(self) -> list[str]:
        """Methods this route serves for the resolved endpoint (for 405 and ``Allow``)."""
        endpoint = self.endpoint_config.endpoint if self.endpoint_config else None
        if endpoint is None:
            return list(self.route_methods)
        return [m for m in self.route_methods if endpoint.allows(m)]

    def initial(self, request, *args, **kwargs):
        request.hub_log.route_kind = "rest"
        super().initial(request, *args, **kwargs)  # content negotiation, then perform_authentication below
        if not self.let_in:
            self.check_route(request)
        endpoint = self.endpoint_config.endpoint
        gateway.admit(
            request,
            target=ratelimit.endpoint_target(endpoint.slug),
            policies=ratelimit.endpoint_policies(endpoint),
            principal=request.hub_log.principal or None,
            idempotent=request.method in idempotency.METHODS,
            require_key=endpoint.require_idempotency_key and request.method == "POST",
        )

    def check_route(self, request) -> None:
        """405 for a method the endpoint does not enable on this route; 400 for a NUL in the identifier or query."""
        method = "GET" if request.method == "HEAD" else request.method  # HEAD is a GET without the body
        if method not in self.route_allowed():
            raise ApiError(
                405,
                f"Method {request.method} is not enabled on this route of {self.endpoint_config.endpoint.slug}.",
                headers={"Allow": ", ".join(self.route_allowed())},
            )
        if nul.NUL in self.kwargs.get("identifier", ""):
            raise ApiError(400, nul.message("record identifier"))
        if nul.holds_nul(list(request.query_params.lists())):
            raise ApiError(400, nul.message("query string"))

    def perform_authentication(self, request):
        """Resolve the endpoint first: its configuration says how its callers authenticate."""
        check_api_version(request)
        slug = self.kwargs["slug"]
        if self.let_in_ahead(request, slug):
            request.hub_log.endpoint = self.endpoint_config.endpoint
            super().perform_authentication(request)  # by the identity found ahead: no cache read
            return
        # the configuration's version and the caller's failed-authentication counter: one round trip
        with sharedcache.read_ahead((config.VERSION_KEY, *throttle.keys(request, throttle.endpoint_target(slug)))):
            self.endpoint_config = config.load(slug)
            if self.endpoint_config is None:
                raise ApiError(404, f"No endpoint {slug!r}.")
            request.hub_log.endpoint = self.endpoint_config.endpoint
            super().perform_authentication(request)

    def let_in_ahead(self, request, slug: str) -> bool:
        """Identify the caller and count the call in one round trip to the shared cache, from the configuration
        this process holds: True when counted (the configuration's version was current, the caller not
        throttled). False when nothing was: the counters cannot check conditions (not in Redis), no configuration
        held, a check of the call refused it (the ordinary path refuses it again, from a configuration known to be
        current), or a condition failed."""
        if not ratelimit.checks_conditions():
            return False  # nothing to save, and the caller would be identified twice
        held = config.held(slug)
        if held is None:
            return False
        self.endpoint_config, current = held
        endpoint = self.endpoint_config.endpoint
        conditions = (current,)
        try:
            self.check_route(request)
            if endpoint.auth != Endpoint.Auth.NONE:
                self.identity = auth.identify(self.endpoint_config, request)
                conditions += (throttle.condition(request, throttle.endpoint_target(slug)),)
        except ApiError:
            counted = False
        else:
            counted = gateway.count_ahead(
                request,
                conditions,
                target=ratelimit.endpoint_target(slug),
                policies=ratelimit.endpoint_policies(endpoint),
                principal=self.identity.principal if self.identity else None,
            )
        if not counted:
            self.endpoint_config = self.identity = None
        self.let_in = counted
        return counted

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise ApiError(
            405, f"Method {request.method} is not allowed.", headers={"Allow": ", ".join(self.route_allowed())}
        )

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return gateway.replayed(self.request, exc)
        if isinstance(exc, OdooValidationError) and self.request.method not in BODY_METHODS:
            # ARCHITECTURE.md: 422 only where a body parsed and Odoo refused it; else a plain 400
            exc.http_status = 400
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.endpoint_config is None:
            del response["Allow"]  # no endpoint, no methods to speak of
        else:
            response["Allow"] = ", ".join(self.route_allowed())
        response["X-API-Version"] = API_VERSION
        gateway.complete(request, response)
        return response

    def json_body(self, request):
        """The parsed JSON body; DRF's parser and the envelope answer a wrong type (415), broken JSON
        (400) and a body over the limit (413); an empty body would parse as {}, so it is refused here."""
        try:
            raw = request.body
        except ValueError:  # Django reads Content-Length with int(); some servers pass any text on
            raise ApiError(400, "The Content-Length header must be a number of bytes.") from None
        if not raw:
            raise ApiError(400, "The request has no body; send a JSON object.")
        return request.data

    def success(self, data, status: int = 200, pagination: dict | None = None) -> Response:
        return Response(success_body(data, pagination), status=status)


class CollectionView(EndpointView):
    """GET a page of records, POST one record or a list of them."""

    route_methods = (Endpoint.Method.GET, Endpoint.Method.POST)

    def get(self, request, slug: str):
        params = {key: request.query_params.get(key) for key in request.query_params}
        page = services.list_records(self.endpoint_config, params)
        if page.limit is None:
            return self.success(page.records)
        pagination = {"limit": page.limit, "offset": page.offset, "total": page.total, "next": None}
        if page.offset + page.limit < (page.total or 0):
            following = {**params, "limit": page.limit, "offset": page.offset + page.limit}
            pagination["next"] = request.build_absolute_uri(f"{request.path}?{urlencode(following)}")
        return self.success(page.records, pagination=pagination)

    def post(self, request, slug: str):
        services.check_no_params(request.query_params)
        records = services.create_records(self.endpoint_config, self.json_body(request))
        if isinstance(request.data, list):
            return self.success(records, status=201)
        response = self.success(records[0], status=201)
        identifier = self.endpoint_config.mapping.identifier
        value = records[0].get(identifier.external_key) if identifier else None
        location = request.build_absolute_uri(f"{request.path}/{quote(str(value), safe='')}")
        if value not in (None, "") and len(location) <= MAX_LOCATION_LENGTH:
            response["Location"] = location
        return response


class RecordView(EndpointView):
    """GET, PUT (partial update) or DELETE the record at a record identifier."""

    route_methods = (Endpoint.Method.GET, Endpoint.Method.PUT, Endpoint.Method.DELETE)

    def get(self, request, slug: str, identifier: str):
        services.check_no_params(request.query_params)
        return self.success(services.get_record(self.endpoint_config, identifier))

    def put(self, request, slug: str, identifier: str):
        services.check_no_params(request.query_params)
        return self.success(services.update_record(self.endpoint_config, identifier, self.json_body(request)))

    def delete(self, request, slug: str, identifier: str):
        services.check_no_params(request.query_params)
        return self.success(services.delete_record(self.endpoint_config, identifier))


def no_route(request, *args, **kwargs):
    """Anything else under /bj_api_sync/: 404 in the envelope rather than Django's HTML page."""
    request.hub_log.route_kind = "rest"
    return error_response(request, 404, "No such route; endpoints live at /bj_api_sync/v1/<endpoint>[/<id>].")
