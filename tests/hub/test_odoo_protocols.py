"""Each protocol makes the same calls against the Odoo stand-in and gets the same results."""

import json
from pathlib import Path

import pytest

from fake_odoo import FakeOdoo
from hub import callstats
from hub.odoo import OdooClient, faults
from hub.odoo.exceptions import (
    OdooAccessError,
    OdooAuthError,
    OdooError,
    OdooMissingError,
    OdooRequestError,
    OdooValidationError,
)
from tests.fixtures.misbehaving import API_KEY, raw


@pytest.fixture(scope="module")
def stand_in_19():
    """An Odoo 19 stand-in (JSON-2 available) for this module."""
    server = FakeOdoo(version="19.0").start()
    yield server
    server.stop()


@pytest.fixture
def odoo19(stand_in_19):
    stand_in_19.reset()
    yield stand_in_19
    stand_in_19.faults.clear()


def client_for(server, protocol):
    secret = server.ADMIN_API_KEY if protocol == "json2" else "admin"
    return OdooClient(server.url, server.database, "admin", secret, protocol)


def same_calls(client):
    """The calls every protocol must answer alike, and what they answered."""
    results = {}
    results["search_read"] = client.execute_kw(
        "res.partner", "search_read", [[["is_company", "=", True]]], {"fields": ["name", "country_id"], "order": "id"}
    )
    first = results["search_read"][0]["id"]
    results["read"] = client.execute_kw("res.partner", "read", [[first], ["name", "email", "parent_id"]])
    new_id = client.execute_kw("res.partner", "create", [{"name": "Protocol Test", "email": "p@example.com"}])
    results["create"] = type(new_id).__name__
    results["create_list"] = len(client.execute_kw("res.partner", "create", [[{"name": "A1"}, {"name": "A2"}]]))
    results["write"] = client.execute_kw("res.partner", "write", [[new_id], {"phone": "+32 2 123"}])
    results["read_back"] = client.execute_kw("res.partner", "read", [[new_id], ["name", "email", "phone"]])
    results["search_count"] = client.execute_kw("res.partner", "search_count", [[["name", "=", "Protocol Test"]]])
    results["unlink"] = client.execute_kw("res.partner", "unlink", [[new_id]])
    results["after_unlink"] = client.execute_kw("res.partner", "search_count", [[["name", "=", "Protocol Test"]]])
    results["fields_get"] = client.execute_kw(
        "res.partner", "fields_get", [["name", "country_id"]], {"attributes": ["type", "relation"]}
    )
    results["name_search"] = client.execute_kw("res.partner", "name_search", ["Ready"], {"limit": 2})
    return results, new_id


@pytest.fixture
def reference(odoo19):
    """What JSON-RPC answers on a fresh dataset: every protocol must answer the same."""
    results, new_id = same_calls(client_for(odoo19, "jsonrpc"))
    odoo19.reset()
    return results, new_id


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc", "json2"])
def test_each_protocol_gives_the_same_results(odoo19, reference, protocol):
    expected, expected_id = reference
    client = client_for(odoo19, protocol)
    with callstats.tracking() as stats:
        results, new_id = same_calls(client)
    assert results == expected
    assert new_id == expected_id
    assert results["create"] == "int"
    assert results["read_back"] == [
        {"id": new_id, "name": "Protocol Test", "email": "p@example.com", "phone": "+32 2 123"}
    ]
    assert results["fields_get"] == {
        "name": {"type": "char"},
        "country_id": {"type": "many2one", "relation": "res.country"},
    }
    assert results["name_search"][0] == [12, "Ready Mat"]
    assert (results["write"], results["unlink"], results["search_count"], results["after_unlink"]) == (True, True, 1, 0)
    # 11 model calls, plus one login for the protocols that need a uid
    assert stats.count == (11 if protocol == "json2" else 12)


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc", "json2"])
def test_each_protocol_raises_the_same_typed_errors(odoo19, protocol):
    client = client_for(odoo19, protocol)
    with pytest.raises(OdooMissingError) as missing:
        client.execute_kw("res.partner", "write", [[999999], {"name": "x"}])
    assert missing.value.message == "Record does not exist or has been deleted. (Record: res.partner(999999,), User: 2)"
    with pytest.raises(OdooRequestError) as unknown_field:
        client.execute_kw("res.partner", "search_read", [[["bogus", "=", 1]]])
    # Odoo 19's wording (json2.json: "in condition"; 18 said "in leaf")
    assert unknown_field.value.message == "Invalid field res.partner.bogus in condition ('bogus', '=', 1)"
    with pytest.raises(OdooValidationError):
        client.execute_kw("res.partner", "create", [{"email": "no-name@example.com"}])


def test_auto_picks_jsonrpc_on_odoo_18(fake_odoo):
    client = OdooClient(fake_odoo.url, fake_odoo.database, "admin", fake_odoo.ADMIN_API_KEY)
    assert client.execute_kw("res.partner", "search_count", [[["id", "=", 1]]]) == 1
    assert client.active_protocol == "jsonrpc"


def test_auto_picks_json2_on_odoo_19_with_an_api_key(odoo19):
    client = OdooClient(odoo19.url, odoo19.database, "admin", odoo19.ADMIN_API_KEY)
    assert client.execute_kw("res.partner", "search_count", [[["id", "=", 1]]]) == 1
    assert client.active_protocol == "json2"
    assert client.uid == 2


def test_auto_picks_jsonrpc_on_odoo_19_with_a_password(odoo19):
    client = OdooClient(odoo19.url, odoo19.database, "admin", "admin")
    assert client.execute_kw("res.partner", "search_count", [[["id", "=", 1]]]) == 1
    assert client.active_protocol == "jsonrpc"


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_connection_fixture_per_protocol(make_connection, protocol):
    connection = make_connection(protocol=protocol, login="demo", secret="demo")
    assert connection.client().uid == 6


def test_odoo_client_fixture_is_logged_in_and_counts_one_call_per_call(odoo_client):
    with callstats.tracking() as stats:
        odoo_client.execute_kw("res.partner", "search_count", [[]])
    assert stats.count == 1


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc", "json2"])
def test_as_user_acts_with_the_other_users_rights(odoo19, protocol):
    demo = client_for(odoo19, protocol).as_user("demo", "demo")
    assert demo.uid == 6
    assert demo.execute_kw("res.partner", "search_count", [[["id", "=", 12]]]) == 1
    with pytest.raises(OdooAccessError) as caught:
        demo.execute_kw("res.company", "write", [[1], {"name": "Demo Inc"}])
    assert caught.value.message == (
        "You are not allowed to modify 'Companies' (res.company) records. This operation is allowed for the "
        "following groups: - Access Rights Contact your administrator to request access if necessary."
    )
    # JSON-2 takes API keys only: a password goes over JSON-RPC
    assert demo.active_protocol == ("jsonrpc" if protocol == "json2" else protocol)


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_as_user_with_a_wrong_password_is_an_auth_error(odoo19, protocol):
    with pytest.raises(OdooAuthError) as caught:
        client_for(odoo19, protocol).as_user("demo", "wrong").uid
    assert caught.value.message == "Access Denied"


# --- JSON-2 as the recorded Odoo 19 answers (tests/fixtures/odoo19/json2.json) ---------------

JSON2_RECORDING = Path(__file__).resolve().parent.parent / "fixtures" / "odoo19" / "json2.json"
# Recorded fault label -> the typed exception the client raises for it.
JSON2_FAULTS = {
    "read with context lang of a language not activated (fr_FR): UserError": OdooValidationError,
    "check_access (public in 18) is private in 19": OdooAccessError,
    "wrong API key": OdooAuthError,
    "no Authorization header": OdooAuthError,
    "password instead of API key": OdooAuthError,
    "unknown method": OdooRequestError,
    "private method": OdooAccessError,
    "unknown model": OdooRequestError,
    "unexpected keyword argument": OdooRequestError,
    "unexpected keyword argument to a method without **kwargs": OdooRequestError,
    "ids given to an @api.model method": OdooRequestError,
    "invalid field in domain": OdooRequestError,
    "invalid field in create vals": OdooRequestError,
    "ValidationError (recursive parent)": OdooValidationError,
    "UserError-family: missing required value (name) on create": OdooValidationError,
    "MissingError (write on a missing id)": OdooMissingError,
    "MissingError (unlink of a missing id)": OdooMissingError,
    "AccessError as demo (ACL: res.users create)": OdooAccessError,
    "AccessError as demo (ACL: ir.config_parameter read)": OdooAccessError,
    "GET instead of POST": OdooRequestError,
    "malformed JSON body": OdooRequestError,
    "wrong Content-Type (text/plain)": OdooRequestError,
    "unknown database in X-Odoo-Database": OdooAuthError,
}


def _json2_faults():
    entries = json.loads(JSON2_RECORDING.read_text())
    return [pytest.param(entry, id=entry["label"]) for entry in entries if entry["http_status"] != 200]


def test_every_recorded_json2_fault_has_an_expectation():
    assert {p.values[0]["label"] for p in _json2_faults()} == set(JSON2_FAULTS)


def _recorded_answer(entry):
    """The recorded answer as the server sent it (the traceback shortened as the recording keeps it)."""
    headers = entry.get("response_headers") or {}
    if "raw_response_body" in entry:
        return raw(entry["raw_response_body"], headers["Content-Type"], entry["http_status"])
    fault = {key: value for key, value in entry["fault"].items() if not key.startswith("debug_")}
    fault["debug"] = "\n".join([entry["fault"]["debug_first_line"], *entry["fault"]["debug_last_5_lines"]])
    return raw(json.dumps(fault), "application/json; charset=utf-8", entry["http_status"])


@pytest.mark.parametrize("entry", _json2_faults())
def test_each_recorded_json2_answer_raises_its_typed_error(misbehaving_odoo19, entry):
    client = OdooClient(misbehaving_odoo19.url, "odoo19", "admin", API_KEY, "json2")
    client.uid  # log in first: the recorded answer then answers the call itself
    answer = _recorded_answer(entry)
    misbehaving_odoo19.then(answer, answer, answer)  # a refused key is tried again after a fresh login
    with pytest.raises(OdooError) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    expected = JSON2_FAULTS[entry["label"]]
    assert type(caught.value) is expected
    if entry.get("fault"):
        assert caught.value.message == faults.odoo_message(entry["fault"]["message"])
    else:
        assert caught.value.message.startswith("Odoo at ")


def test_json2_asks_the_version_at_web_version_not_jsonrpc(misbehaving_odoo19):
    client = OdooClient(misbehaving_odoo19.url, "odoo19", "admin", API_KEY, "json2")
    assert client.version()["server_version"] == "19.0"
    assert misbehaving_odoo19.hits == ["/web/version"]


def test_json2_falls_back_to_json_version(misbehaving_odoo19):
    misbehaving_odoo19.then(raw("<html>Not Found</html>", "text/html", 404))
    misbehaving_odoo19.then(raw('{"version_info": [20, 0, 0, "final", 0, ""], "version": "20.0"}', "application/json"))
    client = OdooClient(misbehaving_odoo19.url, "odoo19", "admin", API_KEY, "json2")
    assert client.version()["server_version_info"] == [20, 0, 0, "final", 0, ""]
    assert misbehaving_odoo19.hits == ["/web/version", "/json/version"]


def test_json2_version_against_the_stand_in(odoo19):
    client = client_for(odoo19, "json2")
    assert client.version() == {
        "server_version": "19.0",
        "server_version_info": [19, 0, 0, "final", 0, ""],
        "server_serie": "19.0",
    }
