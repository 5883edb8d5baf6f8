"""Fixtures of the REST endpoint tests: endpoints with mapping lines on the stand-in, callers, RPC capture."""

import pytest
from django.core.cache import cache

from endpoints import config
from endpoints.models import Endpoint, EndpointToken
from hub import callstats
from tests.endpoints.support import COMPANY_REF, CUSTOMER_LINES, DOMAIN, SEED, add_lines


@pytest.fixture(autouse=True)
def fresh_configuration_cache():
    """Each test starts without cached configurations (the database under them is rolled back)."""
    cache.delete(config.VERSION_KEY)
    config.clear_local()
    yield
    config.clear_local()


@pytest.fixture
def rpc_calls(monkeypatch):
    """Every Odoo call made while the test runs, as (model, method), whatever stats object counts it."""
    calls: list[tuple[str, str]] = []
    original = callstats.CallStats.record

    def record(self, model, method, seconds):
        calls.append((model, method))
        return original(self, model, method, seconds)

    monkeypatch.setattr(callstats.CallStats, "record", record)
    return calls


@pytest.fixture
def make_endpoint(odoo_connection):
    """Factory: an active inbound endpoint on the stand-in with mapping lines (default: customers)."""

    def make(slug="customers", lines=None, **fields) -> Endpoint:
        values = {
            "name": slug.title(),
            "connection": odoo_connection,
            "odoo_model": "res.partner",
            "domain": DOMAIN,
            "slug": slug,
            "allowed_methods": ["GET", "POST", "PUT", "DELETE"],
            "auth": Endpoint.Auth.NONE,
        }
        values.update(fields)
        password = values.pop("basic_password", None)
        endpoint = Endpoint(**values)
        if password is not None:
            endpoint.set_basic_password(password)
        # clean() runs; the database enforces the constraints on save (see tests/endpoints/support.py).
        endpoint.full_clean(exclude=["connection"], validate_constraints=False)
        endpoint.save()
        add_lines(endpoint, CUSTOMER_LINES if lines is None else lines)
        return endpoint

    return make


@pytest.fixture
def seeded(odoo_client):
    """The seed partners in the stand-in; returns {ref: id}."""
    countries = {
        r["code"]: r["id"]
        for r in odoo_client.execute_kw(
            "res.country", "search_read", [[("code", "in", ["BE", "US"])]], {"fields": ["code"]}
        )
    }
    vals_list = [
        {
            **{k: v for k, v in partner.items() if k != "country"},
            "country_id": countries[partner["country"]] if partner["country"] else False,
            "is_company": False,
        }
        for partner in SEED
    ]
    vals_list.append({"ref": COMPANY_REF, "name": "Kompany", "is_company": True})
    created = odoo_client.execute_kw("res.partner", "create", [vals_list])  # one call, ids in order
    return dict(zip([vals["ref"] for vals in vals_list], created, strict=True))


@pytest.fixture
def customers(make_endpoint, seeded):
    """The public customers endpoint over the seeded partners."""
    return make_endpoint()


@pytest.fixture
def issue_token():
    """Factory: a usable bearer token for an endpoint; returns the secret."""

    def issue(endpoint: Endpoint, name: str = "webshop", **fields) -> str:
        token = EndpointToken(endpoint=endpoint, name=name, **fields)
        secret = token.issue()
        token.save()
        return secret

    return issue
