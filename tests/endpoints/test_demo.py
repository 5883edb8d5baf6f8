"""The demo endpoints and the curl commands of docs/endpoints.md, run as written through the hub."""

import json
import re
import shlex
from base64 import b64encode
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from endpoints.demo import seed_demo
from tests.endpoints.support import body

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "endpoints.md"


def run_curl(client, command: str, variables: dict) -> object:
    """Run one curl command line through the Django test client (the options the docs use)."""
    expanded = re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], command)
    words = shlex.split(expanded)
    assert words[0] == "curl"
    method, headers, data, url = None, {}, None, None
    items = iter(words[1:])
    for word in items:
        if word == "-s":
            continue
        if word == "-X":
            method = next(items)
        elif word == "-H":
            name, _, value = next(items).partition(": ")
            headers[name] = value
        elif word == "-u":
            headers["Authorization"] = "Basic " + b64encode(next(items).encode()).decode()
        elif word == "-d":
            data = next(items)
        else:
            url = word
    method = method or ("POST" if data is not None else "GET")
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    content_type = headers.pop("Content-Type", "application/octet-stream")
    return client.generic(method, path, data or "", content_type=content_type, headers=headers)


def shell_lines(text: str) -> list[str]:
    """The lines of the ```sh blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


@pytest.fixture
def demo(odoo_connection):
    lines = seed_demo("http://testserver", connection_name=odoo_connection.name)
    variables = {}
    for line in lines:
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            variables[name] = shlex.split(value)[0]
    return lines, variables


def test_seeding_prints_credentials_once_and_commands(demo):
    lines, variables = demo
    assert sorted(variables) == ["CUSTOMERS_PASSWORD", "HUB", "PARTNERS_TOKEN", "SALE_ORDERS_TOKEN"]
    assert variables["HUB"] == "http://testserver"
    assert any(line.startswith("curl ") for line in lines)


def test_seeding_twice_replaces_the_credentials(odoo_connection, client):
    first = dict(
        line[7:].split("=", 1)
        for line in seed_demo("http://testserver", odoo_connection.name)
        if line.startswith("export ")
    )
    second = dict(
        line[7:].split("=", 1)
        for line in seed_demo("http://testserver", odoo_connection.name)
        if line.startswith("export ")
    )
    assert first["PARTNERS_TOKEN"] != second["PARTNERS_TOKEN"]
    old = client.get("/bj_api_sync/v1/partners/12", headers={"Authorization": f"Bearer {first['PARTNERS_TOKEN']}"})
    assert old.status_code == 401
    new = client.get("/bj_api_sync/v1/partners/12", headers={"Authorization": f"Bearer {second['PARTNERS_TOKEN']}"})
    assert new.status_code == 200


def test_every_printed_command_works(client, demo):
    lines, variables = demo
    for line in lines:
        if line.startswith("curl "):
            response = run_curl(client, line, variables)
            assert response.status_code in (200, 201), (line, response.content)


def test_the_documented_curl_commands_work_as_written(client, demo):
    _lines, variables = demo
    commands = [line for line in shell_lines(DOCS.read_text()) if line.startswith("curl ")]
    assert len(commands) >= 8
    answers = []
    for command in commands:
        response = run_curl(client, command, variables)
        assert response.status_code < 300 or "# fails" in command, (command, response.content)
        answers.append(body(response))
    partner = answers[2]
    assert partner == {
        "status": "success",
        "data": {
            "id": 12,
            "name": "Ready Mat",
            "email": "ready.mat28@example.com",
            "phone": partner["data"]["phone"],
            "is_company": True,
            "country": "US",  # the lookup field (code), as a caller sends it
            "tags": partner["data"]["tags"],
        },
    }


def test_demo_sale_order_is_created_with_its_lines(client, demo, fake_odoo):
    lines, variables = demo
    [command] = [line for line in lines if "sale-orders" in line]
    response = run_curl(client, command, variables)
    assert response.status_code == 201, response.content
    data = body(response)["data"]
    assert data["customer"] == "ready.mat28@example.com"  # what the command sent
    assert data["reference"] == "PO-42"
    assert data["status"] == "quotation"
    order = next(o for o in fake_odoo.records("sale.order") if o["client_order_ref"] == "PO-42")
    assert data["number"] == order["name"]
    order_lines = [line for line in fake_odoo.records("sale.order.line") if line["order_id"] == order["id"]]
    assert [(line["product_uom_qty"]) for line in order_lines] == [2.0]
    assert data["lines"] == [{"product": "E-COM07", "quantity": 2.0, "unit_price": order_lines[0]["price_unit"]}]
    again = client.get(
        f"/bj_api_sync/v1/sale-orders/{data['number']}",
        headers={"Authorization": f"Bearer {variables['SALE_ORDERS_TOKEN']}"},
    )
    assert body(again) == {"status": "success", "data": data}
    assert json.dumps(data)
