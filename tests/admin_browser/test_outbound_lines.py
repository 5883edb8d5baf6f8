"""An outbound configuration's payload lines in a browser: the endpoint page's labelled options and nesting."""

import re

import pytest
from playwright.sync_api import expect

from mappings.models import MappingLine
from outbound.models import OutboundConfiguration
from tests.admin_browser.conftest import horizontal_overflow
from tests.admin_browser.test_pickers import pick

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def orders(connection):
    """Outbound ``orders`` on sale.order: a customer lookup, the order lines (one2many) with a nested quantity."""
    configuration = OutboundConfiguration(
        name="orders",
        connection=connection,
        odoo_model="sale.order",
        domain="[]",
        target_url="https://example.com/h",
        auth=OutboundConfiguration.Auth.NONE,
    )
    configuration.full_clean()
    configuration.save()
    add = configuration.lines.create
    add(sequence=10, odoo_field="name", external_key="reference", value_type="plain", is_identifier=True)
    add(
        sequence=20,
        odoo_field="partner_id",
        external_key="customer",
        value_type="many2one",
        options={"model": "res.partner", "field": "email"},
    )
    parent = add(sequence=30, odoo_field="order_line", external_key="lines", value_type="one2many")
    add(sequence=1, odoo_field="product_uom_qty", external_key="qty", value_type="plain", parent=parent)
    return configuration


def test_outbound_lines_show_labelled_options_and_nested_lines_within_1366_px(admin_page, orders, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/outbound/outboundconfiguration/{orders.pk}/change/")
    lines = page.locator(".hub-lines .inline-related:not(.empty-form)")
    expect(lines).to_have_count(4)
    # the nested line comes right under its parent, indented and saying so
    expect(page.locator("#lines-3")).to_have_class(re.compile(r"\bhub-nested\b"))
    expect(page.locator("#lines-2")).not_to_have_class(re.compile(r"\bhub-nested\b"))
    expect(page.locator("#lines-3 .hub-nested-note")).to_have_text(" nested under lines")
    # the lookup's options as labelled boxes of its value type, the others hidden
    lookup = page.locator("#lines-1 .hub-options[data-value-type='many2one']")
    expect(lookup).to_be_visible()
    expect(lookup.get_by_label("Lookup model")).to_have_value("res.partner")
    expect(lookup.get_by_label("Lookup field")).to_have_value("email")
    expect(page.locator("#lines-1 .hub-options[data-value-type='date']")).to_be_hidden()
    for field in ("odoo_field", "value_type", "direction", "parent", "sequence"):
        box = page.locator(f"#id_lines-3-{field}").bounding_box()
        assert box is not None, field
        assert box["x"] + box["width"] <= 1366, (field, box)
    assert horizontal_overflow(page) == 0
    doc_screenshot(page.locator("#lines-group"), "outbound-lines")

    # another lookup field, picked among Odoo's fields of the lookup model, is saved
    pick(page, lookup.get_by_label("Lookup field"), "ref", "ref")
    page.locator("#id_lines-0-value_type").select_option("date")
    dates = page.locator("#lines-0 .hub-options[data-value-type='date']")
    expect(dates).to_be_visible()
    page.locator("#id_lines-0-value_type").select_option("plain")
    expect(dates).to_be_hidden()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    customer = MappingLine.objects.get(outbound=orders, external_key="customer")
    assert customer.options == {"model": "res.partner", "field": "ref"}
