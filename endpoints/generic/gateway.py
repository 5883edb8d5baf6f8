"""Rate limits and idempotency keys on the generic data routes (see endpoints.gateway).

The view calls :func:`admit` once the caller is authenticated (a call it let in from the settings and API
keys it holds was counted ahead: :func:`count_ahead`); :func:`replayed` answers a
repeated call with its stored answer and :func:`complete` completes every answer.

The routes' rate limits are set in the admin (GenericRouteSettings). The row is kept per process
like the endpoint configurations (endpoints.config): under the shared configuration version, which
every save or delete bumps, and for ``MAX_AGE`` seconds at most; so a call costs no query for it.
"""

import logging

from endpoints import config, gateway
from endpoints.generic.models import GenericRouteSettings
from endpoints.generic.protocol import RpcError
from hub import ratelimit, sharedcache
from hub.auth import keys, throttle
from idempotency import services as idempotency

logger = logging.getLogger(__name__)

_SETTINGS = sharedcache.Kept(config.VERSION_KEY, GenericRouteSettings.objects.current, config.MAX_AGE)


def shared_keys(request) -> tuple[str, ...]:
    """What letting a call in reads from the shared cache: the settings' and the API keys' versions,
    the caller's failed-authentication counter (hub.sharedcache.read_ahead reads them at once)."""
    return (config.VERSION_KEY, keys.VERSION_KEY, *throttle.keys(request, throttle.GENERIC))


def route_settings() -> GenericRouteSettings:
    """The generic routes' settings (the row, or blank ones: the settings' defaults), cached in process."""
    try:
        return _SETTINGS.get()
    except sharedcache.UNREACHABLE as exc:
        # as for endpoint configurations: without the shared version, read afresh rather than serve stale limits
        sharedcache.warn("the generic routes' settings are read from the database on every call", exc)
        return GenericRouteSettings.objects.current()


def held_settings() -> tuple[GenericRouteSettings, ratelimit.Condition] | None:
    """The settings this process holds and the condition that they are still current, for the rate-limit
    script that counts the call to check (hub.ratelimit); None when none are held or they are too old."""
    held = _SETTINGS.held()
    if held is None:
        return None
    settings, version = held
    return settings, ratelimit.Condition(config.VERSION_KEY, equals=version)


def count_ahead(request, conditions: tuple, settings: GenericRouteSettings, principal: str) -> bool:
    """Count the call against ``settings``' policies in one round trip with ``conditions``: True when counted
    (:func:`admit` then goes by that count), False when nothing was (endpoints.gateway.count_ahead)."""
    return gateway.count_ahead(
        request, conditions, target=ratelimit.GENERIC, policies=settings.policies(), principal=principal
    )


def admit(request, principal: str | None, settings: GenericRouteSettings) -> None:
    """Count the call against ``settings``' policies, unless it was counted ahead, and hold its Idempotency-Key.

    Refusals (429, 400, 409, 422) are RpcErrors, answered like any failed call; a repeat raises
    idempotency.Replay, which :func:`replayed` answers.
    """
    try:
        gateway.admit(
            request,
            target=ratelimit.GENERIC,
            policies=settings.policies(),
            principal=principal,
            idempotent=True,  # the data routes are all POST
        )
    except (ratelimit.RateLimited, idempotency.Refused) as exc:
        raise RpcError(exc.http_status, exc.message, headers=exc.headers) from None


def replayed(request, exc: Exception):
    """The stored answer when ``exc`` is a repeated call's Replay, else None (the error is answered as usual)."""
    if isinstance(exc, idempotency.Replay):
        return gateway.replayed(request, exc)
    return None


def complete(request, response) -> None:
    """Every answer of a data route: its RateLimit fields, and stored for its Idempotency-Key."""
    gateway.complete(request, response)
