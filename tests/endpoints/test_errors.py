"""Errors of the REST routes: methods, unknown endpoints, bodies, versions, and Odoo's refusals."""

import json
import re

import pytest

from hub.odoo.exceptions import OdooTimeout
from logs.models import RequestLog
from tests.endpoints.support import body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"


@pytest.mark.parametrize(
    ("methods", "method", "path", "allow"),
    [
        (["GET"], "post", URL, "GET"),
        (["GET"], "put", f"{URL}/C001", "GET"),
        (["GET"], "delete", f"{URL}/C001", "GET"),
        (["POST"], "get", URL, "POST"),
        (["POST"], "get", f"{URL}/C001", ""),
        (["GET", "PUT"], "delete", f"{URL}/C001", "GET, PUT"),
        (["DELETE"], "get", f"{URL}/C001", "DELETE"),
        (["GET", "POST", "PUT", "DELETE"], "put", URL, "GET, POST"),
        (["GET", "POST", "PUT", "DELETE"], "delete", URL, "GET, POST"),
        (["GET", "POST", "PUT", "DELETE"], "post", f"{URL}/C001", "GET, PUT, DELETE"),
        (["GET", "POST", "PUT", "DELETE"], "patch", f"{URL}/C001", "GET, PUT, DELETE"),
        (["GET", "POST", "PUT", "DELETE"], "options", URL, "GET, POST"),
    ],
)
def test_method_not_enabled_is_405_with_allow(client, make_endpoint, seeded, rpc_calls, methods, method, path, allow):
    make_endpoint(allowed_methods=methods)
    response = getattr(client, method)(path, {}, content_type="application/json")
    error(response, 405, f"Method {method.upper()} is not enabled on this route of customers.")
    assert response["Allow"] == allow
    assert rpc_calls == []


def test_authentication_comes_before_the_method_check(client, make_endpoint, seeded):
    make_endpoint(allowed_methods=["GET"], auth="bearer")
    response = client.delete(f"{URL}/C001")
    assert response.status_code == 401


def test_inactive_endpoint_is_404(client, make_endpoint, seeded):
    make_endpoint(active=False)
    error(client.get(URL), 404, "No endpoint 'customers'.")
    error(client.post(URL, {}, content_type="application/json"), 404, "No endpoint 'customers'.")


@pytest.mark.parametrize("path", ["/bj_api_sync/v1/", "/bj_api_sync/v2/customers", "/bj_api_sync/v1/customers/C001/x"])
def test_other_paths_under_the_api_are_404_in_the_envelope(client, customers, path):
    error(
        client.get(path),
        404,
        "No such route; endpoints live at /bj_api_sync/v1/<endpoint>[/<id>].",
    )


def test_invalid_json_is_400(client, customers, rpc_calls):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert body(response)["message"].startswith("JSON parse error")
    assert rpc_calls == []


def test_invalid_json_on_put_is_400(client, customers):
    response = client.put(f"{URL}/C001", "[1,", content_type="application/json")
    assert response.status_code == 400
    assert body(response)["message"].startswith("JSON parse error")


def test_empty_body_is_400(client, customers):
    error(
        client.generic("POST", URL, b"", content_type="application/json"),
        400,
        "The request has no body; send a JSON object.",
    )


def test_json_with_charset_is_accepted(client, customers):
    response = client.generic(
        "POST", URL, b'{"customer_id": "C010", "name": "Dave"}', content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_api_version_header_1_0_is_accepted(client, customers):
    response = client.get(URL, headers={"X-API-Version": "1.0"})
    assert response.status_code == 200
    assert response["X-API-Version"] == "1.0"


@pytest.mark.parametrize("version", ["2.0", "1", "latest"])
def test_other_api_version_is_400(client, customers, version, rpc_calls):
    error(
        client.get(URL, headers={"X-API-Version": version}),
        400,
        f"Unsupported X-API-Version {version!r}; this hub speaks 1.0.",
    )
    assert rpc_calls == []


def test_request_id_is_echoed_or_made(client, customers):
    given = client.get(URL, headers={"X-Request-ID": "abc-123"})
    assert given["X-Request-ID"] == "abc-123"
    made = client.get(URL)
    assert len(made["X-Request-ID"]) >= 16
    failed = client.get(f"{URL}/C999", headers={"X-Request-ID": "req-404"})
    assert failed["X-Request-ID"] == "req-404"
    assert body(failed)["request_id"] == "req-404"


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("access", 403, None),
        ("missing", 404, None),
        ("validation", 400, "The operation cannot be completed: Contacts require a name"),
        ("user", 400, "Some orders are not in a state requiring confirmation."),
    ],
)
def test_odoo_refusals_map_to_http_statuses(client, customers, fake_odoo, kind, status, message):
    fake_odoo.faults.fail_next(1, kind)
    response = client.get(URL)
    assert response.status_code == status, response.content
    payload = body(response)
    assert payload["status"] == "error"
    assert payload["code"] == status
    if message:
        assert payload["message"] == message
    assert "Traceback" not in payload["message"]
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.status == status
    assert row.outcome == "failure"


def test_odoo_refusing_an_update_is_422(client, customers, fake_odoo):
    fake_odoo.faults.fail_next(2, "user")  # find and write
    response = client.put(f"{URL}/C001", {"phone": "1"}, content_type="application/json")
    error(response, 422, "Some orders are not in a state requiring confirmation.")


def test_odoo_refusing_a_delete_is_400(client, customers, fake_odoo):
    fake_odoo.faults.fail_next(2, "user")
    error(client.delete(f"{URL}/C001"), 400, "Some orders are not in a state requiring confirmation.")


def test_odoo_refusing_created_values_is_422(client, customers, fake_odoo):
    fake_odoo.faults.fail_next(2, "validation")  # the identifier check fails first: any call may refuse
    response = client.post(URL, {"customer_id": "C010", "name": "Dave"}, content_type="application/json")
    error(response, 422, "The operation cannot be completed: Contacts require a name")


def test_odoo_access_error_for_a_restricted_user_is_403(client, make_endpoint, make_connection, seeded):
    demo = make_connection(login="demo", secret="demo")
    make_endpoint(
        slug="companies",
        odoo_model="res.company",
        domain="[]",
        connection=demo,
        lines=[
            {
                "odoo_field": "id",
                "external_key": "id",
                "odoo_type": "integer",
                "is_identifier": True,
                "direction": "out",
            },
            {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
        ],
    )
    response = client.post("/bj_api_sync/v1/companies", {"name": "Evil Corp"}, content_type="application/json")
    assert response.status_code == 403, response.content
    assert body(response)["code"] == 403


def test_odoo_down_is_502(client, make_endpoint, make_connection, seeded):
    class Closed:
        url = "http://127.0.0.1:9"  # discard port: nothing listens
        database = "odoo18"

    make_endpoint(connection=make_connection(server=Closed(), name="down"))
    response = client.get(URL)
    error(response, 502, "Odoo is unreachable.")  # the address is for staff: the log row has it
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.error.startswith("Cannot connect to Odoo at http://127.0.0.1:9: ")
    assert "127.0.0.1" not in response.content.decode()


def test_odoo_timeout_is_504(client, make_endpoint, make_connection, fake_odoo, seeded):
    slow = make_connection(name="slow", read_timeout=0.3)
    slow.client().uid  # log in before the stand-in hangs
    make_endpoint(connection=slow)
    fake_odoo.faults.hang()
    try:
        response = client.get(f"{URL}/C001")
    finally:
        fake_odoo.faults.clear()
    error(response, 504, "Odoo did not answer in time.")
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.error == f"Odoo at {fake_odoo.url} did not answer in time"


def test_failures_are_logged_with_the_endpoint_and_line(client, customers):
    line = customers.lines.get(external_key="country")
    response = client.put(f"{URL}/C001", {"country": "ZZ"}, content_type="application/json")
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.endpoint_id == customers.pk
    assert row.endpoint_slug == "customers"
    assert row.route_kind == "rest"
    assert row.status == 400
    assert row.outcome == "failure"
    assert row.line_id == line.pk
    assert row.error == "Mapping line 'country' (country_id): no res.country record has code 'ZZ'."


def test_log_mode_errors_only_skips_successes(client, make_endpoint, seeded):
    make_endpoint(log_mode="errors")
    ok = client.get(URL)
    failed = client.get(f"{URL}/C999")
    assert not RequestLog.objects.filter(request_id=ok["X-Request-ID"]).exists()
    assert RequestLog.objects.filter(request_id=failed["X-Request-ID"]).exists()


def test_log_mode_off_writes_nothing(client, make_endpoint, seeded, django_assert_max_num_queries):
    make_endpoint(log_mode="off")
    client.get(URL)
    with django_assert_max_num_queries(0):
        assert client.get(URL).status_code == 200


# every route and method, for the errors that do not depend on the call
CALLS = [
    ("get", URL, None),
    ("post", URL, {"customer_id": "C010", "name": "Dave Lee"}),
    ("get", f"{URL}/C001", None),
    ("put", f"{URL}/C001", {"phone": "+32 9"}),
    ("delete", f"{URL}/C002", None),
]


def call(client, method, path, data=None, **headers):
    kwargs = {"headers": headers}
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(client, method)(path, **kwargs)


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_inactive_endpoint_is_404_on_every_call(client, make_endpoint, seeded, rpc_calls, method, path, data):
    make_endpoint(active=False)
    error(call(client, method, path, data), 404, "No endpoint 'customers'.")
    assert rpc_calls == []


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_unsupported_api_version_is_400_on_every_call(client, customers, method, path, data):
    error(
        call(client, method, path, data, **{"X-API-Version": "2.0"}),
        400,
        "Unsupported X-API-Version '2.0'; this hub speaks 1.0.",
    )


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_odoo_down_is_502_on_every_call(client, make_endpoint, make_connection, seeded, method, path, data):
    class Closed:
        url = "http://127.0.0.1:9"
        database = "odoo18"

    make_endpoint(connection=make_connection(server=Closed(), name="down"))
    response = call(client, method, path, data)
    error(response, 502, "Odoo is unreachable.")


def log_in(odoo_client, attempts: int = 3) -> None:
    """Log in on a client whose read timeout is short: a loaded machine once took the stand-in over 0.2 s."""
    for attempt in range(1, attempts + 1):
        try:
            odoo_client.uid
            return
        except OdooTimeout:
            if attempt == attempts:
                raise


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_odoo_timeout_is_504_on_every_call(
    client, make_endpoint, make_connection, fake_odoo, seeded, method, path, data
):
    slow = make_connection(name="slow", read_timeout=0.2)
    log_in(slow.client())  # before the stand-in hangs
    make_endpoint(connection=slow)
    fake_odoo.faults.hang()
    try:
        response = call(client, method, path, data)
    finally:
        fake_odoo.faults.clear()
    error(response, 504, "Odoo did not answer in time.")


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", URL, None, 403),
        ("post", URL, {"customer_id": "C010", "name": "Dave Lee"}, 403),
        ("get", f"{URL}/C001", None, 403),
        ("put", f"{URL}/C001", {"phone": "+32 9"}, 403),
        ("delete", f"{URL}/C002", None, 403),
    ],
)
def test_odoo_access_error_is_403_on_every_call(client, customers, fake_odoo, method, path, data, status):
    fake_odoo.faults.fail_next(1, "access")
    response = call(client, method, path, data)
    assert response.status_code == status, response.content
    assert body(response)["message"].startswith("You are not allowed to access")


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_odoo_missing_error_is_404_on_every_call(client, customers, fake_odoo, method, path, data):
    fake_odoo.faults.fail_next(1, "missing")
    response = call(client, method, path, data)
    assert response.status_code == 404, response.content
    assert body(response)["code"] == 404


def test_head_follows_get(client, make_endpoint, seeded):
    make_endpoint(allowed_methods=["GET"])
    response = client.head(f"{URL}/C001")
    assert response.status_code == 200
    assert response.content == b""
    make_endpoint(slug="writers", allowed_methods=["POST"])
    assert client.head("/bj_api_sync/v1/writers").status_code == 405


@pytest.mark.parametrize(("method", "path", "data"), CALLS[1:])
def test_routes_without_query_parameters_refuse_them(client, customers, rpc_calls, method, path, data):
    response = call(client, method, f"{path}?fields=name", data)
    error(response, 400, "Unknown query parameter(s): fields. This route takes none.")
    assert rpc_calls == []


def unchanged(fake_odoo, before: list[dict]) -> bool:
    """The stand-in's partners are as they were: a refused call wrote nothing."""
    return fake_odoo.records("res.partner") == before


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_odoo_answering_an_html_page_is_502_on_every_call(client, customers, fake_odoo, method, path, data):
    fake_odoo.faults.garbage("html")
    response = call(client, method, path, data)
    fake_odoo.faults.clear()
    error(response, 502, "Odoo is unreachable.")
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.error == f"Odoo at {fake_odoo.url} answered HTTP 200 (text/html), not jsonrpc"


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_odoo_cutting_its_answer_short_is_502_on_every_call(client, customers, fake_odoo, method, path, data):
    fake_odoo.faults.garbage("truncated")
    response = call(client, method, path, data)
    fake_odoo.faults.clear()
    error(response, 502, "Odoo is unreachable.")
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    # the byte counts depend on the answer cut short; the rest of the message is exact
    assert re.fullmatch(
        re.escape(f"Odoo at {fake_odoo.url} closed the connection: peer closed connection without sending")
        + r" complete message body \(received \d+ bytes, expected \d+\)",
        row.error,
    )


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_wrong_hub_credentials_for_odoo_are_502_on_every_call(
    client, make_endpoint, make_connection, seeded, fake_odoo, method, path, data
):
    make_endpoint(connection=make_connection(name="wrong password", secret="not-the-password"))
    before = fake_odoo.records("res.partner")
    response = call(client, method, path, data)
    error(response, 502, "Access Denied")  # the hub's own Odoo login failed: not the caller's fault (no 401)
    assert "WWW-Authenticate" not in response
    assert "not-the-password" not in response.content.decode()
    assert unchanged(fake_odoo, before)


# A line naming a field the Odoo model lacks; the identifier's own field, or another one.
UNKNOWN_IDENTIFIER_FIELD = [
    {"odoo_field": "no_such_ref", "external_key": "customer_id", "odoo_type": "char", "is_identifier": True},
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
    {"odoo_field": "phone", "external_key": "phone", "odoo_type": "char"},
]
UNKNOWN_OTHER_FIELD = [
    {"odoo_field": "ref", "external_key": "customer_id", "odoo_type": "char", "is_identifier": True},
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
    {"odoo_field": "no_such_field", "external_key": "phone", "odoo_type": "char"},
]


def _invalid_leaf(field: str, operator: str, value) -> str:
    return f"Invalid field res.partner.{field} in leaf ({field!r}, {operator!r}, {value!r})"


@pytest.mark.parametrize(
    ("method", "path", "data", "message"),
    [
        ("get", URL, None, "Invalid field 'no_such_ref' on model 'res.partner'"),
        ("post", URL, {"customer_id": "C010", "name": "Dave Lee"}, _invalid_leaf("no_such_ref", "in", ["C010"])),
        ("get", f"{URL}/C001", None, _invalid_leaf("no_such_ref", "=", "C001")),
        ("put", f"{URL}/C001", {"phone": "+32 9"}, _invalid_leaf("no_such_ref", "=", "C001")),
        ("delete", f"{URL}/C002", None, _invalid_leaf("no_such_ref", "=", "C002")),
    ],
)
def test_unknown_odoo_field_of_the_identifier_is_400_on_every_call(
    client, make_endpoint, seeded, fake_odoo, method, path, data, message
):
    make_endpoint(lines=UNKNOWN_IDENTIFIER_FIELD)
    before = fake_odoo.records("res.partner")
    error(call(client, method, path, data), 400, message)
    assert unchanged(fake_odoo, before)


@pytest.mark.parametrize(
    ("method", "path", "data", "rpc"),
    [
        ("get", URL, None, ["web_search_read"]),
        ("post", URL, {"customer_id": "C010", "name": "Dave Lee", "phone": "1"}, ["search_read", "create"]),
        ("get", f"{URL}/C001", None, ["web_search_read"]),
        ("put", f"{URL}/C001", {"phone": "+32 9"}, ["search_read"]),  # the find reads the field it would change
    ],
)
def test_unknown_odoo_field_of_a_line_is_400_on_every_call_that_reads_or_writes_it(
    client, make_endpoint, seeded, fake_odoo, rpc_calls, method, path, data, rpc
):
    make_endpoint(lines=UNKNOWN_OTHER_FIELD)
    before = fake_odoo.records("res.partner")
    error(call(client, method, path, data), 400, "Invalid field 'no_such_field' on model 'res.partner'")
    assert rpc_calls == [("res.partner", name) for name in rpc]  # Odoo refused the first call naming it
    assert unchanged(fake_odoo, before)


def test_unknown_odoo_field_of_a_line_does_not_stop_a_delete(client, make_endpoint, seeded, fake_odoo):
    # DELETE reads only the identifier: a broken line elsewhere does not concern it
    make_endpoint(lines=UNKNOWN_OTHER_FIELD)
    assert body(client.delete(f"{URL}/C002")) == {"status": "success", "data": {"customer_id": "C002"}}
    assert seeded["C002"] not in [r["id"] for r in fake_odoo.records("res.partner")]


REFUSALS = {
    "validation": "The operation cannot be completed: Contacts require a name",
    "user": "Some orders are not in a state requiring confirmation.",
}


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", URL, None, 400),
        ("post", URL, {"customer_id": "C010", "name": "Dave Lee"}, 422),  # a body parsed and Odoo refused it
        ("get", f"{URL}/C001", None, 400),
        ("put", f"{URL}/C001", {"phone": "+32 9"}, 422),
        ("delete", f"{URL}/C002", None, 400),
    ],
)
@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_odoo_validation_and_user_errors_on_every_call(client, customers, fake_odoo, kind, method, path, data, status):
    before = fake_odoo.records("res.partner")
    fake_odoo.faults.fail_next(1, kind)
    response = call(client, method, path, data)
    error(response, status, REFUSALS[kind])
    assert unchanged(fake_odoo, before)
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert (row.status, row.outcome, row.error) == (status, "failure", REFUSALS[kind])


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
@pytest.mark.parametrize("slug", ["nothing", "CUSTOMERS", "customers-"])
def test_unknown_endpoint_is_404_on_every_call(client, customers, rpc_calls, slug, method, path, data):
    response = call(client, method, path.replace("customers", slug, 1), data)
    error(response, 404, f"No endpoint {slug!r}.")
    assert "Allow" not in response
    assert rpc_calls == []


@pytest.mark.parametrize(("method", "path", "data"), [c for c in CALLS if c[0] in ("post", "put")])
@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("text/plain", "'text/plain'"),
        ("application/x-www-form-urlencoded", "'application/x-www-form-urlencoded'"),
        ("application/xml", "'application/xml'"),
        ("multipart/form-data; boundary=x", "'multipart/form-data'"),
        ("", "'none'"),
    ],
)
def test_wrong_content_type_is_415_on_every_call_with_a_body(
    client, customers, fake_odoo, rpc_calls, content_type, shown, method, path, data
):
    before = fake_odoo.records("res.partner")
    response = client.generic(method.upper(), path, json.dumps(data).encode(), content_type=content_type)
    error(response, 415, f"Content-Type must be application/json, not {shown}.")
    assert rpc_calls == []
    assert unchanged(fake_odoo, before)


@pytest.mark.parametrize(("method", "path", "data"), [c for c in CALLS if c[0] in ("get", "delete")])
def test_calls_without_a_body_ignore_one_whatever_its_content_type(client, customers, method, path, data):
    response = client.generic(method.upper(), path, b"<not-json/>", content_type="application/xml")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("accept", "query", "status"),
    [
        ("", "", 200),
        ("*/*", "", 200),
        ("application/json", "", 200),
        ("application/json; q=0.5, text/html", "", 200),
        ("application/xml", "", 406),
        ("*/*", "?format=xml", 404),  # DRF's format override names no renderer of the route
    ],
)
def test_answers_are_json_whatever_else_is_accepted(client, customers, accept, query, status):
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(f"{URL}/C001{query}", **extra)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
