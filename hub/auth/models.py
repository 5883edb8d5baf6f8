"""The keys the hub issues to external systems (``ApiKey``), part of the hub app.

Kept free of the Odoo client (the connection is named by its label, not imported), so every
app may authenticate a key, the request log's API included.
"""

from django.core.exceptions import ValidationError
from django.db import models

from hub.auth.secrets import RevocableSecret


class ApiKey(RevocableSecret):
    """A key the hub issues to an external system for the generic data routes and the log API.

    Shown once at creation, stored hashed; bound to an Odoo connection and to allow-lists of
    routes and models.
    """

    class Route(models.TextChoices):
        CREATE_DATA = "create_data", "/api/create_data"
        CREATE_UPDATE_DATA = "create_update_data", "/api/create_update_data"
        UPDATE_DATA = "update_data", "/api/update_data"
        SEARCH_DATA = "search_data", "/api/search_data"
        CALL_FUNCTION = "call_function", "/api/call_function"
        LOGS = "logs", "/api/logs/ (read the request log)"

    TOKEN_KIND = "hubk"  # noqa: S105 - a label, not a secret

    name = models.CharField(max_length=100, unique=True, help_text="Who uses this key, e.g. 'webshop'")
    connection = models.ForeignKey(
        "hub.OdooConnection", on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys"
    )
    allowed_routes = models.JSONField(default=list, blank=True, help_text="Route names this key may call")
    allowed_models = models.JSONField(
        default=list, blank=True, help_text="Odoo models this key may touch, e.g. ['res.partner']"
    )

    class Meta:
        app_label = "hub"
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.allowed_routes or []) - set(self.Route.values)
        if unknown:
            raise ValidationError({"allowed_routes": f"Unknown routes: {', '.join(sorted(unknown))}"})

    @classmethod
    def find(cls, token: str) -> "ApiKey | None":
        """The usable key this token belongs to, or None."""
        return cls.find_among(cls.objects.usable().select_related("connection"), token)

    def allows(self, route: str, model: str | None = None) -> bool:
        """Whether the key may call ``route`` (and, when given, touch ``model``)."""
        return route in (self.allowed_routes or []) and (model is None or model in (self.allowed_models or []))
