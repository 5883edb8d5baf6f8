"""Preview, dry run and the record rule on the endpoint page, in a browser."""

import json
import re

import pytest
from playwright.sync_api import expect

from endpoints.models import EndpointToken
from tests.admin_browser.conftest import horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)

NINE = {"customer_id": "C009", "name": "Nine", "email": "nine@example.com", "country": "BE"}


def test_preview_shows_the_records_and_the_rpc_count(admin_page, customers, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{customers.pk}/change/")
    page.get_by_role("link", name="Preview", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/endpoints/endpoint/{customers.pk}/preview/$"))
    figures = re.compile(
        r"^1 RPC call to Odoo in \d+ ms:\s+res\.partner\.web_search_read \(\d+ ms\)\.\s+Total matching records: 1\.\s*$"
    )
    expect(page.locator(".hub-figures")).to_have_text(figures)
    expect(page.get_by_role("row", name=re.compile(r"C001 Alice Martin"))).to_be_visible()
    headers = page.locator(".hub-preview").get_by_role("columnheader")
    expect(headers).to_have_text(["customer_id", "name", "email", "phone", "country"])
    assert horizontal_overflow(page) == 0
    doc_screenshot(page.locator("#content"), "endpoint-preview")


def test_dry_run_shows_the_values_a_lookup_and_an_error_with_its_line(admin_page, customers, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{customers.pk}/change/")
    page.get_by_role("link", name="Dry run", exact=True).click()
    body = page.get_by_label("JSON body")
    expect(body).to_have_value(re.compile(r'"customer_id"'))  # an example body to start from
    body.fill(json.dumps(NINE, indent=2))
    page.get_by_role("button", name="Dry run").click()

    result = page.locator("#result")
    expect(result.get_by_text("1 RPC call to Odoo (lookups only)")).to_be_visible()
    expect(result.get_by_role("row", name=re.compile(r"res\.country .*code.* \"BE\""))).to_be_visible()
    expect(result.get_by_text(re.compile(r'"country_id": \d+'))).to_be_visible()
    assert horizontal_overflow(page) == 0
    doc_screenshot(result, "dry-run")

    page.get_by_label("JSON body").fill(json.dumps({**NINE, "country": "XX"}))
    page.get_by_role("button", name="Dry run").click()
    country = customers.lines.get(external_key="country")
    problem = page.locator(".hub-problem")
    expect(problem).to_contain_text("Error 400:")
    expect(problem).to_contain_text("XX")
    expect(problem).to_contain_text(f"Mapping line {country.pk}: country → Odoo field country_id")
    expect(page.get_by_text("none: see the error above")).to_be_visible()
    doc_screenshot(page.locator("#result"), "dry-run-error")
    assert not any(
        p.get("ref") == "C009" for p in customers.connection.client().search_read("res.partner", [], ["ref"])
    )


def test_a_rule_set_in_the_form_refuses_a_record(admin_page, customers, doc_screenshot):
    page = admin_page
    page.goto(f"/admin/endpoints/endpoint/{customers.pk}/change/")
    rule = "payload.get('email', '@example.com').endswith('@example.com')"
    page.get_by_role("textbox", name="Record rule:").fill(rule)
    page.get_by_label("Rule message").fill("Only example.com addresses are accepted.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    token = EndpointToken(endpoint=customers, name="webshop")
    secret = token.issue()
    token.save()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    answer = page.request.post(
        "/bj_api_sync/v1/customers", data=json.dumps({**NINE, "email": "x@elsewhere.org"}), headers=headers
    )
    assert (answer.status, answer.json()["message"]) == (400, "Only example.com addresses are accepted.")

    page.get_by_role("link", name="Dry run", exact=True).click()
    page.get_by_label("JSON body").fill(json.dumps({**NINE, "email": "x@elsewhere.org"}))
    page.get_by_role("button", name="Dry run").click()
    verdict = page.locator(".hub-verdict")
    expect(verdict).to_have_text("Record rule: refuses the record: Only example.com addresses are accepted.")
    doc_screenshot(page.locator("#result"), "record-rule")

    answer = page.request.post("/bj_api_sync/v1/customers", data=json.dumps(NINE), headers=headers)
    assert answer.status == 201, answer.text()
