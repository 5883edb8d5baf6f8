"""DRF authentication classes of the hub's routes, and the pieces every one of them uses.

Each class guards its throttle target first (hub.auth.throttle), counts a failed attempt,
refuses with 401 and its own ``WWW-Authenticate`` challenge, and tells the request log who
called (``request.hub_log.principal``). The REST endpoints (endpoints.auth), the generic
routes (endpoints.generic.auth) and the log API build on these.
"""

import logging

from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from hub.auth import credentials, keys, throttle
from hub.envelope import ApiError

logger = logging.getLogger(__name__)


class Refused(ApiError):
    """401: no, unknown or wrong credentials, with the WWW-Authenticate ``challenge`` that fits the refusal.

    Not one of DRF's authentication errors on purpose: DRF would replace the challenge with the
    view's general one, losing e.g. ``error="invalid_token"``.
    """

    def __init__(self, message: str, challenge: str):
        super().__init__(401, message, headers={"WWW-Authenticate": challenge})


class Principal:
    """Who called, as DRF's ``request.user``: authenticated, never staff, named for the log."""

    is_authenticated = True
    is_staff = False
    is_superuser = False

    def __init__(self, name: str):
        self.name = name

    def get_username(self) -> str:
        return self.name

    def has_perm(self, perm: str) -> bool:
        return False


def authenticated(request, principal: str, credential) -> tuple[Principal, object]:
    """What an authentication class answers for ``credential``; the request log learns the principal."""
    log = getattr(request, "hub_log", None)
    if log is not None:
        log.principal = principal
    return Principal(principal), credential


def key_accepted(request, key) -> tuple[Principal, object]:
    """What an authentication answers for an API key found: the key's use recorded, the log told who called."""
    key.touch(request)  # at most once a minute, after the answer
    return authenticated(request, f"key:{key.name}", key)


class ApiKeyAuthentication(BaseAuthentication):
    """A hub API key (``Authorization: Bearer`` or ``X-Api-Key``); routes check its allow-lists."""

    throttle_target = throttle.LOGS
    realm = "hub"
    unknown_message = "Invalid or expired API key."
    # The generic routes refuse a throttled caller before looking for any credentials at all.
    guard_without_key = False

    def authenticate(self, request):
        token = credentials.api_key(request)
        if token is not None or self.guard_without_key:
            throttle.guard(request, self.throttle_target)
        if token is None:
            return None
        key = keys.find(token) if token else None
        if key is None:
            if token:  # an empty header guesses nothing
                throttle.record_failure(request, self.throttle_target)
            raise self.refusal(self.unknown_message, self.authenticate_header(request))
        return key_accepted(request, key)

    def refusal(self, message: str, challenge: str) -> Exception:
        """The 401 to raise (a route family answering in its own protocol raises its own)."""
        return Refused(message, challenge)

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{self.realm}"'


class StaffSessionAuthentication(SessionAuthentication):
    """A logged-in admin user (CSRF enforced as usual)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and getattr(request, "hub_log", None) is not None:
            request.hub_log.principal = f"user:{result[0].get_username()}"
        return result
