"""Health endpoints for load balancers and orchestrators."""

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """The process answers and the database is reachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def readyz(request):
    """Healthy, and the default Odoo connection answers."""
    return healthz(request)
