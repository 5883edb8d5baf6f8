"""Outbound configurations (an Odoo model's changes sent to a URL), their outbox of deliveries, and
what the hub remembers per record (last payload digest, pending push notices, callback URLs)."""

import re
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub import crypto
from hub.models import OdooConnection
from mappings.domain import DomainError, parse_domain

_ODOO_MODEL = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


class Event(models.TextChoices):
    """What happened to a record; the delivery's ``type`` is ``<configuration>.<event>``."""

    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


class OutboundConfigurationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def due_for_poll(self, now):
        """Active configurations that poll and whose interval has elapsed."""
        return self.active().filter(poll_interval__gt=0).filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))


class OutboundConfiguration(models.Model):
    """An Odoo model's changes (within a domain) sent as signed HTTP deliveries to an external system."""

    class Target(models.TextChoices):
        URL = "url", "Static URL"
        CALLBACK = "callback", "Record callback URL (vals.callback_url given at create)"

    class Method(models.TextChoices):
        POST = "POST"
        PUT = "PUT"
        PATCH = "PATCH"

    class Auth(models.TextChoices):
        NONE = "none", "None"
        BASIC = "basic", "HTTP Basic"
        BEARER = "bearer", "Bearer token"
        HEADER = "header", "Custom header"
        SIGNATURE = "signature", "Standard Webhooks signature"

        @property
        def needs_secret(self) -> bool:
            return self != self.NONE

    name = models.SlugField(
        max_length=100, unique=True, help_text="Names the events: <name>.created, <name>.updated, <name>.deleted"
    )
    connection = models.ForeignKey(OdooConnection, on_delete=models.PROTECT, related_name="outbound_configurations")
    odoo_model = models.CharField("Odoo model", max_length=128, help_text="e.g. res.partner")
    domain = models.TextField(
        blank=True,
        default="[]",
        help_text="Trigger domain: only records within it are sent, e.g. [('customer_rank', '>', 0)]",
    )
    on_create = models.BooleanField("send created", default=True)
    on_update = models.BooleanField("send updated", default=True)
    on_delete = models.BooleanField(
        "send deleted", default=True, help_text="A record that left Odoo or the domain is sent as deleted"
    )
    target = models.CharField(max_length=10, choices=Target.choices, default=Target.URL)
    target_url = models.URLField("target URL", max_length=500, blank=True)
    method = models.CharField("HTTP method", max_length=6, choices=Method.choices, default=Method.POST)
    auth = models.CharField("authentication", max_length=10, choices=Auth.choices, default=Auth.SIGNATURE)
    auth_username = models.CharField("Basic user name", max_length=150, blank=True)
    auth_header = models.CharField(
        "custom header name", max_length=100, blank=True, help_text="For custom header authentication, e.g. X-Api-Key"
    )
    secret_encrypted = models.TextField(
        "secret",
        blank=True,
        editable=False,
        help_text="Basic password, bearer token, header value or signing secret, encrypted with HUB_ENCRYPTION_KEY",
    )
    receiver_token_encrypted = models.TextField(
        "receiver token",
        editable=False,
        help_text="In the receiver URL given to Odoo's automation rule; encrypted with HUB_ENCRYPTION_KEY",
    )
    connect_timeout = models.FloatField(default=5.0, validators=[MinValueValidator(0.1)], help_text="seconds")
    read_timeout = models.FloatField(default=15.0, validators=[MinValueValidator(0.1)], help_text="seconds")
    max_attempts = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1), MaxValueValidator(100)])
    max_age = models.PositiveIntegerField(
        "maximum age (s)",
        default=24 * 3600,
        validators=[MinValueValidator(1)],
        help_text="A delivery older than this is dead",
    )
    backoff_base = models.PositiveIntegerField(
        "first retry after (s)", default=10, validators=[MinValueValidator(1)], help_text="Doubles at each attempt"
    )
    backoff_max = models.PositiveIntegerField(
        "longest wait between retries (s)", default=3600, validators=[MinValueValidator(1)]
    )
    poll_interval = models.PositiveIntegerField(
        "poll every (s)", default=60, help_text="0: no polling (push notifications from Odoo only)"
    )
    batch_size = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Changed records read per poll",
    )
    deletion_check_size = models.PositiveIntegerField(
        default=100,
        validators=[MaxValueValidator(1000)],
        help_text="Known records checked for deletion per poll (in the same read)",
    )
    active = models.BooleanField(default=True, help_text="Uncheck to pause: changes are neither read nor sent")
    cursor_write_date = models.CharField(max_length=19, blank=True, editable=False)
    cursor_id = models.PositiveBigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutboundConfigurationQuerySet.as_manager()

    # What the admin form edits and an export carries, besides the connection (exported by name).
    TRANSFER_FIELDS = (
        "name",
        "odoo_model",
        "domain",
        "active",
        "on_create",
        "on_update",
        "on_delete",
        "target",
        "target_url",
        "method",
        "connect_timeout",
        "read_timeout",
        "auth",
        "auth_username",
        "auth_header",
        "max_attempts",
        "max_age",
        "backoff_base",
        "backoff_max",
        "poll_interval",
        "batch_size",
        "deletion_check_size",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "outbound configuration"
        constraints = [
            models.CheckConstraint(
                condition=~Q(target="url") | ~Q(target_url=""), name="%(app_label)s_%(class)s_url_target_needs_url"
            ),
            models.CheckConstraint(
                condition=~Q(auth="basic") | ~Q(auth_username=""), name="%(app_label)s_%(class)s_basic_needs_username"
            ),
            models.CheckConstraint(
                condition=~Q(auth="header") | ~Q(auth_header=""), name="%(app_label)s_%(class)s_header_needs_name"
            ),
            models.CheckConstraint(
                condition=Q(on_create=True) | Q(on_update=True) | Q(on_delete=True),
                name="%(app_label)s_%(class)s_some_event",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.receiver_token_encrypted:
            self.receiver_token_encrypted = crypto.encrypt(secrets.token_urlsafe(32))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Mirror the constraints; check the model name, the domain, the target URL and the header name."""
        from outbound.safety import url_problem

        errors: dict[str, str] = {}
        if self.odoo_model and not _ODOO_MODEL.match(self.odoo_model):
            errors["odoo_model"] = "An Odoo model name, e.g. res.partner or x_custom.thing."
        try:
            parse_domain(self.domain)
        except DomainError as exc:
            errors["domain"] = str(exc)
        if self.target == self.Target.URL and not self.target_url:
            errors["target_url"] = "A static URL target needs a URL."
        elif self.target_url:
            problem = url_problem(self.target_url)
            if problem:
                errors["target_url"] = problem
        if self.auth == self.Auth.BASIC and not self.auth_username:
            errors["auth_username"] = "Basic authentication needs a user name."
        if self.auth == self.Auth.HEADER and not self.auth_header:
            errors["auth_header"] = "Custom header authentication needs a header name."
        if self.auth_header and not _HEADER_NAME.match(self.auth_header):
            errors["auth_header"] = "A header name: letters, digits and '-'."
        if not (self.on_create or self.on_update or self.on_delete):
            errors["on_create"] = "Choose at least one event to send."
        if errors:
            raise ValidationError(errors)

    @property
    def parsed_domain(self) -> list:
        """The trigger domain as a validated list."""
        return parse_domain(self.domain)

    @property
    def secret(self) -> str:
        """The secret toward the target in clear (never shown, never logged)."""
        return crypto.decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value) if value else ""

    def sends(self, event: str) -> bool:
        """Whether this configuration sends ``event``."""
        return {Event.CREATED: self.on_create, Event.UPDATED: self.on_update, Event.DELETED: self.on_delete}[event]

    @property
    def receiver_path(self) -> str:
        """The path and query Odoo's "Send Webhook Notification" posts to (the token is the secret)."""
        return f"/api/outbound/{self.name}/receive?token={self.receiver_token}"

    @property
    def receiver_token(self) -> str:
        """The token Odoo's notifications carry, in clear."""
        return crypto.decrypt(self.receiver_token_encrypted) if self.receiver_token_encrypted else ""


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Delivery.State.PENDING)

    def dead(self):
        return self.filter(state=Delivery.State.DEAD)

    def due(self, now):
        """Pending rows whose next attempt time has come (their message may have been lost)."""
        return self.pending().filter(next_attempt_at__lte=now)


class Delivery(models.Model):
    """One change to send: the outbox row. Its payload is frozen when the change was seen; the
    Celery task carries only its id, so a lost message loses nothing (the sweep re-enqueues)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (permanent error)"
        DEAD = "dead", "Dead (retries exhausted)"
        SUPERSEDED = "superseded", "Superseded by a newer change"
        CANCELLED = "cancelled", "Cancelled"

        @property
        def is_final(self) -> bool:
            return self != self.PENDING

    configuration = models.ForeignKey(OutboundConfiguration, on_delete=models.CASCADE, related_name="deliveries")
    record_id = models.PositiveBigIntegerField("Odoo record id", db_index=True)
    event = models.CharField(max_length=10, choices=Event.choices)
    payload = models.JSONField(help_text="The body sent: {type, timestamp, data}")
    target_url = models.URLField("target URL", max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempt_started_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while an attempt is under way (a worker may have died in it)"
    )
    last_status = models.PositiveSmallIntegerField("last HTTP status", null=True, blank=True)
    last_error = models.TextField(blank=True)
    is_test = models.BooleanField(default=False, help_text="Sent by the admin's 'Send test delivery'")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "delivery"
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbound_delivery_due"),
            models.Index(fields=["configuration", "record_id", "state"], name="outbound_delivery_record"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending") | Q(finished_at__isnull=False),
                name="%(app_label)s_%(class)s_final_has_finish_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.payload.get('type', self.event)} record {self.record_id} ({self.state})"

    def clean(self) -> None:
        if self.state != self.State.PENDING and self.finished_at is None:
            raise ValidationError({"state": "A finished delivery needs its finish time."})

    @property
    def webhook_id(self) -> str:
        """The id receivers use to drop duplicates (``webhook-id`` and ``Idempotency-Key``)."""
        return f"dlv_{self.pk}"

    def expires_at(self):
        """When retries stop: created + the configuration's maximum age."""
        return self.created_at + timedelta(seconds=self.configuration.max_age)


class RecordState(models.Model):
    """What the hub last sent for one record of one configuration: the digest that suppresses
    unchanged payloads, and when the record was last checked for deletion."""

    configuration = models.ForeignKey(OutboundConfiguration, on_delete=models.CASCADE, related_name="record_states")
    record_id = models.PositiveBigIntegerField("Odoo record id")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the last payload data sent")
    write_date = models.CharField(max_length=19, blank=True)
    identifier = models.JSONField(null=True, blank=True, help_text="The record identifier line's last value")
    checked_at = models.DateTimeField(default=timezone.now, help_text="Last seen in Odoo within the domain")

    class Meta:
        ordering = ["configuration", "record_id"]
        verbose_name = "record state"
        constraints = [
            models.UniqueConstraint(
                fields=["configuration", "record_id"], name="%(app_label)s_%(class)s_unique_record"
            ),
        ]
        indexes = [models.Index(fields=["configuration", "checked_at"], name="outbound_state_checked")]

    def __str__(self) -> str:
        return f"{self.configuration_id}:{self.record_id}"


class PushNotice(models.Model):
    """A notification Odoo pushed for a record, to read back once due (Odoo sends before it commits).

    One row per record: the thirteen notices of one create become one read."""

    configuration = models.ForeignKey(OutboundConfiguration, on_delete=models.CASCADE, related_name="push_notices")
    record_id = models.PositiveBigIntegerField("Odoo record id")
    due_at = models.DateTimeField(help_text="When the record is read back")
    rechecks = models.PositiveSmallIntegerField(default=0, help_text="Reads that found nothing so far")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        verbose_name = "push notice"
        constraints = [
            models.UniqueConstraint(
                fields=["configuration", "record_id"], name="%(app_label)s_%(class)s_unique_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.configuration_id}:{self.record_id} due {self.due_at:%H:%M:%S}"


class RecordCallback(models.Model):
    """The URL a record was created with (``vals.callback_url`` on /api/create_data): where a
    configuration targeting "record callback URL" sends that record's changes."""

    connection = models.ForeignKey(OdooConnection, on_delete=models.CASCADE, related_name="record_callbacks")
    odoo_model = models.CharField("Odoo model", max_length=128)
    record_id = models.PositiveBigIntegerField("Odoo record id")
    url = models.URLField("callback URL", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "record callback URL"
        indexes = [models.Index(fields=["connection", "odoo_model", "record_id"], name="outbound_callback_record")]

    def __str__(self) -> str:
        return f"{self.odoo_model},{self.record_id} → {self.url}"

    def clean(self) -> None:
        from outbound.safety import url_problem

        problem = url_problem(self.url) if self.url else None
        if problem:
            raise ValidationError({"url": problem})
