"""Fixtures of the stand-in's own tests."""

import xmlrpc.client

import pytest


@pytest.fixture
def call_odoo(fake_odoo):
    """``call_odoo(model, method, *args, **kwargs)``: one execute_kw over XML-RPC (admin unless uid, password)."""
    proxy = xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")

    def call(model, method, *args, uid=2, password="admin", **kwargs):
        return proxy.execute_kw(fake_odoo.database, uid, password, model, method, list(args), kwargs)

    return call
