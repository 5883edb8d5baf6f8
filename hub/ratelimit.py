"""Rate limits of the API routes: N requests per window, per client address and per credential.

A policy is one limit (a quota over a window of seconds) on one scope: the caller's address, or
the credential it authenticated with (token, Basic user, API key, Odoo session). A route's
policies come from its endpoint configuration or, for the generic routes, their settings row
(both cached in process), and from settings where those leave them blank; never from a database
query per call. All the policies of a request are counted in one round trip to the cache:

- Redis (``REDIS_URL``): one Lua script reads every counter, and only when none is exhausted
  increments them all (a window opens with the first call it counts and lasts its length), so
  every hub process on every machine counts together and a refused call uses up nothing;
- local memory (no ``REDIS_URL``): the same, under a lock, per process.

When Redis cannot be reached the call goes through unchecked (fail open): counted in
:func:`unchecked_count` and warned about at most once a minute (hub.sharedcache.warn), never a 500.

The same script can first check :class:`Condition`s on other keys of the shared cache (a
configuration's version, a failed-authentication counter) and count nothing when one does not
hold: a call that the process could let in from what it already holds costs one round trip in all.

Answers carry the fields of draft-ietf-httpapi-ratelimit-headers (revision 11):
``RateLimit-Policy: "address-1min";q=100;w=60`` and ``RateLimit: "address-1min";r=99;t=60``.
"""

import hashlib
import logging
import math
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured, ValidationError
from redis.exceptions import NoScriptError

from hub import sharedcache
from hub.client_address import client_ip
from hub.rediscache import RedisCache

logger = logging.getLogger(__name__)

ADDRESS = "address"
CREDENTIAL = "credential"
KEY_PREFIX = "hub:ratelimit"
GENERIC = "generic"  # the target of the generic routes, counted together
MAX_LIMITS = 5  # per scope: more is a configuration mistake, and each costs a counter
MAX_WINDOW = 7 * 86400

_UNITS = {
    "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}  # fmt: skip
_LIMIT = re.compile(r"^(\d+)\s*/\s*(\d*)\s*([a-z]+)$")


def endpoint_target(slug: str) -> str:
    """The counters' target for one REST endpoint."""
    return f"endpoint:{slug}"


@dataclass(frozen=True)
class Policy:
    """One limit on one scope: at most ``quota`` requests per ``window`` seconds."""

    scope: str
    quota: int
    window: int

    @property
    def name(self) -> str:
        """The policy's identifier in the RateLimit headers, e.g. ``address-1min``."""
        for unit, seconds in (("d", 86400), ("h", 3600), ("min", 60)):
            if self.window % seconds == 0:
                return f"{self.scope}-{self.window // seconds}{unit}"
        return f"{self.scope}-{self.window}s"

    @property
    def window_text(self) -> str:
        """The window in words: ``minute``, ``hour``, ``5 minutes``."""
        for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if self.window % seconds == 0:
                n = self.window // seconds
                return unit if n == 1 else f"{n} {unit}s"
        return "second" if self.window == 1 else f"{self.window} seconds"

    @property
    def text(self) -> str:
        """The policy in words: ``100 requests per minute per client address``."""
        return f"{self.quota} requests per {self.window_text} per {_SCOPE_TEXT[self.scope]}"


_SCOPE_TEXT = {ADDRESS: "client address", CREDENTIAL: "credential"}


@lru_cache(maxsize=256)
def parse_limits(text: str, scope: str = ADDRESS) -> tuple[Policy, ...]:
    """``"100/min, 1000/h"`` → policies; ``"0"``, ``"0/…"`` or nothing: no limit. ValueError on bad text."""
    policies = []
    for part in (item.strip().lower() for item in text.split(",")):
        if part in ("", "0"):
            continue
        match = _LIMIT.match(part)
        if match is None or match.group(3) not in _UNITS:
            raise ValueError(
                f"{part!r} is not a limit; write requests/window like 100/min, 1000/h, 10/5s or 0 for none"
            )
        quota, window = int(match.group(1)), int(match.group(2) or 1) * _UNITS[match.group(3)]
        if not 1 <= window <= MAX_WINDOW:
            raise ValueError(f"{part!r}: a window lasts from 1 second to 7 days")
        if quota:
            policies.append(Policy(scope, quota, window))
    if len({p.window for p in policies}) != len(policies):
        raise ValueError("Two limits with the same window: keep one")
    if len(policies) > MAX_LIMITS:
        raise ValueError(f"At most {MAX_LIMITS} limits")
    return tuple(sorted(policies, key=lambda p: p.window))


LIMIT_FIELDS = ("rate_limit_per_address", "rate_limit_per_credential")


def check_limit_fields(instance) -> None:
    """ValidationError naming the first rate-limit field of a model instance that does not read as limits."""
    for name in LIMIT_FIELDS:
        try:
            parse_limits(getattr(instance, name))
        except ValueError as exc:
            raise ValidationError({name: str(exc)}) from None


def _configured(per_address: str, per_credential: str, default_address: str, default_credential: str):
    # A blank field takes the default; "0" is a value (no limit), not a blank.
    return parse_limits(per_address.strip() or default_address, ADDRESS) + parse_limits(
        per_credential.strip() or default_credential, CREDENTIAL
    )


def endpoint_policies(endpoint) -> tuple[Policy, ...]:
    """The policies of a REST endpoint: its own limits, or the settings' defaults where it leaves them blank."""
    return _configured(
        endpoint.rate_limit_per_address,
        endpoint.rate_limit_per_credential,
        settings.HUB_RATE_LIMIT_PER_ADDRESS,
        settings.HUB_RATE_LIMIT_PER_CREDENTIAL,
    )


def generic_policies(per_address: str = "", per_credential: str = "") -> tuple[Policy, ...]:
    """The policies of the generic data routes (one set for the five): the limits set in the admin, or
    the settings' defaults where they are blank."""
    return _configured(
        per_address,
        per_credential,
        settings.HUB_GENERIC_RATE_LIMIT_PER_ADDRESS,
        settings.HUB_GENERIC_RATE_LIMIT_PER_CREDENTIAL,
    )


def env_limits(name: str, default: str) -> str:
    """A limits setting from the environment (settings.py), ImproperlyConfigured when malformed."""
    value = os.environ.get(name, "").strip() or default
    try:
        parse_limits(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None
    return value


@dataclass(frozen=True)
class Counted:
    """Where one policy stands after this request: calls left and seconds until its window ends."""

    policy: Policy
    remaining: int
    reset: int


@dataclass(frozen=True)
class Decision:
    """The outcome of counting a request: its policies' state, and whether it is refused."""

    policies: tuple[Policy, ...]
    counted: tuple[Counted, ...] = ()
    retry_after: int = 0  # > 0: refused, for this many seconds
    unchecked: bool = False  # the counters could not be reached: served without counting

    @property
    def refused(self) -> bool:
        return self.retry_after > 0

    def headers(self) -> dict[str, str]:
        """The RateLimit-Policy and RateLimit fields (and Retry-After on a refusal)."""
        if not self.policies:
            return {}
        headers = {"RateLimit-Policy": ", ".join(f'"{p.name}";q={p.quota};w={p.window}' for p in self.policies)}
        if self.counted:
            headers["RateLimit"] = ", ".join(f'"{c.policy.name}";r={c.remaining};t={c.reset}' for c in self.counted)
        if self.refused:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def message(self) -> str:
        """The text of a refusal, naming the exhausted limits."""
        exhausted = [c.policy for c in self.counted if c.remaining == 0]
        limits = ", ".join(p.text for p in exhausted)
        return f"Rate limit exceeded ({limits}); try again in {self.retry_after} seconds."


class RateLimited(Exception):
    """A call over its limits: answered 429 with Retry-After and the RateLimit fields."""

    http_status = 429

    def __init__(self, decision: Decision):
        self.decision = decision
        self.message = decision.message()
        self.headers = decision.headers()
        super().__init__(self.message)


@dataclass(frozen=True)
class Condition:
    """What a key of Django's default cache must hold for :func:`count` to count: the integer ``equals``
    (a version), or an integer (absent: 0) ``below`` a bound (a counter)."""

    key: str
    equals: int | None = None
    below: int | None = None

    def arguments(self) -> tuple:
        return ("=", self.equals) if self.below is None else ("<", self.below)


def count(
    request, target: str, policies: tuple[Policy, ...], principal: str | None, conditions: tuple[Condition, ...] = ()
) -> Decision | None:
    """Count this request against ``policies`` of ``target`` (one cache round trip); a refusal counts nothing.

    Credential policies apply only when the caller authenticated (``principal`` not None). With
    ``conditions``, None (nothing counted, nothing warned) when one does not hold, or when they cannot
    be checked in the same round trip (the counters outside the default cache, or not in Redis, or
    Redis unreachable): the caller then takes its ordinary path.
    """
    address = client_ip(request) or "unknown"
    applied = tuple(p for p in policies if p.scope == ADDRESS or principal)
    if not applied and not conditions:
        return Decision(policies=())
    keys = [_key(target, p, address if p.scope == ADDRESS else principal) for p in applied]
    try:
        outcome = _count(keys, applied, conditions)
    except _UNREACHABLE as exc:
        if conditions:
            return None
        _note_unchecked(exc)
        return Decision(policies=applied, unchecked=True)
    if outcome is None:
        return None
    refused, used, ttls = outcome
    counted = tuple(
        Counted(p, max(0, p.quota - n), math.ceil(ms / 1000) if ms > 0 else p.window)
        for p, n, ms in zip(applied, used, ttls, strict=True)
    )
    if not refused:
        return Decision(policies=applied, counted=counted)
    # Refused until every exhausted window has ended.
    wait = max(c.reset for c, n in zip(counted, used, strict=True) if n >= c.policy.quota)
    return Decision(policies=applied, counted=counted, retry_after=max(1, wait))


def _key(target: str, policy: Policy, who: str) -> str:
    # Digests keep user names and addresses out of the cache's key space and bound the key length.
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    return f"{KEY_PREFIX}:{target}:{policy.scope}:{policy.window}:{digest}"


# The first ARGV[1] keys are conditions ('=' or '<' and a value each, in ARGV): when one does not hold,
# answers {-1} and touches nothing. The other keys are counters (a quota and a window each, in ARGV
# after the conditions'): reads every counter; when none is at its quota increments them all (opening
# a window on its first count), else leaves them. Answers the refusal flag, then (count, milliseconds
# left) per counter.
_SCRIPT = """
local conditions = tonumber(ARGV[1])
for i = 1, conditions do
  local value, kind, wanted = redis.call('GET', KEYS[i]), ARGV[2 * i], ARGV[2 * i + 1]
  if kind == '=' then
    if value ~= wanted then return {-1} end
  else
    local n = tonumber(value or '0')
    if n == nil or n >= tonumber(wanted) then return {-1} end
  end
end
local base = 2 * conditions + 1
local refused = 0
for i = 1, #KEYS - conditions do
  if tonumber(redis.call('GET', KEYS[conditions + i]) or '0') >= tonumber(ARGV[base + 2 * i - 1]) then
    refused = 1
  end
end
local out = {refused}
for i = 1, #KEYS - conditions do
  local key, used = KEYS[conditions + i]
  if refused == 0 then
    used = redis.call('INCR', key)
  else
    used = tonumber(redis.call('GET', key) or '0')
  end
  local ttl = redis.call('PTTL', key)
  if refused == 0 and ttl < 0 then
    ttl = tonumber(ARGV[base + 2 * i]) * 1000
    redis.call('PEXPIRE', key, ttl)
  end
  out[#out + 1] = used
  out[#out + 1] = ttl
end
return out
"""

_UNREACHABLE = sharedcache.UNREACHABLE

_SCRIPT_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()  # noqa: S324 - the name Redis keeps a script under

_local_lock = threading.Lock()
_unchecked = {"count": 0}  # calls served without counting them (the counters' cache unreachable)
_unchecked_lock = threading.Lock()


def _cache():
    return caches[settings.HUB_RATE_LIMIT_CACHE]


def checks_conditions() -> bool:
    """Whether :func:`count` can check conditions in the round trip that counts: the counters are in Redis, in
    the default cache (where the conditions' keys are)."""
    backend = _cache()
    return isinstance(backend, RedisCache) and backend is caches["default"]


def _count(
    keys: list[str], policies: tuple[Policy, ...], conditions: tuple[Condition, ...] = ()
) -> tuple[bool, list[int], list[int]] | None:
    """Whether refused, the counts after this request and the milliseconds left of each window (one round
    trip); None when ``conditions`` do not hold or cannot be checked with the counters."""
    if conditions and not checks_conditions():
        return None
    backend = _cache()
    if isinstance(backend, RedisCache):
        # make_key: the cache's KEY_PREFIX and version apply, as to every other key of the hub
        arguments = (
            len(conditions) + len(keys),
            *(backend.make_key(c.key) for c in conditions),
            *(backend.make_key(key) for key in keys),
            len(conditions),
            *(v for c in conditions for v in c.arguments()),
            *(v for p in policies for v in (p.quota, p.window)),
        )
        try:
            out = backend._cache.command("EVALSHA", _SCRIPT_SHA, *arguments, write=True)
        except NoScriptError:  # a server that has not seen the script yet (new, restarted, flushed)
            out = backend._cache.command("EVAL", _SCRIPT, *arguments, write=True)
        if out[0] == -1:
            return None
        return bool(out[0]), [int(v) for v in out[1::2]], [int(v) for v in out[2::2]]
    return _count_locally(backend, keys, policies)


def _count_locally(backend, keys: list[str], policies: tuple[Policy, ...]) -> tuple[bool, list[int], list[int]]:
    now = time.time()
    with _local_lock:  # local memory is per process: a lock makes read-check-write atomic here
        stored = backend.get_many(keys)
        windows = {k: v for k, v in stored.items() if v[1] > now}  # (count, ends); the end decides
        refused = any(windows.get(k, (0, 0))[0] >= p.quota for k, p in zip(keys, policies, strict=True))
        used, ttls = [], []
        for key, policy in zip(keys, policies, strict=True):
            n, ends = windows.get(key, (0, now + policy.window))
            if not refused:
                n += 1
                backend.set(key, (n, ends), timeout=max(1, math.ceil(ends - now)))
            used.append(n)
            ttls.append(round((ends - now) * 1000))
    return refused, used, ttls


def _note_unchecked(exc: BaseException) -> None:
    with _unchecked_lock:
        _unchecked["count"] += 1
        served = _unchecked["count"]
    sharedcache.warn("rate limits are not enforced", exc, f"{served} calls served unchecked by this process so far")


def unchecked_count() -> int:
    """Calls this process served without counting them because the counters were unreachable."""
    return _unchecked["count"]
