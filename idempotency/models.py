"""The stored answer of a call made with an Idempotency-Key, and the lock of a call still running."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

KEY_MAX_LENGTH = 255
SCOPE_MAX_LENGTH = 300


class StoredAnswerQuerySet(models.QuerySet):
    def expired(self, now):
        return self.filter(expires_at__lte=now)


class StoredAnswer(models.Model):
    """One Idempotency-Key of one credential: the call it was first used for and, once done, its answer.

    The row is inserted before the call runs: the unique (scope, key) makes it the lock that
    other requests, in any process, find (409 while ``status`` is empty).
    """

    scope = models.CharField(max_length=SCOPE_MAX_LENGTH, help_text="Route family and credential owning the key")
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, route, credential and body digest")
    token = models.CharField(max_length=32, help_text="Which request holds the row: only it stores or releases")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while the first call runs")
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField()
    locked_until = models.DateTimeField(help_text="A call still running after this is taken as dead")
    expires_at = models.DateTimeField(db_index=True)

    objects = StoredAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "idempotent answer"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="%(app_label)s_%(class)s_unique_key"),
            models.CheckConstraint(
                condition=Q(status__isnull=True) | Q(status__gte=100, status__lte=599),
                name="%(app_label)s_%(class)s_status_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.method} {self.path})"

    def clean(self) -> None:
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValidationError({"status": "An HTTP status is between 100 and 599."})

    @property
    def is_running(self) -> bool:
        return self.status is None
