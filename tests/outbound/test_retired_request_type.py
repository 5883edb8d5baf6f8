"""The old "Outbound" request type of endpoints did nothing: its rows are retired by a migration."""

import importlib

import pytest
from django.apps import apps

from endpoints.models import Endpoint

pytestmark = pytest.mark.django_db


def test_outbound_endpoints_become_inactive_inbound_ones_named_for_the_admin(odoo_connection):
    kept = Endpoint.objects.create(
        name="Customers", slug="customers", connection=odoo_connection, odoo_model="res.partner"
    )
    old = Endpoint.objects.create(
        name="Push", slug="customers-out", connection=odoo_connection, odoo_model="res.partner"
    )
    Endpoint.objects.filter(pk=old.pk).update(request_type="out", slug="customers")  # as stored before
    migration = importlib.import_module("endpoints.migrations.0006_outbound_is_its_own_model")
    migration.retire_outbound_endpoints(apps, None)
    old.refresh_from_db()
    assert (old.request_type, old.active, old.slug) == ("in", False, f"customers-was-outbound-{old.pk}")
    assert old.name == "Push (was outbound: recreate it under Outbound configurations)"
    kept.refresh_from_db()
    assert (kept.slug, kept.active) == ("customers", True)
    assert Endpoint.RequestType.values == ["in"]
