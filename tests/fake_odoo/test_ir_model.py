"""ir.model: the recorded list of installed models, searched as the admin's model picker does; read only."""

import xmlrpc.client

import pytest


def test_models_are_searched_by_technical_name_or_label(call_odoo):
    domain = ["|", ["model", "ilike", "res.countr"], ["name", "ilike", "res.countr"]]
    assert call_odoo("ir.model", "search_read", domain, fields=["model", "name"], limit=5) == [
        {"id": 79, "model": "res.country", "name": "Country"},
        {"id": 80, "model": "res.country.group", "name": "Country Group"},
        {"id": 81, "model": "res.country.state", "name": "Country state"},
    ]


def test_modules_not_recorded_and_writes_fail_loudly(fake_odoo, call_odoo):
    with pytest.raises(xmlrpc.client.Fault) as unknown_modules:
        call_odoo("ir.model", "search_read", [["model", "=", "res.partner"]], fields=["modules"])
    with pytest.raises(xmlrpc.client.Fault) as created:
        call_odoo("ir.model", "create", {"model": "x_thing", "name": "Thing"})
    assert "recorded for crm.* only" in unknown_modules.value.faultString
    assert "creating custom models" in created.value.faultString
    assert len(fake_odoo.not_modelled) == 2
    fake_odoo.store.not_modelled.clear()  # met on purpose: the fixture fails any test that leaves one
