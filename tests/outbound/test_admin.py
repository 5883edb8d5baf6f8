"""Admin of outbound: configuration pages, counts, the test delivery, deliveries and their actions."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from logs.models import RequestLog
from outbound import services
from outbound.models import Delivery, Event, OutboundConfiguration
from tests.fixtures.receiver import Answer

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def configuration(make_outbound, receiver, allow_loopback):
    return make_outbound(target_url=receiver.url + "/hook")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_configuration_list_shows_pending_and_dead_counts(admin_client, configuration, receiver):
    receiver.script(Answer(status=500))
    configuration.max_attempts = 1
    configuration.save()
    services.record_change(configuration, 1, Event.UPDATED, {"id": 1}, now=T0)
    dead = services.record_change(configuration, 2, Event.UPDATED, {"id": 2}, now=T0)
    services.attempt_delivery(dead.pk, now=T0)
    response = admin_client.get(reverse("admin:outbound_outboundconfiguration_changelist"))
    assert response.status_code == 200
    text = _text(response)
    assert "Deliveries pending: 1, dead: 1, oldest pending:" in text
    html = response.content.decode()
    assert f'?configuration__id__exact={configuration.pk}&amp;state=pending">1</a>' in html
    assert f'?configuration__id__exact={configuration.pk}&amp;state=dead">1</a>' in html


def test_change_page_shows_the_receiver_url_and_never_the_secret(admin_client, configuration):
    response = admin_client.get(reverse("admin:outbound_outboundconfiguration_change", args=[configuration.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"http://testserver/api/outbound/partners/receive?token={configuration.receiver_token}" in html
    assert configuration.secret not in html
    assert 'name="lines-TOTAL_FORMS"' in html


def test_add_a_configuration_with_lines_through_the_admin(admin_client, odoo_connection):
    data = {
        "name": "orders",
        "connection": odoo_connection.pk,
        "odoo_model": "sale.order",
        "domain": "[]",
        "active": "on",
        "on_create": "on",
        "target": "url",
        "target_url": "https://example.com/hook",
        "method": "POST",
        "connect_timeout": "5",
        "read_timeout": "15",
        "auth": "signature",
        "new_secret": "whsec_c2VjcmV0",
        "max_attempts": "10",
        "max_age": "86400",
        "backoff_base": "10",
        "backoff_max": "3600",
        "poll_interval": "60",
        "batch_size": "100",
        "deletion_check_size": "100",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-sequence": "10",
        "lines-0-odoo_field": "name",
        "lines-0-external_key": "reference",
        "lines-0-value_type": "plain",
        "lines-0-odoo_type": "",
        "lines-0-direction": "out",
    }
    response = admin_client.post(reverse("admin:outbound_outboundconfiguration_add"), data)
    assert response.status_code == 302, _text(response)[:3000]
    configuration = OutboundConfiguration.objects.get(name="orders")
    assert configuration.secret == "whsec_c2VjcmV0"
    assert [(line.odoo_field, line.external_key, line.endpoint_id) for line in configuration.lines.all()] == [
        ("name", "reference", None)
    ]


def test_signature_auth_without_a_secret_is_refused(admin_client, odoo_connection):
    response = admin_client.post(
        reverse("admin:outbound_outboundconfiguration_add"),
        {
            "name": "x",
            "connection": odoo_connection.pk,
            "odoo_model": "res.partner",
            "auth": "signature",
            "target": "url",
            "target_url": "https://example.com",
            "method": "POST",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            "connect_timeout": "5",
            "read_timeout": "5",
            "max_attempts": "3",
            "max_age": "60",
            "backoff_base": "1",
            "backoff_max": "10",
            "poll_interval": "0",
            "batch_size": "10",
            "deletion_check_size": "10",
            "on_create": "on",
        },
    )
    assert response.status_code == 200
    assert "This authentication needs a secret." in _text(response)
    assert not OutboundConfiguration.objects.exists()


def test_send_test_delivery_sends_one_record_now_and_shows_the_answer(
    admin_client, configuration, receiver, odoo_client
):
    receiver.script(Answer(status=200, body=b"received fine"))
    partner = odoo_client.execute_kw("res.partner", "create", [{"name": "Outbound Test", "email": "t@example.com"}])
    response = admin_client.post(
        reverse("admin:outbound_outboundconfiguration_changelist"),
        {"action": "send_test_delivery", "_selected_action": [configuration.pk]},
        follow=True,
    )
    row = Delivery.objects.get()
    assert (row.is_test, row.record_id, row.state, row.last_status) == (True, partner, "delivered", 200)
    assert f"test delivery #{row.pk} of record {partner}" in _text(response)
    assert "answer: received fine" in _text(response)
    assert receiver.received[0].body.count(b"Outbound Test") == 1
    assert not configuration.record_states.exists()  # a test changes nothing of what polling knows


def test_send_test_delivery_with_no_record_says_so(admin_client, configuration):
    response = admin_client.post(
        reverse("admin:outbound_outboundconfiguration_changelist"),
        {"action": "send_test_delivery", "_selected_action": [configuration.pk]},
        follow=True,
    )
    assert "Partners: No res.partner record within the domain to send." in _text(response)
    assert not Delivery.objects.exists()


def test_delivery_list_filters_and_detail_with_attempts(admin_client, configuration, receiver):
    receiver.script(Answer(status=503, body=b"busy"), Answer(status=200))
    row = services.record_change(configuration, 5, Event.UPDATED, {"id": 5}, now=T0)
    services.attempt_delivery(row.pk, now=T0, jitter=0)
    row.refresh_from_db()
    services.attempt_delivery(row.pk, now=row.next_attempt_at, jitter=0)
    services.record_change(configuration, 6, Event.UPDATED, {"id": 6}, now=T0)
    changelist = reverse("admin:outbound_delivery_changelist")
    assert admin_client.get(changelist, {"state": "delivered"}).context["cl"].result_count == 1
    assert admin_client.get(changelist, {"state": "pending"}).context["cl"].result_count == 1
    assert admin_client.get(changelist, {"q": "6"}).context["cl"].result_count == 1
    detail = admin_client.get(reverse("admin:outbound_delivery_change", args=[row.pk]))
    text = _text(detail)
    assert detail.status_code == 200
    assert "503" in text
    assert "busy" in text
    assert "200" in text
    assert RequestLog.objects.filter(delivery=row).count() == 2


def test_redeliver_and_cancel_actions(admin_client, configuration, receiver):
    receiver.script(Answer(status=404), Answer(status=200))
    row = services.record_change(configuration, 5, Event.UPDATED, {"id": 5}, now=T0)
    services.attempt_delivery(row.pk, now=T0)
    changelist = reverse("admin:outbound_delivery_changelist")
    admin_client.post(changelist, {"action": "redeliver_now", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)  # queued again (the message waits for the commit)
    admin_client.post(changelist, {"action": "cancel", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == "cancelled"


def _change_data(admin_client, configuration) -> dict:
    """The change form as the admin shows it, with no lines."""
    url = reverse("admin:outbound_outboundconfiguration_change", args=[configuration.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "new_secret"}
    data.update({"on_create": "on", "on_update": "on", "on_delete": "on", "active": "on"})
    data.update({"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"})
    return data


def _option_boxes(index: int, value_type: str, options: dict) -> dict:
    """The labelled option boxes an admin fills for one line (text options typed as they are)."""
    return {f"lines-{index}-options-{value_type}-{name}": value for name, value in options.items()}


def test_lookup_lines_shown_by_their_lookup_field_and_nested_one2many_lines_are_accepted(
    admin_client, make_outbound, receiver, allow_loopback
):
    configuration = make_outbound(
        name="orders", odoo_model="sale.order", domain="[]", target_url=receiver.url, lines=[]
    )
    url = reverse("admin:outbound_outboundconfiguration_change", args=[configuration.pk])
    lines = [
        ("partner_id", "customer", "many2one", {"model": "res.partner", "field": "email"}, ""),
        ("order_line", "lines", "one2many", {}, ""),
    ]
    data = _change_data(admin_client, configuration)
    data["lines-TOTAL_FORMS"] = str(len(lines))
    for index, (field, key, value_type, options, parent) in enumerate(lines):
        data.update({f"lines-{index}-sequence": str(10 * (index + 1)), f"lines-{index}-odoo_field": field})
        data.update({f"lines-{index}-external_key": key, f"lines-{index}-direction": "out"})
        data.update({f"lines-{index}-value_type": value_type, **_option_boxes(index, value_type, options)})
    response = admin_client.post(url, data)
    assert response.status_code == 302, _text(response)
    parent = configuration.lines.get(external_key="lines")
    # the nested line names its one2many parent on the next save, as an admin does
    data = _change_data(admin_client, configuration)
    data.update({"lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "2"})
    for index, line in enumerate(configuration.lines.order_by("sequence")):
        data.update({f"lines-{index}-id": str(line.pk), f"lines-{index}-sequence": str(line.sequence)})
        data.update({f"lines-{index}-odoo_field": line.odoo_field, f"lines-{index}-external_key": line.external_key})
        data.update({f"lines-{index}-direction": "out", f"lines-{index}-value_type": line.value_type})
        data.update(_option_boxes(index, line.value_type, line.options))
    data.update({"lines-2-sequence": "30", "lines-2-odoo_field": "product_uom_qty", "lines-2-external_key": "qty"})
    data.update({"lines-2-direction": "out", "lines-2-value_type": "plain"})
    data["lines-2-parent"] = str(parent.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302, _text(response)
    assert sorted(configuration.lines.values_list("external_key", "value_type", "parent__external_key")) == [
        ("customer", "many2one", None),
        ("lines", "one2many", None),
        ("qty", "plain", "lines"),
    ]


def test_lines_edit_their_options_as_labelled_boxes_and_nested_lines_follow_their_parent(
    admin_client, make_outbound, receiver, allow_loopback
):
    configuration = make_outbound(
        name="orders", odoo_model="sale.order", domain="[]", target_url=receiver.url, lines=[]
    )
    lines = configuration.lines
    lookup = lines.create(
        sequence=10,
        odoo_field="partner_id",
        external_key="customer",
        value_type="many2one",
        direction="out",
        options={"model": "res.partner", "field": "email"},
    )
    parent = lines.create(sequence=20, odoo_field="order_line", external_key="lines", value_type="one2many")
    lines.create(sequence=30, odoo_field="name", external_key="reference", value_type="plain")
    lines.create(sequence=5, odoo_field="product_uom_qty", external_key="qty", value_type="plain", parent=parent)
    url = reverse("admin:outbound_outboundconfiguration_change", args=[configuration.pk])
    page = admin_client.get(url).content.decode()
    # the stored options in their labelled boxes, not a JSON text area
    assert 'name="lines-0-options"' not in page
    assert re.search(r'<label for="id_lines-0-options-many2one-model">Lookup model</label>', page)
    assert re.search(r'name="lines-0-options-many2one-model"[^>]* value="res.partner"', page)
    assert re.search(r'name="lines-0-options-many2one-field"[^>]* value="email"', page)
    assert "options-many2one-keep" not in page  # kept lookups speed up writes; a payload is only sent
    assert re.search(r'id="lines-group"\s+data-inline-type="stacked"', page)  # a table was too wide for boxes
    assert "endpoints/mapping_lines.css" in page
    # the nested line sits right after its parent, whatever its own sequence
    keys = re.findall(r'name="lines-\d+-external_key"[^>]* value="([^"]+)"', page)
    assert keys == ["customer", "lines", "qty", "reference"]
    # a lookup field changed in its box is saved; a wrong box is a form error on that line
    data = _change_data(admin_client, configuration)
    data.update({"lines-TOTAL_FORMS": "4", "lines-INITIAL_FORMS": "4"})
    for index, line in enumerate([lookup, parent, *lines.exclude(pk__in=[lookup.pk, parent.pk]).order_by("-sequence")]):
        data.update({f"lines-{index}-id": str(line.pk), f"lines-{index}-sequence": str(line.sequence)})
        data.update({f"lines-{index}-odoo_field": line.odoo_field, f"lines-{index}-external_key": line.external_key})
        data.update({f"lines-{index}-direction": line.direction, f"lines-{index}-value_type": line.value_type})
        data.update({f"lines-{index}-parent": str(line.parent_id or "")})
        data.update(_option_boxes(index, line.value_type, line.options))
    data["lines-0-options-many2one-field"] = "ref"
    response = admin_client.post(url, data)
    assert response.status_code == 302, _text(response)
    lookup.refresh_from_db()
    assert lookup.options == {"model": "res.partner", "field": "ref"}
    data["lines-0-options-many2one-model"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    lookup.refresh_from_db()
    assert lookup.options == {"model": "res.partner", "field": "ref"}
