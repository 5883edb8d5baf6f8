"""Admin: the connection secret is write-only, the connection test reports, API keys are shown once."""

import re

import pytest

from hub.models import ApiKey, OdooConnection
from tests.fixtures.misbehaving import refused_url


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def connection_form(server_url, **changes):
    data = {
        "name": "main",
        "url": server_url,
        "database": "odoo18",
        "login": "admin",
        "new_secret": "admin",
        "protocol": "jsonrpc",
        "connect_timeout": "5.0",
        "read_timeout": "30.0",
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_adding_a_connection_stores_the_secret_encrypted(admin_client, misbehaving_odoo):
    response = admin_client.post("/admin/hub/odooconnection/add/", connection_form(misbehaving_odoo.url))
    assert response.status_code == 302
    connection = OdooConnection.objects.get(name="main")
    assert connection.secret == "admin"
    assert "admin" not in connection.secret_encrypted


def test_a_new_connection_needs_a_secret(admin_client, misbehaving_odoo):
    response = admin_client.post("/admin/hub/odooconnection/add/", connection_form(misbehaving_odoo.url, new_secret=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "new_secret": ["Enter the password or API key of this Odoo user."]
    }
    assert not OdooConnection.objects.exists()


def test_the_change_form_never_shows_the_secret(admin_client, make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, secret="very-secret-password")
    page = admin_client.get(f"/admin/hub/odooconnection/{connection.pk}/change/").content.decode()
    assert "very-secret-password" not in page
    assert connection.secret_encrypted not in page
    assert re.search(r'<input type="password" name="new_secret"[^>]*>', page)
    assert 'name="new_secret" value' not in page


def test_a_blank_secret_keeps_the_stored_one_and_a_new_one_replaces_it(admin_client, make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, secret="first", name="main")
    url = f"/admin/hub/odooconnection/{connection.pk}/change/"
    assert admin_client.post(url, connection_form(misbehaving_odoo.url, new_secret="", login="demo")).status_code == 302
    connection.refresh_from_db()
    assert (connection.login, connection.secret) == ("demo", "first")
    assert admin_client.post(url, connection_form(misbehaving_odoo.url, new_secret="second")).status_code == 302
    connection.refresh_from_db()
    assert connection.secret == "second"


def test_the_connection_list_says_whether_a_secret_is_set_without_showing_it(
    admin_client, make_connection, misbehaving_odoo
):
    make_connection(server=misbehaving_odoo, secret="list-secret")
    page = admin_client.get("/admin/hub/odooconnection/").content.decode()
    assert "list-secret" not in page
    assert 'alt="True"' in page


def test_connection_test_reports_version_uid_and_time(admin_client, make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, name="main", protocol="xmlrpc")
    response = admin_client.post(
        "/admin/hub/odooconnection/",
        {"action": "test_connection", "_selected_action": [connection.pk]},
        follow=True,
    )
    [message] = messages_of(response)
    assert re.fullmatch(r"main: Odoo 18\.0 answered in \d+ ms over xmlrpc; logged in as admin \(uid 2\)\.", message)


@pytest.mark.parametrize(
    ("secret", "url", "expected"),
    [
        ("wrong", None, "bad: OdooAuthError: Access Denied"),
        ("admin", "refused", "bad: OdooUnavailable: Cannot connect to Odoo at {url}: "),
    ],
)
def test_connection_test_reports_the_exact_error(
    admin_client, make_connection, misbehaving_odoo, secret, url, expected
):
    connection = make_connection(server=misbehaving_odoo, name="bad", secret=secret, connect_timeout=0.5)
    if url == "refused":
        connection.url = refused_url()
        connection.save()
    response = admin_client.post(
        "/admin/hub/odooconnection/",
        {"action": "test_connection", "_selected_action": [connection.pk]},
        follow=True,
    )
    [message] = messages_of(response)
    assert message.startswith(expected.format(url=connection.url))
    assert secret not in message.removeprefix("bad: ") or secret == "admin"


def test_creating_an_api_key_shows_it_once(admin_client, make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo)
    response = admin_client.post(
        "/admin/hub/apikey/add/",
        {
            "name": "webshop",
            "connection": connection.pk,
            "allowed_routes": ["search_data", "create_data"],
            "allowed_models": "res.partner, product.product\nres.partner",
        },
        follow=True,
    )
    message, added = messages_of(response)
    key = ApiKey.objects.get(name="webshop")
    assert added == f'The API key “<a href="/admin/hub/apikey/{key.pk}/change/">webshop</a>” was added successfully.'
    token = re.fullmatch(r"The key for webshop is (hubk_\S+) — copy it now: it will not be shown again\.", message)[1]
    assert ApiKey.find(token) == key
    assert (key.allowed_routes, key.allowed_models) == (
        ["search_data", "create_data"],
        ["res.partner", "product.product"],
    )
    assert token not in key.digest
    change_page = admin_client.get(f"/admin/hub/apikey/{key.pk}/change/").content.decode()
    assert token not in change_page
    assert key.digest not in change_page
    # saving again issues no new key
    response = admin_client.post(
        f"/admin/hub/apikey/{key.pk}/change/",
        {"name": "webshop", "connection": connection.pk, "allowed_routes": ["search_data"], "allowed_models": ""},
        follow=True,
    )
    assert not any("copy it now" in message for message in messages_of(response))
    assert ApiKey.find(token) == key


def test_api_key_models_must_be_odoo_model_names(admin_client):
    response = admin_client.post("/admin/hub/apikey/add/", {"name": "x", "allowed_models": "res.partner, DROP TABLE"})
    assert response.context["adminform"].form.errors == {"allowed_models": ["Not an Odoo model name: DROP, TABLE"]}


def test_revoking_keys(admin_client, db):
    key = ApiKey(name="old")
    token = key.issue()
    key.save()
    response = admin_client.post("/admin/hub/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True)
    assert messages_of(response) == ["1 key(s) revoked."]
    assert ApiKey.find(token) is None
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_the_site_is_named_and_view_site_leads_to_the_api_docs(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert '<div id="site-name"><a href="/admin/">Odoo integration hub</a></div>' in page
    assert "<title>Administration | Odoo integration hub</title>" in page
    assert '<a href="/api/docs/">View site</a>' in page


def test_the_connection_form_says_whether_a_secret_is_stored(admin_client, make_connection, misbehaving_odoo):
    add_page = admin_client.get("/admin/hub/odooconnection/add/").content.decode()
    help_div = r'<div class="help" id="id_new_secret_helptext">\s*<div>Never shown again once saved.</div>'
    assert re.search(help_div, add_page)
    connection = make_connection(server=misbehaving_odoo, secret="stored-secret")
    page = admin_client.get(f"/admin/hub/odooconnection/{connection.pk}/change/").content.decode()
    assert (
        "<div>A secret is stored; it is never shown. Type a new one to replace it, or leave blank to keep it.</div>"
        in page
    )
    assert "stored-secret" not in page
    for help_text in [
        "The Odoo database name, as on Odoo's database selector, e.g. odoo18",
        "The Odoo user the hub acts as: give it only the access rights the endpoints need",
        "Inactive connections are never used",
        "Used by API keys and Odoo sessions without a connection of their own, and checked by /readyz",
    ]:
        assert f"<div>{help_text}</div>" in page


def test_the_connection_list_shows_the_protocol_code(admin_client, make_connection, misbehaving_odoo):
    make_connection(server=misbehaving_odoo, protocol="xmlrpc")
    page = admin_client.get("/admin/hub/odooconnection/").content.decode()
    assert '<td class="field-protocol_code">xmlrpc</td>' in page
    assert "removed in Odoo 22)</td>" not in page  # the long label stays in the filter only


def test_the_api_key_form_says_what_empty_means(admin_client):
    page = admin_client.get("/admin/hub/apikey/add/").content.decode()
    assert "<div>Empty: the default Odoo connection</div>" in page
    assert "<div>The routes this key may call; a key with none ticked can call nothing</div>" in page
    assert "with none listed it can touch no model</div>" in page


def test_the_api_key_add_page_asks_only_what_it_needs_and_says_the_key_is_shown_once(admin_client):
    page = admin_client.get("/admin/hub/apikey/add/").content.decode()
    assert (
        '<div class="description">The key is shown once, right after saving: copy it then. '
        "Only its prefix is kept readable.</div>"
    ) in page
    for name in ["name", "connection", "allowed_models", "expires_at_0"]:
        assert f'name="{name}"' in page
    for readonly in ["Prefix:", "Revoked at:", "Last used at:", "Created at:"]:
        assert readonly not in page


def test_a_new_api_key_never_travels_in_a_cookie(admin_client, db):
    response = admin_client.post("/admin/hub/apikey/add/", {"name": "erp", "allowed_routes": ["logs"]})
    assert response.status_code == 302
    # the message carrying the key waits in the server-side session, not in a browser cookie
    assert "messages" not in response.cookies  # (the cookie storage's value is signed and compressed)
    shown = admin_client.get(response["Location"]).content.decode()
    assert re.search(r"The key for erp is hubk_\S+ — copy it now", shown)
