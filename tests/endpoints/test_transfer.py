"""manage.py export_endpoints / import_endpoints: configurations as code, secrets left out."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from endpoints.models import Endpoint, EndpointToken
from hub.models import OdooConnection
from mappings.models import MappingLine

pytestmark = pytest.mark.django_db

ORDER_LINES = [
    {"odoo_field": "name", "external_key": "number", "odoo_type": "char", "is_identifier": True, "direction": "out"},
    {
        "odoo_field": "order_line",
        "external_key": "lines",
        "value_type": "one2many",
        "direction": "in",
        "children": [
            {
                "odoo_field": "product_id",
                "external_key": "sku",
                "value_type": "many2one",
                "options": {"model": "product.product", "field": "default_code"},
                "required": True,
            },
            {"odoo_field": "product_uom_qty", "external_key": "quantity", "odoo_type": "float", "default": 1},
        ],
    },
]


def export(tmp_path) -> dict:
    target = tmp_path / "endpoints.json"
    call_command("export_endpoints", "--output", str(target), stderr=io.StringIO())
    return json.loads(target.read_text())


@pytest.fixture
def configured(make_endpoint, issue_token):
    customers = make_endpoint(auth="bearer")
    issue_token(customers)
    make_endpoint(slug="shop", auth="basic", basic_username="shop", basic_password="very-secret-pw")
    make_endpoint(slug="orders", odoo_model="sale.order", domain="[]", lines=ORDER_LINES, upsert_on_post=True)
    return customers


def test_export_writes_every_configuration_with_lines_and_no_secrets(configured, tmp_path):
    data = export(tmp_path)
    assert data["format"] == "odoo-hub-endpoints"
    assert data["version"] == 1
    assert [e["slug"] for e in data["endpoints"]] == ["customers", "orders", "shop"]
    customers = data["endpoints"][0]
    assert customers == {
        "name": "Customers",
        "request_type": "in",
        "odoo_model": "res.partner",
        "domain": "[('is_company', '=', False), ('ref', '!=', False)]",
        "slug": "customers",
        "allowed_methods": ["GET", "POST", "PUT", "DELETE"],
        "auth": "bearer",
        "basic_username": "",
        "is_paginated": True,
        "page_size": 100,
        "upsert_on_post": False,
        "log_mode": "all",
        "rate_limit_per_address": "",
        "rate_limit_per_credential": "",
        "require_idempotency_key": False,
        "record_rule": "",
        "record_rule_message": "",
        "active": True,
        "connection": "fake odoo",
        "lines": customers["lines"],
    }
    assert customers["lines"][0] == {
        "sequence": 10,
        "odoo_field": "ref",
        "external_key": "customer_id",
        "is_identifier": True,
        "value_type": "plain",
        "odoo_type": "char",
        "options": {},
        "direction": "both",
        "required": True,
        "default": None,
    }
    orders = data["endpoints"][1]
    assert [c["external_key"] for c in orders["lines"][1]["children"]] == ["sku", "quantity"]
    text = json.dumps(data)
    assert "pbkdf2" not in text
    assert "hubt_" not in text
    assert "digest" not in text


def test_export_to_standard_output(configured, capsys):
    call_command("export_endpoints")
    assert json.loads(capsys.readouterr().out)["format"] == "odoo-hub-endpoints"


def test_import_recreates_the_configurations_elsewhere(configured, tmp_path):
    data = export(tmp_path)
    connection = OdooConnection.objects.get(name="fake odoo")
    MappingLine.objects.all().delete()
    Endpoint.objects.all().delete()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_endpoints", str(tmp_path / "endpoints.json"), stdout=out, stderr=err)
    assert out.getvalue().strip() == "Imported 3 new and 0 updated endpoint(s): customers, orders, shop"
    assert err.getvalue().splitlines() == [
        "customers: uses bearer tokens; create one in the admin.",
        "shop: uses Basic authentication; set its password in the admin.",
    ]
    assert export(tmp_path) == data
    orders = Endpoint.objects.get(slug="orders")
    assert orders.connection == connection
    nested = MappingLine.objects.get(endpoint=orders, external_key="sku")
    assert nested.parent.external_key == "lines"


def test_import_updates_by_slug_and_replaces_the_lines(configured, tmp_path):
    data = export(tmp_path)
    data["endpoints"][0]["name"] = "Clients"
    data["endpoints"][0]["lines"] = data["endpoints"][0]["lines"][:2]
    (tmp_path / "changed.json").write_text(json.dumps(data))
    before = Endpoint.objects.get(slug="customers").pk
    out = io.StringIO()
    call_command("import_endpoints", str(tmp_path / "changed.json"), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "Imported 0 new and 3 updated endpoint(s): customers, orders, shop"
    customers = Endpoint.objects.get(slug="customers")
    assert customers.pk == before
    assert customers.name == "Clients"
    assert [line.external_key for line in customers.lines.all()] == ["customer_id", "name"]
    assert EndpointToken.objects.filter(endpoint=customers).count() == 1  # tokens survive an import
    assert Endpoint.objects.get(slug="shop").check_basic_password("very-secret-pw")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["endpoints"][-1].update(connection="nowhere"),
            "endpoint 'copy': no Odoo connection named 'nowhere'.",
        ),
        (lambda d: d["endpoints"][-1].update(domain="[('a', 'bad', 1)]"), "endpoint 'copy': domain: "),
        (lambda d: d["endpoints"][-1].update(colour="red"), "endpoint 'copy': unknown keys colour."),
        (
            lambda d: d["endpoints"][-1]["lines"][0].update(is_identifier=False),
            "endpoint 'copy': exactly one mapping line must be the record identifier (found 0).",
        ),
        (lambda d: d["endpoints"][-1]["lines"][1].update(value_type="many2one"), "endpoint 'copy' line 1: options: "),
        (lambda d: d["endpoints"][-1]["lines"][1].update(size=3), "endpoint 'copy' line 1: unknown keys size."),
        (
            lambda d: d["endpoints"][-1]["lines"][1]["children"][0].update(odoo_field="bad field"),
            "endpoint 'copy' line 1 line 0: odoo_field: ",
        ),
        (lambda d: d["endpoints"].append(3), "endpoint 4: must be an object."),
        (lambda d: d.update(endpoints={}), '"endpoints" must be a list.'),
        (
            lambda d: d.update(format="other"),
            'Not an endpoint export: expected an object with "format": "odoo-hub-endpoints".',
        ),
        (lambda d: d.update(version=2), "Unsupported export version 2; this hub reads 1."),
    ],
)
def test_a_bad_file_imports_nothing(configured, tmp_path, change, message):
    data = export(tmp_path)
    data["endpoints"][0]["name"] = "Changed"  # a good change before the bad one: rolled back with it
    data["endpoints"].append({**copy.deepcopy(data["endpoints"][1]), "slug": "copy"})
    change(data)
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(CommandError) as caught:
        call_command("import_endpoints", str(tmp_path / "bad.json"), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(caught.value).startswith("Nothing imported: " + message), str(caught.value)
    assert Endpoint.objects.get(slug="customers").name == "Customers"
    assert not Endpoint.objects.filter(slug="copy").exists()


def test_import_of_a_missing_or_broken_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_endpoints", str(tmp_path / "missing.json"))
    (tmp_path / "broken.json").write_text("{nope")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("import_endpoints", str(tmp_path / "broken.json"))


def test_demo_configuration_imports(odoo_connection):
    """demo/endpoints.json (used by `make demo`) is a valid export."""
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[2] / "demo" / "endpoints.json").read_text())
    for endpoint in data["endpoints"]:
        endpoint["connection"] = odoo_connection.name
    from endpoints.transfer import import_configurations

    summary = import_configurations(data)
    assert summary.created == sorted(summary.created, key=[e["slug"] for e in data["endpoints"]].index)
    assert len(summary.created) == len(data["endpoints"])
