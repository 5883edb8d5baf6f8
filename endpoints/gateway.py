"""What the hub does in front of every API call, before and after the view's own work: rate
limits (hub.ratelimit) and idempotency keys (idempotency.services).

A view calls :func:`admit` once it knows the caller (after authentication), and :func:`complete`
on every answer it gives after that: the REST views (endpoints.views) and the generic routes
(endpoints.generic.gateway). A REST view may have counted the call already, with the checks that
let it in (:func:`count_ahead`); :func:`admit` then goes by that count.
"""

import logging
from dataclasses import dataclass

from hub import ratelimit
from hub.client_address import client_ip
from idempotency import services as idempotency

logger = logging.getLogger(__name__)


@dataclass
class Admission:
    """What :func:`admit` decided for a request, kept on it for :func:`complete`."""

    decision: ratelimit.Decision
    principal: str | None
    claim: idempotency.Claim | None = None


def _django_request(request):
    return getattr(request, "_request", request)


def admit(
    request,
    *,
    target: str,
    policies: tuple[ratelimit.Policy, ...],
    principal: str | None,
    idempotent: bool,
    require_key: bool = False,
) -> None:
    """Count the call and hold its Idempotency-Key. Raises RateLimited (429), idempotency.Refused
    (400/409/422) or idempotency.Replay (the stored answer to give instead)."""
    django_request = _django_request(request)
    admission = getattr(django_request, "hub_admission", None)
    if admission is None:
        decision = ratelimit.count(django_request, target, policies, principal)
        admission = django_request.hub_admission = Admission(decision, principal)
    if admission.decision.refused:
        raise ratelimit.RateLimited(admission.decision)
    if not idempotent:
        return
    key = idempotency.key_of(django_request, required=require_key)
    if key is None:
        return
    # A key belongs to one credential (an anonymous caller: to its address) on one route family.
    owner = principal or f"anonymous@{client_ip(django_request) or 'unknown'}"
    scope = f"{target}|{owner}"[:300]
    django_request.hub_admission.claim = idempotency.claim(django_request, scope, key, django_request.body)


def count_ahead(
    request, conditions: tuple[ratelimit.Condition, ...], *, target: str, policies: tuple, principal: str | None
) -> bool:
    """Count the call against its limits now, in one round trip with ``conditions`` (hub.ratelimit): True
    when counted (refused or not, :func:`admit` raises), False when nothing was (a condition does not hold,
    or cannot be checked with the counters)."""
    decision = ratelimit.count(_django_request(request), target, policies, principal, conditions)
    if decision is None:
        return False
    _django_request(request).hub_admission = Admission(decision, principal)
    return True


def complete(request, response) -> None:
    """Put the RateLimit fields on the answer and store it for its Idempotency-Key, if it holds one."""
    admission = getattr(_django_request(request), "hub_admission", None)
    if admission is None:
        return  # refused before the caller was known (404, 401…): nothing was counted
    for name, value in admission.decision.headers().items():
        response[name] = value
    if admission.claim is not None:
        claim, admission.claim = admission.claim, None
        idempotency.finish(claim, response)


def replayed(request, replay: idempotency.Replay):
    """The stored answer of a repeated call, noted in the log as a success with no Odoo call."""
    admission = getattr(_django_request(request), "hub_admission", None)
    outcome = "success" if replay.response.status_code < 400 else "failure"
    log = _django_request(request).hub_log
    log.outcome = outcome
    log.principal = getattr(admission, "principal", None) or log.principal
    return replay.response
