"""A NUL character anywhere in a call to a REST route: a clear 400 before Odoo is called, one log row.

PostgreSQL refuses NUL in text and JSON columns: the row of such a call was lost there.
"""

import json

import pytest

from endpoints.models import Endpoint
from logs.models import RequestLog
from tests.endpoints.support import error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"
NUL_IN_IDENTIFIER = "The record identifier holds a NUL character (\\u0000); Odoo cannot store or search it."
NUL_IN_QUERY = "The query string holds a NUL character (\\u0000); Odoo cannot store or search it."
NUL_IN_BODY = "The request body holds a NUL character (\\u0000); Odoo cannot store or search it."


def logged(response) -> RequestLog:
    """The one row of the call."""
    (row,) = RequestLog.objects.filter(request_id=response["X-Request-ID"])
    return row


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_nul_in_identifier_is_400_and_logged(client, customers, rpc_calls, method):
    kwargs = {"data": {"phone": "+32 9"}, "content_type": "application/json"} if method == "put" else {}
    response = getattr(client, method)(f"{URL}/C0%0001", **kwargs)
    error(response, 400, NUL_IN_IDENTIFIER)
    assert rpc_calls == []
    row = logged(response)
    assert (row.status, row.path, row.error) == (400, f"{URL}/C0\\u000001", NUL_IN_IDENTIFIER)


def test_nul_in_filter_is_400_and_logged(client, customers, rpc_calls):
    response = client.get(f"{URL}?name=a%00b")
    error(response, 400, NUL_IN_QUERY)
    assert rpc_calls == []
    assert logged(response).query_string == "name=a%00b"


def test_nul_in_query_parameter_name_is_400(client, customers, rpc_calls):
    error(client.get(f"{URL}?na%00me=a"), 400, NUL_IN_QUERY)
    assert rpc_calls == []


@pytest.mark.parametrize(
    "payload",
    [
        {"customer_id": "C010", "name": "Dave\u0000Lee"},
        {"customer_id": "C010", "name": "Dave Lee", "na\u0000me": "x"},
        [{"customer_id": "C010", "name": "Dave Lee", "country": "B\u0000E"}],
    ],
    ids=["value", "key", "nested in a list"],
)
def test_nul_escaped_in_json_body_is_400_and_logged(client, customers, rpc_calls, payload):
    response = client.post(URL, json.dumps(payload), content_type="application/json")
    error(response, 400, NUL_IN_BODY)
    assert rpc_calls == []
    row = logged(response)
    assert "\x00" not in row.request_body
    assert "\\u0000" in row.request_body


def test_nul_in_put_body_is_400(client, customers, rpc_calls, fake_odoo):
    before = fake_odoo.records("res.partner")
    response = client.put(f"{URL}/C001", json.dumps({"phone": "\u0000"}), content_type="application/json")
    error(response, 400, NUL_IN_BODY)
    assert rpc_calls == []
    assert fake_odoo.records("res.partner") == before
    assert logged(response).status == 400


def test_raw_nul_byte_in_body_is_400_and_logged(client, customers, rpc_calls):
    response = client.post(URL, b'{"customer_id": "C010", "name": "Dave\x00Lee"}', content_type="application/json")
    assert response.status_code == 400, response.content
    assert rpc_calls == []
    row = logged(response)
    assert row.request_body == '{"customer_id": "C010", "name": "Dave\\u0000Lee"}'


def test_escaped_backslash_before_u0000_is_no_nul(client, customers):
    """``\\\\u0000`` in JSON is the six characters ``\\u0000``, not a NUL: stored as sent."""
    response = client.post(
        URL, json.dumps({"customer_id": "C010", "name": "Dave \\u0000"}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["data"]["name"] == "Dave \\u0000"


def test_nul_in_bearer_token_is_401_and_logged(client, make_endpoint, seeded, rpc_calls):
    make_endpoint(auth=Endpoint.Auth.BEARER)
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer ab\x00c")
    error(response, 401, "Invalid credentials.")
    assert rpc_calls == []
    assert logged(response).request_headers["Authorization"] == "Bearer ***"
