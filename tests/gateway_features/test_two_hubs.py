"""Two hub processes (gunicorn, each its own memory) sharing one Redis and one database: rate
limits count together, and an Idempotency-Key sent to both at once runs once."""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures import gunicorn_hub as hub
from tests.fixtures.cache import worker_name
from tests.gateway_features.conftest import REDIS_URL as SHARED_REDIS_URL
from tests.gateway_features.conftest import free_port

# The two hubs share a Redis database of their own, flushed before and after: the suite's other
# workers keep their keys in the shared one (a db per xdist worker: gw0 -> 14, gw1 -> 13, ...).
_WORKER_DB = 14 - (int(worker_name()[2:]) if worker_name().startswith("gw") else -1)
REDIS_URL = SHARED_REDIS_URL and urlsplit(SHARED_REDIS_URL)._replace(path=f"/{_WORKER_DB}").geturl()


@pytest.fixture(scope="module")
def two_hubs(odoo_server):
    """Base URLs of two gunicorn hubs on one SQLite file and the Redis of TEST_REDIS_URL."""
    if not REDIS_URL:
        pytest.skip("set TEST_REDIS_URL (or REDIS_URL) to a Redis database the tests may flush")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    odoo_server.reset()
    with tempfile.TemporaryDirectory(prefix="hub-two-") as tmp:
        env = hub.environment(tmp, f"sqlite:///{tmp}/hub.sqlite3", REDIS_URL)
        hub.prepare(env, odoo_server.url, [("limited", "5/min", ["GET", "POST"]), ("orders", "0", ["GET", "POST"])])
        ports = [free_port(), free_port()]
        servers = [hub.start(env, port, "--threads", "8", "--log-level", "warning") for port in ports]
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            for url, server in zip(urls, servers, strict=True):
                hub.wait_until_up(url + "/healthz", server)
            yield urls
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
            redis.Redis.from_url(REDIS_URL).flushdb()


def test_two_processes_count_one_limit_together(two_hubs, odoo_server):
    odoo_server.faults.clear()
    statuses = []
    with httpx.Client(timeout=30) as http:
        for n in range(8):
            response = http.get(f"{two_hubs[n % 2]}/bj_api_sync/v1/limited")
            statuses.append(response.status_code)
            if n == 0:
                assert response.headers["RateLimit-Policy"] == '"address-1min";q=5;w=60'
    assert statuses == [200] * 5 + [429] * 3


def test_one_key_sent_to_both_processes_at_once_creates_one_record(two_hubs, odoo_server):
    odoo_server.faults.latency(0.2)  # the first call is still running when the others arrive
    order = {"ref": "TWO-1", "name": "Sent twice"}

    def call(n: int) -> httpx.Response:
        with httpx.Client(timeout=30) as http:
            return http.post(f"{two_hubs[n % 2]}/bj_api_sync/v1/orders", json=order, headers={"Idempotency-Key": "two"})

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(call, range(6)))
    odoo_server.faults.clear()
    ran = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a.headers]
    assert len(ran) == 1
    assert all(a.status_code == 409 or a.headers.get("Idempotent-Replayed") == "true" for a in answers if a not in ran)
    assert [r["ref"] for r in odoo_server.records("res.partner")].count("TWO-1") == 1
    with httpx.Client(timeout=30) as http:
        again = http.post(f"{two_hubs[1]}/bj_api_sync/v1/orders", json=order, headers={"Idempotency-Key": "two"})
    assert (again.status_code, again.content, again.headers["Idempotent-Replayed"]) == (201, ran[0].content, "true")
