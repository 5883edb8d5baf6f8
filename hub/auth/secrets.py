"""The one base of every secret the hub issues to callers (API keys, endpoint tokens, Odoo session cookies).

A token looks like ``<kind>_<random>``; the prefix (first 8 characters of the random part) is
stored in clear to find the row with one indexed query, the whole token only as a SHA-256 digest.
The random part has 256 bits, so a fast hash is safe here (no password stretching needed), and
comparison is in constant time.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Self

from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from hub import deferred

PREFIX_LENGTH = 8
# Sent (sender: the model) when rows are revoked in bulk: an UPDATE sends no post_save, and
# caches of usable secrets must hear of it.
revoked_in_bulk = Signal()


def new_token(kind: str = "hub") -> str:
    """A fresh random token, e.g. ``hub_3fQ9c1Zk…``."""
    return f"{kind}_{secrets.token_urlsafe(32)}"


def lookup_prefix(token: str) -> str:
    """The part of a token stored in clear to find its row."""
    return token.rpartition("_")[2][:PREFIX_LENGTH]


def digest(token: str) -> str:
    """What is stored instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def matches(token: str, stored_digest: str) -> bool:
    """Whether ``token`` is the one whose digest was stored (constant time)."""
    return hmac.compare_digest(digest(token), stored_digest)


def match(candidates: Iterable, token: str):
    """The candidate (any object with ``prefix`` and ``digest``) that ``token`` is, or None."""
    prefix = lookup_prefix(token)
    token_digest = digest(token)
    found = None
    for candidate in candidates:
        # every candidate of the prefix is compared, so the time taken does not tell which one matched
        if candidate.prefix == prefix and hmac.compare_digest(token_digest, candidate.digest):
            found = candidate
    return found


class IssuedSecret(models.Model):
    """A secret the hub issues (key, token, session cookie): shown once, stored as a digest."""

    # The token's leading word, e.g. "hubk" for "hubk_3fQ9c1Zk…": says what a leaked token is.
    TOKEN_KIND = "hub"  # noqa: S105 - a label, not a secret

    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def issue(self) -> str:
        """Give this row a new secret and return it; the caller shows it once."""
        token = new_token(self.TOKEN_KIND)
        self.prefix = lookup_prefix(token)
        self.digest = digest(token)
        return token

    @classmethod
    def find_among(cls, candidates: models.QuerySet, token: str) -> Self | None:
        """The row of ``candidates`` that ``token`` is, or None (one indexed query)."""
        if "\x00" in token:  # never in an issued token, and PostgreSQL cannot even compare it (DataError)
            return None
        return match(candidates.filter(prefix=lookup_prefix(token)), token)


class RevocableSecretQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def revoke(self) -> int:
        """Revoke the rows not revoked yet; how many were."""
        count = self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        revoked_in_bulk.send(sender=self.model)
        return count


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

    def touch(self, request=None) -> None:
        """Record a use, at most once per ``LAST_USED_RESOLUTION``; after the answer when ``request`` is given.

        A cached object (endpoint configurations, API keys) remembers its last write itself, so
        a busy caller costs one UPDATE a minute per process, never one per call.
        """
        now = timezone.now()
        last = self.last_used_at
        if self.LAST_USED_RESOLUTION and last is not None and now - last < self.LAST_USED_RESOLUTION:
            return
        self.last_used_at = now
        rows = type(self).objects.filter(pk=self.pk)
        if request is None:
            rows.update(last_used_at=now)
        else:
            deferred.defer(request, lambda: rows.update(last_used_at=now))
