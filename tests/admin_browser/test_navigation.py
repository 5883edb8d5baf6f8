"""The admin's navigation in a browser: logging in, "View site", the page a user may not open."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_view_site_opens_the_api_documentation(admin_page):
    admin_page.goto("/admin/")
    admin_page.get_by_role("link", name="View site").click()
    expect(admin_page).to_have_url(re.compile(r"/api/docs/$"))
    expect(admin_page.locator("#swagger-ui")).to_be_attached()
