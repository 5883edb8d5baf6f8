"""Outbound sync: Odoo changes found by polling or pushed by Odoo, delivered by Celery workers."""

from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "outbound"
    verbose_name = "Outbound"

    def ready(self) -> None:
        # The Celery app must exist before the first task is sent from a web or command process.
        import hub.celery  # noqa: F401
