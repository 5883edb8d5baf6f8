"""A mapping line that cannot work is refused on its line, in a browser, and nothing is saved."""

import pytest
from playwright.sync_api import expect

from mappings.models import MappingLine

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_misspelt_odoo_field_is_refused_on_its_line(admin_page, customers, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{customers.pk}/change/")
    page.locator("#id_lines-1-odoo_field").fill("nmae")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    line = page.locator("#lines-1")
    expect(line.locator(".errorlist")).to_have_text("res.partner has no field 'nmae'.")
    doc_screenshot(line, "line-refused")
    assert MappingLine.objects.get(endpoint=customers, external_key="name").odoo_field == "name"
