"""OpenAPI schema, Swagger UI and ReDoc built from the endpoint configurations."""

import json

import pytest
from openapi_spec_validator import validate

from tests.endpoints.support import body, error

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Authentication credentials were not provided."


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_user("staff", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def documented(make_endpoint, seeded):
    """A bearer customers endpoint, a Basic read-only products endpoint, and two that must not show."""
    make_endpoint(auth="bearer")
    make_endpoint(
        slug="products",
        odoo_model="product.product",
        domain="[]",
        allowed_methods=["GET"],
        auth="basic",
        basic_username="shop",
        basic_password="pw",
        is_paginated=False,
        lines=[
            {"odoo_field": "default_code", "external_key": "sku", "odoo_type": "char", "is_identifier": True},
            {"odoo_field": "list_price", "external_key": "price", "odoo_type": "float"},
            {"odoo_field": "sale_ok", "external_key": "can_be_sold", "odoo_type": "boolean"},
            {
                "odoo_field": "type",
                "external_key": "kind",
                "value_type": "selection",
                "options": {"map": {"goods": "consu", "service": "service"}},
            },
        ],
    )
    make_endpoint(slug="hidden", active=False)


def schema_of(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_schema_needs_a_staff_login(client, documented):
    error(client.get("/api/schema/"), 403, STAFF_ONLY)


def test_schema_refuses_a_logged_in_non_staff_user(client, documented, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", password="pw-for-tests"))
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert body(response)["message"] == "The API documentation needs a staff login."


def test_schema_is_a_valid_openapi_document(client, staff, documented):
    validate(schema_of(client))


def test_schema_has_each_active_inbound_endpoint_as_its_own_paths(client, staff, documented):
    paths = schema_of(client)["paths"]
    ours = sorted(p for p in paths if p.startswith("/bj_api_sync/"))
    assert ours == [
        "/bj_api_sync/v1/customers",
        "/bj_api_sync/v1/customers/{id}",
        "/bj_api_sync/v1/products",
        "/bj_api_sync/v1/products/{id}",
    ]
    assert sorted(paths["/bj_api_sync/v1/customers"]) == ["get", "post"]
    assert sorted(paths["/bj_api_sync/v1/customers/{id}"]) == ["delete", "get", "put"]
    assert sorted(paths["/bj_api_sync/v1/products"]) == ["get"]
    assert not any("<slug" in p or "{slug}" in p for p in paths)


def test_request_and_response_schemas_come_from_the_lines_and_odoo_types(client, staff, documented):
    schema = schema_of(client)
    post = schema["paths"]["/bj_api_sync/v1/customers"]["post"]
    one = post["requestBody"]["content"]["application/json"]["schema"]["oneOf"][0]
    assert one["required"] == ["customer_id", "name"]
    assert one["additionalProperties"] is False
    assert post["responses"]["201"]["headers"]["Location"]["schema"] == {"type": "string", "format": "uri"}
    assert one["properties"]["customer_id"] == {"type": "string", "nullable": True, "description": "Reference"}
    assert one["properties"]["country"] == {
        "type": "string",
        "minLength": 1,
        "description": "code of a res.country record",
        "nullable": True,
    }
    products = schema["paths"]["/bj_api_sync/v1/products"]["get"]
    record = products["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]["items"]
    assert record["properties"]["price"]["type"] == "number"
    assert record["properties"]["can_be_sold"] == {"type": "boolean", "description": "Sales"}
    assert record["properties"]["kind"]["enum"] == ["goods", "service"]
    assert "pagination" not in products["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    listed = schema["paths"]["/bj_api_sync/v1/customers"]["get"]
    names = [p["name"] for p in listed["parameters"]]
    assert names[:3] == ["limit", "offset", "order"]
    assert "customer_id__in" in names
    assert "country__ilike" in names
    by_name = {p["name"]: p for p in listed["parameters"]}
    assert by_name["customer_id__in"] == {
        "name": "customer_id__in",
        "in": "query",
        "required": False,
        "description": "customer_id is one of (comma-separated)",
        "schema": {"type": "string", "minLength": 1},  # ?customer_id__in= is a 400
    }
    product_filters = {p["name"]: p["schema"] for p in products["parameters"]}
    assert product_filters["price__gte"] == {"type": "number"}
    assert product_filters["can_be_sold"] == {"type": "boolean"}
    assert product_filters["kind"] == {"enum": ["goods", "service"]}
    assert listed["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }


def test_security_follows_each_endpoints_authentication(client, staff, documented):
    schema = schema_of(client)
    assert schema["components"]["securitySchemes"]["endpointBearer"] == {"type": "http", "scheme": "bearer"}
    assert schema["components"]["securitySchemes"]["endpointBasic"] == {"type": "http", "scheme": "basic"}
    assert schema["paths"]["/bj_api_sync/v1/customers"]["get"]["security"] == [{"endpointBearer": []}]
    assert schema["paths"]["/bj_api_sync/v1/products"]["get"]["security"] == [{"endpointBasic": []}]


def test_schema_without_odoo_falls_back_to_the_lines(client, staff, documented, fake_odoo):
    fake_odoo.faults.garbage("html")
    schema = schema_of(client)
    validate(schema)
    one = schema["paths"]["/bj_api_sync/v1/customers"]["post"]["requestBody"]["content"]["application/json"]
    assert one["schema"]["oneOf"][0]["properties"]["customer_id"] == {"type": "string", "nullable": True}


def test_schema_yaml_on_request(client, staff, documented):
    response = client.get("/api/schema/", {"format": "yaml"})
    assert response.status_code == 200
    assert b"/bj_api_sync/v1/customers:" in response.content


def test_public_docs_setting_opens_the_schema(client, documented, settings):
    settings.HUB_PUBLIC_DOCS = True
    validate(schema_of(client))
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_doc_pages_send_anonymous_visitors_to_the_admin_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"


def test_swagger_ui_serves_its_assets_from_the_hub(client, staff):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page
    assert "/api/schema/" in page


def test_redoc_serves_its_assets_from_the_hub(client, staff):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in page
    assert "cdn.jsdelivr.net" not in page


def test_no_postman_collection_route(client, staff):
    """Postman imports the OpenAPI document itself: the hub no longer builds a collection."""
    response = client.get("/api/postman/")
    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_schema_names_the_hub_as_its_server_for_importing_clients(client, staff, documented):
    """What an OpenAPI import (Postman, Insomnia) needs: the base URL, and a ready request body per POST."""
    schema = schema_of(client)
    assert schema["servers"] == [{"url": "http://testserver"}]
    post = schema["paths"]["/bj_api_sync/v1/customers"]["post"]
    assert post["security"] == [{"endpointBearer": []}]
    assert post["requestBody"]["content"]["application/json"]["example"] == {
        "customer_id": "<customer_id>",
        "name": "<name>",
        "email": "<email>",
        "phone": "<phone>",
        "country": "<country>",
    }


def test_field_types_are_asked_once_then_cached(client, staff, documented, rpc_calls):
    schema_of(client)
    assert sorted(call for call in rpc_calls if call[1] == "fields_get") == [
        ("product.product", "fields_get"),
        ("res.partner", "fields_get"),
    ]
    rpc_calls.clear()
    schema_of(client)
    assert rpc_calls == []


def test_an_endpoint_without_identifier_line_documents_only_its_list(client, staff, make_endpoint, seeded):
    endpoint = make_endpoint(slug="loose")
    endpoint.lines.filter(is_identifier=True).delete()
    schema = schema_of(client)
    validate(schema)
    assert "/bj_api_sync/v1/loose" in schema["paths"]
    assert "/bj_api_sync/v1/loose/{id}" not in schema["paths"]
