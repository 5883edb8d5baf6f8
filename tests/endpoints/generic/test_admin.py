"""Admin of the generic routes: the callable-method allow-list and open Odoo sessions."""

import pytest

from endpoints.generic.models import CallableMethod


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_allow_list_is_edited_in_admin(staff):
    assert staff.get("/admin/generic/callablemethod/").status_code == 200
    response = staff.post(
        "/admin/generic/callablemethod/add/",
        {"model": "sale.order", "method": "action_confirm", "note": "webshop confirms orders", "active": "on"},
    )
    assert response.status_code == 302
    assert str(CallableMethod.objects.get()) == "sale.order.action_confirm"


def test_private_method_is_refused_by_the_admin_form(staff):
    response = staff.post("/admin/generic/callablemethod/add/", {"model": "sale.order", "method": "_action_confirm"})
    assert response.status_code == 200
    assert "A public method name: letters, digits and _, not starting with _." in response.content.decode()
    assert not CallableMethod.objects.exists()


def test_deactivate_action(staff):
    entry = CallableMethod.objects.create(model="res.partner", method="copy")
    response = staff.post(
        "/admin/generic/callablemethod/", {"action": "deactivate", "_selected_action": [entry.pk]}, follow=True
    )
    assert "Deactivated 1 method(s)." in response.content.decode()
    entry.refresh_from_db()
    assert entry.active is False
    assert not CallableMethod.objects.allows("res.partner", "copy")


def test_sessions_are_listed_read_only(staff):
    assert staff.get("/admin/generic/odoosession/").status_code == 200
    assert staff.get("/admin/generic/odoosession/add/").status_code == 403
