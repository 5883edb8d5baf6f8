"""Start-up checks of the hub's configuration (``manage.py check``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_key_set(app_configs, **kwargs):
    """Production needs a stable key, or stored Odoo secrets cannot be read after a restart."""
    if not settings.HUB_ENCRYPTION_KEY:
        return [Error("HUB_ENCRYPTION_KEY is not set", hint="Generate one with: make key", id="hub.E001")]
    return []
