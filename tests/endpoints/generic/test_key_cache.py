"""API keys are checked against the keys cached per process: a revocation, an expiry or a change of
the key's connection still applies at the next call."""

from datetime import timedelta

from django.utils import timezone

from hub.auth import keys
from hub.models import ApiKey
from tests.endpoints.generic.conftest import rpc_result
from tests.endpoints.generic.test_auth import error

SEARCH = {"payload": {"search_field": ["name"], "search_domain": "[('ref', '=', 'C-1')]"}}
REFUSED = "The API key is unknown, revoked or expired."


def test_a_key_revoked_in_bulk_is_refused_at_the_next_call(rpc, shop):
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True
    assert ApiKey.objects.filter(name="webshop").revoke() == 1  # a bulk UPDATE, as the admin action does
    error(rpc("search_data", "res.partner", SEARCH), 401, REFUSED)


def test_a_cached_key_is_refused_once_it_expires(rpc, shop, monkeypatch):
    key = ApiKey.objects.get(name="webshop")
    key.expires_at = timezone.now() + timedelta(minutes=1)
    key.save()
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the minute passes without the test waiting on a busy machine
    error(rpc("search_data", "res.partner", SEARCH), 401, REFUSED)


def test_saving_the_keys_connection_reloads_the_keys(rpc, shop, odoo_connection):
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True
    loaded = keys._KEYS.get()
    odoo_connection.save()
    assert rpc_result(rpc("search_data", "res.partner", SEARCH))["is_success"] is True
    assert keys._KEYS.get() is not loaded
