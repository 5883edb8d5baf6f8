"""What the hub does in front of every API call, before and after the view's own work: rate
limits (hub.ratelimit) and idempotency keys (idempotency.services).

A view calls :func:`admit` once it knows the caller (after authentication), and :func:`complete`
on every answer it gives after that. :class:`GatewayMixin` does both for the REST views; the
generic routes use endpoints.generic.gateway.
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
    decision = ratelimit.count(django_request, target, policies, principal)
    django_request.hub_admission = Admission(decision, principal)
    if decision.refused:
        raise ratelimit.RateLimited(decision)
    if not idempotent:
        return
    key = idempotency.key_of(django_request, required=require_key)
    if key is None:
        return
    # A key belongs to one credential (an anonymous caller: to its address) on one route family.
    owner = principal or f"anonymous@{client_ip(django_request) or 'unknown'}"
    scope = f"{target}|{owner}"[:300]
    django_request.hub_admission.claim = idempotency.claim(django_request, scope, key, django_request.body)


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


class GatewayMixin:
    """For the REST views (before EndpointView in the bases): admission after the view's initial()
    has resolved the endpoint and authenticated the caller; the answer completed in finalize_response."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        endpoint = self.endpoint_config.endpoint
        admit(
            request,
            target=ratelimit.endpoint_target(endpoint.slug),
            policies=ratelimit.endpoint_policies(endpoint),
            principal=_principal(request),
            idempotent=request.method in idempotency.METHODS,
            require_key=endpoint.require_idempotency_key and request.method == "POST",
        )

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return replayed(self.request, exc)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        complete(request, response)
        return response


def _principal(request) -> str | None:
    """The authenticated caller as the view told the request log (``token:…``, ``basic:…``), or None."""
    return _django_request(request).hub_log.principal or None
