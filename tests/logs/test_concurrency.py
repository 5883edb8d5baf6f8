"""Many requests in parallel threads against the live server: exactly one row per request, each id once."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from endpoints import config
from endpoints.models import Endpoint
from hub.models import ApiKey
from logs.models import RequestLog
from tests.endpoints.support import CUSTOMER_LINES, DOMAIN, add_lines
from tests.fixtures.logrows import wait_for_rows

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
    assert wait_for_rows(REQUESTS) == REQUESTS  # rows are written once the answers have gone
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
    assert wait_for_rows(24) == 24
    ids = list(RequestLog.objects.values_list("request_id", flat=True))
    assert len(ids) == len(set(ids)) == 24
    assert ids.count("same") == 1
    assert all(request_id.startswith("same.") for request_id in ids if request_id != "same")
    assert sorted(RequestLog.objects.values_list("query_string", flat=True)) == sorted(f"n={n}" for n in range(24))


@pytest.fixture
def real_routes(odoo_connection, odoo_client):
    """A public REST endpoint over partner C001 and an API key for /api/search_data, both on the stand-in."""
    cache.clear()
    config.clear_local()
    odoo_client.execute_kw("res.partner", "create", [{"ref": "C001", "name": "Alice Martin", "is_company": False}])
    endpoint = Endpoint.objects.create(
        name="Customers",
        connection=odoo_connection,
        odoo_model="res.partner",
        domain=DOMAIN,
        slug="customers",
        allowed_methods=["GET"],
        auth=Endpoint.Auth.NONE,
    )
    add_lines(endpoint, CUSTOMER_LINES)
    key = ApiKey(
        name="parallel",
        connection=odoo_connection,
        allowed_routes=[ApiKey.Route.SEARCH_DATA],
        allowed_models=["res.partner"],
    )
    secret = key.issue()
    key.last_used_at = timezone.now()
    key.save()
    yield secret
    cache.clear()
    config.clear_local()


@pytest.mark.django_db(transaction=True)
def test_parallel_calls_of_real_routes_through_the_stand_in_give_one_row_each(live_server, real_routes):
    search = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": "res.partner", "vals": {"payload": {"search_field": ["ref"], "limit": 1}}},
    }

    def call(n: int) -> tuple[str, int, str]:
        headers = {"X-Request-ID": f"real-{n}"} if n % 2 else {}
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            if n % 4 < 2:
                path = "/bj_api_sync/v1/customers/C001"
                response = http.get(path, headers=headers)
            else:
                path = "/api/search_data"
                response = http.post(path, json=search, headers={**headers, "Authorization": f"Bearer {real_routes}"})
        return path, response.status_code, response.headers["X-Request-ID"]

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(call, range(REQUESTS)))

    assert [status for _, status, _ in answers] == [200] * REQUESTS
    sent_ids = [request_id for _, _, request_id in answers]
    assert len(set(sent_ids)) == REQUESTS
    assert {request_id for request_id in sent_ids if request_id.startswith("real-")} == {
        f"real-{n}" for n in range(1, REQUESTS, 2)
    }
    assert wait_for_rows(REQUESTS) == REQUESTS
    rows = list(RequestLog.objects.values_list("request_id", "path", "status", "route_kind", "outcome"))
    assert len(rows) == REQUESTS
    kinds = {"/bj_api_sync/v1/customers/C001": "rest", "/api/search_data": "generic"}
    assert sorted(rows) == sorted(
        (request_id, path, status, kinds[path], "success") for path, status, request_id in answers
    )
    assert RequestLog.objects.filter(rpc_count__gte=1).count() == REQUESTS  # every call reached the stand-in
