"""The same endpoint over every protocol: XML-RPC and JSON-RPC (Odoo 18), JSON-2 (Odoo 19)."""

import pytest

from fake_odoo import FakeOdoo
from tests.endpoints.support import ALICE, CUSTOMER_LINES, DOMAIN, SEED, add_lines, body

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"


@pytest.fixture(scope="module")
def odoo19_server():
    server = FakeOdoo(version="19.0").start()
    yield server
    server.stop()


@pytest.fixture(params=["xmlrpc", "jsonrpc", "json2"])
def protocol_endpoint(request, make_connection, fake_odoo):
    """The customers endpoint over one protocol, with the seed partners in that server."""
    from endpoints.models import Endpoint

    if request.param == "json2":
        server = request.getfixturevalue("odoo19_server")
        server.reset()
        connection = make_connection(protocol="json2", secret=FakeOdoo.ADMIN_API_KEY, server=server, name="odoo 19")
    else:
        server = fake_odoo
        connection = make_connection(protocol=request.param, name=f"odoo 18 {request.param}")
    client = connection.client()
    countries = {
        r["code"]: r["id"]
        for r in client.execute_kw("res.country", "search_read", [[("code", "in", ["BE", "US"])]], {"fields": ["code"]})
    }
    for partner in SEED:
        vals = {k: v for k, v in partner.items() if k != "country"}
        vals.update(is_company=False, country_id=countries[partner["country"]] if partner["country"] else False)
        client.execute_kw("res.partner", "create", [vals])
    endpoint = Endpoint.objects.create(
        name="Customers",
        connection=connection,
        odoo_model="res.partner",
        domain=DOMAIN,
        slug="customers",
        allowed_methods=["GET", "POST", "PUT", "DELETE"],
        auth="none",
    )
    add_lines(endpoint, CUSTOMER_LINES)
    return server


def test_every_call_works_the_same_over_each_protocol(client, protocol_endpoint, rpc_calls):
    listed = client.get(URL, {"limit": 2})
    assert body(listed)["pagination"] == {
        "limit": 2,
        "offset": 0,
        "total": 3,
        "next": "http://testserver/bj_api_sync/v1/customers?limit=2&offset=2",
    }
    assert body(client.get(f"{URL}/C001")) == {"status": "success", "data": ALICE}
    created = client.post(
        URL, {"customer_id": "C010", "name": "Dave", "country": "US"}, content_type="application/json"
    )
    assert body(created) == {
        "status": "success",
        "data": {"customer_id": "C010", "name": "Dave", "email": None, "phone": None, "country": "United States"},
    }
    updated = client.put(f"{URL}/C010", {"phone": "+1 1"}, content_type="application/json")
    assert body(updated)["data"]["phone"] == "+1 1"
    assert body(client.delete(f"{URL}/C010")) == {"status": "success", "data": {"customer_id": "C010"}}
    assert client.get(f"{URL}/C010").status_code == 404
    assert [method for _model, method in rpc_calls if method != "authenticate"][:2] == [
        "web_search_read",
        "web_search_read",
    ]


def test_a_json2_database_odoo_does_not_have_is_told_without_odoos_address(client, make_connection, odoo19_server):
    """A database that server lacks: the caller learns it is the hub's settings, staff read where it was."""
    from endpoints.models import Endpoint
    from logs.models import RequestLog

    odoo19_server.reset()
    connection = make_connection(protocol="json2", secret=FakeOdoo.ADMIN_API_KEY, server=odoo19_server, database="nodb")
    endpoint = Endpoint.objects.create(
        name="Customers",
        connection=connection,
        odoo_model="res.partner",
        slug="customers",
        auth="none",
        allowed_methods=["GET"],
    )
    add_lines(endpoint, CUSTOMER_LINES)
    response = client.get(URL)
    assert response.status_code == 502
    assert body(response)["message"] == "Odoo refused the hub's connection settings."
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.error == f'Odoo at {odoo19_server.url} has no database "nodb"'
