"""A call repeated while it runs, from parallel threads against the live server: Odoo sees it once."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from idempotency.models import StoredAnswer
from logs.models import RequestLog
from tests.fixtures.logrows import wait_for_rows

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_repeat_creates_exactly_one_record(live_server, make_endpoint, fake_odoo):
    make_endpoint()
    fake_odoo.faults.latency(0.2)  # the first call is still running when the repeats arrive
    order = {"customer_id": "PAR-1", "name": "Parallel Order"}

    def call(_n: int) -> httpx.Response:
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            return http.post("/bj_api_sync/v1/customers", json=order, headers={"Idempotency-Key": "par-1"})

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(call, range(THREADS)))
    fake_odoo.faults.clear()

    ran = [a for a in answers if "Idempotent-Replayed" not in a.headers and a.status_code != 409]
    assert [a.status_code for a in ran] == [201]
    others = [a for a in answers if a is not ran[0]]
    assert all(a.status_code == 409 or (a.status_code, a.content) == (201, ran[0].content) for a in others)
    assert any(a.status_code == 409 for a in others)  # the latency made at least one repeat overlap
    assert [r["ref"] for r in fake_odoo.records("res.partner")].count("PAR-1") == 1
    assert StoredAnswer.objects.get().status == 201
    assert wait_for_rows(THREADS) == THREADS  # rows are written once the answers have gone
    assert RequestLog.objects.filter(rpc_count__gt=0).count() == 1  # only the first call reached Odoo
