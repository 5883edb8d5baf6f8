"""Hostile bodies on the generic routes and the session routes: a JSON-RPC error with a 4xx, never a
crash, before any Odoo call, and the call still leaves its row in the request log."""

import pytest

from logs.models import RequestLog

pytestmark = pytest.mark.django_db

TOO_DEEP = "The request body is not valid JSON: The JSON nests arrays and objects deeper than 100 levels."
NOT_JSON = "The request body is not valid JSON."
DEEP_BODIES = {
    "arrays": "[" * 5000 + "]" * 5000,
    "objects": '{"params":' + '{"a":' * 3000 + "1" + "}" * 3001,
    "inside-the-payload": (
        '{"params": {"model": "res.partner", "vals": {"payload": {"name": ' + "[" * 900 + "]" * 900 + "}}}}"
    ),
}
ROUTES = [
    "/api/create_data",
    "/api/search_data",
    "/api/call_function",
    "/web/session/authenticate",
    "/web/session/destroy",
]


def refused(response, status: int, message: str) -> RequestLog:
    """The response is exactly this JSON-RPC error; answers the call's log row."""
    assert response.status_code == status, response.content
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": status, "message": message, "data": {"request_id": row.request_id}},
    }
    return row


@pytest.mark.parametrize("raw", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("path", ROUTES)
def test_deeply_nested_json_is_400_and_logged(client, api_key, rpc_calls, path, raw):
    response = client.post(path, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    row = refused(response, 400, TOO_DEEP)
    assert (row.status, row.outcome, row.error) == (400, "failure", TOO_DEEP)
    assert row.request_body == raw[:65536]
    assert rpc_calls == []


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("path", ROUTES)
def test_non_json_numbers_are_400(client, api_key, rpc_calls, path, constant):
    raw = '{"params": {"model": "res.partner", "vals": {"payload": {"name": "x", "credit_limit": ' + constant + "}}}}"
    response = client.post(path, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert refused(response, 400, NOT_JSON).status == 400
    assert rpc_calls == []
