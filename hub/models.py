"""Where and how to reach an Odoo (``OdooConnection``), the keys the hub issues (``ApiKey``), and the
bases of every secret the hub issues (``IssuedSecret``, ``RevocableSecret``)."""

from datetime import timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub import crypto, tokens
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


class IssuedSecret(models.Model):
    """A secret the hub issues (key, token, session cookie): shown once, stored as a digest (hub/tokens.py)."""

    # The token's leading word, e.g. "hubk" for "hubk_3fQ9c1Zk…": says what a leaked token is.
    TOKEN_KIND = "hub"  # noqa: S105 - a label, not a secret

    prefix = models.CharField(max_length=tokens.PREFIX_LENGTH, db_index=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def issue(self) -> str:
        """Give this row a new secret and return it; the caller shows it once."""
        token = tokens.new_token(self.TOKEN_KIND)
        self.prefix = tokens.lookup_prefix(token)
        self.digest = tokens.digest(token)
        return token

    @classmethod
    def find_among(cls, candidates: models.QuerySet, token: str) -> Self | None:
        """The row of ``candidates`` that ``token`` is, or None (one indexed query)."""
        found = None
        for candidate in candidates.filter(prefix=tokens.lookup_prefix(token)):
            # every candidate is compared, so the time taken does not tell which one matched
            if tokens.matches(token, candidate.digest):
                found = candidate
        return found


class RevocableSecretQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def revoke(self) -> int:
        """Revoke the rows not revoked yet; how many were."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class RevocableSecret(IssuedSecret):
    """An issued secret that may expire, can be revoked (the row stays for the record) and notes its last use."""

    # last_used_at is written at most this often per row, so a busy caller does not turn every
    # read into a database write (zero: on every use).
    LAST_USED_RESOLUTION = timedelta(minutes=1)

    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RevocableSecretQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_usable(self) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def revoke(self) -> None:
        """Make the secret unusable from now on (the row stays for the record)."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        """Record a use, at most once per ``LAST_USED_RESOLUTION``."""
        now = timezone.now()
        last = self.last_used_at
        if self.LAST_USED_RESOLUTION and last is not None and now - last < self.LAST_USED_RESOLUTION:
            return
        self.last_used_at = now
        type(self).objects.filter(pk=self.pk).update(last_used_at=now)


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
        OdooConnection, on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys"
    )
    allowed_routes = models.JSONField(default=list, blank=True, help_text="Route names this key may call")
    allowed_models = models.JSONField(
        default=list, blank=True, help_text="Odoo models this key may touch, e.g. ['res.partner']"
    )

    class Meta:
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
        return route in (self.allowed_routes or []) and (model is None or model in (self.allowed_models or []))
