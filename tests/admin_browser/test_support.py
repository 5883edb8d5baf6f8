"""A support user in a browser: log in, filter the request log, open a failed call, replay it."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from endpoints.models import Endpoint
from tests.admin_browser.conftest import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def support_user(django_user_model):
    user = django_user_model.objects.create_user("sam", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Support"))  # no "Staff status" ticked: the group is enough
    return user


def test_a_support_user_filters_the_log_opens_a_failed_call_and_replays_it(
    page, support_user, customers, doc_screenshot
):
    customers.auth = Endpoint.Auth.NONE
    customers.save()
    assert page.request.get("/bj_api_sync/v1/customers/C001").status == 200
    failed = page.request.post("/bj_api_sync/v1/customers", data={"customer_id": "C9", "nmae": "typo"})
    assert failed.status == 400
    request_id = failed.headers["x-request-id"]

    log_in(page, support_user.username)
    page.locator("tr.model-requestlog th a").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    page.locator("#changelist-filter").get_by_role("link", name=re.compile(r"^4xx")).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("400")
    doc_screenshot(page, "log-list-filtered")

    rows.first.locator("th a").click()
    expect(page.locator(".hub-log dd code").first).to_have_text(request_id)
    expect(page.locator(".hub-log")).to_contain_text("Unknown key(s): nmae")
    doc_screenshot(page.locator(".hub-log"), "log-failed-call")

    page.go_back()
    rows.first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("replay")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("will be sent")).to_be_visible()
    page.get_by_role("button", name="Replay 1 request").click()
    expect(page.locator("ul.messagelist")).to_contain_text("400")
    page.goto("/admin/logs/requestlog/?status_class=4xx")
    expect(rows).to_have_count(2)  # the call and its replay
