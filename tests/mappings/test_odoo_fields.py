"""The one fields_get cache: asked once per connection and model, afresh when the admin checks."""

from django.core.cache import cache

from hub import callstats
from mappings import odoo_fields


def test_fields_are_asked_once_then_served_from_the_cache(odoo_connection, odoo_client):
    cache.clear()
    with callstats.tracking() as stats:
        first = odoo_fields.fields_of(odoo_connection, odoo_client, "res.partner")
        again = odoo_fields.fields_of(odoo_connection, odoo_client, "res.partner")
    assert first == again
    assert first["country_id"]["type"] == "many2one"
    assert first["country_id"]["relation"] == "res.country"
    assert [(model, method) for model, method, _ in stats.calls] == [("res.partner", "fields_get")]


def test_fresh_asks_odoo_again_and_refreshes_the_cache(odoo_connection, odoo_client):
    cache.clear()
    odoo_fields.fields_of(odoo_connection, odoo_client, "res.partner")
    cache.set(odoo_fields._key(odoo_connection, "res.partner"), {"stale": {}}, 60)
    with callstats.tracking() as stats:
        fresh = odoo_fields.fields_of(odoo_connection, odoo_client, "res.partner", fresh=True)
    assert stats.count == 1
    assert "stale" not in fresh
    assert odoo_fields.fields_of(odoo_connection, odoo_client, "res.partner") == fresh


def test_a_changed_connection_asks_again(odoo_connection, odoo_client):
    cache.clear()
    odoo_fields.fields_of(odoo_connection, odoo_client, "res.partner")
    odoo_connection.save()  # a new updated_at: the server or user may be another one
    client = odoo_connection.client()
    assert client.uid == 2  # the new client's login, outside the count
    with callstats.tracking() as stats:
        odoo_fields.fields_of(odoo_connection, client, "res.partner")
    assert stats.count == 1


def test_a_getter_asks_each_model_once_per_unit_of_work(odoo_connection, odoo_client):
    cache.clear()
    of = odoo_fields.fields_getter(odoo_connection, odoo_client)
    with callstats.tracking() as stats:
        of("res.partner")
        of("res.country")
        of("res.partner")
    assert sorted(model for model, _, _ in stats.calls) == ["res.country", "res.partner"]
