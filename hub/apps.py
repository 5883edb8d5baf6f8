"""The hub app: project wiring, Odoo connections and the Odoo client."""

from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Hub"

    def ready(self) -> None:
        from hub import (
            checks,  # noqa: F401 - registers the system checks
            staff,  # noqa: F401 - connects staff status to the staff groups
        )
