"""API configurations: an Odoo model served at a slug, with methods, authentication, pagination."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from endpoints.generic.models import *  # noqa: F403 - Django finds models through this module
from hub.models import OdooConnection

MAX_PAGE_SIZE = 1000


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
