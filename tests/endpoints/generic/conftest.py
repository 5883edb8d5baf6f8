"""Fixtures of the generic route tests: API keys, demo records in the stand-in, a JSON-RPC caller."""

import json

import pytest
from django.core.cache import cache

from endpoints.generic.models import CallableMethod
from hub.models import ApiKey

ALL_ROUTES = ["create_data", "create_update_data", "update_data", "search_data", "call_function"]
SHOP_MODELS = [
    "res.partner",
    "res.partner.category",
    "res.country",
    "product.product",
    "sale.order",
    "sale.order.line",
]


@pytest.fixture(autouse=True)
def cold_schema_cache():
    """Each test starts without cached field types, so RPC counts do not depend on test order."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_key(odoo_connection):
    """Factory: an issued API key bound to the stand-in; returns the secret."""
    counter = iter(range(1, 1000))

    def make(routes=None, models=None, **fields) -> str:
        key = ApiKey(
            name=fields.pop("name", f"key {next(counter)}"),
            connection=fields.pop("connection", odoo_connection),
            allowed_routes=ALL_ROUTES if routes is None else routes,
            allowed_models=SHOP_MODELS if models is None else models,
            **fields,
        )
        secret = key.issue()
        # clean() runs; the database enforces the constraints on save (see tests/endpoints/support.py).
        key.full_clean(validate_constraints=False)
        key.save()
        return secret

    return make


@pytest.fixture
def api_key(make_key):
    """A key for every data route and the shop's models."""
    return make_key(name="webshop")


@pytest.fixture
def rpc(client, api_key):
    """``rpc(route, model, vals, key=…, call_id=1)`` -> the Django test response of a JSON-RPC call."""

    def call(route, model, vals=None, *, key=api_key, call_id=1, headers=None):
        body = {"jsonrpc": "2.0", "method": "call", "id": call_id, "params": {"model": model, "vals": vals or {}}}
        extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        extra.update(headers or {})
        return client.post(f"/api/{route}", data=json.dumps(body), content_type="application/json", **extra)

    return call


@pytest.fixture
def shop(odoo_client):
    """Records of the issue's examples, made in the stand-in as admin: ids by name."""
    ids = {}

    def create(model, vals):
        return odoo_client.execute_kw(model, "create", [vals])

    ids["Customer A"] = create("res.partner", {"name": "Customer A", "ref": "C-1", "email": "a@example.com"})
    ids["Customer B"] = create("res.partner", {"name": "Customer B", "ref": "C-2", "email": "b@example.com"})
    ids["Twin 1"] = create("res.partner", {"name": "Twin", "ref": "T-1"})
    ids["Twin 2"] = create("res.partner", {"name": "Twin", "ref": "T-2"})
    ids["VIP"] = create("res.partner.category", {"name": "VIP"})
    ids["Wholesale"] = create("res.partner.category", {"name": "Wholesale"})
    ids["Widget"] = create("product.product", {"name": "Widget", "default_code": "P-1"})
    ids["Gadget"] = create("product.product", {"name": "Gadget", "default_code": "P-2"})
    return ids


@pytest.fixture
def allow_method(db):
    """Factory: put (model, method) on the call_function allow-list."""

    def allow(model, method):
        return CallableMethod.objects.create(model=model, method=method)

    return allow


def rpc_result(response) -> dict:
    """The ``result`` of a 200 JSON-RPC answer."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"jsonrpc", "id", "result"}
    return body["result"]
