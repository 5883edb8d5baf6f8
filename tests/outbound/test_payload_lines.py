"""Payloads through every kind of mapping line, over HTTP both ways: lookup lines shown by their lookup
field (a country's code, a customer's email, a product's internal reference) and nested one2many lines
(an order with its lines), read with ONE ``web_search_read`` per poll cycle, per pushed notification and
per test delivery, delivered to a real local receiver."""

import json

import pytest

from fake_odoo import automation
from hub import callstats
from outbound import polling, push, services
from outbound.models import PushNotice
from tests.outbound.lines import ORDER_LINES, PARTNER_LINES, save_lines


@pytest.fixture
def partners(make_outbound, receiver, allow_loopback):
    configuration = make_outbound(target_url=receiver.url + "/partners", lines=[])
    save_lines(configuration, PARTNER_LINES)
    return configuration


@pytest.fixture
def orders(make_outbound, receiver, allow_loopback):
    configuration = make_outbound(
        name="orders",
        odoo_model="sale.order",
        domain="[('client_order_ref', '=like', 'OUT-%')]",
        target_url=receiver.url + "/orders",
        lines=[],
    )
    save_lines(configuration, ORDER_LINES)
    return configuration


def _tracked(django_capture_on_commit_callbacks, run):
    """``run()`` with its deliveries sent once its transaction commits; its result and RPC calls."""
    with callstats.tracking() as stats, django_capture_on_commit_callbacks(execute=True):
        result = run()
    return result, [(model, method) for model, method, _s in stats.calls]


def _data(receiver) -> list[tuple[str, str, dict]]:
    return [(got.path, (body := json.loads(got.body))["type"], body["data"]) for got in receiver.received]


def _order(odoo_client, reference: str, lines: list[tuple[int, float]]) -> int:
    """A quotation of Ready Mat (ready.mat28@example.com) with (product id, quantity) lines."""
    return odoo_client.execute_kw(
        "sale.order",
        "create",
        [
            {
                "partner_id": 12,
                "client_order_ref": reference,
                "order_line": [[0, 0, {"product_id": product, "product_uom_qty": qty}] for product, qty in lines],
            }
        ],
    )


@pytest.mark.django_db
def test_a_polled_partner_shows_its_country_by_code_and_by_name_in_one_read(
    partners, odoo_client, receiver, django_capture_on_commit_callbacks
):
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A", "country_id": 20}]])
    result, rpc = _tracked(django_capture_on_commit_callbacks, lambda: polling.poll(partners))
    assert rpc == [("res.partner", "web_search_read")]
    assert result.created == 1
    shown = {"id": partner, "name": "Outbound A", "country": "BE", "country_name": "Belgium"}
    assert _data(receiver) == [("/partners", "partners.created", shown)]
    odoo_client.execute_kw("res.partner", "write", [[partner], {"country_id": 75}])
    result, rpc = _tracked(django_capture_on_commit_callbacks, lambda: polling.poll(partners))
    assert (rpc, result.updated) == ([("res.partner", "web_search_read")], 1)
    assert _data(receiver)[-1][2] == {"id": partner, "name": "Outbound A", "country": "FR", "country_name": "France"}


@pytest.mark.django_db
def test_a_polled_order_carries_its_lines_and_a_quantity_change_sends_it_again(
    orders, odoo_client, receiver, fake_odoo, django_capture_on_commit_callbacks
):
    order = _order(odoo_client, "OUT-1", [(5, 2.0), (17, 1.0)])
    result, rpc = _tracked(django_capture_on_commit_callbacks, lambda: polling.poll(orders))
    assert rpc == [("sale.order", "web_search_read")]  # the order lines come in the same read
    [stored] = [o for o in fake_odoo.records("sale.order") if o["id"] == order]
    created = {
        "id": order,
        "number": stored["name"],
        "customer": "ready.mat28@example.com",
        "lines": [{"sku": "FURN_7777", "quantity": 2.0}, {"sku": "E-COM07", "quantity": 1.0}],
    }
    assert _data(receiver) == [("/orders", "orders.created", created)]
    # a line's quantity moves its order's stored amounts, so the order's write_date (polling.json)
    [first_line, _] = stored["order_line"]
    odoo_client.execute_kw("sale.order.line", "write", [[first_line], {"product_uom_qty": 5.0}])
    result, rpc = _tracked(django_capture_on_commit_callbacks, lambda: polling.poll(orders))
    assert (rpc, result.updated) == ([("sale.order", "web_search_read")], 1)
    assert _data(receiver)[-1] == (
        "/orders",
        "orders.updated",
        {**created, "lines": [{"sku": "FURN_7777", "quantity": 5.0}, {"sku": "E-COM07", "quantity": 1.0}]},
    )


@pytest.mark.django_db
def test_a_test_delivery_reads_the_latest_order_with_its_lines_in_one_read(orders, odoo_client, receiver):
    _order(odoo_client, "OUT-1", [(5, 1.0)])
    latest = _order(odoo_client, "OUT-2", [(17, 3.0)])
    with callstats.tracking() as stats:
        row = services.send_test_delivery(orders)
    assert [(model, method) for model, method, _s in stats.calls] == [("sale.order", "web_search_read")]
    assert (row.state, row.record_id) == ("delivered", latest)
    [(path, kind, data)] = _data(receiver)
    assert (path, kind, data["lines"]) == ("/orders", "orders.updated", [{"sku": "E-COM07", "quantity": 3.0}])


@pytest.mark.django_db(transaction=True)
def test_a_pushed_partner_is_read_back_with_its_country_code_in_one_read(
    partners, fake_odoo, live_server, odoo_client, receiver
):
    url = live_server.url + partners.receiver_path
    automation.add_rule(fake_odoo.store, automation.Rule("res.partner", url, trigger_fields=["name", "country_id"]))
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound P", "country_id": 233}]])
    notice = PushNotice.objects.get(record_id=partner)
    with callstats.tracking() as stats:
        assert push.read_back(notice.pk, now=notice.due_at) == "created"
    assert [(model, method) for model, method, _s in stats.calls] == [("res.partner", "web_search_read")]
    [row] = partners.deliveries.all()
    services.attempt_delivery(row.pk, now=notice.due_at)
    assert _data(receiver) == [
        (
            "/partners",
            "partners.created",
            {"id": partner, "name": "Outbound P", "country": "US", "country_name": "United States"},
        )
    ]
