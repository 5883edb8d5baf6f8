"""API configurations: an Odoo model served at a slug, with methods, authentication, pagination;
and the bearer tokens that callers of an endpoint present."""

import hashlib
import hmac
import threading

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from endpoints.generic.models import *  # noqa: F403 - Django finds models through this module
from hub.models import OdooConnection, RevocableSecret
from hub.odoo.names import is_model_name
from mappings.domain import DomainError, parse_domain

MAX_PAGE_SIZE = 1000


# Django's password hashers are slow on purpose (PBKDF2, a million rounds): paying that on every
# API call would cap an endpoint at a few requests per second. A password that verified once is
# remembered per process as a keyed HMAC (never in clear), tied to the stored hash, so changing
# the password forgets it.
_verified_basic: dict[int, tuple[str, str]] = {}
_verified_lock = threading.Lock()


def _credential_mac(password: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), password.encode(), hashlib.sha256).hexdigest()


class EndpointQuerySet(models.QuerySet):
    def inbound(self):
        return self.filter(request_type=Endpoint.RequestType.INBOUND)

    def active(self):
        return self.filter(active=True)


class Endpoint(models.Model):
    """One REST endpoint: an Odoo model and domain served at /bj_api_sync/v1/<slug>."""

    class RequestType(models.TextChoices):
        INBOUND = "in", "Inbound (external system calls the hub)"
        OUTBOUND = "out", "Outbound (the hub calls an external system)"

    class Method(models.TextChoices):
        GET = "GET"
        POST = "POST"
        PUT = "PUT"
        DELETE = "DELETE"

    class Auth(models.TextChoices):
        NONE = "none", "None (public)"
        BASIC = "basic", "HTTP Basic"
        BEARER = "bearer", "Bearer token"

    class LogMode(models.TextChoices):
        ALL = "all", "All calls"
        ERRORS = "errors", "Errors only"
        OFF = "off", "Off"

    name = models.CharField(max_length=100)
    request_type = models.CharField(max_length=3, choices=RequestType.choices, default=RequestType.INBOUND)
    connection = models.ForeignKey(OdooConnection, on_delete=models.PROTECT, related_name="endpoints")
    odoo_model = models.CharField("Odoo model", max_length=128, help_text="e.g. res.partner")
    domain = models.TextField(
        blank=True, default="[]", help_text="Odoo domain that limits the records, e.g. [('active', '=', True)]"
    )
    slug = models.SlugField("endpoint identifier", max_length=100, help_text="URL part: /bj_api_sync/v1/<slug>")
    allowed_methods = models.JSONField(default=list, help_text="Any of GET, POST, PUT, DELETE")
    auth = models.CharField("authentication", max_length=10, choices=Auth.choices, default=Auth.BEARER)
    basic_username = models.CharField(max_length=150, blank=True)
    basic_password_hash = models.CharField(max_length=256, blank=True, editable=False)
    is_paginated = models.BooleanField(default=True)
    page_size = models.PositiveIntegerField(
        default=100, validators=[MinValueValidator(1), MaxValueValidator(MAX_PAGE_SIZE)]
    )
    upsert_on_post = models.BooleanField(
        default=False, help_text="POST with an existing identifier updates the record instead of answering 409"
    )
    log_mode = models.CharField(max_length=10, choices=LogMode.choices, default=LogMode.ALL)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = "endpoint"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(request_type="in"), name="%(app_label)s_%(class)s_unique_inbound_slug"
            ),
            models.CheckConstraint(
                condition=Q(page_size__gte=1, page_size__lte=MAX_PAGE_SIZE),
                name="%(app_label)s_%(class)s_page_size_range",
            ),
            models.CheckConstraint(
                condition=~Q(auth="basic") | ~Q(basic_username=""),
                name="%(app_label)s_%(class)s_basic_needs_username",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    def clean(self) -> None:
        unknown = set(self.allowed_methods or []) - set(self.Method.values)
        if unknown:
            raise ValidationError({"allowed_methods": f"Unknown methods: {', '.join(sorted(unknown))}"})
        if self.request_type == self.RequestType.INBOUND and self.slug:
            clash = Endpoint.objects.inbound().filter(slug=self.slug).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"slug": "Another inbound endpoint already uses this identifier."})
        if self.auth == self.Auth.BASIC and not self.basic_username:
            raise ValidationError({"basic_username": "Basic authentication needs a user name."})
        if self.basic_username and ":" in self.basic_username:
            raise ValidationError({"basic_username": "A Basic user name cannot contain ':'."})
        if self.odoo_model and not is_model_name(self.odoo_model):
            raise ValidationError({"odoo_model": "An Odoo model name, e.g. res.partner or x_custom.thing."})
        try:
            parse_domain(self.domain)
        except DomainError as exc:
            raise ValidationError({"domain": str(exc)}) from None

    @property
    def parsed_domain(self) -> list:
        """The configured domain as a validated list (``clean()`` has refused a bad one)."""
        return parse_domain(self.domain)

    @property
    def path(self) -> str:
        """The collection's path, e.g. ``/bj_api_sync/v1/customers``."""
        return f"/bj_api_sync/v1/{self.slug}"

    def allows(self, method: str) -> bool:
        return method in (self.allowed_methods or [])

    def set_basic_password(self, raw_password: str) -> None:
        """Store the Basic password through Django's hashers (the clear text is never kept)."""
        self.basic_password_hash = make_password(raw_password)

    def check_basic_password(self, raw_password: str) -> bool:
        """Whether ``raw_password`` is the Basic password (constant time; see ``_verified_basic``)."""
        if not self.basic_password_hash:
            return False
        mac = _credential_mac(raw_password)
        remembered = _verified_basic.get(self.pk)
        if remembered is not None and remembered[0] == self.basic_password_hash:
            return hmac.compare_digest(remembered[1], mac)
        if not check_password(raw_password, self.basic_password_hash):
            return False
        with _verified_lock:
            _verified_basic[self.pk] = (self.basic_password_hash, mac)
        return True


class EndpointToken(RevocableSecret):
    """A named bearer token for one endpoint: random, shown once, stored as a digest."""

    TOKEN_KIND = "hubt"  # noqa: S105 - a label, not a secret

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, help_text="Who uses this token, e.g. 'webshop'")

    class Meta:
        ordering = ["endpoint__slug", "name"]
        verbose_name = "endpoint token"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.endpoint.slug})" if self.endpoint_id else self.name

    def clean(self) -> None:
        if self.endpoint_id and self.name:
            clash = EndpointToken.objects.filter(endpoint_id=self.endpoint_id, name=self.name).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"name": "This endpoint already has a token with this name."})

    @classmethod
    def find(cls, endpoint_id: int, token: str) -> "EndpointToken | None":
        """The usable token of this endpoint that ``token`` is, or None (one indexed query)."""
        return cls.find_among(cls.objects.usable().filter(endpoint_id=endpoint_id), token)
