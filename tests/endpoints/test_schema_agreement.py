"""What the OpenAPI document promises and what the hub answers agree where a fuzzer found them apart:
JSON-RPC ids, empty filters and lookups, text lines, page sizes, the log API's answers."""

import json
import shlex

import pytest

from endpoints.demo import seed_demo
from hub.models import ApiKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(odoo_connection, settings, client, django_user_model):
    settings.HUB_PUBLIC_DOCS = True
    exported = dict(
        shlex.split(line[len("export ") :])[0].split("=", 1)
        for line in seed_demo("http://testserver", connection_name=odoo_connection.name)
        if line.startswith("export ")
    )
    return {"Authorization": f"Bearer {exported['PARTNERS_TOKEN']}"}


@pytest.fixture
def document(client, demo) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return json.loads(response.content)


def parameters(document: dict, path: str, method: str = "get") -> dict:
    return {p["name"]: p for p in document["paths"][path][method].get("parameters", [])}


def error(response) -> str:
    assert response.status_code == 400, response.content
    return response.json()["message"]


@pytest.mark.parametrize("call_id", [False, True])
@pytest.mark.parametrize("path", ["/api/search_data", "/web/session/destroy"])
def test_a_boolean_jsonrpc_id_is_refused_not_echoed(client, path, call_id):
    body = {"jsonrpc": "2.0", "id": call_id, "params": {"model": "res.partner", "vals": {}}}
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    answer = response.json()
    assert (answer["id"], answer["error"]["code"]) == (None, 400)
    assert answer["error"]["message"] == '"id" must be a string, a number or null.'
    assert response.status_code == 400


def test_a_method_that_is_not_text_is_refused(client):
    body = {"method": {}, "params": {}}
    response = client.post("/web/session/destroy", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == '"method" must be a string.'


@pytest.mark.parametrize("query", ["id=", "name=", "email__in=", "is_company=&name=x"])
def test_a_filter_without_a_value_is_a_400_and_the_schema_says_so(client, demo, document, query):
    name = query.split("=")[0]
    assert error(client.get(f"/bj_api_sync/v1/partners?{query}", headers=demo)) == (
        f"Query parameter(s) without a value: {name}."
    )
    schema = parameters(document, "/bj_api_sync/v1/partners")[name]["schema"]
    assert schema.get("minLength") == 1 or schema["type"] in ("integer", "boolean")


def test_an_empty_order_is_the_configured_order(client, demo):
    assert client.get("/bj_api_sync/v1/partners?order=&limit=1", headers=demo).status_code == 200


def test_an_empty_lookup_is_refused_and_documented_as_such(client, demo, document):
    response = client.post(
        "/bj_api_sync/v1/partners", data={"name": "X", "country": ""}, content_type="application/json", headers=demo
    )
    assert "no res.country record has code ''" in error(response)
    create = document["paths"]["/bj_api_sync/v1/partners"]["post"]["requestBody"]["content"]["application/json"]
    country = create["schema"]["oneOf"][0]["properties"]["country"]
    assert (country["type"], country["minLength"]) == ("string", 1)


def test_a_number_to_a_text_line_is_refused(client, demo):
    for body in ({"name": 0}, [{"name": 0}]):
        response = client.post("/bj_api_sync/v1/partners", data=body, content_type="application/json", headers=demo)
        assert error(response) == "Mapping line 'name' (name): expects a string, got 0."


def test_a_limit_past_1000_is_answered_1000_as_documented(client, demo, document):
    response = client.get("/bj_api_sync/v1/partners?limit=1001", headers=demo)
    assert response.status_code == 200
    assert response.json()["pagination"]["limit"] == 1000
    limit = parameters(document, "/bj_api_sync/v1/partners")["limit"]
    assert "maximum" not in limit["schema"]
    assert "at most 1000" in limit["description"]


def test_a_record_id_is_typed_like_the_identifier(document):
    assert parameters(document, "/bj_api_sync/v1/partners/{id}")["id"]["schema"] == {"type": "integer"}
    assert parameters(document, "/bj_api_sync/v1/customers/{id}")["id"]["schema"] == {"type": "string", "minLength": 1}
    put = document["paths"]["/bj_api_sync/v1/partners/{id}"]["put"]["requestBody"]["content"]["application/json"]
    assert put["schema"]["minProperties"] == 1


def test_the_log_api_documents_its_refusals(client, document, odoo_connection):
    listing = document["paths"]["/api/logs/"]["get"]["responses"]
    one = document["paths"]["/api/logs/{request_id}/"]["get"]["responses"]
    assert sorted(listing) == ["200", "400", "401", "403"]
    assert sorted(one) == ["200", "401", "403", "404"]
    assert listing["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}
    key = ApiKey(name="reader", allowed_routes=["logs"])
    secret = key.issue()
    key.save()
    headers = {"X-Api-Key": secret}
    assert client.get("/api/logs/?status=0.5", headers=headers).status_code == 400
    assert client.get("/api/logs/", headers={"X-Api-Key": "nope"}).status_code == 401
    assert client.get("/api/logs/no-such-call/", headers=headers).status_code == 404
