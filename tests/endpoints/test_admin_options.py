"""Mapping-line options in the admin: labelled boxes per value type, derived from the value types' registry."""

import pytest

from endpoints.models import Endpoint
from mappings.values import REGISTRY
from tests.endpoints.test_admin import LINES, form_data

pytestmark = pytest.mark.django_db


def saved_options(slug="customers") -> dict:
    return {line.external_key: line.options for line in Endpoint.objects.get(slug=slug).lines.all()}


def test_every_option_the_registry_declares_has_a_labelled_box(admin_client, odoo_connection):
    page = admin_client.get("/admin/endpoints/endpoint/add/").content.decode()
    for value_type, kind in REGISTRY.items():
        for option in kind.options:
            box = f"id_lines-__prefix__-options-{value_type}-{option.name}"
            assert f'<label for="{box}">{option.label}</label>' in page, box


def test_options_typed_in_boxes_are_saved_and_empty_boxes_leave_their_key_out(admin_client, odoo_connection, fake_odoo):
    lines = [
        *LINES,
        {
            "odoo_field": "type",
            "external_key": "kind",
            "value_type": "selection",
            "options-selection-map": "person = contact\n\nbilling = invoice",
        },
        {
            "odoo_field": "country_id",
            "external_key": "country",
            "value_type": "many2one",
            "options-many2one-model": "res.country",
            "options-many2one-field": "code",
            "options-many2one-output": "",
            "options-date-format": "%d/%m/%Y",  # another type's box: not this line's option
        },
        {
            "odoo_field": "comment",
            "external_key": "source",
            "value_type": "constant",
            "options-constant-value": '"web"',
        },
        {
            "odoo_field": "activity_date_deadline",
            "external_key": "due",
            "value_type": "date",
            "direction": "out",
            "options-date-format": " %d/%m/%Y ",
        },
    ]
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, lines))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved_options() == {
        "customer_id": {},
        "name": {},
        "kind": {"map": {"person": "contact", "billing": "invoice"}},
        "country": {"model": "res.country", "field": "code"},
        "source": {"value": "web"},
        "due": {"format": "%d/%m/%Y"},
    }


def test_the_change_page_shows_stored_options_in_their_boxes_and_only_the_lines_type(
    admin_client, make_endpoint, seeded
):
    lines = [
        {"odoo_field": "ref", "external_key": "customer_id", "odoo_type": "char", "is_identifier": True},
        {
            "odoo_field": "type",
            "external_key": "kind",
            "value_type": "selection",
            "options": {"map": {"person": "contact", "billing": "invoice"}},
        },
    ]
    endpoint = make_endpoint(lines=lines)
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    assert (
        '<textarea name="lines-1-options-selection-map" id="id_lines-1-options-selection-map" rows="2" cols="40">'
        "billing = invoice\nperson = contact</textarea>"
    ) in page
    assert '<fieldset class="hub-options" data-value-type="selection"><legend>' in page
    assert '<fieldset class="hub-options" data-value-type="date" hidden><legend>' in page


@pytest.mark.parametrize(
    ("line", "errors"),
    [
        (
            {"value_type": "selection", "options-selection-map": "person contact"},
            ["Value map, line 1: write external value = Odoo key."],
        ),
        (
            {"value_type": "constant", "options-constant-value": "web"},
            ['Value (JSON): not a JSON value (text goes in quotes: "web").'],
        ),
        ({"value_type": "selection"}, ['A selection needs options {"map": {"external value": "odoo key", ...}}.']),
        ({"value_type": "datetime", "options-datetime-tz": "Mars/Olympus"}, ["Unknown time zone 'Mars/Olympus'."]),
    ],
)
def test_options_that_cannot_work_are_errors_on_the_line(admin_client, odoo_connection, fake_odoo, line, errors):
    lines = [*LINES, {"odoo_field": "type", "external_key": "kind", **line}]
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, lines))
    assert response.status_code == 200
    assert not Endpoint.objects.exists()
    [line_form] = [f for f in response.context["inline_admin_formsets"][0].formset.forms if f.errors]
    assert line_form.errors == {"options": errors}


def test_a_lookup_line_keeps_found_records_for_the_seconds_typed_in_its_box(admin_client, odoo_connection, fake_odoo):
    country = {
        "odoo_field": "country_id",
        "external_key": "country",
        "value_type": "many2one",
        "options-many2one-model": "res.country",
        "options-many2one-field": "code",
    }
    add = "/admin/endpoints/endpoint/add/"
    refused = admin_client.post(add, form_data(odoo_connection, [*LINES, {**country, "options-many2one-keep": "1h"}]))
    assert "keep must be a number of seconds from 0 to 86400" in refused.content.decode()
    response = admin_client.post(add, form_data(odoo_connection, [*LINES, {**country, "options-many2one-keep": "300"}]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved_options()["country"] == {"model": "res.country", "field": "code", "keep": "300"}
