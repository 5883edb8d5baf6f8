"""Health endpoints for load balancers and orchestrators."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import JsonResponse

from hub.models import OdooConnection
from hub.odoo.exceptions import OdooError
from outbound.services import metrics as outbound_metrics

logger = logging.getLogger(__name__)


def _database_error() -> str | None:
    """Why the database does not answer, or None when it does."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return str(exc)
    return None


def healthz(request):
    """The process answers and the database is reachable."""
    error = _database_error()
    if error is not None:
        return JsonResponse({"status": "error", "database": error}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def readyz(request):
    """Healthy, and the default Odoo connection answers (version and login, asked afresh)."""
    error = _database_error()
    if error is not None:
        return JsonResponse({"status": "error", "database": error, "odoo": "not checked"}, status=503)
    odoo = OdooConnection.objects.default()
    if odoo is None:
        reason = "no default Odoo connection: mark one as default in admin or set ODOO_URL"
        return JsonResponse({"status": "error", "database": "ok", "odoo": reason}, status=503)
    try:
        probe = odoo.client().probe()
    except (OdooError, ImproperlyConfigured) as exc:
        reason = getattr(exc, "message", None) or str(exc)
        logger.warning("Not ready: Odoo connection %r does not answer: %s", odoo.name, reason)
        return JsonResponse({"status": "error", "database": "ok", "odoo": reason}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "odoo": {
                "connection": odoo.name,
                "server_version": probe.server_version,
                "protocol": probe.protocol,
                "uid": probe.uid,
                "milliseconds": probe.milliseconds,
            },
            "outbound": outbound_metrics(),
        }
    )
