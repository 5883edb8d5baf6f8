"""Endpoint configurations (endpoint + mapping lines -> EndpointMapping, and its bearer tokens) cached in process.

Building a configuration costs a query and the mapping engine's set-up; a request must cost at
most three queries in all, so configurations are kept per process. Any process may change a
configuration (an admin saves it on another machine), so a version number kept in Django's
cache (Redis in production) is bumped on every save or delete; a process that sees a version
other than the one its configurations were built under drops them all. A configuration is also
reloaded once it is ``MAX_AGE`` seconds old: the safety net for changes no signal saw (SQL by
hand) and for several processes run without a shared cache (local memory is per process).

A bearer endpoint's configuration holds its unrevoked tokens (prefix and digest), so a call is
authenticated without a query; issuing, saving, deleting or revoking a token bumps the version
like any other change (endpoints.signals), and expiry is checked at each call.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.db import transaction

from endpoints.models import Endpoint, EndpointToken
from hub import ratelimit, sharedcache
from hub.auth import secrets
from mappings.engine import EndpointMapping
from mappings.models import MappingLine

logger = logging.getLogger(__name__)

VERSION_KEY = "endpoints:config-version"
MAX_CACHED = 2000  # configurations and unknown slugs kept per process
MAX_AGE = 30.0  # seconds


@dataclass(frozen=True)
class EndpointConfig:
    """One endpoint as the pipeline uses it: the row, its parsed domain and its mapping (which holds its read
    specification)."""

    endpoint: Endpoint
    domain: list
    mapping: EndpointMapping
    tokens: tuple[EndpointToken, ...] = ()  # bearer endpoints: the tokens not revoked when it was built

    def token(self, given: str) -> EndpointToken | None:
        """The usable token of this endpoint that ``given`` is, or None (no query)."""
        found = secrets.match(self.tokens, given)
        return found if found is not None and found.is_usable else None


_lock = threading.Lock()
_state: dict = {"version": None, "configs": {}}


def current_version():
    """The shared configuration version (hub.sharedcache.version)."""
    return sharedcache.version(VERSION_KEY)


def bump_version() -> None:
    """Tell every process that a configuration changed."""
    sharedcache.bump(VERSION_KEY, "a configuration change could not be announced to other processes")


def invalidate() -> None:
    """Drop cached configurations here and everywhere: now, and again once the change is committed.

    The second bump matters: another process that reloaded between the first bump and the commit
    still read the old rows, and would keep them under the new version.
    """
    bump_version()
    transaction.on_commit(bump_version)


def build(endpoint: Endpoint, lines: list | None = None) -> EndpointConfig:
    """A configuration from an endpoint row (its connection selected) and its mapping lines."""
    if lines is None:
        lines = list(MappingLine.objects.filter(endpoint=endpoint))
    tokens = ()
    if endpoint.auth == Endpoint.Auth.BEARER:
        tokens = tuple(EndpointToken.objects.filter(endpoint=endpoint, revoked_at__isnull=True))
    return EndpointConfig(
        endpoint=endpoint, domain=endpoint.parsed_domain, mapping=EndpointMapping(lines), tokens=tokens
    )


def _fetch(slug: str) -> EndpointConfig | None:
    """The configuration at ``slug`` from the database: one query (the lines bring their endpoint), one more
    for a bearer endpoint's tokens."""
    lines = list(
        MappingLine.objects.filter(
            endpoint__slug=slug, endpoint__request_type=Endpoint.RequestType.INBOUND, endpoint__active=True
        ).select_related("endpoint__connection")
    )
    if lines:
        endpoint = lines[0].endpoint
        for line in lines:
            line.endpoint = endpoint  # one object for all lines, as the relation would give
        return build(endpoint, lines)
    endpoint = Endpoint.objects.inbound().active().select_related("connection").filter(slug=slug).first()
    return build(endpoint, []) if endpoint is not None else None


def load(slug: str) -> EndpointConfig | None:
    """The active inbound endpoint at ``slug``, or None (cached; unknown slugs are cached too)."""
    try:
        version = current_version()
    except sharedcache.UNREACHABLE as exc:
        # Without the shared version this process cannot know of changes made elsewhere: read
        # the configuration afresh (one query) rather than serve a stale one or fail the call.
        sharedcache.warn("endpoint configurations are read from the database on every call", exc)
        return _fetch(slug)
    with _lock:
        if _state["version"] != version:
            _state["version"] = version
            _state["configs"] = {}
        cached = _state["configs"].get(slug)
        if cached is not None and time.monotonic() - cached[1] < MAX_AGE:
            return cached[0]
    config = _fetch(slug)
    with _lock:
        if _state["version"] == version:
            configs = _state["configs"]
            if config is None and slug not in configs and len(configs) >= MAX_CACHED:
                return None  # a caller trying many unknown slugs must not grow the cache without end
            configs[slug] = (config, time.monotonic())
    return config


def held(slug: str) -> tuple[EndpointConfig, ratelimit.Condition] | None:
    """The configuration this process holds for ``slug`` and the condition that it is still current (its
    version), for the rate-limit script that counts the call to check (hub.ratelimit), without asking the shared
    cache first; None when none is held, it is too old, or the slug is an unknown one."""
    with _lock:
        version, cached = _state["version"], _state["configs"].get(slug)
    if cached is None or cached[0] is None or type(version) is not int or time.monotonic() - cached[1] >= MAX_AGE:
        return None
    return cached[0], ratelimit.Condition(VERSION_KEY, equals=version)


def clear_local() -> None:
    """Forget this process's configurations (tests; the version check does it in production)."""
    with _lock:
        _state["version"] = None
        _state["configs"] = {}
