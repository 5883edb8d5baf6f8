"""The one throttle of failed authentication: bounds online guessing of passwords, tokens, keys and logins.

After HUB_AUTH_FAILURES_PER_WINDOW failed attempts from one client address on one target (an
endpoint, the generic routes, the session login, the log API) within
HUB_AUTH_FAILURE_WINDOW_SECONDS, further attempts on that target are refused with 429 and
Retry-After until the window ends, without their credentials being checked.

Counters live in Django's cache (local memory, or Redis shared by every hub process), never in
the database: a refusal costs no query. The first failure opens the window; later failures only
count (the window does not slide). A success resets nothing, so a caller holding one valid
secret cannot clear the counter it would otherwise use up guessing others.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled

from hub import ratelimit, sharedcache
from hub.client_address import client_ip

logger = logging.getLogger(__name__)

KEY_PREFIX = "hub:auth-failures"
# Targets: each is counted on its own, so guessing on one does not lock out another.
GENERIC = "generic"
SESSION = "session"
LOGS = "logs"


def endpoint_target(slug: str) -> str:
    """The target of one REST endpoint."""
    return f"endpoint:{slug}"


def message(seconds: int) -> str:
    """The text of a refusal, the same on every route."""
    return f"Too many failed authentication attempts from this address; try again in {seconds} seconds."


class TooManyFailures(Throttled):
    """429 with Retry-After: this caller failed too often on this target; its credentials are not looked at."""

    def __init__(self, wait: int):
        super().__init__(detail=message(wait))  # wait= would make DRF reword the message
        self.wait = wait


def guard(request, target: str) -> None:
    """Refuse (TooManyFailures) a caller past the limit on ``target``, before its credentials are checked."""
    wait = retry_after(request, target)
    if wait:
        raise TooManyFailures(wait)


def keys(request, target: str) -> tuple[str, str]:
    """The cache keys of this caller's failures on ``target`` (a call reads them ahead: hub.sharedcache)."""
    key = f"{KEY_PREFIX}:{target}:{client_ip(request) or 'unknown'}"
    return key, f"{key}:ends"


def condition(request, target: str) -> ratelimit.Condition:
    """What this caller's failure counter on ``target`` must stay below for a call to be let in without
    reading it first: checked in the rate-limit script that counts the call (hub.ratelimit)."""
    return ratelimit.Condition(keys(request, target)[0], below=settings.HUB_AUTH_FAILURES_PER_WINDOW)


def retry_after(request, target: str) -> int:
    """Seconds before this caller may try credentials on ``target`` again; 0 when it may try now."""
    key, ends_key = keys(request, target)
    try:
        values = sharedcache.get_many([key, ends_key])
    except sharedcache.UNREACHABLE as exc:
        sharedcache.warn("failed authentications are not throttled", exc)
        return 0
    ends = values.get(ends_key)
    if ends is None or values.get(key, 0) < settings.HUB_AUTH_FAILURES_PER_WINDOW:
        return 0
    # The window's end decides, not the cache's own expiry (which may lag behind it).
    return max(0, math.ceil(ends - time.time()))


def record_failure(request, target: str) -> None:
    """Count one failed attempt of this caller on ``target``."""
    window = settings.HUB_AUTH_FAILURE_WINDOW_SECONDS
    key, ends_key = keys(request, target)
    try:
        count = _increment(key, ends_key, window)
    except sharedcache.UNREACHABLE as exc:
        sharedcache.warn("failed authentications are not throttled", exc)
        return
    if count == settings.HUB_AUTH_FAILURES_PER_WINDOW:
        logger.warning(
            "%s failed authentication attempts from %s on %s: further attempts are refused for up to %s seconds",
            count,
            client_ip(request) or "an unknown address",
            target,
            window,
        )


def _increment(key: str, ends_key: str, window: int) -> int:
    ends = cache.get(ends_key)
    if ends is not None and ends <= time.time():
        cache.delete_many([key, ends_key])  # the window is over even if the cache still holds it
    # add() then incr(): both atomic in local memory and in Redis, so concurrent failures from
    # several processes are all counted, and only the first one opens (and times) the window.
    for _attempt in range(2):
        if cache.add(key, 1, timeout=window):
            cache.set(ends_key, time.time() + window, timeout=window)
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            continue  # the window closed between add() and incr(): open a new one
    return 1
