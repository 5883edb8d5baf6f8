"""Hostile input on the REST routes: deep nesting, huge numbers, invalid Unicode. Each is a 400 in the
envelope, before any Odoo call, and each call still leaves its row in the request log."""

import pytest

from logs.models import RequestLog
from tests.endpoints.support import error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"
TOO_DEEP = "JSON parse error - The JSON nests arrays and objects deeper than 100 levels."
HUGE = "9" * 40
INTEGER_ID_LINES = [
    {"odoo_field": "id", "external_key": "id", "odoo_type": "integer", "is_identifier": True, "direction": "out"},
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
    {"odoo_field": "color", "external_key": "colour", "odoo_type": "integer"},
]


def logged(response) -> RequestLog:
    return RequestLog.objects.get(request_id=response["X-Request-ID"])


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 5000 + "]" * 5000,  # beyond the interpreter's recursion limit: json itself gives up
        '{"a":' * 3000 + "1" + "}" * 3000,
        '{"name": ' + "[" * 150 + "]" * 150 + "}",  # parses, but deeper than the hub walks
    ],
    ids=["arrays", "objects", "inside-a-key"],
)
@pytest.mark.parametrize(("method", "path"), [("POST", URL), ("PUT", f"{URL}/C001")])
def test_deeply_nested_json_is_400_and_logged(client, customers, rpc_calls, method, path, raw):
    response = client.generic(method, path, raw, content_type="application/json")
    error(response, 400, TOO_DEEP)
    assert rpc_calls == []
    row = logged(response)
    assert (row.status, row.outcome, row.endpoint_slug) == (400, "failure", "customers")
    assert row.request_body == raw
    assert row.error == TOO_DEEP


def test_json_nested_to_the_limit_reaches_the_mapping(client, customers, rpc_calls):
    raw = '{"customer_id": "C010", "name": ' + "[" * 99 + "]" * 99 + "}"
    message = "Mapping line 'name' (name): expects a string, got " + "[" * 57 + "...."
    error(
        client.post(URL, raw, content_type="application/json"),
        400,
        message,
        line_id=customers.lines.get(external_key="name").pk,
    )
    assert rpc_calls == []


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_400(client, customers, constant):
    raw = '{"customer_id": "C010", "name": ' + constant + "}"
    error(
        client.post(URL, raw, content_type="application/json"),
        400,
        f"JSON parse error - Out of range float values are not JSON compliant: {constant!r}",
    )


def test_a_huge_integer_filter_is_400_naming_the_line(client, make_endpoint, seeded, rpc_calls):
    endpoint = make_endpoint(slug="partners", lines=INTEGER_ID_LINES)
    response = client.get("/bj_api_sync/v1/partners", {"colour": HUGE})
    error(
        response,
        400,
        f"Mapping line 'colour' (color): expects an integer from -2147483648 to 2147483647, got {int(HUGE)!r}.",
        line_id=endpoint.lines.get(external_key="colour").pk,
    )
    assert rpc_calls == []
    assert logged(response).status == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_huge_integer_identifier_is_400_naming_the_line(client, make_endpoint, seeded, rpc_calls, method):
    endpoint = make_endpoint(slug="partners", lines=INTEGER_ID_LINES)
    response = client.generic(
        method, f"/bj_api_sync/v1/partners/{HUGE}", '{"name": "x"}', content_type="application/json"
    )
    error(
        response,
        400,
        f"Mapping line 'id' (id): expects an integer from -2147483648 to 2147483647, got {int(HUGE)!r}.",
        line_id=endpoint.lines.get(external_key="id").pk,
    )
    assert rpc_calls == []
    assert logged(response).status == 400


def test_the_largest_odoo_integer_is_still_sent(client, make_endpoint, seeded):
    make_endpoint(slug="partners", lines=INTEGER_ID_LINES)
    response = client.get("/bj_api_sync/v1/partners", {"colour": str(2**31 - 1)})
    assert response.status_code == 200, response.content
    assert response.json()["data"] == []


def test_a_lone_surrogate_is_400_over_xml_rpc(client, make_endpoint, make_connection, seeded, rpc_calls):
    make_endpoint(connection=make_connection(protocol="xmlrpc"))
    response = client.put(f"{URL}/C001", '{"name": "\\ud800"}', content_type="application/json")
    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert message.startswith(
        "Cannot send these arguments over XML-RPC: 'utf-8' codec can't encode character '\\ud800'"
    )
    assert message.endswith(": surrogates not allowed")
    # the write was refused while being encoded: counted, but it never reached Odoo
    assert rpc_calls == [("common", "authenticate"), ("res.partner", "search_read"), ("res.partner", "write")]
    assert logged(response).status == 400


def test_a_very_long_identifier_is_created_without_a_location_header(client, customers, fake_odoo):
    ref = "C" * 100_000
    response = client.post(URL, {"customer_id": ref, "name": "Long"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["data"]["customer_id"] == ref
    # a 100 kB header line would break the caller's HTTP client (and any proxy) on a record that was made
    assert "Location" not in response
    assert [r["name"] for r in fake_odoo.records("res.partner") if r["ref"] == ref] == ["Long"]
    assert logged(response).status == 201


def test_the_location_header_stays_up_to_its_limit(client, customers):
    ref = "C" * (2000 - len("http://testserver/bj_api_sync/v1/customers/"))
    response = client.post(URL, {"customer_id": ref, "name": "Long"}, content_type="application/json")
    assert response["Location"] == f"http://testserver{URL}/{ref}"


@pytest.mark.parametrize(("method", "path"), [("POST", URL), ("PUT", f"{URL}/C001")])
def test_a_body_over_the_limit_is_413_and_logged(client, customers, settings, rpc_calls, method, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = '{"customer_id": "C010", "name": "' + "x" * 2000 + '"}'
    response = client.generic(method, path, raw, content_type="application/json")
    error(response, 413, "The request body is larger than 1000 bytes.")
    assert rpc_calls == []
    row = logged(response)
    assert (row.status, row.request_body_size, row.request_body) == (
        413,
        len(raw),
        "(body not read: RequestDataTooBig)",
    )


def test_a_content_length_that_is_no_number_is_400(client, customers, rpc_calls):
    response = client.generic("POST", URL, b"{}", content_type="application/json", CONTENT_LENGTH="abc")
    error(response, 400, "The Content-Length header must be a number of bytes.")
    assert rpc_calls == []
    assert logged(response).status == 400
