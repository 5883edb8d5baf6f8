"""Who may call the data routes (API keys), and how malformed calls are answered."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hub.models import ApiKey
from logs.models import RequestLog
from tests.endpoints.generic.conftest import rpc_result

SEARCH = {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-1')]"}}


def error(response, status, message, call_id=1):
    assert response.status_code == status, response.content
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": call_id,
        "error": {"code": status, "message": message, "data": {"request_id": response["X-Request-ID"]}},
    }


def test_bearer_and_x_api_key_headers(rpc, client, api_key, shop):
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["result"] == [
        {"id": shop["Customer A"], "name": "Customer A"}
    ]
    response = rpc("search_data", "res.partner", SEARCH, key=None, headers={"HTTP_X_API_KEY": api_key})
    assert rpc_result(response)["result"] == [{"id": shop["Customer A"], "name": "Customer A"}]
    assert ApiKey.objects.get(name="webshop").last_used_at is not None


def test_no_credentials_is_401_with_a_challenge(rpc, shop):
    response = rpc("search_data", "res.partner", SEARCH, key=None)
    error(
        response,
        401,
        "Authentication required. Authenticate with an API key (Authorization: Bearer or X-Api-Key) "
        "or through /web/session/authenticate.",
    )
    assert response["WWW-Authenticate"] == 'Bearer realm="odoo-hub"'


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired", "empty"])
def test_unusable_keys_are_401(rpc, api_key, shop, state):
    key = ApiKey.objects.get(name="webshop")
    token = api_key
    if state == "unknown":
        token = api_key[:-4] + "abcd"
    elif state == "revoked":
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        token = ""
    response = rpc("search_data", "res.partner", SEARCH, key=None, headers={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    error(response, 401, "The API key is unknown, revoked or expired.")


def test_route_and_model_allow_lists(rpc, make_key, shop):
    key = make_key(routes=["search_data"], models=["res.partner"])
    error(
        rpc("update_data", "res.partner", {"search_key": {"ref": "C-1"}, "payload": {}}, key=key),
        403,
        "This API key may not call /api/update_data.",
    )
    error(rpc("search_data", "res.country", SEARCH, key=key), 403, "This API key may not use the model res.country.")
    assert rpc_result(rpc("search_data", "res.partner", SEARCH, key=key))["is_success"] is True


def test_calls_use_the_keys_connection_and_its_odoo_user(rpc, make_key, make_connection, shop):
    demo = make_connection(login="demo", secret="demo", name="as demo")
    key = make_key(connection=demo, models=["res.country"])
    result = rpc_result(rpc("create_data", "res.country", {"payload": {"name": "Atlantis", "code": "AT"}}, key=key))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": "You are not allowed to create 'Country' (res.country) records. This operation is allowed "
        "for the following groups: - Administration/Settings Contact your administrator to request access if "
        "necessary.",
    }


def test_key_without_connection_uses_the_default_one(rpc, make_key, shop):
    key = make_key(connection=None)
    assert rpc_result(rpc("search_data", "res.partner", SEARCH, key=key))["result"] == [
        {"id": shop["Customer A"], "name": "Customer A"}
    ]


def post(client, body, api_key, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/search_data", data=data, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {api_key}")


def test_body_with_only_params(client, api_key, shop):
    response = post(client, {"params": {"model": "res.partner", "vals": SEARCH}}, api_key)
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "result": {
            "is_success": True,
            "result": [{"id": shop["Customer A"], "name": "Customer A"}],
            "messages": "1 record(s) found.",
        },
    }


def test_malformed_json_is_400(client, api_key):
    error(post(client, "{not json", api_key), 400, "The request body is not valid JSON.", call_id=None)


def test_missing_model_is_400_with_the_callers_id(client, api_key):
    error(
        post(client, {"id": "r-9", "params": {"vals": {}}}, api_key),
        400,
        '"params.model" must be an Odoo model name such as "res.partner".',
        call_id="r-9",
    )


def test_wrong_content_type_is_415(client, api_key):
    error(
        post(client, "{}", api_key, content_type="text/plain"), 415, "Send the call as application/json.", call_id=None
    )


def test_get_is_405(client, api_key):
    response = client.get("/api/search_data", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    error(response, 405, "Use POST.", call_id=None)
    assert response["Allow"] == "POST"


def test_odoo_unreachable_is_502_not_a_business_failure(rpc, shop, fake_odoo):
    fake_odoo.faults.garbage("html")
    response = rpc("search_data", "res.partner", SEARCH)
    error(response, 502, "Odoo is unreachable.")  # the address is for staff: the log row has it
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.error == f"Odoo at {fake_odoo.url} answered HTTP 200 (text/html), not jsonrpc"
