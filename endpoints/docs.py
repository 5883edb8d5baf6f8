"""API documentation for callers: the OpenAPI schema, Swagger UI and ReDoc.

All three need a staff login unless ``HUB_PUBLIC_DOCS`` is on. Postman, Insomnia and the like
import the OpenAPI document itself (its ``servers`` entry names the hub's address).
"""

import threading

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response


class DocsPermission(BasePermission):
    """Staff only, unless the documentation is public."""

    message = "The API documentation needs a staff login."

    def has_permission(self, request, view) -> bool:
        if settings.HUB_PUBLIC_DOCS:
            return True
        user = request.user
        return bool(user is not None and user.is_active and user.is_staff)


class DocsAccess:
    """Shared by the docs views: who may see them; pages send a browser to the admin login."""

    permission_classes = [DocsPermission]
    login_redirect = False

    def permission_denied(self, request, message=None, code=None):
        if self.login_redirect:
            self.redirect_to = redirect_to_login(request.get_full_path(), login_url="admin:login")
        return super().permission_denied(request, message=message, code=code)

    def handle_exception(self, exc):
        redirect = getattr(self, "redirect_to", None)
        if redirect is not None:
            return redirect
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            # errors are the JSON envelope, whatever format the document itself was asked in
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


# drf-spectacular loads its extension classes on first use without a lock: two first requests at
# once under a threaded server made one a 500 (seen with two fuzzers at once). The document is
# rarely asked for, so one is built at a time.
_BUILDING = threading.Lock()


class SchemaView(DocsAccess, SpectacularAPIView):
    """The OpenAPI 3 document (JSON by default, YAML with ``?format=yaml``)."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    serve_public = True  # the document lists every endpoint; access is decided by DocsPermission

    @extend_schema(exclude=True)  # the document itself is not an operation callers integrate with
    def get(self, request, *args, **kwargs):
        with _BUILDING:
            return super().get(request, *args, **kwargs)


class SwaggerView(DocsAccess, SpectacularSwaggerView):
    """Swagger UI, its assets served by the hub (drf-spectacular-sidecar), so it works offline."""

    login_redirect = True


class RedocView(DocsAccess, SpectacularRedocView):
    """ReDoc, its assets served by the hub."""

    login_redirect = True
