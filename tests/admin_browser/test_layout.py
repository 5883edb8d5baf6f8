"""The admin's pages fit a 1366 px wide screen: no sideways scrolling on the endpoint page and the log list."""

import pytest
from playwright.sync_api import expect

from tests.admin_browser.conftest import horizontal_overflow
from tests.logs.factories import make_log

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_endpoint_page_with_its_mapping_lines_fits_1366_px(admin_page, customers, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{customers.pk}/change/")
    lines = page.locator(".hub-lines .inline-related:not(.empty-form)")
    expect(lines).to_have_count(5)
    for field in ("options", "direction", "required", "default"):
        box = page.locator(f"#id_lines-4-{field}").bounding_box()
        assert box is not None, field
        assert box["x"] + box["width"] <= 1366, (field, box)
    expect(page.locator("#id_lines-0-default")).to_have_value("")  # unset: empty, not "null"
    assert horizontal_overflow(page) == 0
    doc_screenshot(lines.nth(4), "mapping-lines")


def test_the_log_list_fits_1366_px(admin_page):
    for status in (200, 400, 502):
        make_log(
            status=status, outcome="success" if status == 200 else "failure", path="/bj_api_sync/v1/" + "x" * 80
        )
    page = admin_page
    page.goto("/admin/logs/requestlog/")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    assert horizontal_overflow(page) == 0
