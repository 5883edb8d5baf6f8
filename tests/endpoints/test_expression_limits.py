"""An expression line refuses a caller-sized value with a 400 naming the line, before Odoo is called."""

import time

import pytest

from hub import callstats
from mappings.models import MappingLine
from tests.endpoints.support import error

pytestmark = pytest.mark.django_db

LINES = [
    {"odoo_field": "ref", "external_key": "contact_id", "odoo_type": "char", "is_identifier": True, "required": True},
    {
        "odoo_field": "name",
        "external_key": "tags",
        "value_type": "expression",
        "options": {"to_odoo": "join(' ', sorted(value.split(',')))", "to_external": "value.split(' ')"},
    },
]


@pytest.fixture
def contacts(make_endpoint):
    return make_endpoint("contacts", LINES, domain="[('ref', '!=', False)]")


def test_a_value_too_large_for_the_expression_is_a_400_naming_the_line(client, contacts):
    line = MappingLine.objects.get(endpoint=contacts, external_key="tags")
    started = time.monotonic()
    with callstats.tracking() as stats:
        response = client.post(
            "/bj_api_sync/v1/contacts",
            {"contact_id": "P1", "tags": "a," * 150_000},  # 300 KB: a caller-chosen size
            content_type="application/json",
        )
    assert time.monotonic() - started < 5.0
    error(
        response,
        400,
        "Mapping line 'tags' (name): The value is too large for this expression "
        "(more than 100000 characters or items).",
        line_id=line.pk,
    )
    assert stats.count == 0


def test_a_value_within_the_limit_goes_through(client, contacts):
    response = client.post(
        "/bj_api_sync/v1/contacts", {"contact_id": "P2", "tags": "b,a,c"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["data"] == {"contact_id": "P2", "tags": ["a", "b", "c"]}
