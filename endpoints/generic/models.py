"""Models of the generic data routes (imported by endpoints.models so Django finds them)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub import crypto
from hub.models import IssuedSecret
from hub.odoo.names import is_model_name

_METHOD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


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
        ordering = ["model", "method"]
        verbose_name = "callable method"
        constraints = [
            models.UniqueConstraint(fields=["model", "method"], name="%(app_label)s_%(class)s_unique_pair"),
            models.CheckConstraint(condition=~Q(method__startswith="_"), name="%(app_label)s_%(class)s_not_private"),
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
