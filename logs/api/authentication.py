"""Who may read the log over the API: a staff session with the view permission, or an API key
whose allowed routes include "logs" (hub.auth's classes; unknown keys count against the caller's
address on the target "logs")."""

from rest_framework.permissions import BasePermission

from hub.auth.models import ApiKey


class CanReadLogs(BasePermission):
    """A key allowed the "logs" route, or a staff user who may view request logs."""

    message = "This key or user may not read the request log."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            return request.auth.allows(ApiKey.Route.LOGS)
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.has_perm("logs.view_requestlog"))
