"""The OpenAPI side of rate limits and idempotency keys (endpoints.gateway): the RateLimit fields
on every answer, 429 with Retry-After, and on writes the Idempotency-Key parameter with its 409
and 422 answers and the Idempotent-Replayed field.

:func:`add_gateway` runs over a built schema after the endpoints' and generic routes' paths are in.
"""

import logging

from endpoints.models import Endpoint
from hub.models import ApiKey
from idempotency.models import KEY_MAX_LENGTH

logger = logging.getLogger(__name__)

REST_PREFIX = "/bj_api_sync/v1/"
GENERIC_PATHS = {f"/api/{route}" for route in ApiKey.Route.values}
WRITE_METHODS = ("post", "put")
DRAFT = "draft-ietf-httpapi-ratelimit-headers"

HEADERS = {
    "RateLimit-Policy": {
        "description": f"The limits that apply ({DRAFT}): one item per limit, e.g. "
        '`"address-1min";q=100;w=60, "credential-1h";q=1000;w=3600` (quota q per window w seconds). '
        "Absent when the route has no limit.",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": f"Where the caller stands ({DRAFT}): per limit, the calls left r and the seconds t "
        'until its window ends, e.g. `"address-1min";r=42;t=17`. Absent when the limits could not be counted.',
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before calling again", "schema": {"type": "integer"}},
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer of an earlier call with the same Idempotency-Key",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
RATE_LIMIT_HEADERS = {name: {"$ref": f"#/components/headers/{name}"} for name in ("RateLimit-Policy", "RateLimit")}


def _key_parameter(required: bool) -> dict:
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": required,
        "description": "A unique key per intended call (e.g. a UUID), draft-ietf-httpapi-idempotency-key-header. "
        "A repeat with the same key and body gets the first answer again, without calling Odoo; keys belong "
        "to the credential and are kept for HUB_IDEMPOTENCY_RETENTION_HOURS (default 24 h)."
        + (" Required on this endpoint." if required else ""),
        "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH},
    }


def _error(description: str, error_schema: str, headers: dict | None = None) -> dict:
    answer = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{error_schema}"}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _extend(responses: dict, code: str, answer: dict) -> None:
    """Add an answer, or its description to the one already documented under that status."""
    if code in responses:
        old = responses[code]
        responses[code] = {
            **old,
            "description": f"{old['description']}; or: {answer['description']}",
            "headers": {**old.get("headers", {}), **answer.get("headers", {})},
        }
    else:
        responses[code] = answer


def _add_headers(responses: dict, code: str, headers: dict) -> None:
    # A copy, never an update in place: the builders of the paths share answer objects between routes.
    responses[code] = {**responses[code], "headers": {**responses[code].get("headers", {}), **headers}}


def _add_idempotency(operation: dict, error_schema: str, *, required: bool) -> None:
    """The Idempotency-Key parameter of a write, its refusals, and the replay marker on its successes."""
    operation["parameters"] = [*operation.get("parameters", []), _key_parameter(required)]
    responses = operation["responses"]
    replayed = {"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}
    for code in [code for code in responses if code.startswith("2")]:
        _add_headers(responses, code, replayed)
    _extend(responses, "400", _error("Malformed Idempotency-Key, or none where required", error_schema))
    _extend(responses, "409", _error("A call with this Idempotency-Key is still running", error_schema))
    _extend(responses, "422", _error("This Idempotency-Key was used for another request (other body)", error_schema))


def add_gateway(schema: dict) -> dict:
    """Add rate-limit headers and 429 to every API operation, and idempotency keys to the writes."""
    components = schema.setdefault("components", {})
    components.setdefault("headers", {}).update(HEADERS)
    # Configured endpoints are only in a document served over HTTP: no query (no database) otherwise.
    has_endpoints = any(path.startswith(REST_PREFIX) for path in schema.get("paths", {}))
    required_on_post = (
        {endpoint.path for endpoint in Endpoint.objects.inbound().active().filter(require_idempotency_key=True)}
        if has_endpoints
        else set()
    )
    for path, item in schema.get("paths", {}).items():
        if path in GENERIC_PATHS:
            error_schema = "JsonRpcError"
        elif path.startswith(REST_PREFIX):
            error_schema = "ErrorEnvelope"
        else:
            continue
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"] = dict(operation["responses"])
            too_many = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
            _extend(responses, "429", _error("Rate limit exceeded; wait Retry-After seconds", error_schema, too_many))
            if method in WRITE_METHODS:
                _add_idempotency(operation, error_schema, required=method == "post" and path in required_on_post)
            for code in list(responses):
                _add_headers(responses, code, RATE_LIMIT_HEADERS)
    return schema


def add_gateway_to_schema(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS), last: the other hooks' paths are in."""
    return add_gateway(result)
