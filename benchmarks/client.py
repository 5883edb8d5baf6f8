"""Latency of the hub's OdooClient per protocol, against the stand-in running in its own process.

Figures: median and p90 per call of a read of one record and a search_read of 80 records,
over XML-RPC, JSON-RPC and JSON-2 (stand-in answering as Odoo 19.0), with keep-alive. For scale,
a real Odoo 18 on 127.0.0.1 answered read_1 in 3.6 ms (XML-RPC) / 3.4 ms (JSON-RPC) and a
search_read of 61 records in 8.0 / 6.4 ms median (recorded timings, a new TCP connection per
call): the stand-in answers faster, so these figures are mostly the client's own cost.
"""

import multiprocessing
import socket
import statistics
import time

from hub import callstats
from hub.odoo import OdooClient

CALLS_PER_CASE = 300
SEARCH_READ_FIELDS = ["name", "email", "phone", "country_id", "is_company", "parent_id", "city", "zip", "street", "ref"]
CASES = {
    "read_1": ("res.partner", "read", [[12]], {"fields": ["name"]}),
    "search_read80": ("res.partner", "search_read", [[]], {"fields": SEARCH_READ_FIELDS, "limit": 80}),
}


def _serve(port: int) -> None:
    from fake_odoo import FakeOdoo

    FakeOdoo(version="19.0", port=port).serve_forever()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str) -> None:
    client = OdooClient(url, "odoo18", "admin", "admin", "jsonrpc", connect_timeout=0.2)
    for _ in range(100):
        try:
            client.version()
            return
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.05)
    raise RuntimeError("the stand-in did not start")


def run() -> None:
    from fake_odoo import FakeOdoo

    port = _free_port()
    server = multiprocessing.Process(target=_serve, args=(port,), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url)
        print(f"{'protocol':<9} {'call':<14} {'median ms':>10} {'p90 ms':>8} {'calls/s':>8}")
        for protocol in ("xmlrpc", "jsonrpc", "json2"):
            secret = FakeOdoo.ADMIN_API_KEY if protocol == "json2" else "admin"
            client = OdooClient(url, "odoo18", "admin", secret, protocol)
            for name, (model, method, args, kwargs) in CASES.items():
                for _ in range(10):  # warm-up: login, pool, caches
                    client.execute_kw(model, method, args, kwargs)
                with callstats.tracking() as stats:
                    started = time.perf_counter()
                    for _ in range(CALLS_PER_CASE):
                        client.execute_kw(model, method, args, kwargs)
                    elapsed = time.perf_counter() - started
                times = sorted(seconds * 1000 for _, _, seconds in stats.calls)
                p90 = times[int(len(times) * 0.9)]
                print(
                    f"{protocol:<9} {name:<14} {statistics.median(times):>10.2f} {p90:>8.2f} "
                    f"{CALLS_PER_CASE / elapsed:>8.0f}"
                )
            client.close()
    finally:
        server.terminate()
        server.join()
