"""The client pool: one shared client per connection until the connection changes."""

import ssl

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


def test_every_http_client_shares_one_tls_context(monkeypatch):
    """Loading the CA certificates costs tens of milliseconds: done once per process, not per client."""
    import httpx

    from hub import tls
    from hub.odoo import transports

    made = []
    monkeypatch.setattr(httpx, "create_ssl_context", lambda: made.append(1) or ssl.create_default_context())
    tls.tls_context.cache_clear()
    try:
        clients = [transports.new_http_client(5, 30) for _ in range(3)]
        assert len(made) == 1
        for client in clients:
            client.close()
    finally:
        tls.tls_context.cache_clear()
