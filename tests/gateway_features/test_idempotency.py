"""Idempotency keys over HTTP through the hub to the stand-in: replay without Odoo, conflicts,
credentials apart, required keys, retryable failures, retention."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from endpoints.models import Endpoint
from idempotency import services
from idempotency.models import StoredAnswer
from logs.models import RequestLog

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"
DAVE = {"customer_id": "C010", "name": "Dave Lee", "email": "dave@example.com"}


def post(client, data, key=None, url=URL, **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def stored(fake_odoo, ref):
    return [r for r in fake_odoo.records("res.partner") if r["ref"] == ref]


def test_a_repeat_gets_the_byte_identical_answer_without_calling_odoo(client, make_endpoint, fake_odoo, rpc_calls):
    make_endpoint()
    first = post(client, DAVE, key='"order-1"')  # a Structured Field String, as the draft writes it
    assert first.status_code == 201, first.content
    assert len(rpc_calls) == 3
    rpc_calls.clear()

    again = post(client, DAVE, key="order-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Location"] == first["Location"] == "http://testserver/bj_api_sync/v1/customers/C010"
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert rpc_calls == []
    assert len(stored(fake_odoo, "C010")) == 1
    row = RequestLog.objects.get(request_id=again["X-Request-ID"])
    assert (row.status, row.outcome, row.rpc_count) == (201, "success", 0)


def test_the_same_key_with_another_body_is_422(client, make_endpoint, fake_odoo, rpc_calls):
    make_endpoint()
    assert post(client, DAVE, key="k1").status_code == 201
    rpc_calls.clear()
    other = post(client, {**DAVE, "name": "Someone Else"}, key="k1")
    assert other.json() == {
        "status": "error",
        "code": 422,
        "message": "This Idempotency-Key was used for another request (method, route or body differ); use a new key.",
        "line_id": None,
        "request_id": other["X-Request-ID"],
    }
    assert other.status_code == 422
    assert rpc_calls == []
    assert stored(fake_odoo, "C010")[0]["name"] == "Dave Lee"


def test_the_same_key_on_another_route_is_422(client, make_endpoint, seeded):
    make_endpoint()
    assert post(client, DAVE, key="k1").status_code == 201
    response = client.put(
        f"{URL}/C001", json.dumps({"name": "A"}), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 422


def test_a_repeat_while_the_first_call_runs_is_409(client, make_endpoint, fake_odoo, rpc_calls, monkeypatch):
    make_endpoint()
    # The first call's process dies after Odoo created the record, before the answer is stored.
    with monkeypatch.context() as patched:
        patched.setattr(services, "finish", lambda held, response: None)
        assert post(client, DAVE, key="k1").status_code == 201
    rpc_calls.clear()
    running = post(client, DAVE, key="k1")
    assert running.status_code == 409
    assert running["Retry-After"] == "1"
    assert (
        running.json()["message"] == "A request with this Idempotency-Key is still running; retry once it has finished."
    )
    assert rpc_calls == []

    # Once its lock has timed out the key is retryable: the retry runs (Odoo already has the record).
    StoredAnswer.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    retry = post(client, DAVE, key="k1")
    assert retry.status_code == 409, retry.content  # the endpoint's own answer: C010 exists
    assert "Idempotent-Replayed" not in retry
    assert retry.json()["message"] == "A record with customer_id 'C010' already exists."
    assert rpc_calls == [("res.partner", "search_read")]
    assert len(stored(fake_odoo, "C010")) == 1
    assert post(client, DAVE, key="k1").content == retry.content  # and that answer is now the stored one


def test_a_crash_between_odoo_and_storing_the_answer_leaves_the_key_retryable(
    client, make_endpoint, fake_odoo, rpc_calls, monkeypatch
):
    make_endpoint(upsert_on_post=True)

    def broken_store(*args, **kwargs):
        raise DatabaseError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(services, "store", broken_store)
        first = post(client, DAVE, key="k1")
    assert first.status_code == 201  # the caller still gets Odoo's answer
    assert StoredAnswer.objects.count() == 0  # the key was released
    rpc_calls.clear()
    retry = post(client, DAVE, key="k1")
    assert retry.status_code == 201  # ran again: the upsert found and updated the record
    assert "Idempotent-Replayed" not in retry
    assert rpc_calls != []
    assert len(stored(fake_odoo, "C010")) == 1


def test_a_5xx_answer_is_not_stored_and_the_key_stays_retryable(client, make_endpoint, fake_odoo, rpc_calls):
    make_endpoint()
    fake_odoo.faults.reset_connection(5)  # every attempt of the client finds the connection cut
    failed = post(client, DAVE, key="k1")
    assert failed.status_code == 502, failed.content
    assert StoredAnswer.objects.count() == 0
    fake_odoo.faults.clear()
    retry = post(client, DAVE, key="k1")
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert len(stored(fake_odoo, "C010")) == 1


def test_a_4xx_answer_is_stored_and_replayed(client, make_endpoint, fake_odoo, rpc_calls):
    make_endpoint()
    refused = post(client, {"customer_id": "C010"}, key="k1")  # name is required
    assert refused.status_code == 400
    rpc_calls.clear()
    again = post(client, {"customer_id": "C010"}, key="k1")
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (400, refused.content, "true")
    assert rpc_calls == []


def test_another_credential_with_the_same_key_is_independent(client, make_endpoint, fake_odoo, issue_token, rpc_calls):
    endpoint = make_endpoint(auth=Endpoint.Auth.BEARER)
    shop = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(endpoint, 'shop')}"}
    crm = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(endpoint, 'crm')}"}
    by_shop = post(client, DAVE, key="k1", **shop)
    by_crm = post(client, {**DAVE, "customer_id": "C011"}, key="k1", **crm)
    assert (by_shop.status_code, by_crm.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in by_crm
    rpc_calls.clear()
    assert post(client, DAVE, key="k1", **shop).content == by_shop.content
    assert post(client, {**DAVE, "customer_id": "C011"}, key="k1", **crm).content == by_crm.content
    assert post(client, DAVE, key="k1", **crm).status_code == 422  # crm's k1 is another request
    assert rpc_calls == []
    assert len(stored(fake_odoo, "C010")) == len(stored(fake_odoo, "C011")) == 1


def test_an_endpoint_may_require_the_key_on_post(client, make_endpoint, seeded, rpc_calls):
    make_endpoint(require_idempotency_key=True)
    missing = post(client, DAVE)
    assert missing.status_code == 400
    assert missing.json()["message"] == "This endpoint requires an Idempotency-Key header on POST."
    assert rpc_calls == []
    assert RequestLog.objects.get(request_id=missing["X-Request-ID"]).outcome == "failure"
    assert post(client, DAVE, key="k1").status_code == 201
    assert client.get(f"{URL}/C001").status_code == 200  # GET and PUT need none
    put = client.put(f"{URL}/C001", json.dumps({"name": "A"}), content_type="application/json")
    assert put.status_code == 200


@pytest.mark.parametrize("key", ["", "with space", "x" * 256, '"unterminated', "é"])
def test_a_malformed_key_is_400(client, make_endpoint, seeded, rpc_calls, key):
    make_endpoint()
    response = post(client, DAVE, key=key)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "The Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a UUID."
    )
    assert rpc_calls == []


def test_put_is_replayed_too(client, make_endpoint, seeded, rpc_calls):
    make_endpoint()
    put = {"name": "Alice Renamed"}
    first = client.put(f"{URL}/C001", json.dumps(put), content_type="application/json", HTTP_IDEMPOTENCY_KEY="p1")
    assert first.status_code == 200
    rpc_calls.clear()
    again = client.put(f"{URL}/C001", json.dumps(put), content_type="application/json", HTTP_IDEMPOTENCY_KEY="p1")
    assert (again.content, again["Idempotent-Replayed"], rpc_calls) == (first.content, "true", [])


def test_get_ignores_the_key(client, make_endpoint, seeded, rpc_calls):
    make_endpoint()
    client.get(f"{URL}/C001", HTTP_IDEMPOTENCY_KEY="g1")
    client.get(f"{URL}/C001", HTTP_IDEMPOTENCY_KEY="g1")
    assert len(rpc_calls) == 2
    assert StoredAnswer.objects.count() == 0


def test_an_expired_key_runs_again_and_purge_logs_deletes_expired_answers(client, make_endpoint, fake_odoo, settings):
    settings.HUB_IDEMPOTENCY_RETENTION_HOURS = 24
    make_endpoint(upsert_on_post=True)
    assert post(client, DAVE, key="k1").status_code == 201
    row = StoredAnswer.objects.get()
    assert row.expires_at - row.created_at == timedelta(hours=24)
    StoredAnswer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    again = post(client, DAVE, key="k1")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again  # ran (and updated the record) again
    post(client, {**DAVE, "customer_id": "C011"}, key="k2")
    StoredAnswer.objects.filter(key="k2").update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("purge_logs", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Removed 1 expired idempotency answers."
    assert list(StoredAnswer.objects.values_list("key", flat=True)) == ["k1"]


def test_generic_routes_replay_byte_identical_without_calling_odoo(rpc, make_key, fake_odoo, rpc_calls):
    vals = {"payload": {"name": "Idempotent Ltd", "ref": "IDEM-1"}}
    first = rpc("create_data", "res.partner", vals, headers={"HTTP_IDEMPOTENCY_KEY": "g-1"})
    assert first.status_code == 200, first.content
    assert json.loads(first.content)["result"]["is_success"] is True
    rpc_calls.clear()
    again = rpc("create_data", "res.partner", vals, headers={"HTTP_IDEMPOTENCY_KEY": "g-1"})
    assert (again.content, again["Idempotent-Replayed"], rpc_calls) == (first.content, "true", [])
    assert len(stored(fake_odoo, "IDEM-1")) == 1
    row = RequestLog.objects.get(request_id=again["X-Request-ID"])
    assert (row.route_kind, row.principal, row.rpc_count, row.outcome) == ("generic", "key:webshop", 0, "success")

    other_body = rpc("create_data", "res.partner", {"payload": {"name": "X"}}, headers={"HTTP_IDEMPOTENCY_KEY": "g-1"})
    assert other_body.status_code == 422
    assert json.loads(other_body.content)["error"]["code"] == 422
    crm = make_key(name="crm")
    by_crm = rpc("create_data", "res.partner", vals, key=crm, headers={"HTTP_IDEMPOTENCY_KEY": "g-1"})
    assert "Idempotent-Replayed" not in by_crm  # another key holder: its own call
    assert len(stored(fake_odoo, "IDEM-1")) == 2


def test_the_admin_lists_keys_and_deleting_one_frees_it(client, admin_client, make_endpoint, fake_odoo):
    make_endpoint(upsert_on_post=True)
    post(client, DAVE, key="k-admin")
    row = StoredAnswer.objects.get()
    page = admin_client.get("/admin/idempotency/storedanswer/")
    assert page.status_code == 200
    assert b"k-admin" in page.content
    assert admin_client.get(f"/admin/idempotency/storedanswer/{row.pk}/change/").status_code == 200
    assert admin_client.get("/admin/idempotency/storedanswer/add/").status_code == 403
    admin_client.post(f"/admin/idempotency/storedanswer/{row.pk}/delete/", {"post": "yes"})
    assert StoredAnswer.objects.count() == 0
    assert "Idempotent-Replayed" not in post(client, DAVE, key="k-admin")
