"""A NUL character in a call to the generic routes: a clear 400 (or a refused search) before Odoo is
called, and one log row, also on PostgreSQL (which cannot store NUL)."""

import pytest

from logs.models import RequestLog
from tests.endpoints.generic.conftest import rpc_result

pytestmark = pytest.mark.django_db

NUL_IN_BODY = "The request body holds a NUL character (\\u0000); Odoo cannot store or search it."


def refused(response, status: int, message: str, call_id=None) -> RequestLog:
    """The response is exactly this JSON-RPC error; answers the call's one log row."""
    assert response.status_code == status, response.content
    (row,) = RequestLog.objects.filter(request_id=response["X-Request-ID"])
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": call_id,
        "error": {"code": status, "message": message, "data": {"request_id": row.request_id}},
    }
    return row


@pytest.mark.parametrize(
    ("route", "vals"),
    [
        ("create_data", {"payload": {"name": "Dave\u0000Lee"}}),
        ("create_data", {"payload": {"na\u0000me": "Dave"}}),
        ("update_data", {"search_key": {"ref": "C-1"}, "payload": {"comment": "\u0000"}}),
        ("search_data", {"payload": {"search_domain": "[('name', '=', 'a\u0000b')]"}}),
        ("search_data", {"payload": {"search_field": ["name\u0000"]}}),
    ],
    ids=["value", "key", "update", "domain", "search_field"],
)
def test_nul_in_vals_is_400_before_odoo_and_logged(rpc, shop, rpc_calls, route, vals):
    row = refused(rpc(route, "res.partner", vals), 400, NUL_IN_BODY)  # refused before the call id is read
    assert rpc_calls == []
    assert (row.status, row.error) == (400, NUL_IN_BODY)
    assert "\x00" not in row.request_body
    assert "\\u0000" in row.request_body


def test_nul_in_call_id_is_400(rpc, rpc_calls):
    response = rpc("search_data", "res.partner", {}, call_id="a\u0000")
    assert refused(response, 400, NUL_IN_BODY).status == 400
    assert rpc_calls == []


def test_nul_escaped_by_python_in_domain_text_is_refused_before_the_search(rpc, shop, rpc_calls):
    """``'a\\x00b'`` in the domain text is a NUL once the domain is read: no search is sent."""
    vals = {"payload": {"search_field": ["name"], "search_domain": "[('name', '=', 'a\\x00b')]"}}
    result = rpc_result(rpc("search_data", "res.partner", vals))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": "search_domain: Term at position 0: the value holds a NUL character (\\u0000).",
    }
    assert ("res.partner", "search_read") not in rpc_calls


def test_raw_nul_byte_in_body_is_400_and_logged(client, api_key, rpc_calls):
    raw = b'{"params": {"model": "res.partner", "vals": {"payload": {"name": "a\x00b"}}}}'
    response = client.post(
        "/api/create_data", raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
    row = refused(response, 400, "The request body is not valid JSON.")
    assert row.request_body == raw.decode().replace("\x00", "\\u0000")
    assert rpc_calls == []


def test_nul_in_header_is_logged(rpc, shop):
    response = rpc(
        "search_data", "res.partner", {"payload": {"search_field": ["name"]}}, headers={"HTTP_X_NOTE": "a\x00b"}
    )
    assert rpc_result(response)["is_success"] is True
    (row,) = RequestLog.objects.filter(request_id=response["X-Request-ID"])
    assert row.request_headers["X-Note"] == "a\\u0000b"


def test_nul_in_api_key_is_401_and_logged(rpc, rpc_calls):
    """No issued key holds a NUL: refused as unknown (PostgreSQL could not even look it up)."""
    response = rpc("search_data", "res.partner", {}, key="hubk_abc\x00def")
    assert refused(response, 401, "The API key is unknown, revoked or expired.", call_id=1).status == 401
    assert rpc_calls == []
