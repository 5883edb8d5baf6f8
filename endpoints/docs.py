"""API documentation for callers: the OpenAPI schema, Swagger UI, ReDoc and a Postman collection.

All four need a staff login unless ``HUB_PUBLIC_DOCS`` is on. The Postman collection (v2.1) is
built from the same OpenAPI document, so the two never disagree.
"""

import json

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from endpoints.schema import EndpointSchemaGenerator, example_value

POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


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


class SchemaView(DocsAccess, SpectacularAPIView):
    """The OpenAPI 3 document (JSON by default, YAML with ``?format=yaml``)."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    generator_class = EndpointSchemaGenerator
    serve_public = True  # the document lists every endpoint; access is decided by DocsPermission


class SwaggerView(DocsAccess, SpectacularSwaggerView):
    """Swagger UI, its assets served by the hub (drf-spectacular-sidecar), so it works offline."""

    login_redirect = True


class RedocView(DocsAccess, SpectacularRedocView):
    """ReDoc, its assets served by the hub."""

    login_redirect = True


def _postman_auth(operation: dict, schemes: dict, slug: str) -> dict:
    for requirement in operation.get("security") or []:
        for name in requirement:
            scheme = schemes.get(name, {}).get("scheme")
            if scheme == "bearer":
                return {
                    "type": "bearer",
                    "bearer": [{"key": "token", "value": f"{{{{{slug}_token}}}}", "type": "string"}],
                }
            if scheme == "basic":
                return {
                    "type": "basic",
                    "basic": [
                        {"key": "username", "value": f"{{{{{slug}_username}}}}", "type": "string"},
                        {"key": "password", "value": f"{{{{{slug}_password}}}}", "type": "string"},
                    ],
                }
    return {"type": "noauth"}


def postman_collection(schema: dict, base_url: str) -> dict:
    """A Postman collection v2.1 with one folder per tag and one request per operation."""
    components = schema.get("components", {}).get("schemas", {})
    schemes = schema.get("components", {}).get("securitySchemes", {})
    folders: dict[str, list] = {}
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["hub"])[0]
            segments = [s for s in path.split("/") if s]
            variables = []
            for position, segment in enumerate(segments):
                if segment.startswith("{") and segment.endswith("}"):
                    variables.append({"key": segment[1:-1], "value": ""})
                    segments[position] = ":" + segment[1:-1]
            query = [
                {"key": p["name"], "value": "", "disabled": True, "description": p.get("description", "")}
                for p in operation.get("parameters", [])
                if p.get("in") == "query"
            ]
            raw = "{{baseUrl}}/" + "/".join(segments)
            request: dict = {
                "method": method.upper(),
                "header": [{"key": "Accept", "value": "application/json"}],
                "url": {"raw": raw, "host": ["{{baseUrl}}"], "path": segments},
                "auth": _postman_auth(operation, schemes, tag),
                "description": operation.get("description", ""),
            }
            if variables:
                request["url"]["variable"] = variables
            if query:
                request["url"]["query"] = query
            media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "schema" in media:
                # a documented example is a real call; placeholders only when there is none
                example = media["example"] if "example" in media else example_value(media["schema"], components)
                request["header"].append({"key": "Content-Type", "value": "application/json"})
                request["body"] = {
                    "mode": "raw",
                    "raw": json.dumps(example, indent=2),
                    "options": {"raw": {"language": "json"}},
                }
            name = operation.get("summary") or f"{method.upper()} {path}"
            folders.setdefault(tag, []).append({"name": name, "request": request, "response": []})
    info = schema.get("info", {})
    return {
        "info": {
            "name": info.get("title", "API"),
            "description": info.get("description", ""),
            "version": info.get("version", ""),
            "schema": POSTMAN_SCHEMA,
        },
        "variable": [{"key": "baseUrl", "value": base_url, "type": "string"}],
        "item": [{"name": tag, "item": items} for tag, items in folders.items()],
    }


@extend_schema(exclude=True)
class PostmanView(DocsAccess, APIView):
    """The Postman collection (v2.1) of the same document, as a download."""

    renderer_classes = [JSONRenderer]

    def get(self, request):
        generator = EndpointSchemaGenerator()
        schema = generator.get_schema(request=request, public=True)
        base_url = request.build_absolute_uri("/").rstrip("/")
        collection = postman_collection(schema, base_url)
        filename = f"{spectacular_settings.TITLE or 'hub'}.postman_collection.json"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(collection, headers=headers)
