"""API configurations: an Odoo model served at a slug, with methods, authentication, pagination;
and the bearer tokens that callers of an endpoint present."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from hub import ratelimit
from hub.auth import passwords
from hub.auth.secrets import RevocableSecret
from hub.models import OdooConnection
from hub.odoo.names import is_model_name
from mappings import rules
from mappings.domain import DomainError, parse_domain

MAX_PAGE_SIZE = 1000


class EndpointQuerySet(models.QuerySet):
    def inbound(self):
        return self.filter(request_type=Endpoint.RequestType.INBOUND)

    def active(self):
        return self.filter(active=True)


class Endpoint(models.Model):
    """One REST endpoint: an Odoo model and domain served at /bj_api_sync/v1/<slug>."""

    class RequestType(models.TextChoices):
        # Outbound sync (the hub calls an external system) has its own model: outbound.OutboundConfiguration.
        INBOUND = "in", "Inbound (external system calls the hub)"

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
    rate_limit_per_address = models.CharField(
        "rate limit per client address",
        max_length=100,
        blank=True,
        help_text="Requests per window from one address, e.g. 100/min, 1000/h; empty: the hub's default; 0: none",
    )
    rate_limit_per_credential = models.CharField(
        "rate limit per credential",
        max_length=100,
        blank=True,
        help_text="Requests per window with one token or Basic user, e.g. 1000/h; empty: the hub's default; 0: none",
    )
    require_idempotency_key = models.BooleanField(
        default=False, help_text="A POST without an Idempotency-Key header is refused (400)"
    )
    record_rule = models.TextField(
        "record rule",
        blank=True,
        help_text="A Python expression over the whole incoming record (payload), checked on POST and PUT, e.g. "
        "payload.get('email', '@').endswith('@example.com'); a record that makes it false is refused (400) "
        "with the message below. PUT sends only some keys: read them with a default. Empty: no rule",
    )
    record_rule_message = models.CharField(
        "rule message",
        max_length=300,
        blank=True,
        help_text="What a refused caller reads, e.g. 'Only example.com addresses are accepted.'",
    )
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
        ratelimit.check_limit_fields(self)
        try:
            parse_domain(self.domain)
        except DomainError as exc:
            raise ValidationError({"domain": str(exc)}) from None
        self._clean_record_rule()

    def _clean_record_rule(self) -> None:
        """A rule compiles in the sandbox and comes with the message refused callers read."""
        if not self.record_rule.strip():
            return
        try:
            rules.check(self.record_rule)
        except rules.ExpressionError as exc:
            raise ValidationError({"record_rule": str(exc)}) from None
        if not self.record_rule_message.strip():
            raise ValidationError({"record_rule_message": "A record rule needs the message refused callers read."})

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
        self.basic_password_hash = passwords.hash_password(raw_password)

    def check_basic_password(self, raw_password: str) -> bool:
        """Whether ``raw_password`` is the Basic password (constant time, fast after the first time)."""
        return passwords.verify(("endpoint", self.pk), raw_password, self.basic_password_hash)


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
