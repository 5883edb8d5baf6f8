"""What a REST call costs grows no faster than its records times its mapping lines (counted as
tests/endpoints/growth.py's ``lines_run`` says)."""

import itertools

import pytest

from tests.endpoints.growth import FIELDS, LINES, RECORDS, assert_linear, lines_run, make_partners, steps
from tests.endpoints.support import DOMAIN, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(odoo_client):
    """100 partners the endpoints serve, every mapped field set."""
    make_partners(odoo_client)


@pytest.fixture
def growth_endpoint(make_endpoint):
    """Factory: an endpoint logging whole calls, mapping the first ``lines`` of FIELDS as plain values."""

    def make(lines: int) -> str:
        slug = f"growth-{lines}"
        specs = [
            {"odoo_field": field, "external_key": f"k_{field}", "odoo_type": "char", "is_identifier": field == "ref"}
            for field in FIELDS[:lines]
        ]
        make_endpoint(slug=slug, lines=specs, domain=DOMAIN, log_mode="all", page_size=1000)
        return f"/bj_api_sync/v1/{slug}"

    return make


def listing(client, url: str, size: int) -> int:
    def call():
        response = client.get(url, {"limit": size})
        assert response.status_code == 200, response.content
        assert len(body(response)["data"]) == size

    return lines_run(call)


_refs = itertools.count()


def creating(client, url: str, size: int, lines: int) -> int:
    records = [
        {f"k_{field}": f"new {next(_refs)}" if field == "ref" else f"{field} value" for field in FIELDS[:lines]}
        for _ in range(size)
    ]

    def call():
        response = client.post(url, records, content_type="application/json")
        assert response.status_code == 201, response.content
        assert len(body(response)["data"]) == size

    return lines_run(call)


def test_a_page_costs_in_proportion_to_its_records(client, partners, growth_endpoint):
    url = growth_endpoint(4)
    first, second = steps(lambda size: listing(client, url, size), RECORDS)
    assert_linear(first, second)


def test_a_page_costs_in_proportion_to_its_mapping_lines(client, partners, growth_endpoint):
    urls = {lines: growth_endpoint(lines) for lines in LINES}
    first, second = steps(lambda lines: listing(client, urls[lines], 50), LINES)
    assert_linear(first, second)


def test_a_batch_create_costs_in_proportion_to_its_records(client, growth_endpoint):
    url = growth_endpoint(4)
    first, second = steps(lambda size: creating(client, url, size, 4), (10, 20, 40))
    assert_linear(first, second)


def test_a_batch_create_costs_in_proportion_to_its_mapping_lines(client, growth_endpoint):
    urls = {lines: growth_endpoint(lines) for lines in LINES}
    first, second = steps(lambda lines: creating(client, urls[lines], 20, lines), LINES)
    assert_linear(first, second)
