"""An Odoo that accepts connections and never answers: every call ends within its own timeouts.

A lock held across the login's network call once made parallel calls wait for each other, one
timeout after another (30, 30, 60, 60, 90, 120 s for six calls with a 30 s read timeout).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from hub.odoo import OdooClient
from hub.odoo.exceptions import OdooTimeout

CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 1.0
PARALLEL = 8
# Thread start-up and scheduling on a loaded machine; serialised calls would take 8 s and more.
MARGIN = 2.0
API_KEY = "0123456789abcdef0123456789abcdef01234567"


def search(client: OdooClient):
    """A call that needs the uid (and the protocol, under auto) first."""
    return lambda: client.execute_kw("res.partner", "search_read", [[]], {"limit": 1})


def timed_calls(call_odoo) -> list[tuple[float, type]]:
    """PARALLEL calls started together: (seconds from each one's own start, the error it raised)."""
    start = threading.Barrier(PARALLEL)

    def call(_n: int) -> tuple[float, type]:
        start.wait()
        started = time.monotonic()
        try:
            call_odoo()
        except Exception as exc:  # noqa: BLE001 - the type is asserted below
            return time.monotonic() - started, type(exc)
        return time.monotonic() - started, type(None)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(call, range(PARALLEL)))


# auto asks the version first, xmlrpc and jsonrpc log in first, json2 sends its key on every call
@pytest.mark.parametrize("protocol", ["auto", "xmlrpc", "jsonrpc", "json2"])
def test_parallel_calls_to_a_hung_odoo_each_end_within_their_own_timeouts(hung_odoo, protocol):
    secret = API_KEY if protocol == "json2" else "admin"
    client = OdooClient(hung_odoo.url, "odoo18", "admin", secret, protocol, CONNECT_TIMEOUT, READ_TIMEOUT)
    try:
        results = timed_calls(search(client))
    finally:
        client.close()
    assert [error for _seconds, error in results] == [OdooTimeout] * PARALLEL
    bound = CONNECT_TIMEOUT + READ_TIMEOUT + MARGIN
    assert [seconds for seconds, _error in results if seconds >= bound] == []
    # each waited for its read timeout at least: the calls did reach the server
    assert all(seconds >= READ_TIMEOUT * 0.9 for seconds, _error in results)
    # one login (or version) was asked and the others shared its timeout; json2 has no login
    assert len(hung_odoo.accepted) == (PARALLEL if protocol == "json2" else 1)


def test_parallel_fresh_logins_each_end_within_their_own_timeouts(hung_odoo):
    """``authenticate()`` (what /readyz and a connection test call) logs in afresh every time."""
    client = OdooClient(hung_odoo.url, "odoo18", "admin", "admin", "jsonrpc", CONNECT_TIMEOUT, READ_TIMEOUT)
    try:
        results = timed_calls(client.authenticate)
    finally:
        client.close()
    assert [error for _seconds, error in results] == [OdooTimeout] * PARALLEL
    assert [seconds for seconds, _error in results if seconds >= CONNECT_TIMEOUT + READ_TIMEOUT + MARGIN] == []
