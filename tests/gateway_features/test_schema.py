"""The OpenAPI schema at /api/schema/ documents the RateLimit fields, 429, and idempotency keys."""

import json

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

REF = "#/components/headers/"


@pytest.fixture
def schema(client, django_user_model, make_endpoint, seeded):
    make_endpoint(require_idempotency_key=True)
    make_endpoint(slug="optional")
    client.force_login(django_user_model.objects.create_user("staff", password="pw-for-tests", is_staff=True))
    response = client.get("/api/schema/")
    assert response.status_code == 200, response.content
    document = json.loads(response.content)
    validate(document)
    return document


def key_parameter(operation) -> dict:
    [parameter] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    return parameter


def test_every_rest_answer_carries_the_ratelimit_fields_and_429_is_documented(schema):
    assert set(schema["components"]["headers"]) == {
        "RateLimit-Policy",
        "RateLimit",
        "Retry-After",
        "Idempotent-Replayed",
    }
    for path in ("/bj_api_sync/v1/customers", "/bj_api_sync/v1/customers/{id}"):
        for method, operation in schema["paths"][path].items():
            if method == "parameters":
                continue
            for code, answer in operation["responses"].items():
                assert answer["headers"]["RateLimit-Policy"] == {"$ref": REF + "RateLimit-Policy"}, (path, method, code)
                assert answer["headers"]["RateLimit"] == {"$ref": REF + "RateLimit"}
            too_many = operation["responses"]["429"]
            assert too_many["headers"]["Retry-After"] == {"$ref": REF + "Retry-After"}
            assert too_many["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_writes_take_an_idempotency_key_with_409_422_and_the_replayed_field(schema):
    post = schema["paths"]["/bj_api_sync/v1/customers"]["post"]
    assert key_parameter(post)["required"] is True  # this endpoint requires it
    assert key_parameter(schema["paths"]["/bj_api_sync/v1/optional"]["post"])["required"] is False
    put = schema["paths"]["/bj_api_sync/v1/customers/{id}"]["put"]
    assert key_parameter(put)["required"] is False
    for operation in (post, put):
        assert "still running" in operation["responses"]["409"]["description"]
        assert "another request" in operation["responses"]["422"]["description"]
    assert post["responses"]["201"]["headers"]["Idempotent-Replayed"] == {"$ref": REF + "Idempotent-Replayed"}
    assert "Location" in post["responses"]["201"]["headers"]  # what was there stays
    get = schema["paths"]["/bj_api_sync/v1/customers"]["get"]
    assert all(p["name"] != "Idempotency-Key" for p in get.get("parameters", []))
    assert "409" not in get["responses"]


def test_generic_data_routes_document_the_same_in_json_rpc_errors(schema):
    for route in ("create_data", "update_data", "create_update_data", "search_data", "call_function"):
        operation = schema["paths"][f"/api/{route}"]["post"]
        assert key_parameter(operation)["required"] is False
        assert operation["responses"]["429"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/JsonRpcError"
        }
        assert operation["responses"]["200"]["headers"]["RateLimit"] == {"$ref": REF + "RateLimit"}
        assert set(operation["responses"]) >= {"409", "422", "429"}
    login = schema["paths"]["/web/session/authenticate"]["post"]
    assert "429" not in login["responses"] or "Rate limit" not in login["responses"]["429"]["description"]
