"""export_endpoints / import_endpoints carry outbound configurations with their lines, never secrets."""

import json

import pytest
from django.core.management import call_command

from endpoints.transfer import TransferError, export_configurations, import_configurations
from outbound.models import OutboundConfiguration
from tests.outbound.lines import ORDER_LINES, save_lines

pytestmark = pytest.mark.django_db


def test_export_then_import_round_trips_an_outbound_configuration(make_outbound, tmp_path, capsys):
    configuration = make_outbound(secret="whsec_c2VjcmV0", method="PUT", poll_interval=30)
    path = tmp_path / "export.json"
    call_command("export_endpoints", "--output", str(path))
    exported = json.loads(path.read_text())
    [item] = exported["outbound"]
    assert item == {
        "name": "partners",
        "odoo_model": "res.partner",
        "domain": "[('name', '=like', 'Outbound%')]",
        "active": True,
        "on_create": True,
        "on_update": True,
        "on_delete": True,
        "target": "url",
        "target_url": "http://127.0.0.1:9/never",
        "method": "PUT",
        "connect_timeout": 5.0,
        "read_timeout": 15.0,
        "auth": "signature",
        "auth_username": "",
        "auth_header": "",
        "max_attempts": 10,
        "max_age": 86400,
        "backoff_base": 10,
        "backoff_max": 3600,
        "poll_interval": 30,
        "batch_size": 100,
        "deletion_check_size": 100,
        "connection": "fake odoo",
        "lines": [
            {
                "sequence": 0,
                "odoo_field": "name",
                "external_key": "name",
                "is_identifier": False,
                "value_type": "plain",
                "odoo_type": "",
                "options": {},
                "direction": "both",
                "required": False,
                "default": None,
            },
            {
                "sequence": 1,
                "odoo_field": "email",
                "external_key": "email",
                "is_identifier": False,
                "value_type": "plain",
                "odoo_type": "",
                "options": {},
                "direction": "both",
                "required": False,
                "default": None,
            },
            {
                "sequence": 2,
                "odoo_field": "phone",
                "external_key": "phone",
                "is_identifier": False,
                "value_type": "plain",
                "odoo_type": "",
                "options": {},
                "direction": "both",
                "required": False,
                "default": None,
            },
        ],
    }
    assert "c2VjcmV0" not in path.read_text()

    configuration.delete()
    summary = import_configurations(exported)
    assert summary.created == ["outbound:partners"]
    assert summary.warnings == ["outbound:partners: set its signature secret in the admin."]
    imported = OutboundConfiguration.objects.get()
    assert (imported.method, imported.poll_interval, imported.secret) == ("PUT", 30, "")
    assert [line.external_key for line in imported.lines.all()] == ["name", "email", "phone"]
    again = export_configurations()["outbound"][0]
    assert again == item


def test_import_refuses_a_bad_outbound_configuration_and_imports_nothing(make_outbound):
    make_outbound()
    data = export_configurations()
    data["outbound"][0]["target_url"] = "ftp://example.com"
    OutboundConfiguration.objects.all().delete()
    with pytest.raises(TransferError, match="outbound configuration 'partners': target_url: "):
        import_configurations(data)
    assert not OutboundConfiguration.objects.exists()
    data["outbound"][0]["surprise"] = 1
    with pytest.raises(TransferError, match=r"outbound configuration 'partners': unknown keys surprise\."):
        import_configurations(data)


def test_lookup_and_nested_one2many_lines_round_trip(make_outbound, odoo_connection):
    configuration = make_outbound(name="orders", odoo_model="sale.order", domain="[]", lines=[])
    save_lines(configuration, ORDER_LINES)
    data = export_configurations()
    [item] = data["outbound"]
    [nested] = [line for line in item["lines"] if line["external_key"] == "lines"]
    assert [(c["odoo_field"], c["external_key"], c["value_type"], c["options"]) for c in nested["children"]] == [
        ("product_id", "sku", "many2one", {"model": "product.product", "field": "default_code"}),
        ("product_uom_qty", "quantity", "plain", {}),
    ]
    configuration.delete()
    import_configurations(data)
    imported = OutboundConfiguration.objects.get()
    assert sorted(imported.lines.values_list("external_key", "value_type", "parent__external_key")) == [
        ("customer", "many2one", None),
        ("lines", "one2many", None),
        ("number", "plain", None),
        ("quantity", "plain", "lines"),
        ("sku", "many2one", "lines"),
    ]
    assert export_configurations()["outbound"] == [item]
