"""Start-up checks of the hub's configuration (``manage.py check``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from hub.crypto import fernet
from hub.odoo import PROTOCOLS
from hub.odoo.transports import url_problem


@register(Tags.security, deploy=True)
def encryption_key_set(app_configs, **kwargs):
    """Production needs a stable key, or stored Odoo secrets cannot be read after a restart."""
    if not settings.HUB_ENCRYPTION_KEY:
        return [Error("HUB_ENCRYPTION_KEY is not set", hint="Generate one with: make key", id="hub.E001")]
    try:
        fernet(settings.HUB_ENCRYPTION_KEY)
    except ImproperlyConfigured:
        # The key itself is never quoted back: it is a secret.
        message = "HUB_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)"
        return [Error(message, hint="Generate one with: make key", id="hub.E001")]
    return []


@register()
def odoo_environment(app_configs, **kwargs):
    """ODOO_* settings: a usable URL, a known protocol, and the rest of the connection when the URL is set."""
    errors = []
    if settings.ODOO_PROTOCOL not in PROTOCOLS:
        errors.append(
            Error(
                f"ODOO_PROTOCOL {settings.ODOO_PROTOCOL!r} is not a protocol the hub speaks",
                hint=f"Use one of: {', '.join(PROTOCOLS)}",
                id="hub.E003",
            )
        )
    if not settings.ODOO_URL:
        return errors
    problem = url_problem(settings.ODOO_URL)
    if problem:
        errors.append(
            Error(
                f"ODOO_URL is not a usable Odoo address: {problem}",
                hint="For example ODOO_URL=https://erp.example.com",
                id="hub.E002",
            )
        )
    missing = [name for name in ("ODOO_DB", "ODOO_LOGIN") if not getattr(settings, name)]
    if not (settings.ODOO_PASSWORD or settings.ODOO_API_KEY):
        missing.append("ODOO_PASSWORD or ODOO_API_KEY")
    if missing:
        errors.append(
            Error(
                f"ODOO_URL is set but {', '.join(missing)} is not",
                hint="The connection from the environment needs a database, a login and a password or API key",
                id="hub.E004",
            )
        )
    return errors
