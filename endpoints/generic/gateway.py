"""Rate limits and idempotency keys on the generic data routes (see endpoints.gateway).

The view calls :func:`admit` once the caller is authenticated; :func:`guarded` wraps the view,
answers a repeated call with its stored answer and completes every answer.
"""

import functools
import logging

from endpoints import gateway
from endpoints.generic.protocol import RpcError
from hub import ratelimit
from idempotency import services as idempotency
from logs.recording import annotate

logger = logging.getLogger(__name__)


def admit(request, principal: str | None) -> None:
    """Count the call against the generic routes' policies and hold its Idempotency-Key.

    Refusals (429, 400, 409, 422) are RpcErrors, answered like any failed call; a repeat raises
    idempotency.Replay, which :func:`guarded` answers.
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
        raise RpcError(exc.http_status, exc.message, headers=exc.headers, principal=principal) from None


def guarded(view):
    """A data route's view with replays answered and every answer completed (RateLimit fields, stored answer)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except idempotency.Replay as replay:
            annotate(request, route_kind="generic")
            response = gateway.replayed(request, replay)
        gateway.complete(request, response)
        return response

    return wrapper
