"""A REST call's objects (request, view, answer, log row) are freed by reference counting once its answer
is closed, not left to the cyclic garbage collector (hub.garbage)."""

import pytest

from tests.endpoints.cycles import left_for_the_collector, serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_customers(make_endpoint, issue_token, seeded):
    """The customers endpoint behind a bearer token, logging whole calls; the token."""
    return issue_token(make_endpoint(auth="bearer", log_mode="all"))


def test_a_read_leaves_nothing_for_the_collector(private_customers):
    def read():
        status, content = serve(
            "GET", "/bj_api_sync/v1/customers/C001", headers={"Authorization": f"Bearer {private_customers}"}
        )
        assert status == 200, content

    assert left_for_the_collector(read) == []


def test_a_create_leaves_nothing_for_the_collector(private_customers):
    refs = iter(range(1000))

    def create():
        record = {"customer_id": f"NEW{next(refs)}", "name": "New customer"}
        status, content = serve(
            "POST", "/bj_api_sync/v1/customers", record, {"Authorization": f"Bearer {private_customers}"}
        )
        assert status == 201, content

    assert left_for_the_collector(create) == []


@pytest.mark.parametrize(
    ("path", "token", "status"),
    [
        ("/bj_api_sync/v1/customers/NOPE", "issued", 404),  # no record: the envelope from an ApiError
        ("/bj_api_sync/v1/customers/C001", "wrong", 401),  # refused before the view runs its method
        ("/bj_api_sync/v1/nothing/C001", "issued", 404),  # no endpoint at the slug
    ],
)
def test_an_error_answer_leaves_nothing_for_the_collector(private_customers, path, token, status):
    secret = private_customers if token == "issued" else "hubt_wrong"

    def refused():
        answered, content = serve("GET", path, headers={"Authorization": f"Bearer {secret}"})
        assert answered == status, content

    assert left_for_the_collector(refused) == []
