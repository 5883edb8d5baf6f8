"""Odoo's webhook notifications: the stand-in posts them to the hub's receiver over HTTP (as Odoo
18 does, before its commit), the hub reads the record back later with ONE read and delivers it."""

import json
import logging
import xmlrpc.client
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from fake_odoo import automation
from hub import callstats
from hub.odoo.exceptions import OdooValidationError
from logs.models import RequestLog
from outbound import push, services
from outbound.models import Delivery, PushNotice, RecordState
from tests.fixtures.logrows import wait_for_rows

WEBHOOK = json.loads((Path(__file__).parents[1] / "fixtures" / "odoo18" / "webhook.json").read_text())
NOTICE = {"_action": "Send Webhook Notification(#350)", "_id": 45, "_model": "res.partner", "id": 45, "name": "X"}


@pytest.fixture
def configuration(make_outbound, receiver, allow_loopback):
    return make_outbound(target_url=receiver.url + "/hook", poll_interval=0)


def _read_back(notice: PushNotice, at=None) -> tuple[str, list[str]]:
    """The read-back of a notice once due (the fake clock jumps there), and its RPC calls."""
    with callstats.tracking() as stats:
        outcome = push.read_back(notice.pk, now=at or notice.due_at)
    return outcome, [method for _model, method, _s in stats.calls]


def _deliver_due(at) -> None:
    for row in Delivery.objects.pending():
        services.attempt_delivery(row.pk, now=at)


# -- the receiver ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?token=wrong", "?token="])
def test_a_wrong_or_missing_token_is_401_and_nothing_is_noted(client, configuration, query):
    response = client.post(f"/api/outbound/partners/receive{query}", NOTICE, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["message"] == "Unknown outbound configuration or wrong receiver token."
    assert not PushNotice.objects.exists()


@pytest.mark.django_db
def test_an_unknown_configuration_is_401(client, configuration):
    token = configuration.receiver_token
    response = client.post(f"/api/outbound/other/receive?token={token}", NOTICE, content_type="application/json")
    assert response.status_code == 401
    assert not PushNotice.objects.exists()


@pytest.mark.django_db
def test_a_notice_is_answered_at_once_noted_once_per_record_and_logged_with_the_token_masked(client, configuration):
    path = f"/api/outbound/partners/receive?token={configuration.receiver_token}"
    for _ in range(3):  # Odoo may announce one create many times
        response = client.post(path, NOTICE, content_type="application/json")
        assert response.status_code == 202
        assert response.json() == {"status": "success", "data": {"queued": 45}}
    [notice] = PushNotice.objects.all()
    assert notice.record_id == 45
    assert notice.due_at - notice.received_at == timedelta(seconds=3)
    logs = RequestLog.objects.filter(route_kind="outbound")
    assert logs.count() == 3
    assert configuration.receiver_token not in logs.first().query_string
    assert logs.first().principal == "outbound:partners"


@pytest.mark.django_db
def test_the_token_may_come_in_a_header(client, configuration):
    response = client.post(
        "/api/outbound/partners/receive",
        NOTICE,
        content_type="application/json",
        headers={"X-Hub-Receiver-Token": configuration.receiver_token},
    )
    assert response.status_code == 202


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "The body is not valid JSON."),
        ("[1]", "The body must be a JSON object, as Odoo's webhook notification is."),
        ('{"_model": "sale.order", "_id": 3}', "This receiver takes res.partner notifications, not sale.order."),
        ('{"_model": "res.partner"}', "The notification names no record: _id must be a positive integer."),
        ('{"_id": true}', "The notification names no record: _id must be a positive integer."),
    ],
)
def test_a_body_that_is_not_a_notification_is_400(client, configuration, body, message):
    path = f"/api/outbound/partners/receive?token={configuration.receiver_token}"
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert not PushNotice.objects.exists()


@pytest.mark.django_db
def test_a_paused_configuration_refuses_notices(client, configuration):
    configuration.active = False
    configuration.save()
    path = f"/api/outbound/partners/receive?token={configuration.receiver_token}"
    assert client.post(path, NOTICE, content_type="application/json").status_code == 409
    assert not PushNotice.objects.exists()


# -- the read-back -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_notice_renewed_during_the_read_back_is_left_to_its_own_read(configuration, monkeypatch):
    from outbound import reading

    notice = push.note(configuration, 45)
    real_read = reading.read

    def read_while_odoo_posts_again(*args, **kwargs):
        push.note(configuration, 45, now=notice.received_at + timedelta(seconds=1))
        return real_read(*args, **kwargs)

    monkeypatch.setattr(reading, "read", read_while_odoo_posts_again)
    assert push.read_back(notice.pk, now=notice.due_at + timedelta(seconds=5)) == "taken"
    assert PushNotice.objects.get().due_at == notice.due_at + timedelta(seconds=1)


@pytest.mark.django_db
def test_a_notice_before_its_delay_is_not_read(configuration):
    notice = push.note(configuration, 45)
    assert push.read_back(notice.pk, now=notice.due_at - timedelta(seconds=1)) == "not due"
    assert PushNotice.objects.filter(pk=notice.pk).exists()


@pytest.mark.django_db
def test_an_announced_create_that_never_committed_sends_nothing(configuration):
    notice = push.note(configuration, 999_999)
    assert _read_back(notice) == ("recheck", ["web_search_read"])
    notice = PushNotice.objects.get(record_id=999_999)
    assert notice.rechecks == 1
    assert _read_back(notice) == ("never seen", ["web_search_read"])
    assert not Delivery.objects.exists()
    assert not PushNotice.objects.exists()


# -- both ways over HTTP: stand-in -> hub receiver -> stand-in read -> local receiver ---------------


@pytest.fixture
def rules(fake_odoo, live_server, configuration):
    """On-save and on-unlink rules of the stand-in posting to the live hub's receiver."""
    url = live_server.url + configuration.receiver_path
    fields = ["name", "email", "phone"]
    return (
        automation.add_rule(
            fake_odoo.store, automation.Rule("res.partner", url, trigger_fields=fields, webhook_fields=fields)
        ),
        automation.add_rule(fake_odoo.store, automation.Rule("res.partner", url, automation.ON_UNLINK, action_id=351)),
    )


@pytest.mark.django_db(transaction=True)
def test_create_write_unwatched_write_and_unlink_pushed_by_the_stand_in(rules, odoo_client, receiver):
    on_save, on_unlink = rules
    [partner] = odoo_client.execute_kw(
        "res.partner", "create", [[{"name": "Outbound Café", "email": "p1@example.com"}]]
    )
    assert on_save.sent == [
        {
            "_action": "Send Webhook Notification(#350)",
            "_id": partner,
            "_model": "res.partner",
            "email": "p1@example.com",
            "id": partner,
            "name": "Outbound Café",
            "phone": False,
        }
    ]
    notice = PushNotice.objects.get(record_id=partner)
    assert _read_back(notice) == ("created", ["web_search_read"])
    _deliver_due(notice.due_at)
    assert [json.loads(got.body)["type"] for got in receiver.received] == ["partners.created"]

    odoo_client.execute_kw("res.partner", "write", [[partner], {"phone": "+32 2 555 01 02"}])
    notice = PushNotice.objects.get(record_id=partner)
    assert _read_back(notice) == ("updated", ["web_search_read"])
    _deliver_due(notice.due_at)
    assert json.loads(receiver.received[-1].body)["data"]["phone"] == "+32 2 555 01 02"

    odoo_client.execute_kw("res.partner", "write", [[partner], {"function": "Buyer"}])  # not watched
    assert len(on_save.sent) == 2
    assert not PushNotice.objects.exists()

    odoo_client.execute_kw("res.partner", "unlink", [[partner]])
    assert [body["_id"] for body in on_unlink.sent] == [partner]
    notice = PushNotice.objects.get(record_id=partner)
    assert _read_back(notice) == ("recheck", ["web_search_read"])  # gone, or not committed yet: once more
    notice = PushNotice.objects.get(record_id=partner)
    assert _read_back(notice) == ("deleted", ["web_search_read"])
    _deliver_due(notice.due_at)
    assert [json.loads(got.body)["type"] for got in receiver.received] == [
        "partners.created",
        "partners.updated",
        "partners.deleted",
    ]
    assert not RecordState.objects.exists()


# -- what real Odoo does that the hub must absorb: one create announced many times, a create announced
# and then rolled back (tests/fixtures/odoo18/webhook.json)


def _recorded(label_start: str) -> dict:
    [entry] = [e for e in WEBHOOK if e.get("label", "").startswith(label_start)]
    return entry


ALL_FIELDS_CREATE = _recorded("all-fields rule: create partner")
ROLLED_BACK_CREATE = _recorded("create partner '... rollback' again")
RECORDED_FIELDS = ["category_id", "country_id", "email", "name", "phone"]


def _refusal(fake_odoo, message: str) -> automation.Rule:
    """A later rule whose code raises for names ending 'rollback', as the recording's did."""
    return automation.add_rule(
        fake_odoo.store,
        automation.Rule(
            "res.partner", raises=message, trigger_fields=["name"], filter_domain=[("name", "=like", "%rollback")]
        ),
    )


@pytest.mark.django_db
def test_the_stand_in_posts_one_create_as_often_as_the_recorded_odoo(fake_odoo, odoo_client, receiver):
    automation.add_rule(fake_odoo.store, automation.Rule("res.partner", receiver.url, webhook_fields=RECORDED_FIELDS))
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound P5", "phone": "+1 555 0500"}]])
    recorded = [request["body_json"] for request in ALL_FIELDS_CREATE["webhook_requests"]]
    bodies = [json.loads(got.body) for got in receiver.received]
    assert len(bodies) == ALL_FIELDS_CREATE["webhook_request_count"] == len(recorded) == 13
    assert len({json.dumps(body) for body in bodies}) == len({json.dumps(body) for body in recorded}) == 1
    assert sorted(bodies[0]) == sorted(recorded[0])
    assert (bodies[0]["_id"], bodies[0]["phone"]) == (partner, "+1 555 0500")


@pytest.mark.django_db
def test_the_stand_in_announces_a_create_it_then_rolls_back_as_the_recorded_odoo(fake_odoo, receiver):
    fields = RECORDED_FIELDS
    automation.add_rule(
        fake_odoo.store, automation.Rule("res.partner", receiver.url, trigger_fields=fields, webhook_fields=fields)
    )
    _refusal(fake_odoo, ROLLED_BACK_CREATE["fault"]["faultString"])
    proxy = xmlrpc.client.ServerProxy(f"{fake_odoo.url}/xmlrpc/2/object")
    vals = {"name": "Outbound rollback", "email": "rb@example.com"}
    with pytest.raises(xmlrpc.client.Fault) as refused:
        proxy.execute_kw("odoo18", 2, "admin", "res.partner", "create", [vals])
    assert (refused.value.faultCode, refused.value.faultString) == (
        ROLLED_BACK_CREATE["fault"]["faultCode"],
        ROLLED_BACK_CREATE["fault"]["faultString"],
    )
    [announced] = [json.loads(got.body) for got in receiver.received]
    assert ROLLED_BACK_CREATE["webhook_request_count"] == 1
    assert sorted(announced) == sorted(ROLLED_BACK_CREATE["webhook_requests"][0]["body_json"])
    assert announced["email"] == "rb@example.com"
    assert [r for r in fake_odoo.records("res.partner") if r["id"] == announced["_id"]] == []
    assert proxy.execute_kw("odoo18", 2, "admin", "res.partner", "search", [[("name", "=", vals["name"])]]) == []


@pytest.mark.django_db(transaction=True)
def test_one_create_announced_thirteen_times_is_one_delivery_and_an_unmapped_edit_none(
    fake_odoo, live_server, configuration, odoo_client, receiver
):
    url = live_server.url + configuration.receiver_path
    on_save = automation.add_rule(fake_odoo.store, automation.Rule("res.partner", url))  # every field watched
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    assert len(on_save.sent) == 13
    answered = RequestLog.objects.filter(route_kind="outbound", principal="outbound:partners")
    wait_for_rows(13, answered)  # the live server writes the last call's row after its answer
    assert list(answered.values_list("status", flat=True)) == [202] * 13  # each call logged, once
    [notice] = PushNotice.objects.all()  # one notice per record
    assert _read_back(notice) == ("created", ["web_search_read"])
    _deliver_due(notice.due_at)
    assert [json.loads(got.body)["type"] for got in receiver.received] == ["partners.created"]

    odoo_client.execute_kw("res.partner", "write", [[partner], {"comment": "not mapped"}])
    assert len(on_save.sent) == 14  # every write fires, even of a field the lines do not show
    assert _read_back(PushNotice.objects.get(record_id=partner)) == ("unchanged", ["web_search_read"])
    assert Delivery.objects.count() == 1
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_an_announced_create_rolled_back_sends_nothing_and_logs_no_error(
    fake_odoo, live_server, configuration, odoo_client, receiver, caplog
):
    url = live_server.url + configuration.receiver_path
    fields = ["name", "email"]
    on_save = automation.add_rule(
        fake_odoo.store, automation.Rule("res.partner", url, trigger_fields=fields, webhook_fields=fields)
    )
    _refusal(fake_odoo, "The record is refused.")
    with pytest.raises(OdooValidationError, match=r"^The record is refused\.$"):
        odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound rollback"}]])
    [announced] = on_save.sent
    notice = PushNotice.objects.get(record_id=announced["_id"])
    caplog.set_level(logging.WARNING)
    assert _read_back(notice) == ("recheck", ["web_search_read"])  # not committed yet, or never
    recheck = PushNotice.objects.get(record_id=announced["_id"])
    assert recheck.due_at - notice.due_at == timedelta(seconds=30)
    assert _read_back(recheck) == ("never seen", ["web_search_read"])
    assert not PushNotice.objects.exists()
    assert not Delivery.objects.exists()
    assert not RecordState.objects.exists()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_the_stand_in_gives_up_on_a_hub_that_does_not_answer(fake_odoo, odoo_client, receiver):
    from tests.fixtures.receiver import Answer

    receiver.script(Answer(hang=5))
    rule = automation.add_rule(
        fake_odoo.store, automation.Rule("res.partner", receiver.url, trigger_fields=["name"], webhook_fields=["name"])
    )
    started = timezone.now()
    odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    elapsed = (timezone.now() - started).total_seconds()
    assert len(rule.sent) == 1
    assert 1.0 <= elapsed < 3.0  # Odoo waits one second, then its create goes on
    assert [r["name"] for r in fake_odoo.records("res.partner") if r["name"] == "Outbound A"] == ["Outbound A"]
