"""A generic data route's objects are freed by reference counting once its answer is closed, not left to
the cyclic garbage collector (hub.garbage)."""

import pytest

from tests.endpoints.cycles import left_for_the_collector, serve

pytestmark = pytest.mark.django_db


def test_a_search_leaves_nothing_for_the_collector(api_key, shop):
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"model": "res.partner", "vals": {"fields": ["name"]}},
    }

    def search():
        status, content = serve("POST", "/api/search_data", body, {"Authorization": f"Bearer {api_key}"})
        assert status == 200, content
        assert b"Customer A" in content

    assert left_for_the_collector(search) == []


@pytest.mark.parametrize(
    ("key", "model", "status"),
    [("wrong", "res.partner", 401), ("issued", "res.users", 403)],  # a wrong key; a model the key is not for
)
def test_an_error_answer_leaves_nothing_for_the_collector(api_key, key, model, status):
    secret = api_key if key == "issued" else "hubk_wrong"
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"model": model, "vals": {"fields": ["name"]}}}

    def refused():
        answered, content = serve("POST", "/api/search_data", body, {"Authorization": f"Bearer {secret}"})
        assert answered == status, content

    assert left_for_the_collector(refused) == []
