"""The generic data routes and the session routes in the OpenAPI document drf-spectacular builds from
their serializers (endpoints.generic.serializers, endpoints.generic.schema)."""

import json

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from hub.odoo.names import MODEL_NAME
from tests.endpoints.generic.conftest import rpc_result

pytestmark = pytest.mark.django_db

DATA_ROUTES = ["create_data", "create_update_data", "update_data", "search_data", "call_function"]
SESSION_ROUTES = ["authenticate", "destroy"]
ALL_PATHS = [f"/api/{route}" for route in DATA_ROUTES] + [f"/web/session/{route}" for route in SESSION_ROUTES]
DATA_SECURITY = [{"apiKeyBearer": []}, {"apiKeyHeader": []}, {"sessionCookie": []}]


@pytest.fixture
def schema(client, django_user_model) -> dict:
    client.force_login(django_user_model.objects.create_user("staff", password="pw-for-tests", is_staff=True))
    response = client.get("/api/schema/")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def resolved(document: dict, node):
    """``node`` with every $ref of the document replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            return resolved(document, document["components"]["schemas"][node["$ref"].rpartition("/")[2]])
        return {key: resolved(document, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(document, value) for value in node]
    return node


def operation(schema: dict, path: str) -> dict:
    return schema["paths"][path]["post"]


def request_media(schema: dict, path: str) -> dict:
    return operation(schema, path)["requestBody"]["content"]["application/json"]


def request_example(schema: dict, path: str) -> dict:
    (example,) = request_media(schema, path)["examples"].values()
    return example["value"]


def answer_schema(schema: dict, path: str, status: str = "200") -> dict:
    return operation(schema, path)["responses"][status]["content"]["application/json"]["schema"]


def answer_examples(schema: dict, path: str, status: str = "200") -> dict:
    """The examples of an answer, by summary."""
    examples = operation(schema, path)["responses"][status]["content"]["application/json"].get("examples", {})
    return {example["summary"]: example["value"] for example in examples.values()}


def conforms(schema: dict, document: dict, value) -> bool:
    """Does ``value`` validate against an OpenAPI 3.0 schema of the document (its $refs resolved)?"""
    wrapped = {**schema, "components": document["components"]}
    return OAS30Validator(wrapped).is_valid(value)


def request_schema(schema: dict, path: str) -> dict:
    return resolved(schema, request_media(schema, path)["schema"])


def vals_of(schema: dict, path: str) -> dict:
    return request_schema(schema, path)["properties"]["params"]["properties"]["vals"]


def test_document_with_the_generic_routes_is_valid_openapi(schema):
    validate(schema)
    assert sorted(p for p in schema["paths"] if p in ALL_PATHS) == sorted(ALL_PATHS)
    assert all(list(schema["paths"][p]) == ["post"] for p in ALL_PATHS)
    assert {"name": "generic", "description": "Generic data routes (JSON-RPC, as the Odoo webhook module)"} in schema[
        "tags"
    ]


def test_the_jsonrpc_request_envelope(schema):
    assert operation(schema, "/api/create_data")["requestBody"]["required"] is True
    # components of the routes' serializers, shared by every answer that carries them
    assert request_media(schema, "/api/create_data")["schema"] == {"$ref": "#/components/schemas/CreateDataCall"}
    assert answer_schema(schema, "/api/search_data", "403") == {"$ref": "#/components/schemas/JsonRpcError"}
    request = request_schema(schema, "/api/create_data")
    assert request["required"] == ["params"]
    assert request["properties"]["jsonrpc"] == {"type": "string", "enum": ["2.0"]}
    assert request["properties"]["method"] == {"type": "string", "description": 'Ignored ("call")'}
    call_id = request["properties"]["id"]
    assert call_id["description"] == "Echoed in the answer"
    # JSON-RPC 2.0's ids, which the hub echoes; it answers 400 to the others
    assert all(conforms(call_id, schema, value) for value in ("call-7", 7, 1.5, None))
    assert not any(conforms(call_id, schema, value) for value in (False, True, [1], {"a": 1}))
    params = request["properties"]["params"]
    assert params["required"] == ["model", "vals"]
    assert params["properties"]["model"] == {"type": "string", "pattern": MODEL_NAME.pattern, "example": "res.partner"}
    # the schema refuses what the hub answers with 400
    assert not conforms(request, schema, {"jsonrpc": "1.0", "params": {"model": "res.partner", "vals": {}}})
    assert not conforms(request, schema, {"id": 1})
    assert not conforms(request, schema, {"params": {"model": "res partner", "vals": {"payload": {}}}})
    assert not conforms(request, schema, {"params": {"model": "res.partner", "vals": []}})
    assert not conforms(request, schema, {"id": [1], "params": {"model": "res.partner", "vals": {"payload": {}}}})
    assert conforms(request, schema, {"id": None, "params": {"model": "res.partner", "vals": {"payload": {}}}})


@pytest.mark.parametrize(
    ("route", "keys", "required"),
    [
        ("create_data", ["auto_create", "payload", "result_field"], ["payload"]),
        ("update_data", ["auto_create", "payload", "result_field", "search_key"], ["search_key", "payload"]),
        ("create_update_data", ["auto_create", "payload", "result_field", "search_key"], ["search_key", "payload"]),
        ("search_data", ["payload"], None),
        ("call_function", ["payload", "search_key"], ["payload"]),
    ],
)
def test_each_route_takes_its_vals(schema, route, keys, required):
    vals = vals_of(schema, f"/api/{route}")
    assert sorted(vals["properties"]) == keys
    assert sorted(vals.get("required", [])) == sorted(required or [])


def test_search_and_call_payloads(schema):
    search = vals_of(schema, "/api/search_data")["properties"]["payload"]["properties"]
    assert sorted(search) == ["limit", "offset", "order", "search_domain", "search_field"]
    assert search["limit"] == {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}
    assert search["offset"] == {"type": "integer", "minimum": 0, "default": 0}
    assert search["search_domain"]["oneOf"] == [{"type": "string"}, {"type": "array", "items": {}}]
    assert search["search_field"]["oneOf"] == [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    call = vals_of(schema, "/api/call_function")["properties"]["payload"]
    assert call["required"] == ["method"]
    assert sorted(call["properties"]) == ["context", "method", "parameter"]
    bad_limit = {"params": {"model": "res.partner", "vals": {"payload": {"limit": 1001}}}}
    assert not conforms(request_media(schema, "/api/search_data")["schema"], schema, bad_limit)
    no_method = {"params": {"model": "sale.order", "vals": {"payload": {"parameter": {}}}}}
    assert not conforms(request_media(schema, "/api/call_function")["schema"], schema, no_method)


def test_the_error_object_takes_real_errors_and_refuses_other_shapes(client, schema):
    error_object = {"$ref": "#/components/schemas/JsonRpcError"}
    real = client.post("/api/search_data", data="{", content_type="application/json")
    assert real.status_code == 400
    assert conforms(error_object, schema, real.json())
    answer = real.json()
    assert conforms(error_object, schema, {**answer, "id": "call-7"})
    for broken in (
        {**answer, "error": {**answer["error"], "code": "400"}},
        {**answer, "error": {"code": 400, "message": "x"}},
        {**answer, "error": {**answer["error"], "data": {}}},
        {"jsonrpc": "2.0", "id": None},
    ):
        assert not conforms(error_object, schema, broken), broken


def test_answers_are_the_result_object_or_the_error_object(schema):
    for route in DATA_ROUTES:
        path = f"/api/{route}"
        answer = resolved(schema, answer_schema(schema, path))
        assert sorted(answer["required"]) == ["id", "jsonrpc", "result"]
        assert sorted(answer["properties"]["result"]["required"]) == ["is_success", "messages", "result"]
        if route != "search_data" and route != "call_function":  # a write: its id and the result_field values
            result = answer["properties"]["result"]["properties"]["result"]
            assert result["additionalProperties"] is True
            assert sorted(result["properties"]) == ["auto_created", "auto_created_left", "auto_created_removed", "id"]
        responses = operation(schema, path)["responses"]
        assert sorted(responses) == [
            *("200", "400", "401", "403", "405", "409", "413", "415", "422", "429", "502", "503", "504")
        ]
        assert all(
            answer_schema(schema, path, status) == {"$ref": "#/components/schemas/JsonRpcError"}
            for status in responses
            if status != "200"
        )
        limits = ["RateLimit", "RateLimit-Policy"]  # endpoints.gateway_schema
        assert sorted(responses["401"]["headers"]) == [*limits, "WWW-Authenticate", "X-Request-ID"]
        assert sorted(responses["405"]["headers"]) == ["Allow", *limits, "X-Request-ID"]
        assert sorted(responses["429"]["headers"]) == [*limits, "Retry-After", "X-Request-ID"]
        assert responses["429"]["headers"]["Retry-After"] == {"$ref": "#/components/headers/Retry-After"}
        assert sorted(responses["200"]["headers"]) == ["Idempotent-Replayed", *limits, "X-Request-ID"]
        assert responses["409"]["description"] == "A call with this Idempotency-Key is still running"
        assert responses["422"]["description"] == "This Idempotency-Key was used for another request (other body)"
        assert responses["429"]["description"] == (
            "Too many failed authentication attempts from this address; "
            "or: Rate limit exceeded; wait Retry-After seconds"
        )
        assert responses["502"]["description"] == (
            "Odoo unreachable, answering garbage, or refusing the hub's own credentials"
        )
        assert [p["name"] for p in operation(schema, path)["parameters"]] == ["Idempotency-Key"]
    login = operation(schema, "/web/session/authenticate")["responses"]
    assert sorted(login) == ["200", "400", "401", "405", "413", "415", "429", "502", "503", "504"]
    assert sorted(login["200"]["headers"]) == ["Set-Cookie", "X-Request-ID"]
    assert login["401"]["description"] == "Wrong login, password or database"
    assert sorted(login["401"]["headers"]) == ["X-Request-ID"]  # no challenge: the call carries no credentials
    assert sorted(operation(schema, "/web/session/destroy")["responses"]) == ["200", "400", "405", "413", "415"]
    assert "requestBody" in operation(schema, "/web/session/destroy")
    assert not operation(schema, "/web/session/destroy")["requestBody"].get("required")


def test_security_schemes_api_key_and_session_cookie(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKeyBearer"]["type"] == "http"
    assert schemes["apiKeyBearer"]["scheme"] == "bearer"
    assert {k: schemes["apiKeyHeader"][k] for k in ("type", "in", "name")} == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
    }
    assert {k: schemes["sessionCookie"][k] for k in ("type", "in", "name")} == {
        "type": "apiKey",
        "in": "cookie",
        "name": "session_id",
    }
    for route in DATA_ROUTES:
        assert operation(schema, f"/api/{route}")["security"] == DATA_SECURITY
    assert operation(schema, "/web/session/authenticate").get("security", []) == []  # none, and none globally
    assert "security" not in schema
    assert operation(schema, "/web/session/destroy")["security"] == [{"sessionCookie": []}, {}]


def test_examples_are_the_documented_ones_and_fit_their_schemas(schema):
    assert request_example(schema, "/api/create_data") == {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"model": "res.partner", "vals": {"payload": {"name": "Customer A"}}},
    }
    assert answer_examples(schema, "/api/create_data") == {
        "success": {
            "jsonrpc": "2.0",
            "id": 1,
            "result": {"is_success": True, "result": {"id": 42}, "messages": "Record created."},
        },
        "business failure": {
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "is_success": False,
                "result": {},
                "messages": 'order_line[1].product_id: no product.product record has default_code = "P-9".',
            },
        },
    }
    assert sorted(answer_examples(schema, "/api/update_data")) == ["business failure", "success"]
    assert answer_examples(schema, "/api/create_data", "401") == {
        "error 401": {
            "jsonrpc": "2.0",
            "id": 1,
            "error": {
                "code": 401,
                "message": "The API key is unknown, revoked or expired.",
                "data": {"request_id": "3f0c…"},
            },
        }
    }
    assert list(answer_examples(schema, "/web/session/authenticate", "429")) == ["error 429"]
    assert answer_examples(schema, "/web/session/authenticate", "401") == {}
    assert request_example(schema, "/web/session/authenticate")["params"] == {
        "db": "odoo18",
        "login": "demo",
        "password": "demo",
    }
    assert request_example(schema, "/api/call_function")["params"]["vals"]["payload"]["method"] == "action_confirm"
    for path in ALL_PATHS:
        media = request_media(schema, path)
        assert conforms(media["schema"], schema, request_example(schema, path)), path
        for status, response in operation(schema, path)["responses"].items():
            answer = response["content"]["application/json"]
            for example in answer_examples(schema, path, status).values():
                assert conforms(answer["schema"], schema, example), (path, status)


def test_real_answers_fit_the_documented_schemas(client, schema, rpc, shop):
    """The documented request examples, sent through the hub to the stand-in, answer as documented."""
    for route in ["create_data", "update_data", "create_update_data", "search_data"]:
        example = request_example(schema, f"/api/{route}")
        response = rpc(route, example["params"]["model"], example["params"]["vals"])
        assert rpc_result(response)["is_success"] is True, response.content
        assert conforms(answer_schema(schema, f"/api/{route}"), schema, response.json()), route
    missing = rpc("update_data", "res.partner", {"search_key": {"ref": "C-404"}, "payload": {"name": "X"}})
    assert rpc_result(missing)["is_success"] is False
    assert conforms(answer_schema(schema, "/api/update_data"), schema, missing.json())
    refused = rpc("create_data", "res.partner", {"payload": {"name": "X"}}, key="not-a-key")
    assert refused.status_code == 401
    assert conforms(answer_schema(schema, "/api/create_data", "401"), schema, refused.json())


def test_real_session_answers_fit_the_documented_schemas(client, schema, odoo_connection):
    example = request_example(schema, "/web/session/authenticate")
    response = client.post("/web/session/authenticate", data=json.dumps(example), content_type="application/json")
    assert response.status_code == 200, response.content
    assert conforms(answer_schema(schema, "/web/session/authenticate"), schema, response.json())
    response = client.post("/web/session/destroy", data="", content_type="application/json")
    assert response.json() == {"jsonrpc": "2.0", "id": None, "result": None}
    assert conforms(answer_schema(schema, "/web/session/destroy"), schema, response.json())
