"""Rate limits and idempotency keys on the generic data routes (see endpoints.gateway).

The view calls :func:`admit` once the caller is authenticated; :func:`replayed` answers a
repeated call with its stored answer and :func:`complete` completes every answer.
"""

import logging

from endpoints import gateway
from endpoints.generic.protocol import RpcError
from hub import ratelimit
from idempotency import services as idempotency

logger = logging.getLogger(__name__)


def admit(request, principal: str | None) -> None:
    """Count the call against the generic routes' policies and hold its Idempotency-Key.

    Refusals (429, 400, 409, 422) are RpcErrors, answered like any failed call; a repeat raises
    idempotency.Replay, which :func:`replayed` answers.
    """
    try:
        gateway.admit(
            request,
            target=ratelimit.GENERIC,
            policies=ratelimit.generic_policies(),
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
