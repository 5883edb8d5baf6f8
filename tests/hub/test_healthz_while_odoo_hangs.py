"""Over HTTP, with the Odoo connection pointed at a server that accepts and never answers."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from endpoints.models import Endpoint
from hub.models import OdooConnection

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads the rows

CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 1.5
PARALLEL = 6
MARGIN = 2.5  # a loaded machine; six calls served one timeout after another would take 9 s


@pytest.fixture
def hung_endpoint(hung_odoo):
    connection = OdooConnection(
        name="hung",
        url=hung_odoo.url,
        database="odoo18",
        login="admin",
        protocol="jsonrpc",
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        is_default=True,
    )
    connection.secret = "admin"
    connection.save()
    return Endpoint.objects.create(
        name="Partners",
        connection=connection,
        odoo_model="res.partner",
        slug="partners",
        allowed_methods=["GET"],
        auth="none",
    )


def test_parallel_calls_each_answer_504_within_their_timeouts_and_healthz_does_not_wait(live_server, hung_endpoint):
    start = threading.Barrier(PARALLEL + 1)

    def call(n: int) -> tuple[int, float]:
        start.wait()
        started = time.monotonic()
        response = httpx.get(
            f"{live_server.url}/bj_api_sync/v1/partners", headers={"X-Request-ID": f"hung-{n}"}, timeout=30
        )
        return response.status_code, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        calls = [pool.submit(call, n) for n in range(PARALLEL)]
        start.wait()
        time.sleep(0.3)  # the calls are now waiting on Odoo
        asked = time.monotonic()
        health = httpx.get(f"{live_server.url}/healthz", timeout=30)
        health_seconds = time.monotonic() - asked
        results = [future.result() for future in calls]
    assert (health.status_code, health.json()) == (200, {"status": "ok", "database": "ok"})
    assert health_seconds < MARGIN
    assert [status for status, _seconds in results] == [504] * PARALLEL
    assert [seconds for _status, seconds in results if seconds >= CONNECT_TIMEOUT + READ_TIMEOUT + MARGIN] == []
