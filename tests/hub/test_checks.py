"""System checks of the ODOO_* settings and of HUB_ENCRYPTION_KEY."""

import pytest
from cryptography.fernet import Fernet

from hub.checks import encryption_key_set, odoo_environment


def ids(settings_errors):
    return [(error.id, error.msg) for error in settings_errors]


@pytest.fixture
def odoo_env(settings):
    settings.ODOO_URL = "https://erp.example.com"
    settings.ODOO_DB = "prod"
    settings.ODOO_LOGIN = "hub"
    settings.ODOO_PASSWORD = "pw"
    settings.ODOO_API_KEY = ""
    settings.ODOO_PROTOCOL = "auto"
    return settings


def test_a_complete_environment_connection_passes(odoo_env):
    assert odoo_environment(None) == []


def test_no_odoo_url_is_fine(settings):
    settings.ODOO_URL = ""
    settings.ODOO_PROTOCOL = "auto"
    assert odoo_environment(None) == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("erp.example.com", "it must start with http:// or https://"),
        ("ftp://erp.example.com", "it must start with http:// or https://"),
        ("https://", "it names no host"),
        ("https://erp.example.com:80x", "it is malformed"),
        (
            "https://admin:pw@erp.example.com",
            "it must not carry credentials: give the login and secret separately",
        ),
        ("https://erp.example.com/?db=x", "it must be a base URL, without ?query or #fragment"),
    ],
)
def test_a_malformed_odoo_url_is_hub_e002(odoo_env, url, problem):
    odoo_env.ODOO_URL = url
    assert ids(odoo_environment(None)) == [("hub.E002", f"ODOO_URL is not a usable Odoo address: {problem}")]


def test_an_unknown_protocol_is_hub_e003(odoo_env):
    odoo_env.ODOO_PROTOCOL = "soap"
    [error] = odoo_environment(None)
    assert (error.id, error.msg, error.hint) == (
        "hub.E003",
        "ODOO_PROTOCOL 'soap' is not a protocol the hub speaks",
        "Use one of: auto, xmlrpc, jsonrpc, json2",
    )


def test_an_incomplete_environment_connection_is_hub_e004(odoo_env):
    odoo_env.ODOO_DB = ""
    odoo_env.ODOO_PASSWORD = ""
    assert ids(odoo_environment(None)) == [
        ("hub.E004", "ODOO_URL is set but ODOO_DB, ODOO_PASSWORD or ODOO_API_KEY is not")
    ]


def test_manage_py_check_runs_the_odoo_checks(odoo_env):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    odoo_env.ODOO_PROTOCOL = "soap"
    with pytest.raises(SystemCheckError, match=r"hub\.E003"):
        call_command("check")


# --- HUB_ENCRYPTION_KEY (deploy check hub.E001) -------------------------------------------------

GOOD_KEY = "bXlfdGhpcnR5X3R3b19ieXRlX2xvbmdfdGVzdF9rZXk="  # base64 of 32 bytes


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "HUB_ENCRYPTION_KEY is not set"),
        ("garbage", "HUB_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)"),
        (
            "bXlfdGhpcnR5X3R3b19ieXRlX2xvbmdfdGVzdF9r",
            "HUB_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)",
        ),
    ],
)
def test_a_missing_or_malformed_encryption_key_is_hub_e001(settings, key, message):
    settings.HUB_ENCRYPTION_KEY = key
    [error] = encryption_key_set(None)
    assert (error.id, error.msg, error.hint) == ("hub.E001", message, "Generate one with: make key")


def test_a_fernet_encryption_key_passes(settings):
    settings.HUB_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert encryption_key_set(None) == []
    settings.HUB_ENCRYPTION_KEY = GOOD_KEY
    assert encryption_key_set(None) == []


def test_check_deploy_refuses_a_garbage_encryption_key(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.HUB_ENCRYPTION_KEY = "garbage"
    with pytest.raises(SystemCheckError, match=r"hub\.E001.*not a Fernet key"):
        call_command("check", deploy=True)
    settings.HUB_ENCRYPTION_KEY = GOOD_KEY
    call_command("check", deploy=True)  # only warnings (DEBUG is on in tests): no SystemCheckError
