"""Tokens on the endpoint page, in a browser: add one, copy its secret once, call the endpoint, revoke it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_add_a_token_call_the_endpoint_with_it_and_revoke_it(admin_page, customers, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{customers.pk}/change/")
    panel = page.locator("#tokens")
    expect(panel.get_by_text("No tokens yet.")).to_be_visible()
    panel.get_by_label("Name").fill("webshop")
    panel.get_by_label("Expires").fill("2099-12-31T23:00")
    panel.get_by_role("button", name="Add a token").click()

    secret_box = page.get_by_label("New token")
    expect(secret_box).to_have_value(re.compile(r"^hubt_\S+$"))
    expect(panel.get_by_text("copy it now: it is shown this once")).to_be_visible()
    expect(panel.get_by_role("row", name=re.compile(r"webshop .* 2099-12-31 23:00 .* usable"))).to_be_visible()
    doc_screenshot(page.locator(".hub-secret"), "endpoint-tokens")
    secret = secret_box.input_value()

    answer = page.request.get("/bj_api_sync/v1/customers/C001", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert answer.json()["data"]["name"] == "Alice Martin"

    page.reload()
    expect(page.get_by_label("New token")).to_have_count(0)  # shown once

    page.get_by_role("button", name="Revoke webshop").click()
    expect(page.get_by_text("Token 'webshop' revoked")).to_be_visible()
    expect(panel.get_by_role("row", name=re.compile(r"webshop .* revoked"))).to_be_visible()
    answer = page.request.get("/bj_api_sync/v1/customers/C001", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 401
