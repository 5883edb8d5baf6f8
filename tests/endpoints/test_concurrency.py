"""Many callers at once against a live hub: the shared configuration cache and client hold up."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from endpoints.models import Endpoint
from tests.endpoints.support import ALICE, BOB, CUSTOMER_LINES, DOMAIN, add_lines

pytestmark = pytest.mark.django_db(transaction=True)  # the groups come back after each flush (post_migrate)


def test_parallel_requests_all_get_their_own_answer(live_server, odoo_connection, seeded, issue_token):
    endpoint = Endpoint.objects.create(
        name="Customers",
        connection=odoo_connection,
        odoo_model="res.partner",
        domain=DOMAIN,
        slug="customers",
        allowed_methods=["GET"],
        auth="bearer",
    )
    add_lines(endpoint, CUSTOMER_LINES)
    secret = issue_token(endpoint)
    expected = {"C001": ALICE, "C002": BOB}

    def fetch(n: int) -> tuple[str, int, dict, str]:
        ref = "C001" if n % 2 else "C002"
        response = httpx.get(
            f"{live_server.url}/bj_api_sync/v1/customers/{ref}",
            headers={"Authorization": f"Bearer {secret}", "X-Request-ID": f"parallel-{n}"},
            timeout=30,
        )
        return ref, response.status_code, response.json(), response.headers["X-Request-ID"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(40)))
    assert [status for _ref, status, _body, _rid in results] == [200] * 40
    assert all(body == {"status": "success", "data": expected[ref]} for ref, _s, body, _rid in results)
    assert sorted(rid for *_rest, rid in results) == sorted(f"parallel-{n}" for n in range(40))
