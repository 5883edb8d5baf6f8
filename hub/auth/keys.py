"""The usable API keys, cached per process: a call authenticated by a key costs no query.

The same scheme as the endpoint configurations (endpoints.config): a version number in the shared
cache is bumped whenever a key or an Odoo connection (which keys carry) is saved, deleted or
revoked; a process that sees another version reloads the keys; they are also reloaded once
``MAX_AGE`` seconds old (changes no signal saw, processes without a shared cache). Expiry is
checked at each call.
"""


from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hub import ratelimit, sharedcache
from hub.auth import secrets
from hub.auth.models import ApiKey

VERSION_KEY = "hub:api-keys-version"
MAX_AGE = 30.0  # seconds

_KEYS = sharedcache.Kept(
    VERSION_KEY, lambda: tuple(ApiKey.objects.filter(revoked_at__isnull=True).select_related("connection")), MAX_AGE
)


def find(token: str) -> ApiKey | None:
    """The usable key ``token`` belongs to, or None (no query while the cache holds the keys)."""
    try:
        keys = _KEYS.get()
    except sharedcache.UNREACHABLE as exc:
        # Without the shared version this process cannot know of changes made elsewhere.
        sharedcache.warn("API keys are read from the database on every call", exc)
        return ApiKey.find(token)
    return _usable(keys, token)


def held(token: str) -> tuple[ApiKey, ratelimit.Condition] | None:
    """The usable key ``token`` belongs to among the keys this process holds, and the condition that they are
    still current, for the rate-limit script that counts the call to check (hub.ratelimit); None when no keys
    are held or none matches (``find`` then decides, from keys known to be current)."""
    held = _KEYS.held()
    if held is None:
        return None
    keys, version = held
    found = _usable(keys, token)
    return None if found is None else (found, ratelimit.Condition(VERSION_KEY, equals=version))


def _usable(keys: tuple[ApiKey, ...], token: str) -> ApiKey | None:
    found = secrets.match(keys, token)
    return found if found is not None and found.is_usable else None


def bump_version() -> None:
    """Tell every process that the keys changed."""
    sharedcache.bump(VERSION_KEY, "an API key change could not be announced to other processes")


@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
@receiver(secrets.revoked_in_bulk, sender=ApiKey)
def keys_changed(sender, **kwargs) -> None:
    """Drop cached keys here and everywhere: now, and again once the change is committed.

    Also connected to the Odoo connection's saves and deletes (hub.apps: this module is imported
    by the log API, which must not import the Odoo client).
    """
    bump_version()
    transaction.on_commit(bump_version)


def clear_local() -> None:
    """Forget this process's keys (tests; the version check does it in production)."""
    _KEYS.clear()
