"""Start-up checks of the request log's settings."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import connections


@register()
def check_log_settings(app_configs, **kwargs) -> list:
    """TRUSTED_PROXIES must be addresses or networks; an empty LOG_SECRET_KEYS masks nothing in bodies."""
    problems = []
    for item in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            problems.append(
                Error(
                    f"TRUSTED_PROXIES holds {item!r}, which is not an IP address or network.",
                    hint="Use addresses like 10.0.0.5 or networks like 10.0.0.0/8, separated by commas.",
                    id="logs.E001",
                )
            )
    if not [word for word in settings.LOG_SECRET_KEYS if word]:
        problems.append(
            Warning(
                "LOG_SECRET_KEYS is empty: secrets in request bodies and query strings reach the request log.",
                hint="Leave it unset for the default (password, token, api_key, apikey, secret).",
                id="logs.W001",
            )
        )
    if not connections["default"].features.can_return_columns_from_insert:
        # logs.recording writes each row with INSERT … ON CONFLICT DO NOTHING RETURNING
        problems.append(
            Error(
                "The database cannot answer INSERT … RETURNING, which the request log needs.",
                hint="Use PostgreSQL, or SQLite 3.35 or later.",
                id="logs.E002",
            )
        )
    return problems
