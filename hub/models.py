"""Where and how to reach an Odoo (``OdooConnection``); the hub app's other models live in hub.auth.models."""


from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from hub import crypto
from hub.auth.models import ApiKey  # noqa: F401 - Django loads the hub app's models from here
from hub.odoo import OdooClient, pool
from hub.odoo.exceptions import OdooAuthError
from hub.odoo.transports import url_problem


class OdooConnectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def default(self) -> "OdooConnection | None":
        """The default connection: built from ODOO_URL & co when set, else the active row marked default."""
        if settings.ODOO_URL:
            return OdooConnection.from_settings()
        return self.active().filter(is_default=True).first()


class OdooConnection(models.Model):
    """An Odoo server, database and user the hub talks to."""

    class Protocol(models.TextChoices):
        AUTO = "auto", "Automatic (JSON-2 on Odoo 19+ with an API key, else JSON-RPC)"
        XMLRPC = "xmlrpc", "XML-RPC (Odoo 18 and older; removed in Odoo 22)"
        JSONRPC = "jsonrpc", "JSON-RPC (Odoo 18 and older; removed in Odoo 22)"
        JSON2 = "json2", "JSON-2 (Odoo 19+, API key)"

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField("URL", max_length=300, help_text="Base URL of Odoo, e.g. https://erp.example.com")
    database = models.CharField(max_length=100)
    login = models.CharField(max_length=100)
    secret_encrypted = models.TextField(
        "secret", blank=True, editable=False, help_text="Password or API key, encrypted with HUB_ENCRYPTION_KEY"
    )
    protocol = models.CharField(max_length=10, choices=Protocol.choices, default=Protocol.AUTO)
    connect_timeout = models.FloatField(default=5.0, validators=[MinValueValidator(0.1)], help_text="seconds")
    read_timeout = models.FloatField(default=30.0, validators=[MinValueValidator(0.1)], help_text="seconds")
    active = models.BooleanField(default=True)
    is_default = models.BooleanField("default", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OdooConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "Odoo connection"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="%(app_label)s_%(class)s_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        problem = url_problem(self.url) if self.url else None
        if problem:
            errors["url"] = f"Not a usable Odoo address: {problem}."
        if self.is_default:
            others = OdooConnection.objects.filter(is_default=True).exclude(pk=self.pk)
            if others.exists():
                errors["is_default"] = "Another connection is already the default one."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_settings(cls) -> "OdooConnection":
        """An unsaved connection from ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD/ODOO_API_KEY, ODOO_PROTOCOL."""
        connection = cls(
            name="environment (ODOO_URL)",
            url=settings.ODOO_URL,
            database=settings.ODOO_DB,
            login=settings.ODOO_LOGIN,
            protocol=settings.ODOO_PROTOCOL or cls.Protocol.AUTO,
            is_default=True,
        )
        # Kept in clear in memory only: it never reaches the database, so needs no encryption key.
        connection._plain_secret = settings.ODOO_API_KEY or settings.ODOO_PASSWORD
        return connection

    @property
    def secret(self) -> str:
        """The password or API key in clear (never shown in admin, never logged)."""
        plain = getattr(self, "_plain_secret", None)
        if plain is not None:
            return plain
        return crypto.decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self._plain_secret = None
        self.secret_encrypted = crypto.encrypt(value) if value else ""

    def client(self) -> OdooClient:
        """The shared OdooClient of this connection (hub.odoo.pool); a new one once the row has changed."""
        fingerprint = (
            self.url,
            self.database,
            self.login,
            self.secret_encrypted,
            getattr(self, "_plain_secret", None),
            self.protocol,
            self.connect_timeout,
            self.read_timeout,
            self.updated_at,
        )
        key = self.pk if self.pk is not None else ("unsaved", self.name)
        return pool.client(key, fingerprint, self._new_client)

    def _new_client(self) -> OdooClient:
        try:
            secret = self.secret
        except ImproperlyConfigured as exc:
            # A 502 naming the cause, not a crash, for every API call through this connection.
            raise OdooAuthError(str(exc)) from None
        return OdooClient(
            self.url,
            self.database,
            self.login,
            secret,
            self.protocol,
            self.connect_timeout,
            self.read_timeout,
        )

