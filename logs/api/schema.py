"""How the log API's authentication looks in the OpenAPI schema (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """An API key with the "logs" route, as a bearer token (X-Api-Key is accepted too)."""

    target_class = "hub.auth.authentication.ApiKeyAuthentication"
    name = "hubApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": 'An API key whose allowed routes include "logs"; also accepted as the X-Api-Key header.',
        }


class StaffSessionScheme(OpenApiAuthenticationExtension):
    """The admin's session cookie."""

    target_class = "hub.auth.authentication.StaffSessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
