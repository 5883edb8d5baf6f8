"""How the generic routes look in the OpenAPI document: drf-spectacular extensions for their
authentication classes, and the ``extend_schema`` arguments of each view (serializers, statuses,
headers, examples). Rate limits and idempotency keys are added to them by endpoints.gateway_schema.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from endpoints.generic import auth
from endpoints.generic import serializers as shapes
from hub.auth.models import ApiKey
from hub.jsonrpc import JSONRPC_VERSION

DATA_TAG = "generic"  # described in SPECTACULAR_SETTINGS["TAGS"]
SESSION_TAG = "session"


class GenericKeyScheme(OpenApiAuthenticationExtension):
    """A hub API key, as a bearer token or the X-Api-Key header (alternatives)."""

    target_class = "endpoints.generic.auth.GenericKeyAuthentication"
    name = ["apiKeyBearer", "apiKeyHeader"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "A hub API key: Authorization: Bearer <key>"},
            {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "A hub API key"},
        ]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]


class OdooSessionScheme(OpenApiAuthenticationExtension):
    """The cookie of /web/session/authenticate (a key header wins over it)."""

    target_class = "endpoints.generic.auth.OdooSessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": auth.SESSION_COOKIE,
            "description": "The cookie /web/session/authenticate sets (calls run as that Odoo user)",
        }


class WriteResultSchema(OpenApiSerializerExtension):
    """A write's result carries the result_field values next to its id: any other key may come."""

    target_class = "endpoints.generic.serializers.WriteResult"

    def map_serializer(self, auto_schema, direction):
        return {**auto_schema._map_basic_serializer(self.target, direction), "additionalProperties": True}


ERRORS = {
    400: "Body not strict JSON, not an object, no params object, params.model not a model name, "
    "params.vals not an object",
    401: "No credentials, unknown/revoked/expired key, closed or expired session",
    403: "Route or model outside the key's allow-list, method not callable, private method",
    405: "Not POST",
    413: "Body larger than HUB_MAX_REQUEST_BYTES, or more files in attachment_ids than "
    "HUB_ATTACHMENT_MAX_COUNT / HUB_ATTACHMENT_MAX_TOTAL_BYTES allow per call",
    415: "Not application/json",
    429: "Too many failed authentication attempts from this address",
    502: "Odoo unreachable, answering garbage, or refusing the hub's own credentials",
    503: "No Odoo connection configured",
    504: "Odoo timed out",
}
DATA_ERRORS = [400, 401, 403, 405, 413, 415, 429, 502, 503, 504]
REQUEST_ID = OpenApiParameter(
    "X-Request-ID", str, OpenApiParameter.HEADER, response=True, description="The request log's id of this call"
)
CHALLENGE = OpenApiParameter(
    "WWW-Authenticate", str, OpenApiParameter.HEADER, response=[401], description=auth.CHALLENGE
)
ALLOW = OpenApiParameter("Allow", str, OpenApiParameter.HEADER, response=[405], description="POST")
RETRY_AFTER = OpenApiParameter(
    "Retry-After", int, OpenApiParameter.HEADER, response=[429], description="Seconds to wait"
)
ERROR_EXAMPLES = {
    401: "The API key is unknown, revoked or expired.",
    429: "Too many failed authentication attempts from this address; try again in 300 seconds.",
}


def rpc(params: dict) -> dict:
    return {"jsonrpc": JSONRPC_VERSION, "method": "call", "id": 1, "params": params}


def answered(is_success: bool, result, messages: str) -> dict:
    return {
        "jsonrpc": JSONRPC_VERSION,
        "id": 1,
        "result": {"is_success": is_success, "result": result, "messages": messages},
    }


def _errors(statuses: list[int], descriptions: dict, examples: dict) -> dict:
    responses = {}
    for status in statuses:
        example = []
        if status in examples:
            value = {
                "jsonrpc": JSONRPC_VERSION,
                "id": 1,
                "error": {"code": status, "message": examples[status], "data": {"request_id": "3f0c…"}},
            }
            example = [OpenApiExample(f"error {status}", value, response_only=True, status_codes=[str(status)])]
        responses[status] = OpenApiResponse(shapes.JsonRpcError, descriptions.get(status, ERRORS[status]), example)
    return responses


def _operation(
    operation_id, tag, summary, description, request, request_example, answer, answer_text, answer_examples,
    errors, *, error_texts=None, error_examples=ERROR_EXAMPLES, headers=(CHALLENGE, ALLOW, RETRY_AFTER),
) -> dict:  # fmt: skip
    """``extend_schema`` arguments of one JSON-RPC route."""
    examples = [OpenApiExample("request", request_example, request_only=True)]
    examples += [
        OpenApiExample(name, value, response_only=True, status_codes=["200"]) for name, value in answer_examples.items()
    ]
    return {
        "operation_id": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": description,
        "request": {"application/json": request},  # the views parse bodies themselves (no parser classes)
        "responses": {
            200: OpenApiResponse(answer, answer_text),
            **_errors(errors, error_texts or {}, error_examples),
        },
        "parameters": [REQUEST_ID, *headers],
        "examples": examples,
    }


CREATED = answered(True, {"id": 42}, "Record created.")
NO_MATCH = answered(False, {}, 'No res.partner record matches search_key {"ref": "C-404"}.')
PARTNER_A = {"model": "res.partner", "vals": {"payload": {"name": "Customer A"}}}
KEYED_PARTNER_A = {"model": "res.partner", "vals": {"search_key": {"ref": "C-1"}, "payload": {"name": "Customer A"}}}
WRITE_RESULT = shapes.WriteResult()
KEYED_VALS = shapes.KeyedWriteVals()

# route: summary, description, vals, params example, result, answer examples
DATA_ROUTES = {
    ApiKey.Route.CREATE_DATA: (
        "Create one record (with its lines and files)",
        "Relational values are looked up in batched searches; auto_create makes missing related records.",
        shapes.CreateVals(),
        PARTNER_A,
        WRITE_RESULT,
        {
            "success": CREATED,
            "business failure": answered(
                False, {}, 'order_line[1].product_id: no product.product record has default_code = "P-9".'
            ),
        },
    ),
    ApiKey.Route.UPDATE_DATA: (
        "Update the one record search_key matches",
        "search_key must match exactly one record. one2many lines in the payload replace the record's lines.",
        KEYED_VALS,
        KEYED_PARTNER_A,
        WRITE_RESULT,
        {"success": answered(True, {"id": 42}, "Record updated."), "business failure": NO_MATCH},
    ),
    ApiKey.Route.CREATE_UPDATE_DATA: (
        "Update the record search_key matches, else create it",
        "When none matches, the record is created with the search_key values added to the payload.",
        KEYED_VALS,
        KEYED_PARTNER_A,
        WRITE_RESULT,
        {"success": CREATED},
    ),
    ApiKey.Route.SEARCH_DATA: (
        "Search records, with nested sub-fields expanded",
        "result is the list of records.",
        shapes.SearchVals(),
        {
            "model": "res.partner",
            "vals": {
                "payload": {
                    "search_field": ["name", "email", "country_id{code}"],
                    "search_domain": "[('is_company', '=', True)]",
                    "limit": 10,
                    "offset": 0,
                    "order": "name asc, id desc",
                }
            },
        },
        shapes.shaped(shapes.SEARCH_RESULT),
        {
            "success": answered(
                True,
                [{"id": 42, "name": "Customer A", "email": "a@example.com", "country_id": {"id": 21, "code": "BE"}}],
                "1 record(s) found.",
            )
        },
    ),
    ApiKey.Route.CALL_FUNCTION: (
        "Call an allow-listed method",
        "On the records search_key picks, or on the model without search_key.",
        shapes.CallVals(),
        {
            "model": "sale.order",
            "vals": {
                "search_key": {"name": "S00042"},
                "payload": {"method": "action_confirm", "parameter": {}, "context": {"lang": "fr_FR"}},
            },
        },
        shapes.shaped(shapes.CALL_RESULT),
        {"success": answered(True, True, "sale.order.action_confirm called on 1 record(s).")},
    ),
}


def _component(route: str) -> str:
    return "".join(word.capitalize() for word in route.split("_"))


def data_route(route: str) -> dict:
    """``extend_schema`` arguments of one data route."""
    summary, description, vals, example, result, answers = DATA_ROUTES[route]
    name = _component(route)
    return _operation(
        f"generic_{route}",
        DATA_TAG,
        summary,
        description,
        shapes.data_call(f"{name}Call", vals),
        rpc(example),
        shapes.data_answer(f"{name}Answer", result),
        "The call was carried out: see result.is_success",
        answers,
        DATA_ERRORS,
    )


SET_COOKIE = OpenApiParameter(
    "Set-Cookie",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description=f"{auth.SESSION_COOKIE}=…; HttpOnly; SameSite=Lax; Secure (unless DEBUG)",
)
SESSION_AUTHENTICATE = {
    **_operation(
        "session_authenticate",
        SESSION_TAG,
        "Log in as an Odoo user",
        "Checks the credentials in Odoo and sets the session_id cookie; data calls then run as that user.",
        shapes.LoginCall,
        rpc({"db": "odoo18", "login": "demo", "password": "demo"}),
        shapes.LoginAnswer,
        "Logged in",
        {"success": {"jsonrpc": JSONRPC_VERSION, "id": 1, "result": {"uid": 6, "db": "odoo18", "username": "demo"}}},
        [400, 401, 405, 413, 415, 429, 502, 503, 504],
        error_texts={400: "Body malformed, or a missing db/login/password", 401: "Wrong login, password or database"},
        error_examples={429: ERROR_EXAMPLES[429]},
        headers=(SET_COOKIE, ALLOW, RETRY_AFTER),
    ),
    "auth": [],
}
SESSION_DESTROY = {
    **_operation(
        "session_destroy",
        SESSION_TAG,
        "Log out",
        "Deletes the session of the session_id cookie and the cookie. The body is optional.",
        shapes.LogoutCall,
        rpc({}),
        shapes.LogoutAnswer,
        "The call was carried out: see result.is_success",
        {"success": {"jsonrpc": JSONRPC_VERSION, "id": 1, "result": None}},
        [400, 405, 413, 415],
        error_examples={},
        headers=(ALLOW,),
    ),
    "auth": [{"sessionCookie": []}, {}],
}
