"""Authentication of a REST call with its endpoint's method: none, HTTP Basic or a bearer token.

A DRF authentication class built on hub.auth: credentials only from the ``Authorization``
header, a refusal is 401 with ``WWW-Authenticate`` naming the scheme, secrets are compared in
constant time against the cached configuration (no query per call), and wrong credentials count
against the caller's address on the endpoint's own throttle target (past the limit: 429 before any
credentials are looked at).
"""

import hmac
import logging
from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication

from endpoints.config import EndpointConfig
from endpoints.models import Endpoint, EndpointToken
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


@dataclass(frozen=True)
class Identity:
    """Who called, by an endpoint's credentials: the principal the log names, and the token used (if any)."""

    principal: str
    token: EndpointToken | None = None


class WrongSecret(Refused):
    """401: credentials of the right form that are not the endpoint's (they count against the caller)."""

    def __init__(self, endpoint: Endpoint, login: str | None = None):
        super().__init__(INVALID, challenge(endpoint, error="invalid_token"))
        self.login = login


def identify(endpoint_config: EndpointConfig, request) -> Identity:
    """The caller by ``endpoint_config``'s credentials. Raises Refused (401): WrongSecret for a wrong
    token, login or password. Reads no shared state and counts nothing, so a call may be identified
    ahead, from a configuration whose version is still to be checked (endpoints.views)."""
    endpoint = endpoint_config.endpoint
    scheme = "basic" if endpoint.auth == Endpoint.Auth.BASIC else "bearer"
    given = credentials.authorization(request)
    if given is None:
        raise Refused(MISSING, challenge(endpoint))
    if given.scheme != scheme or not given.credentials:
        raise Refused(MALFORMED, challenge(endpoint, error="invalid_request"))
    if scheme == "bearer":
        token = endpoint_config.token(given.credentials)
        if token is None:
            raise WrongSecret(endpoint)
        return Identity(f"token:{token.name}", token)
    pair = credentials.basic_pair(given.credentials)
    if pair is None:
        raise Refused(MALFORMED, challenge(endpoint))
    login, password = pair
    # both checks always run, so the time taken does not tell a wrong login from a wrong password
    login_ok = hmac.compare_digest(login.encode(), endpoint.basic_username.encode())
    password_ok = endpoint.check_basic_password(password)
    if not (login_ok and password_ok):
        raise WrongSecret(endpoint, login)
    return Identity(f"basic:{login}")


class EndpointAuthentication(BaseAuthentication):
    """The caller checked against the endpoint its view resolved (``view.endpoint_config``), unless the
    view identified it ahead (``view.identity``: its throttle was then checked with the call's count)."""

    def authenticate(self, request):
        # DRF hands the view to parsers and authenticators through the request's parser context
        view = request.parser_context["view"]
        endpoint = view.endpoint_config.endpoint
        if endpoint.auth == Endpoint.Auth.NONE:
            return None
        identity = view.identity
        if identity is None:
            target = throttle.endpoint_target(endpoint.slug)
            throttle.guard(request, target)
            try:
                identity = identify(view.endpoint_config, request)
            except WrongSecret as exc:
                if exc.login is None:
                    logger.info("Bearer authentication failed on endpoint %s", endpoint.slug)
                else:
                    login = exc.login[:150]
                    logger.info("Basic authentication failed on endpoint %s for login %r", endpoint.slug, login)
                throttle.record_failure(request, target)
                raise
        if identity.token is not None:
            identity.token.touch(request)  # at most once a minute, after the answer
        return authenticated(request, identity.principal, identity.token)

    def authenticate_header(self, request) -> str | None:
        endpoint = request.parser_context["view"].endpoint_config.endpoint
        return None if endpoint.auth == Endpoint.Auth.NONE else challenge(endpoint)
