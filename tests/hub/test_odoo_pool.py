"""The client pool: one shared client per connection until the connection changes."""

from hub.odoo import pool


def test_one_client_per_key_while_the_fingerprint_holds(odoo_connection):
    first = odoo_connection.client()
    assert odoo_connection.client() is first
    built = []
    assert pool.client(odoo_connection.pk, "other", lambda: built.append(1) or first) is first
    assert built == [1]  # a new fingerprint builds again


def test_a_changed_connection_gets_a_new_client(odoo_connection):
    first = odoo_connection.client()
    odoo_connection.read_timeout = 12.0
    odoo_connection.save()
    second = odoo_connection.client()
    assert second is not first
    assert second.read_timeout == 12.0
    assert odoo_connection.client() is second
