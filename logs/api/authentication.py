"""Who may read the log over the API: a staff session with the view permission, or an API key
whose allowed routes include "logs". Unknown keys count against the caller's address
(hub.throttle, target "logs"): past the limit, keys are refused with 429 before being looked up."""

from django.apps import apps
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission

from hub import throttle

# hub.models imports the Odoo client, which the logs app must never import (import-linter
# contract): the key model is reached through the app registry instead.
LOGS_ROUTE = "logs"


def api_key_model():
    """hub.models.ApiKey, looked up in the app registry."""
    return apps.get_model("hub", "ApiKey")


class KeyUser:
    """The caller behind an API key: authenticated, never staff."""

    is_authenticated = True
    is_staff = False
    is_superuser = False

    def __init__(self, key):
        self.key = key

    def get_username(self) -> str:
        return f"key:{self.key.name}"

    def has_perm(self, perm: str) -> bool:
        return False


def token_from(request) -> str | None:
    """The key sent as ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-Api-Key", "").strip() or None


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticates an ApiKey; its route allow-list is checked by the permission."""

    def authenticate(self, request):
        token = token_from(request)
        if token is None:
            return None
        wait = throttle.retry_after(request, throttle.LOGS)
        if wait:
            refusal = exceptions.Throttled(detail=throttle.message(wait))
            refusal.wait = wait  # Retry-After (hub.envelope); passed to Throttled it would reword the message
            raise refusal
        model = api_key_model()
        key = model.find(token)
        if key is None:
            throttle.record_failure(request, throttle.LOGS)
            raise exceptions.AuthenticationFailed("Invalid or expired API key.")
        key.touch()
        request.hub_log.principal = f"key:{key.name}"
        return KeyUser(key), key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="hub"'


class StaffSessionAuthentication(SessionAuthentication):
    """A logged-in admin user (CSRF enforced as usual; the API is read-only anyway)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            request.hub_log.principal = f"user:{result[0].get_username()}"
        return result


class CanReadLogs(BasePermission):
    """A key allowed the "logs" route, or a staff user who may view request logs."""

    message = "This key or user may not read the request log."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, api_key_model()):
            return request.auth.allows(LOGS_ROUTE)
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.has_perm("logs.view_requestlog"))
