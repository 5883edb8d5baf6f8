"""Models of the generic data routes: their settings (rate limits), the methods /api/call_function
may call, and Odoo sessions.

The tables of the last two were created when these models belonged to the endpoints app: they keep their
names (``db_table``, constraint names), so moving the models here changed no table.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub import crypto, ratelimit
from hub.auth.secrets import IssuedSecret
from hub.odoo.names import is_model_name

_METHOD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class GenericRouteSettingsQuerySet(models.QuerySet):
    def current(self) -> "GenericRouteSettings":
        """The settings row, or an unsaved one with every field blank (the settings' defaults)."""
        return self.filter(id=GenericRouteSettings.SINGLE_ROW).first() or GenericRouteSettings()


class GenericRouteSettings(models.Model):
    """The generic data routes' rate limits as set in the admin: one row at most; without it, or where a
    field is blank, the settings' defaults (HUB_GENERIC_RATE_LIMIT_*) apply."""

    SINGLE_ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ROW, editable=False)
    rate_limit_per_address = models.CharField(
        "rate limit per client address",
        max_length=100,
        blank=True,
        help_text="Requests per window from one address to the five data routes together, e.g. 100/min, 1000/h; "
        "empty: the hub's default (HUB_GENERIC_RATE_LIMIT_PER_ADDRESS); 0: none",
    )
    rate_limit_per_credential = models.CharField(
        "rate limit per credential",
        max_length=100,
        blank=True,
        help_text="Requests per window with one API key or Odoo session, e.g. 1000/h; "
        "empty: the hub's default (HUB_GENERIC_RATE_LIMIT_PER_CREDENTIAL); 0: none",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = GenericRouteSettingsQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "generic routes settings"
        verbose_name_plural = "generic routes settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="%(app_label)s_%(class)s_single_row"),
        ]

    def __str__(self) -> str:
        return "Generic routes settings"

    def clean(self) -> None:
        if self.id != self.SINGLE_ROW:
            raise ValidationError("The generic routes have one settings row.")
        ratelimit.check_limit_fields(self)

    def policies(self) -> tuple[ratelimit.Policy, ...]:
        """The rate-limit policies these settings give (the settings' defaults where blank)."""
        return ratelimit.generic_policies(self.rate_limit_per_address, self.rate_limit_per_credential)


class CallableMethodQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def allows(self, model: str, method: str) -> bool:
        """Whether /api/call_function may call ``method`` on ``model`` (private names never)."""
        return not method.startswith("_") and self.active().filter(model=model, method=method).exists()


class CallableMethod(models.Model):
    """An Odoo (model, method) pair that /api/call_function may call; anything else is refused."""

    model = models.CharField("Odoo model", max_length=128, help_text="e.g. sale.order")
    method = models.CharField(max_length=128, help_text="e.g. action_confirm; names starting with _ are refused")
    note = models.CharField(max_length=200, blank=True, help_text="Why callers need it")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallableMethodQuerySet.as_manager()

    class Meta:
        db_table = "endpoints_callablemethod"
        ordering = ["model", "method"]
        verbose_name = "callable method"
        constraints = [
            models.UniqueConstraint(fields=["model", "method"], name="endpoints_callablemethod_unique_pair"),
            models.CheckConstraint(condition=~Q(method__startswith="_"), name="endpoints_callablemethod_not_private"),
        ]

    def __str__(self) -> str:
        return f"{self.model}.{self.method}"

    def clean(self) -> None:
        errors = {}
        if self.method and not _METHOD.match(self.method):
            errors["method"] = "A public method name: letters, digits and _, not starting with _."
        if self.model and not is_model_name(self.model):
            errors["model"] = "An Odoo model name such as sale.order."
        if errors:
            raise ValidationError(errors)
        clash = CallableMethod.objects.filter(model=self.model, method=self.method).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError("This method of this model is already on the list.")


class OdooSessionQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


class OdooSession(IssuedSecret):
    """A caller logged in through /web/session/authenticate: its calls run in Odoo as that user.

    The cookie holds a random token; only its digest is stored. The Odoo password is kept
    encrypted (hub/crypto.py) because each call has to authenticate as the user.
    """

    TOKEN_KIND = "hubs"  # noqa: S105 - a label, not a secret

    # Empty when the default connection comes from ODOO_URL & co (it has no row).
    connection = models.ForeignKey(
        "hub.OdooConnection", on_delete=models.CASCADE, null=True, blank=True, related_name="odoo_sessions"
    )
    login = models.CharField(max_length=150)
    uid = models.PositiveIntegerField("Odoo user id")
    password_encrypted = models.TextField(editable=False)
    expires_at = models.DateTimeField(db_index=True)

    objects = OdooSessionQuerySet.as_manager()

    class Meta:
        db_table = "endpoints_odoosession"
        ordering = ["-created_at"]
        verbose_name = "Odoo session"

    def __str__(self) -> str:
        return f"{self.login} on {self.connection or 'the default connection'}"

    def odoo_connection(self):
        """The connection the session's calls use."""
        from hub.models import OdooConnection

        return self.connection or OdooConnection.objects.default()

    @property
    def password(self) -> str:
        """The user's Odoo password in clear (never logged)."""
        return crypto.decrypt(self.password_encrypted)

    @password.setter
    def password(self, value: str) -> None:
        self.password_encrypted = crypto.encrypt(value)

    @classmethod
    def find(cls, token: str) -> "OdooSession | None":
        """The live session this cookie token belongs to, or None."""
        return cls.find_among(cls.objects.usable().select_related("connection"), token)
