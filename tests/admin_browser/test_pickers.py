"""Pickers and labelled options on the endpoint page, in a browser: models and fields come from Odoo."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Locator, Page, expect

from endpoints.models import Endpoint
from tests.admin_browser.conftest import horizontal_overflow
from tests.endpoints.support import add_lines

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page: Page, box: Locator, term: str, value: str) -> None:
    """Type ``term`` in a picker box and choose ``value`` among what Odoo offers."""
    box.click()
    box.fill(term)
    page.locator(f'.hub-picks [role="option"][data-value="{value}"]').click()
    expect(box).to_have_value(value)


def test_create_an_endpoint_with_pickers_three_lines_and_labelled_options(admin_page, connection, doc_screenshot):
    page = admin_page
    page.goto("/admin/endpoints/endpoint/add/")
    page.locator("#id_name").fill("Clients")
    page.locator("#id_connection").select_option(label="Odoo (stand-in)")
    model = page.locator("#id_odoo_model")
    model.click()
    model.fill("res.partn")
    offered = page.locator("#id_odoo_model-picks")
    expect(offered.locator('[data-value="res.partner"]')).to_have_text("Contact res.partner")
    doc_screenshot(page.locator("#content-main fieldset.module").first, "model-picker")
    offered.locator('[data-value="res.partner"]').click()
    page.locator("#id_slug").fill("clients")
    for method in ("GET", "POST"):
        page.locator(f'input[name="allowed_methods"][value="{method}"]').check()
    page.locator("#id_auth").select_option("none")

    add = page.locator("#lines-group").get_by_role("button", name="Add another Mapping line")
    for _ in range(3):
        add.click()
    pick(page, page.locator("#id_lines-0-odoo_field"), "ref", "ref")
    expect(page.locator("#id_lines-0-odoo_type")).to_have_value("char")  # filled from what Odoo said
    page.locator("#id_lines-0-external_key").fill("customer_id")
    page.locator("#id_lines-0-is_identifier").check()
    pick(page, page.locator("#id_lines-1-odoo_field"), "name", "name")
    page.locator("#id_lines-1-external_key").fill("name")

    page.locator("#id_lines-2-value_type").select_option("many2one")
    lookup = page.locator("#lines-2 .hub-options[data-value-type='many2one']")
    expect(lookup).to_be_visible()
    expect(page.locator("#lines-2 .hub-options[data-value-type='date']")).to_be_hidden()
    field = page.locator("#id_lines-2-odoo_field")
    field.click()
    field.fill("countr")
    expect(page.locator('#id_lines-2-odoo_field-picks [role="option"]')).to_have_text(
        [
            "Country country_id many2one → res.country",
            "Country Code country_code char",
            "Fiscal Country Codes fiscal_country_codes char",
        ]
    )
    country = page.locator('#id_lines-2-odoo_field-picks [data-value="country_id"]')
    doc_screenshot(page.locator("#lines-2"), "field-picker")
    country.click()
    expect(lookup.get_by_label("Lookup model")).to_have_value("res.country")  # the field's relation
    page.locator("#id_lines-2-external_key").fill("country")
    lookup.get_by_label("Lookup field").fill("kode")  # typed by hand, wrong
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#lines-2 .errorlist")).to_have_text("res.country has no field 'kode' to look records up by.")
    assert not Endpoint.objects.exists()

    lookup = page.locator("#lines-2 .hub-options[data-value-type='many2one']")
    pick(page, lookup.get_by_label("Lookup field"), "code", "code")
    lookup.get_by_label("Answer with").select_option("name")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    endpoint = Endpoint.objects.get(slug="clients")
    assert endpoint.odoo_model == "res.partner"
    assert [
        (line.odoo_field, line.external_key, line.value_type, line.odoo_type, line.options)
        for line in endpoint.lines.order_by("id")
    ] == [
        ("ref", "customer_id", "plain", "char", {}),
        ("name", "name", "plain", "char", {}),
        ("country_id", "country", "many2one", "many2one", {"model": "res.country", "field": "code", "output": "name"}),
    ]
    expect(page.locator("#id_lines-2-options-many2one-field")).to_have_value("code")  # shown back in its box
    doc_screenshot(page.locator("#lines-2"), "line-options")


def test_a_nested_line_sits_under_its_parent_and_picks_the_related_models_fields(admin_page, connection):
    endpoint = Endpoint(
        name="Orders", connection=connection, odoo_model="sale.order", slug="orders", allowed_methods=["GET"]
    )
    endpoint.full_clean()
    endpoint.save()
    add_lines(
        endpoint,
        [
            {"odoo_field": "name", "external_key": "number", "odoo_type": "char", "is_identifier": True},
            {
                "odoo_field": "order_line",
                "external_key": "lines",
                "value_type": "one2many",
                "children": [{"odoo_field": "name", "external_key": "text", "odoo_type": "text"}],
            },
            {"odoo_field": "note", "external_key": "note", "odoo_type": "html"},
        ],
    )
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{endpoint.pk}/change/")
    lines = page.locator(".hub-lines .inline-related:not(.empty-form)")
    expect(lines).to_have_count(4)
    parent, nested = lines.nth(1), lines.nth(2)
    expect(nested).to_have_class(re.compile(r"\bhub-nested\b"))
    expect(nested.locator("h3")).to_contain_text("nested under lines")
    expect(parent).not_to_have_class(re.compile(r"\bhub-nested\b"))
    assert nested.bounding_box()["x"] > parent.bounding_box()["x"] + 20  # indented under it

    box = page.locator("#id_lines-2-odoo_field")
    box.click()
    box.fill("product_uom_q")  # a field of sale.order.line, not of sale.order
    expect(page.locator('#id_lines-2-odoo_field-picks [role="option"]')).to_have_text(
        ["Quantity product_uom_qty float required"]
    )


def test_when_odoo_does_not_answer_the_boxes_stay_text_boxes_and_say_so(admin_page, make_connection):
    make_connection(server=SimpleNamespace(url="http://127.0.0.1:9", database="odoo18"), name="Odoo (down)")
    page = admin_page
    page.goto("/admin/endpoints/endpoint/add/")
    page.locator("#id_connection").select_option(label="Odoo (down)")
    model = page.locator("#id_odoo_model")
    model.click()
    model.fill("res.partner")
    expect(page.locator(".field-odoo_model .hub-picker-note")).to_contain_text(
        "Odoo did not answer: ", use_inner_text=True
    )
    expect(page.locator(".field-odoo_model .hub-picker-note")).to_contain_text("Type the technical name")
    expect(page.locator(".hub-picks")).to_have_count(0)
    expect(model).to_have_value("res.partner")


def test_an_outbound_configuration_picks_its_model_and_line_fields(admin_page, connection):
    page = admin_page
    page.goto("/admin/outbound/outboundconfiguration/add/")
    page.locator("#id_connection").select_option(label="Odoo (stand-in)")
    pick(page, page.locator("#id_odoo_model"), "sale.ord", "sale.order")
    page.locator("#lines-group").get_by_role("button", name="Add another Mapping line").click()
    box = page.locator("#id_lines-0-odoo_field")
    box.click()
    box.fill("amount_tot")
    expect(page.locator('#id_lines-0-odoo_field-picks [role="option"]')).to_have_text(["Total amount_total monetary"])
    page.locator('#id_lines-0-odoo_field-picks [data-value="amount_total"]').click()
    expect(box).to_have_value("amount_total")
    expect(page.locator("#id_lines-0-odoo_type")).to_have_value("monetary")
