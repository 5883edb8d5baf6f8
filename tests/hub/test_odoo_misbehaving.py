"""The client against servers that misbehave: each failure is a typed error, within the timeout."""

import time

import pytest

from hub import callstats
from hub.odoo import OdooClient
from hub.odoo.exceptions import OdooConnectionLost, OdooTimeout, OdooUnavailable
from tests.fixtures.misbehaving import API_KEY, HTML, HTML_200, RESET, TRUNCATED, refused_url, slow, unanswered_url

ALL = ["xmlrpc", "jsonrpc", "json2"]
GENEROUS = 5.0  # seconds: far above the 0.3 s timeouts, far below a hang


def logged_in(server, protocol, **options):
    secret = API_KEY if protocol == "json2" else "admin"
    client = OdooClient(server.url, "odoo18", "admin", secret, protocol, **options)
    client.uid  # log in first: the misbehaviour then answers the call under test
    server.hits.clear()
    return client


@pytest.mark.parametrize("protocol", ALL)
def test_slower_than_the_read_timeout_is_a_timeout(misbehaving_odoo19, protocol):
    client = logged_in(misbehaving_odoo19, protocol, read_timeout=0.3)
    misbehaving_odoo19.then(slow(2.0), slow(2.0))
    started = time.monotonic()
    with pytest.raises(OdooTimeout) as caught:
        client.execute_kw("res.partner", "write", [[1], {"name": "x"}])
    assert time.monotonic() - started < GENEROUS
    assert caught.value.message == f"Odoo at {misbehaving_odoo19.url} did not answer in time"
    assert caught.value.http_status == 504
    assert len(misbehaving_odoo19.hits) == 1  # a timeout is not retried: the write may be running


def test_timeout_on_a_read_is_not_retried_either(misbehaving_odoo):
    client = logged_in(misbehaving_odoo, "jsonrpc", read_timeout=0.3)
    misbehaving_odoo.then(slow(2.0), slow(2.0))
    with pytest.raises(OdooTimeout):
        client.execute_kw("res.partner", "search_read", [[]])
    assert len(misbehaving_odoo.hits) == 1


@pytest.mark.parametrize("protocol", ALL)
def test_a_read_is_retried_once_after_a_reset(misbehaving_odoo19, protocol):
    misbehaving_odoo19.results[("res.partner", "search_count")] = 5
    client = logged_in(misbehaving_odoo19, protocol)
    misbehaving_odoo19.then(RESET)
    with callstats.tracking() as stats:
        assert client.execute_kw("res.partner", "search_count", [[]]) == 5
    assert len(misbehaving_odoo19.hits) == 2
    assert stats.count == 2  # both attempts are counted


@pytest.mark.parametrize("protocol", ALL)
def test_a_read_reset_twice_gives_up(misbehaving_odoo19, protocol):
    client = logged_in(misbehaving_odoo19, protocol)
    misbehaving_odoo19.then(RESET, RESET)
    with pytest.raises(OdooConnectionLost) as caught:
        client.execute_kw("res.partner", "read", [[1], ["name"]])
    assert caught.value.message.startswith(f"Odoo at {misbehaving_odoo19.url} closed the connection")
    assert len(misbehaving_odoo19.hits) == 2


@pytest.mark.parametrize("protocol", ALL)
@pytest.mark.parametrize("method", ["create", "write", "unlink", "action_confirm"])
def test_a_write_is_never_retried(misbehaving_odoo19, protocol, method):
    client = logged_in(misbehaving_odoo19, protocol)
    misbehaving_odoo19.then(RESET)
    args = [{"name": "x"}] if method == "create" else [[1], {"name": "x"}] if method == "write" else [[1]]
    with pytest.raises(OdooUnavailable) as caught:
        client.execute_kw("res.partner", method, args)
    assert isinstance(caught.value, OdooConnectionLost)
    assert caught.value.http_status == 502
    assert len(misbehaving_odoo19.hits) == 1


@pytest.mark.parametrize("protocol", ALL)
def test_an_html_error_page_is_unavailable(misbehaving_odoo19, protocol):
    client = logged_in(misbehaving_odoo19, protocol)
    misbehaving_odoo19.then(HTML)
    with pytest.raises(OdooUnavailable) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert type(caught.value) is OdooUnavailable
    assert caught.value.message == f"Odoo at {misbehaving_odoo19.url} answered HTTP 502 (text/html), not {protocol}"


@pytest.mark.parametrize("protocol", ALL)
def test_an_html_page_with_200_is_unavailable(misbehaving_odoo19, protocol):
    client = logged_in(misbehaving_odoo19, protocol)
    misbehaving_odoo19.then(HTML_200)
    with pytest.raises(OdooUnavailable) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert caught.value.message == f"Odoo at {misbehaving_odoo19.url} answered HTTP 200 (text/html), not {protocol}"


@pytest.mark.parametrize("protocol", ALL)
def test_truncated_garbage_is_unavailable(misbehaving_odoo19, protocol):
    client = logged_in(misbehaving_odoo19, protocol)
    misbehaving_odoo19.then(TRUNCATED)
    with pytest.raises(OdooUnavailable) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    kind = "text/xml" if protocol == "xmlrpc" else "application/json"
    assert caught.value.message == f"Odoo at {misbehaving_odoo19.url} answered HTTP 200 ({kind}), not {protocol}"


@pytest.mark.parametrize("protocol", ["auto", *ALL])
def test_a_refused_port_is_unavailable(protocol):
    url = refused_url()
    client = OdooClient(url, "odoo18", "admin", API_KEY, protocol, connect_timeout=0.3, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(OdooUnavailable) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert time.monotonic() - started < GENEROUS
    assert type(caught.value) is OdooUnavailable
    assert caught.value.message.startswith(f"Cannot connect to Odoo at {url}: ")
    assert caught.value.permanent is False


def test_a_server_that_never_accepts_is_a_connect_timeout():
    with unanswered_url() as url:
        client = OdooClient(url, "db", "admin", "admin", "jsonrpc", connect_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(OdooTimeout) as caught:
            client.version()
    assert time.monotonic() - started < GENEROUS
    assert caught.value.message == f"Odoo at {url} did not accept a connection in time"


def test_keep_alive_reuses_one_connection(misbehaving_odoo):
    client = logged_in(misbehaving_odoo, "jsonrpc")
    for _ in range(5):
        client.execute_kw("res.partner", "search_count", [[]])
    assert misbehaving_odoo.connections == 1
