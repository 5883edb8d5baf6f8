"""OdooClient over each protocol, against a small real HTTP server that speaks just enough Odoo."""

import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from hub import callstats
from hub.odoo import OdooClient
from hub.odoo.exceptions import (
    OdooAccessError,
    OdooAuthError,
    OdooMissingError,
    OdooRequestError,
    OdooValidationError,
)
from hub.odoo.signatures import named_arguments
from tests.fixtures.misbehaving import API_KEY, fault, fault_message

PROTOCOLS = ["xmlrpc", "jsonrpc"]


def client_for(server, protocol, login="admin", secret="admin", **options):
    return OdooClient(server.url, "odoo18", login, secret, protocol, **options)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_execute_kw_authenticates_once_then_calls(misbehaving_odoo, protocol):
    misbehaving_odoo.results[("res.partner", "search_read")] = [{"id": 7, "name": "Azure Interior"}]
    client = client_for(misbehaving_odoo, protocol)
    with callstats.tracking() as stats:
        first = client.execute_kw("res.partner", "search_read", [[]], {"fields": ["name"]})
        second = client.execute_kw("res.partner", "search_read", [[]], {"fields": ["name"]})
    assert first == second == [{"id": 7, "name": "Azure Interior"}]
    assert client.uid == 2
    assert [(model, method) for model, method, _ in stats.calls] == [
        ("common", "authenticate"),
        ("res.partner", "search_read"),
        ("res.partner", "search_read"),
    ]
    assert stats.count == 3
    path = "/jsonrpc" if protocol == "jsonrpc" else "/xmlrpc/2/common"
    assert misbehaving_odoo.hits[0] == path


def test_json2_sends_named_arguments_with_bearer_key(misbehaving_odoo19):
    misbehaving_odoo19.results[("res.partner", "read")] = [{"id": 7, "name": "Azure Interior"}]
    misbehaving_odoo19.results[("res.partner", "create")] = [42]
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", API_KEY, "json2")
    with callstats.tracking() as stats:
        assert client.execute_kw("res.partner", "read", [[7], ["name"]], {"context": {"lang": "fr_FR"}}) == [
            {"id": 7, "name": "Azure Interior"}
        ]
        assert client.execute_kw("res.partner", "create", [{"name": "X"}]) == 42  # one dict -> one id
    assert stats.count == 2  # JSON-2 sends the key with every call: no login round trip
    assert misbehaving_odoo19.hits == ["/json/2/res.partner/read", "/json/2/res.partner/create"]
    assert misbehaving_odoo19.json2_bodies == [
        {"ids": [7], "fields": ["name"], "context": {"lang": "fr_FR"}},
        {"vals_list": {"name": "X"}},
    ]
    assert client.uid == 2  # from res.users/context_get


def test_json2_refuses_a_wrong_key_as_auth_error(misbehaving_odoo19):
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", "0" * 40, "json2")
    with pytest.raises(OdooAuthError) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert caught.value.message == "Invalid apikey"


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "body"),
    [
        (
            "search_read",
            [[["is_company", "=", True]], ["name"]],
            {"limit": 5},
            {"domain": [["is_company", "=", True]], "fields": ["name"], "limit": 5},
        ),
        ("search", [[], 10, 5, "name"], {}, {"domain": [], "offset": 10, "limit": 5, "order": "name"}),
        ("search_count", [[]], {}, {"domain": []}),
        ("write", [[1, 2], {"name": "x"}], {}, {"ids": [1, 2], "vals": {"name": "x"}}),
        ("unlink", [[3]], {}, {"ids": [3]}),
        ("unlink", [3], {}, {"ids": [3]}),
        ("fields_get", [], {"attributes": ["type"]}, {"attributes": ["type"]}),
        ("name_search", ["Azure"], {"limit": 3}, {"name": "Azure", "limit": 3}),
        ("name_create", ["New"], {}, {"name": "New"}),
        ("copy", [[5], {"name": "copy"}], {}, {"ids": [5], "default": {"name": "copy"}}),
        ("default_get", [["name", "type"]], {}, {"fields": ["name", "type"]}),
        (
            "web_search_read",
            [[], {"name": {}}],
            {"limit": 1},
            {"domain": [], "specification": {"name": {}}, "limit": 1},
        ),
        ("action_confirm", [[27]], {}, {"ids": [27]}),
        ("action_custom", [], {"foo": 1}, {"foo": 1}),
    ],
)
def test_json2_maps_positional_arguments_to_names(method, args, kwargs, body):
    assert named_arguments(method, args, kwargs) == body


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "message"),
    [
        (
            "action_custom",
            [[1], "x"],
            {},
            "JSON-2 takes named arguments only: pass the arguments of 'action_custom' "
            "as kwargs (positional arguments may only hold the record ids)",
        ),
        ("write", [], {}, "'write' is called on records: pass their ids as the first argument"),
        ("write", ["x", {}], {}, "'write' is called on records: the first argument must be a list of ids"),
        ("search_count", [[], 1, 2], {}, "'search_count' takes at most 2 positional arguments after the ids, not 3"),
        ("search_read", [[]], {"domain": []}, "'search_read' got argument 'domain' both by position and by name"),
    ],
)
def test_json2_refuses_arguments_it_cannot_name(method, args, kwargs, message):
    with pytest.raises(OdooRequestError) as caught:
        named_arguments(method, args, kwargs)
    assert caught.value.message == message


def test_auto_picks_jsonrpc_on_odoo_18(misbehaving_odoo):
    client = OdooClient(misbehaving_odoo.url, "odoo18", "admin", API_KEY)
    assert client.execute_kw("res.partner", "search_count", [[]]) is True
    assert client.active_protocol == "jsonrpc"
    assert misbehaving_odoo.hits == ["/jsonrpc", "/jsonrpc", "/jsonrpc"]  # version, authenticate, call


def test_auto_picks_json2_on_odoo_19_with_an_api_key(misbehaving_odoo19):
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", API_KEY)
    with callstats.tracking() as stats:
        client.execute_kw("res.partner", "search_count", [[]])
        assert client.uid == 2
    assert client.active_protocol == "json2"
    assert misbehaving_odoo19.hits == ["/jsonrpc", "/json/2/res.users/context_get", "/json/2/res.partner/search_count"]
    assert stats.count == 3


def test_auto_uses_jsonrpc_on_odoo_19_with_a_password(misbehaving_odoo19):
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", "admin")
    client.execute_kw("res.partner", "search_count", [[]])
    assert client.active_protocol == "jsonrpc"


def test_auto_falls_back_to_jsonrpc_when_json2_refuses_the_key(misbehaving_odoo19):
    misbehaving_odoo19.then(None, fault("auth"))  # version answers; the JSON-2 probe is refused
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", API_KEY)
    assert client.active_protocol == "jsonrpc"
    assert misbehaving_odoo19.hits == ["/jsonrpc", "/json/2/res.users/context_get"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_wrong_password_is_an_auth_error(misbehaving_odoo, protocol):
    client = client_for(misbehaving_odoo, protocol, secret="wrong")
    with pytest.raises(OdooAuthError) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert caught.value.message == "Access Denied"
    assert caught.value.http_status == 502


def test_empty_secret_is_refused_without_calling_odoo(misbehaving_odoo):
    client = client_for(misbehaving_odoo, "jsonrpc", secret="")
    with pytest.raises(OdooAuthError) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert caught.value.message == "Access Denied: no password or API key is set"
    assert misbehaving_odoo.hits == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_refused_cached_uid_authenticates_again_once(misbehaving_odoo, protocol):
    client = client_for(misbehaving_odoo, protocol)
    assert client.uid == 2
    misbehaving_odoo.then(fault("auth"))
    with callstats.tracking() as stats:
        assert client.execute_kw("res.partner", "write", [[1], {"name": "x"}]) is True
    assert [method for _, method, _ in stats.calls] == ["write", "authenticate", "write"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_refused_again_after_fresh_login_gives_up(misbehaving_odoo, protocol):
    client = client_for(misbehaving_odoo, protocol)
    assert client.uid == 2
    misbehaving_odoo.then(fault("auth"), None, fault("auth"))
    with pytest.raises(OdooAuthError):
        client.execute_kw("res.partner", "search_count", [[]])
    assert len(misbehaving_odoo.hits) == 4  # authenticate, call, authenticate, call: no loop


FAULT_CLASSES = {
    "auth": OdooAuthError,
    "access": OdooAccessError,
    "missing": OdooMissingError,
    "validation": OdooValidationError,
    "request": OdooRequestError,
    "unknown_model": OdooRequestError,
}


# Odoo's messages of several lines reach callers whole, on one line.
WHOLE_MESSAGES = {
    "access": "You are not allowed to modify 'Companies' (res.company) records. This operation is allowed for the "
    "following groups: - Administration/Settings",
    "missing": "Record does not exist or has been deleted. (Record: res.partner(44,), User: 2)",
}


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc", "json2"])
@pytest.mark.parametrize("kind", sorted(set(FAULT_CLASSES) - {"auth"}))
def test_each_fault_kind_raises_its_typed_error(misbehaving_odoo19, protocol, kind):
    secret = API_KEY if protocol == "json2" else "admin"
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", secret, protocol)
    client.uid  # log in first, so the fault answers the call itself
    misbehaving_odoo19.then(fault(kind))
    with pytest.raises(FAULT_CLASSES[kind]) as caught:
        client.execute_kw("res.partner", "write", [[44], {"name": "x"}])
    assert caught.value.message == WHOLE_MESSAGES.get(kind, fault_message(kind, protocol))
    assert "Traceback" not in caught.value.message


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_method_returning_none_gives_none(misbehaving_odoo, protocol):
    misbehaving_odoo.results[("res.partner", "action_archive")] = None
    client = client_for(misbehaving_odoo, protocol)
    assert client.execute_kw("res.partner", "action_archive", [[52]]) is None


def test_as_user_shares_the_pool_and_logs_in_as_the_other_user(misbehaving_odoo):
    admin = client_for(misbehaving_odoo, "xmlrpc")
    demo = admin.as_user("demo", "demo")
    assert (demo.uid, demo.login, demo.protocol) == (6, "demo", "xmlrpc")
    assert demo._http is admin._http
    with pytest.raises(OdooAuthError):
        admin.as_user("demo", "wrong").uid


def test_probe_reports_version_uid_and_protocol(misbehaving_odoo):
    probe = client_for(misbehaving_odoo, "jsonrpc").probe()
    assert (probe.server_version, probe.uid, probe.protocol) == ("18.0", 2, "jsonrpc")
    assert probe.seconds > 0


def test_unknown_protocol_is_refused():
    with pytest.raises(ValueError, match="Unknown Odoo protocol 'soap'"):
        OdooClient("http://odoo", "db", "admin", "admin", "soap")


def test_repr_never_shows_the_secret(misbehaving_odoo):
    client = client_for(misbehaving_odoo, "jsonrpc", secret="s3cr3t-value")
    assert "s3cr3t" not in repr(client)


def test_json2_finds_its_uid_by_login_when_context_get_is_missing(misbehaving_odoo19):
    misbehaving_odoo19.results[("res.users", "search")] = [2]
    misbehaving_odoo19.then(fault("unknown_model"))  # context_get answers 404
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", API_KEY, "json2")
    with callstats.tracking() as stats:
        assert client.uid == 2
    assert [(model, method) for model, method, _ in stats.calls] == [
        ("res.users", "context_get"),
        ("res.users", "search"),
    ]
    assert misbehaving_odoo19.json2_bodies == [{"domain": [["login", "=", "admin"]], "limit": 1}]


VALUES = {
    "date": date(2024, 1, 2),
    "date_order": datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    "amount": Decimal("1.50"),
    "category_ids": {7},
}
AS_ODOO_EXPECTS = {"date": "2024-01-02", "date_order": "2024-01-02 03:04:05", "amount": 1.5, "category_ids": [7]}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_dates_and_decimals_are_sent_as_odoo_expects(misbehaving_odoo, protocol):
    client = client_for(misbehaving_odoo, protocol)
    client.execute_kw("res.partner", "write", [[1], VALUES])
    assert misbehaving_odoo.received[-1][3:] == ["res.partner", "write", [[1], AS_ODOO_EXPECTS], {}]


def test_dates_and_decimals_are_sent_as_odoo_expects_over_json2(misbehaving_odoo19):
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", API_KEY, "json2")
    client.execute_kw("res.partner", "write", [[1], VALUES])
    assert misbehaving_odoo19.json2_bodies == [{"ids": [1], "vals": AS_ODOO_EXPECTS}]


@pytest.mark.parametrize(
    ("protocol", "message"),
    [
        ("xmlrpc", "Cannot send these arguments over XML-RPC: cannot marshal <class 'object'> objects"),
        ("jsonrpc", "Cannot send these arguments to Odoo: a object cannot be sent to Odoo"),
    ],
)
def test_values_odoo_cannot_receive_are_a_request_error(misbehaving_odoo, protocol, message):
    client = client_for(misbehaving_odoo, protocol)
    client.uid
    misbehaving_odoo.hits.clear()
    with pytest.raises(OdooRequestError) as caught:
        client.execute_kw("res.partner", "write", [[1], {"name": object()}])
    assert caught.value.message == message
    assert misbehaving_odoo.hits == []


def test_numbers_beyond_xmlrpc_limits_are_a_request_error(misbehaving_odoo):
    client = client_for(misbehaving_odoo, "xmlrpc")
    with pytest.raises(OdooRequestError) as caught:
        client.execute_kw("res.partner", "search", [[["id", "=", 2**40]]])
    assert caught.value.message == "Cannot send these arguments over XML-RPC: int exceeds XML-RPC limits"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_one_client_serves_many_threads_and_logs_in_once(misbehaving_odoo, protocol):
    misbehaving_odoo.results[("res.partner", "search_count")] = 3
    client = client_for(misbehaving_odoo, protocol)
    answers, failures = [], []

    def work():
        try:
            answers.extend(client.execute_kw("res.partner", "search_count", [[]]) for _ in range(10))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert answers == [3] * 80
    logins = [args for args in misbehaving_odoo.received if len(args) == 4]  # authenticate(db, login, secret, env)
    assert len(logins) == 1
    assert len(misbehaving_odoo.hits) == 81
    assert misbehaving_odoo.connections <= 8  # kept alive and shared, not one per call


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda c: c.search("res.partner", [["ref", "=", "C1"]]), ("search", [[["ref", "=", "C1"]]], {})),
        (
            lambda c: c.search("res.partner", [], limit=2, context={"active_test": False}),
            ("search", [[]], {"limit": 2, "context": {"active_test": False}}),
        ),
        (lambda c: c.search_count("res.partner", []), ("search_count", [[]], {})),
        (
            lambda c: c.search_read("res.partner", [], ["ref"], limit=5, offset=0, order="ref desc"),
            ("search_read", [[]], {"fields": ["ref"], "limit": 5, "offset": 0, "order": "ref desc"}),
        ),
        (lambda c: c.read("res.partner", [1, 2], ["name"]), ("read", [[1, 2]], {"fields": ["name"]})),
        (
            lambda c: c.web_search_read("res.partner", [], {"name": {}}, offset=10, limit=5),
            ("web_search_read", [[], {"name": {}}], {"offset": 10, "limit": 5}),
        ),
        (
            lambda c: c.web_read("res.partner", [3], {"name": {}}),
            ("web_read", [[3]], {"specification": {"name": {}}}),
        ),
        (lambda c: c.create("res.partner", [{"name": "X"}]), ("create", [[{"name": "X"}]], {})),
        (lambda c: c.write("res.partner", [1], {"name": "Y"}), ("write", [[1], {"name": "Y"}], {})),
        (lambda c: c.unlink("res.partner", [1]), ("unlink", [[1]], {})),
        (
            lambda c: c.fields_get("res.partner", ["type", "relation"]),
            ("fields_get", [], {"attributes": ["type", "relation"]}),
        ),
    ],
)
def test_typed_methods_are_one_execute_kw_each(misbehaving_odoo19, call, expected):
    """Each typed method is exactly one counted remote call with the arguments Odoo documents."""
    method, args, kwargs = expected
    misbehaving_odoo19.results[("res.partner", method)] = ["answer"]
    client = OdooClient(misbehaving_odoo19.url, "odoo18", "admin", API_KEY, "json2")
    with callstats.tracking() as stats:
        assert call(client) == ["answer"]
    assert [(model, name) for model, name, _ in stats.calls] == [("res.partner", method)]
    assert misbehaving_odoo19.json2_bodies == [named_arguments(method, args, kwargs)]
