"""OdooConnection: its shared client, the default connection, and the one from the environment."""

import threading

import pytest

from hub.models import OdooConnection
from tests.fixtures.misbehaving import API_KEY


def test_client_is_shared_until_the_row_changes(make_connection, misbehaving_odoo):
    connection = make_connection(protocol="xmlrpc", server=misbehaving_odoo)
    client = connection.client()
    assert connection.client() is client
    assert OdooConnection.objects.get(pk=connection.pk).client() is client  # another instance of the same row
    assert (client.url, client.database, client.login, client.protocol) == (
        misbehaving_odoo.url,
        "odoo18",
        "admin",
        "xmlrpc",
    )
    assert client.uid == 2

    connection.protocol = "jsonrpc"
    connection.save()
    rebuilt = connection.client()
    assert rebuilt is not client
    assert rebuilt.protocol == "jsonrpc"


def test_client_takes_the_connection_timeouts(make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, connect_timeout=1.5, read_timeout=7.0)
    client = connection.client()
    assert (client.connect_timeout, client.read_timeout) == (1.5, 7.0)


def test_new_secret_rebuilds_the_client(make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, login="demo", secret="wrong")
    before = connection.client()
    connection.secret = "demo"
    connection.save()
    assert connection.client() is not before
    assert connection.client().uid == 6


def test_client_is_built_once_under_concurrency(make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(connection.client())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1


def test_default_is_the_active_row_marked_default(make_connection, misbehaving_odoo):
    assert OdooConnection.objects.default() is None
    make_connection(server=misbehaving_odoo, name="other")
    default = make_connection(server=misbehaving_odoo, name="main", is_default=True)
    assert OdooConnection.objects.default() == default
    default.active = False
    default.save()
    assert OdooConnection.objects.default() is None


def test_odoo_url_setting_makes_the_environment_connection_the_default(settings, make_connection, misbehaving_odoo19):
    make_connection(server=misbehaving_odoo19, name="row", is_default=True)
    settings.ODOO_URL = misbehaving_odoo19.url
    settings.ODOO_DB = "odoo18"
    settings.ODOO_LOGIN = "admin"
    settings.ODOO_PASSWORD = ""
    settings.ODOO_API_KEY = API_KEY
    settings.ODOO_PROTOCOL = "auto"
    settings.HUB_ENCRYPTION_KEY = ""  # the environment connection needs no encryption key

    connection = OdooConnection.objects.default()
    assert connection.pk is None
    assert (connection.url, connection.database, connection.login, connection.protocol, connection.is_default) == (
        misbehaving_odoo19.url,
        "odoo18",
        "admin",
        "auto",
        True,
    )
    assert connection.secret == API_KEY
    client = connection.client()
    assert OdooConnection.objects.default().client() is client
    assert client.active_protocol == "json2"
    assert client.uid == 2


def test_environment_connection_falls_back_to_the_password(settings, db):
    settings.ODOO_URL = "http://odoo.example.com"
    settings.ODOO_PASSWORD = "pw"
    settings.ODOO_API_KEY = ""
    settings.ODOO_PROTOCOL = "xmlrpc"
    connection = OdooConnection.objects.default()
    assert (connection.secret, connection.protocol) == ("pw", "xmlrpc")


def test_secret_is_stored_encrypted(make_connection, misbehaving_odoo):
    connection = make_connection(server=misbehaving_odoo, secret="s3cr3t")
    stored = OdooConnection.objects.values_list("secret_encrypted", flat=True).get(pk=connection.pk)
    assert "s3cr3t" not in stored
    assert OdooConnection.objects.get(pk=connection.pk).secret == "s3cr3t"


@pytest.mark.parametrize("protocol", ["auto", "xmlrpc", "jsonrpc", "json2"])
def test_every_protocol_choice_builds_a_client(make_connection, misbehaving_odoo, protocol):
    assert make_connection(server=misbehaving_odoo, protocol=protocol).client().protocol == protocol


def test_a_secret_encrypted_with_another_key_is_an_auth_error(make_connection, misbehaving_odoo, settings):
    from cryptography.fernet import Fernet

    from hub.odoo.exceptions import OdooAuthError

    connection = make_connection(server=misbehaving_odoo)
    settings.HUB_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(OdooAuthError) as caught:
        OdooConnection.objects.get(pk=connection.pk).client()
    assert caught.value.message == "A stored secret cannot be decrypted: HUB_ENCRYPTION_KEY has changed"
    assert caught.value.http_status == 502


def test_clean_refuses_an_unusable_url(db):
    from django.core.exceptions import ValidationError

    connection = OdooConnection(name="x", url="https://admin:pw@erp.example.com", database="d", login="l")
    with pytest.raises(ValidationError) as caught:
        connection.full_clean()
    assert caught.value.message_dict == {
        "url": ["Not a usable Odoo address: it must not carry credentials: give the login and secret separately."]
    }
