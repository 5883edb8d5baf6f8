"""The request log: one append-only row per call to the hub's API routes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

REQUEST_ID_MAX_LENGTH = 128


class RouteKind(models.TextChoices):
    """Which family of routes a request went to (drives filters and replay)."""

    REST = "rest", "REST endpoint"
    GENERIC = "generic", "Generic data route"
    SESSION = "session", "Session"
    LOGS = "logs", "Log API"
    DOCS = "docs", "API documentation"
    OUTBOUND = "outbound", "Outbound delivery"
    OTHER = "other", "Other"

    @classmethod
    def for_path(cls, path: str) -> "RouteKind":
        """The kind a path belongs to when the view did not say."""
        if path.startswith("/bj_api_sync/"):
            return cls.REST
        if path.startswith("/web/session/"):
            return cls.SESSION
        if path.startswith("/api/logs/"):
            return cls.LOGS
        if path.startswith(("/api/schema/", "/api/docs/", "/api/redoc/")):
            return cls.DOCS
        if path.startswith("/api/"):
            return cls.GENERIC
        return cls.OTHER


class Outcome(models.TextChoices):
    """Whether the call did what the caller asked (the generic routes may answer 200 and fail)."""

    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"

    @classmethod
    def for_status(cls, status: int) -> "Outcome":
        """The outcome an HTTP status implies when the view did not say."""
        return cls.SUCCESS if status < 400 else cls.FAILURE


class StatusClass(models.TextChoices):
    """HTTP status families offered as filters (admin and API)."""

    SUCCESS = "2xx", "2xx"
    REDIRECT = "3xx", "3xx"
    CLIENT_ERROR = "4xx", "4xx"
    SERVER_ERROR = "5xx", "5xx"

    @property
    def status_range(self) -> tuple[int, int]:
        """Lowest and highest status of the family, both included."""
        first = int(self.value[0]) * 100
        return first, first + 99


class RequestLogQuerySet(models.QuerySet):
    """Queries that read like support questions: ``RequestLog.objects.failed().status_class("5xx")``."""

    def failed(self):
        return self.filter(outcome=Outcome.FAILURE)

    def succeeded(self):
        return self.filter(outcome=Outcome.SUCCESS)

    def status_class(self, status_class: str):
        low, high = StatusClass(status_class).status_range
        return self.filter(status__gte=low, status__lte=high)

    def older_than(self, moment):
        return self.filter(created_at__lt=moment)


class RequestLog(models.Model):
    """One call to the hub: who sent what, what the hub answered, how long it took, what failed.

    Secrets are masked and bodies cut before a row is built (logs.redaction); the endpoint is a
    nullable link plus a copy of its slug so the row outlives the endpoint.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    request_id = models.CharField(max_length=REQUEST_ID_MAX_LENGTH, unique=True)
    endpoint = models.ForeignKey(
        "endpoints.Endpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="request_logs"
    )
    endpoint_slug = models.CharField("endpoint identifier", max_length=100, blank=True)
    route_kind = models.CharField(max_length=10, choices=RouteKind.choices, default=RouteKind.OTHER)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    query_string = models.TextField(blank=True)
    client_ip = models.GenericIPAddressField("client address", null=True, blank=True)
    principal = models.CharField(max_length=200, blank=True, help_text="Token name, Basic login or Odoo user")
    status = models.PositiveSmallIntegerField("HTTP status")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    duration_ms = models.PositiveIntegerField("duration (ms)", default=0)
    rpc_count = models.PositiveIntegerField("RPC calls", default=0)
    rpc_ms = models.PositiveIntegerField("RPC time (ms)", default=0)
    request_headers = models.JSONField(default=dict, blank=True)
    request_body = models.TextField(blank=True)
    request_body_size = models.PositiveIntegerField(default=0, help_text="bytes received")
    request_body_truncated = models.BooleanField(default=False)
    request_masked = models.BooleanField(default=False, help_text="A secret was masked in the body or the query string")
    response_body = models.TextField(blank=True)
    response_body_size = models.PositiveIntegerField(default=0, help_text="bytes sent")
    response_body_truncated = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    error_class = models.CharField("exception class", max_length=200, blank=True)
    line_id = models.PositiveIntegerField("mapping line", null=True, blank=True)
    delivery = models.ForeignKey(
        "outbound.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="attempt_logs"
    )
    replay_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays")

    objects = RequestLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "request log"
        permissions = [("replay_requestlog", "Can replay a logged request")]
        indexes = [
            # Each filter of the admin and the API sorts by time, so every index ends with it.
            models.Index(fields=["status", "created_at"], name="logs_status_created"),
            models.Index(fields=["endpoint", "created_at"], name="logs_endpoint_created"),
            models.Index(fields=["endpoint_slug", "created_at"], name="logs_slug_created"),
            models.Index(fields=["method", "created_at"], name="logs_method_created"),
            models.Index(fields=["route_kind", "created_at"], name="logs_kind_created"),
            models.Index(fields=["outcome", "created_at"], name="logs_outcome_created"),
            models.Index(fields=["principal", "created_at"], name="logs_principal_created"),
            models.Index(fields=["client_ip", "created_at"], name="logs_client_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__gte=100, status__lte=599), name="%(app_label)s_%(class)s_status_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status} ({self.request_id})"

    def clean(self) -> None:
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValidationError({"status": "An HTTP status lies between 100 and 599."})

    @property
    def status_class(self) -> str:
        return f"{self.status // 100}xx"

    @property
    def replayable(self) -> bool:
        """Whether the stored request is the one that was sent (nothing cut, nothing masked)."""
        return not (self.request_body_truncated or self.request_masked)
