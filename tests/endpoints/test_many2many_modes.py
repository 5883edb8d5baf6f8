"""Many2many lines replace the related records, or add to them: by the line's option mode, or by the value."""

import pytest

from mappings.models import MappingLine
from tests.endpoints.support import body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/partners"
TAGS = {"model": "res.partner.category", "field": "name"}


def lines(tag_options: dict) -> list[dict]:
    return [
        {"odoo_field": "ref", "external_key": "ref", "odoo_type": "char", "is_identifier": True, "required": True},
        {"odoo_field": "name", "external_key": "name", "odoo_type": "char", "required": True},
        {"odoo_field": "category_id", "external_key": "tags", "value_type": "many2many", "options": tag_options},
        {"odoo_field": "category_id", "external_key": "tag_ids", "odoo_type": "many2many", "direction": "in"},
    ]


@pytest.fixture
def partners(make_endpoint, client):
    """A partner tagged Desk Manufacturers, on an endpoint whose tag line has these options."""

    def make(**options):
        endpoint = make_endpoint(slug="partners", domain="[('ref', '=like', 'MM-%')]", lines=lines({**TAGS, **options}))
        payload = {"ref": "MM-1", "name": "Modes Ltd", "tags": ["Desk Manufacturers"]}
        assert client.post(URL, payload, content_type="application/json").status_code == 201
        return endpoint

    return make


def put(client, payload):
    return client.put(f"{URL}/MM-1", payload, content_type="application/json")


def tags(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(body(response)["data"]["tags"])


def test_a_list_replaces_by_default(client, partners):
    partners()
    assert tags(put(client, {"tags": ["Prospects"]})) == ["Prospects"]


def test_a_value_in_mode_add_adds(client, partners, rpc_calls):
    partners()
    rpc_calls.clear()
    response = put(client, {"tags": {"mode": "add", "records": ["Prospects"]}})
    assert tags(response) == ["Desk Manufacturers", "Prospects"]
    assert rpc_calls == [
        ("res.partner.category", "search_read"),  # the tag lookup, as for a list
        ("res.partner", "search_read"),
        ("res.partner", "write"),
        ("res.partner", "web_search_read"),
    ]


def test_a_line_in_mode_add_adds_a_list(client, partners):
    partners(mode="add")
    assert tags(put(client, {"tags": ["Prospects", "Office Supplies"]})) == [
        "Desk Manufacturers",
        "Office Supplies",
        "Prospects",
    ]


def test_a_value_in_mode_replace_replaces_on_a_line_in_mode_add(client, partners):
    partners(mode="add")
    assert tags(put(client, {"tags": {"mode": "replace", "records": ["Prospects"]}})) == ["Prospects"]
    assert tags(put(client, {"tags": {"records": ["Office Supplies"]}})) == ["Office Supplies", "Prospects"]


def test_null_clears_in_either_mode(client, partners):
    partners(mode="add")
    assert tags(put(client, {"tags": None})) == []


def test_a_plain_many2many_line_of_ids_adds_too(client, partners, odoo_client):
    partners()
    [prospects] = odoo_client.search("res.partner.category", [("name", "=", "Prospects")])
    response = put(client, {"tag_ids": {"mode": "add", "records": [prospects]}})
    assert tags(response) == ["Desk Manufacturers", "Prospects"]


@pytest.mark.parametrize(
    ("value", "message", "lookups"),
    [
        (
            {"mode": "merge", "records": ["Prospects"]},
            'Mapping line \'tags\' (category_id): "mode" must be "add" or "replace", not \'merge\'.',
            1,
        ),
        (
            {"mode": "add", "items": ["Prospects"]},
            'Mapping line \'tags\' (category_id): expects a list, or {"mode": "add" | "replace", '
            "\"records\": [...]}, got {'mode': 'add', 'items': ['Prospects']}.",
            0,  # no records: nothing to look up
        ),
        ("Prospects", "Mapping line 'tags' (category_id): expects a list, got 'Prospects'.", 1),
    ],
)
def test_a_malformed_value_is_400_naming_the_line(client, partners, rpc_calls, value, message, lookups):
    endpoint = partners()
    rpc_calls.clear()
    line = MappingLine.objects.get(endpoint=endpoint, external_key="tags")
    error(put(client, {"tags": value}), 400, message, line_id=line.pk)
    assert rpc_calls == [("res.partner.category", "search_read")] * lookups  # the batched lookups; nothing written


def test_the_admin_refuses_an_unknown_mode(make_endpoint):
    endpoint = make_endpoint(slug="partners", domain="[]", lines=[])
    line = MappingLine(
        endpoint=endpoint,
        odoo_field="category_id",
        external_key="tags",
        value_type="many2many",
        options={**TAGS, "mode": "merge"},
    )
    with pytest.raises(Exception, match="mode \\(of a many2many\\) must be 'replace' \\(the default\\) or 'add'"):
        line.full_clean()


def test_the_admin_refuses_a_mode_on_a_many2one_line(make_endpoint):
    endpoint = make_endpoint(slug="partners", domain="[]", lines=[])
    line = MappingLine(
        endpoint=endpoint,
        odoo_field="country_id",
        external_key="country",
        value_type="many2one",
        options={"model": "res.country", "field": "code", "mode": "add"},
    )
    with pytest.raises(Exception, match="mode \\(replace or add\\) is an option of many2many lines"):
        line.full_clean()
