"""The hub app: project wiring, Odoo connections and the Odoo client."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Hub"

    def ready(self) -> None:
        from django.core.servers.basehttp import WSGIRequestHandler

        # Django's development server (make demo; the tests' live server) writes an answer's headers and its
        # body apart: without TCP_NODELAY a kept-alive client (a browser) waited ~40 ms for a delayed ACK each time.
        WSGIRequestHandler.disable_nagle_algorithm = True

        from hub import (
            checks,  # noqa: F401 - registers the system checks
            staff,  # noqa: F401 - connects staff status to the staff groups
        )
        from hub.auth import keys
        from hub.models import OdooConnection

        # cached API keys carry their connection
        post_save.connect(keys.keys_changed, sender=OdooConnection, dispatch_uid="hub.auth.keys.connection_saved")
        post_delete.connect(keys.keys_changed, sender=OdooConnection, dispatch_uid="hub.auth.keys.connection_deleted")
