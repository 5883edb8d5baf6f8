"""Authentication of a REST call with its endpoint's method: none, HTTP Basic or a bearer token.

A DRF authentication class built on hub.auth: credentials only from the ``Authorization``
header, a refusal is 401 with ``WWW-Authenticate`` naming the scheme, secrets are compared in
constant time against the cached configuration (no query per call), and wrong credentials count
against the caller's address on the endpoint's own throttle target (past the limit: 429 before any
credentials are looked at).
"""

import hmac
import logging

from rest_framework.authentication import BaseAuthentication

from endpoints.config import EndpointConfig
from endpoints.models import Endpoint
from hub.auth import credentials, throttle
from hub.auth.authentication import Refused, authenticated

logger = logging.getLogger(__name__)

MISSING = "Authentication credentials were not provided."
INVALID = "Invalid credentials."
MALFORMED = "Malformed Authorization header."


def challenge(endpoint: Endpoint, *, error: str | None = None) -> str:
    """The WWW-Authenticate header of a refusal on this endpoint."""
    realm = f'realm="{endpoint.slug}"'
    if endpoint.auth == Endpoint.Auth.BASIC:
        return f'Basic {realm}, charset="UTF-8"'
    if error:
        return f'Bearer {realm}, error="{error}"'
    return f"Bearer {realm}"


class EndpointAuthentication(BaseAuthentication):
    """The caller checked against the endpoint its view resolved (``view.endpoint_config``)."""

    def authenticate(self, request):
        endpoint_config = self._config(request)
        endpoint = endpoint_config.endpoint
        if endpoint.auth == Endpoint.Auth.NONE:
            return None
        target = throttle.endpoint_target(endpoint.slug)
        throttle.guard(request, target)
        scheme = "basic" if endpoint.auth == Endpoint.Auth.BASIC else "bearer"
        given = credentials.authorization(request)
        if given is None:
            raise Refused(MISSING, challenge(endpoint))
        if given.scheme != scheme or not given.credentials:
            raise Refused(MALFORMED, challenge(endpoint, error="invalid_request"))
        if scheme == "basic":
            return self._basic(request, endpoint, target, given.credentials)
        token = endpoint_config.token(given.credentials)
        if token is None:
            logger.info("Bearer authentication failed on endpoint %s", endpoint.slug)
            throttle.record_failure(request, target)
            raise Refused(INVALID, challenge(endpoint, error="invalid_token"))
        token.touch(request)  # at most once a minute, after the answer
        return authenticated(request, f"token:{token.name}", token)

    def _basic(self, request, endpoint: Endpoint, target: str, encoded: str):
        pair = credentials.basic_pair(encoded)
        if pair is None:
            raise Refused(MALFORMED, challenge(endpoint))
        login, password = pair
        # both checks always run, so the time taken does not tell a wrong login from a wrong password
        login_ok = hmac.compare_digest(login.encode(), endpoint.basic_username.encode())
        password_ok = endpoint.check_basic_password(password)
        if not (login_ok and password_ok):
            logger.info("Basic authentication failed on endpoint %s for login %r", endpoint.slug, login[:150])
            throttle.record_failure(request, target)
            raise Refused(INVALID, challenge(endpoint))
        return authenticated(request, f"basic:{login}", None)

    def authenticate_header(self, request) -> str | None:
        endpoint = self._config(request).endpoint
        return None if endpoint.auth == Endpoint.Auth.NONE else challenge(endpoint)

    @staticmethod
    def _config(request) -> EndpointConfig:
        # DRF hands the view to parsers and authenticators through the request's parser context
        return request.parser_context["view"].endpoint_config
