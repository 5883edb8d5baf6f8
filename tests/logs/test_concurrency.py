"""Many requests in parallel threads against the live server: exactly one row per request."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from logs.models import RequestLog

REQUESTS = 60
THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_give_one_row_each(live_server, log_urls):
    def call(n: int) -> tuple[int, str]:
        headers = {"X-Request-ID": f"par-{n}"} if n % 2 else {}  # half given by the caller, half made by the hub
        path = ["/api/_test/echo", "/api/_test/crash", "/api/_test/drf_error"][n % 3]
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            response = http.post(path, json={"n": n, "password": "s3cret"}, headers=headers)
        return response.status_code, response.headers["X-Request-ID"]

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(call, range(REQUESTS)))

    sent_ids = [request_id for _, request_id in answers]
    assert len(set(sent_ids)) == REQUESTS
    assert sorted(status for status, _ in answers) == sorted([200, 500, 400] * (REQUESTS // 3))
    rows = list(RequestLog.objects.values_list("request_id", "status"))
    assert len(rows) == REQUESTS
    assert sorted(rows) == sorted((request_id, status) for status, request_id in answers)


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_reusing_one_request_id_are_all_logged(live_server, log_urls):
    def call(n: int) -> int:
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            return http.get("/api/_test/echo", params={"n": n}, headers={"X-Request-ID": "same"}).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        assert list(pool.map(call, range(24))) == [200] * 24
    ids = list(RequestLog.objects.values_list("request_id", flat=True))
    assert len(ids) == len(set(ids)) == 24
    assert ids.count("same") == 1
    assert all(request_id.startswith("same.") for request_id in ids if request_id != "same")
    assert sorted(RequestLog.objects.values_list("query_string", flat=True)) == sorted(f"n={n}" for n in range(24))
