"""Django's session, user and message middlewares pass by the routes machines call, and only those."""

import pytest
from django.core.management import call_command

from hub.middleware import is_machine_route

MACHINE = [
    "/bj_api_sync/v1/customers",
    "/bj_api_sync/v1/customers/C-1",
    "/bj_api_sync/anything",
    "/api/search_data",
    "/api/call_function",
    "/api/outbound/orders/receive",
    "/web/session/authenticate",
]
BROWSER = ["/admin/", "/admin/login/", "/api/logs/", "/api/docs/", "/api/schema/", "/healthz", "/"]


@pytest.mark.parametrize("path", MACHINE)
def test_routes_machines_call(path):
    assert is_machine_route(path)


@pytest.mark.parametrize("path", BROWSER)
def test_pages_people_open(path):
    assert not is_machine_route(path)


@pytest.mark.parametrize("path", ["/bj_api_sync/v1/no-such-endpoint", "/api/search_data", "/web/session/destroy"])
def test_a_machine_call_gets_no_session_user_or_messages(client, db, admin_user, path):
    client.force_login(admin_user)  # even with a staff session's cookie
    response = client.post(path, data="{}", content_type="application/json")
    assert response["Content-Type"] == "application/json"
    request = response.wsgi_request
    assert not hasattr(request, "session")
    assert not hasattr(request, "user")
    assert not hasattr(request, "_messages")
    assert "Cookie" not in response.get("Vary", "")


def test_a_page_still_gets_them(client, db, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    request = response.wsgi_request
    assert request.user == admin_user
    assert request.session.session_key
    assert hasattr(request, "_messages")


def test_the_admin_still_refuses_a_post_without_its_csrf_token(db, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert response.status_code == 403


def test_the_admins_middleware_checks_pass():
    call_command("check", fail_level="WARNING")  # admin.E408-E410 look for these middlewares or subclasses
