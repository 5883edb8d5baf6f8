"""Per-record callback URLs: given to /api/create_data (or create_update_data) over HTTP, stored with
the record, and the target of configurations that send to the record's callback URL."""

import json

import pytest

from hub.models import ApiKey
from outbound import polling
from outbound.models import Delivery, RecordCallback

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client, odoo_connection):
    key = ApiKey(
        name="shop",
        connection=odoo_connection,
        allowed_routes=["create_data", "create_update_data"],
        allowed_models=["res.partner"],
    )
    secret = key.issue()
    key.save()

    def run(route, vals):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"model": "res.partner", "vals": vals}}
        response = client.post(
            f"/api/{route}", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        return response.status_code, response.json()

    return run


@pytest.fixture
def configuration(make_outbound, allow_loopback):
    return make_outbound(target="callback", target_url="")


def test_callback_url_flows_from_create_data_to_the_delivery(
    call, configuration, receiver, django_capture_on_commit_callbacks
):
    status, answer = call("create_data", {"payload": {"name": "Outbound A"}, "callback_url": receiver.url + "/cb/1"})
    assert status == 200
    assert answer["result"]["is_success"] is True
    partner = answer["result"]["result"]["id"]
    assert list(RecordCallback.objects.values_list("odoo_model", "record_id", "url")) == [
        ("res.partner", partner, receiver.url + "/cb/1")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        polling.poll(configuration)
    [got] = receiver.received
    assert got.path == "/cb/1"
    assert json.loads(got.body)["data"]["name"] == "Outbound A"
    assert Delivery.objects.get().target_url == receiver.url + "/cb/1"


def test_create_update_data_keeps_the_newest_callback_url(
    call, configuration, receiver, django_capture_on_commit_callbacks
):
    vals = {"search_key": {"name": "Outbound B"}, "payload": {"email": "b@example.com"}}
    call("create_update_data", {**vals, "callback_url": receiver.url + "/old"})
    status, answer = call("create_update_data", {**vals, "callback_url": receiver.url + "/new"})
    assert (status, answer["result"]["is_success"]) == (200, True)
    with django_capture_on_commit_callbacks(execute=True):
        polling.poll(configuration)
    assert [got.path for got in receiver.received] == ["/new"]


def test_a_record_without_a_callback_url_is_not_sent(call, configuration, odoo_client, receiver):
    odoo_client.execute_kw("res.partner", "create", [{"name": "Outbound C"}])
    assert polling.poll(configuration).created == 1
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "callback_url: Only http and https targets are allowed."),
        ("not a url", "callback_url: Only http and https targets are allowed."),
        (42, "callback_url must be a URL (text)."),
        ("https://example.com/" + "x" * 500, "callback_url is longer than 500 characters."),
    ],
)
def test_a_bad_callback_url_is_refused_before_anything_is_created(call, fake_odoo, url, message):
    before = len(fake_odoo.records("res.partner"))
    status, answer = call("create_data", {"payload": {"name": "Outbound D"}, "callback_url": url})
    assert status == 400
    assert answer["error"]["message"] == message
    assert len(fake_odoo.records("res.partner")) == before
    assert not RecordCallback.objects.exists()
