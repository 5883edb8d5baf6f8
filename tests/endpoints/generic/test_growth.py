"""What a generic search costs grows no faster than its records times its fields (counted as
tests/endpoints/growth.py's ``lines_run`` says).

Plain fields run no Python line per record: Odoo's answer goes back as it came, through the JSON codec
(C). Expanded relational fields are shaped record by record, so the records are counted with those."""

import pytest

from tests.endpoints.generic.conftest import rpc_result
from tests.endpoints.growth import FIELDS, LINES, RECORDS, assert_linear, lines_run, make_partners, steps
from tests.endpoints.support import DOMAIN

pytestmark = pytest.mark.django_db

EXPANDED = ["name", "country_id{code, name}", "category_id{name}"]  # a many2one and a many2many, expanded


@pytest.fixture
def search(rpc, odoo_client):
    """``search(records, fields)`` -> the lines run for a search_data call answering that many records."""
    make_partners(odoo_client)

    def cost(records: int, fields: list[str]) -> int:
        vals = {"payload": {"search_field": fields, "search_domain": DOMAIN, "limit": records}}

        def call():
            result = rpc_result(rpc("search_data", "res.partner", vals))
            assert result["is_success"] is True, result
            assert len(result["result"]) == records

        return lines_run(call)

    return cost


def test_a_search_costs_in_proportion_to_its_records(search):
    first, second = steps(lambda records: search(records, EXPANDED), RECORDS)
    assert_linear(first, second)


def test_a_search_costs_in_proportion_to_its_fields(search):
    first, second = steps(lambda fields: search(50, FIELDS[:fields]), LINES)
    assert_linear(first, second)
