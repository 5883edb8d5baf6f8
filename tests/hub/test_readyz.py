"""/readyz: ready when the database and the default Odoo connection answer."""

from hub.models import OdooConnection
from tests.fixtures.misbehaving import HTML, refused_url


def test_ready_when_the_default_connection_answers(client, odoo_connection):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    milliseconds = body["odoo"].pop("milliseconds")
    assert isinstance(milliseconds, int)
    assert body == {
        "status": "ok",
        "database": "ok",
        "odoo": {"connection": "fake odoo", "server_version": "18.0", "protocol": "jsonrpc", "uid": 2},
        "outbound": {"pending": 0, "dead": 0, "oldest_pending_seconds": None},
    }


def test_not_ready_without_a_default_connection(client, make_connection, misbehaving_odoo):
    make_connection(server=misbehaving_odoo)  # not the default
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "odoo": "no default Odoo connection: mark one as default in admin or set ODOO_URL",
    }


def test_not_ready_when_odoo_refuses_the_login(client, make_connection, misbehaving_odoo):
    make_connection(server=misbehaving_odoo, secret="wrong", is_default=True)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "odoo": "Access Denied"}


def test_not_ready_when_odoo_answers_html(client, make_connection, misbehaving_odoo):
    make_connection(server=misbehaving_odoo, is_default=True)
    misbehaving_odoo.then(HTML)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "odoo": f"Odoo at {misbehaving_odoo.url} answered HTTP 502 (text/html), not jsonrpc",
    }


def test_not_ready_when_odoo_is_down(client, make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, is_default=True, connect_timeout=0.5)
    connection.url = refused_url()
    connection.save()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["odoo"].startswith(f"Cannot connect to Odoo at {connection.url}: ")


def test_readyz_asks_odoo_afresh_each_time(client, make_connection, misbehaving_odoo):
    make_connection(server=misbehaving_odoo, is_default=True)
    assert client.get("/readyz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert misbehaving_odoo.hits == ["/jsonrpc"] * 4  # version + authenticate, twice


def test_not_ready_when_the_stored_secret_cannot_be_decrypted(client, make_connection, misbehaving_odoo, settings):
    make_connection(server=misbehaving_odoo, is_default=True)
    from cryptography.fernet import Fernet

    settings.HUB_ENCRYPTION_KEY = Fernet.generate_key().decode()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["odoo"] == "A stored secret cannot be decrypted: HUB_ENCRYPTION_KEY has changed"


def test_ready_with_the_environment_connection(client, settings, db, misbehaving_odoo):
    settings.ODOO_URL = misbehaving_odoo.url
    settings.ODOO_DB = "odoo18"
    settings.ODOO_LOGIN = "demo"
    settings.ODOO_PASSWORD = "demo"
    settings.ODOO_API_KEY = ""
    settings.ODOO_PROTOCOL = "xmlrpc"
    assert not OdooConnection.objects.exists()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["odoo"]["connection"] == "environment (ODOO_URL)"
    assert response.json()["odoo"]["uid"] == 6
