"""Authentication of a REST call with its endpoint's method: none, HTTP Basic or a bearer token.

Credentials come only from the ``Authorization`` header (never the query string, where they
would end up in proxy logs). A refusal is 401 with ``WWW-Authenticate`` naming the scheme;
secrets are compared in constant time. Wrong credentials count against the caller's address
(hub.throttle): past the limit, the endpoint answers 429 before looking at any credentials.
"""

import base64
import binascii
import hmac
import logging

from endpoints.models import Endpoint, EndpointToken
from hub import throttle
from hub.envelope import ApiError

logger = logging.getLogger(__name__)

MISSING = "Authentication credentials were not provided."
INVALID = "Invalid credentials."
MALFORMED = "Malformed Authorization header."


def _challenge(endpoint: Endpoint, *, error: str | None = None) -> str:
    realm = f'realm="{endpoint.slug}"'
    if endpoint.auth == Endpoint.Auth.BASIC:
        return f'Basic {realm}, charset="UTF-8"'
    if error:
        return f'Bearer {realm}, error="{error}"'
    return f"Bearer {realm}"


def _refuse(endpoint: Endpoint, message: str, *, error: str | None = None) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": _challenge(endpoint, error=error)})


def _credentials(request, endpoint: Endpoint, scheme: str) -> str:
    """The credentials part of ``Authorization: <scheme> <credentials>``; 401 when absent or other."""
    header = request.headers.get("Authorization", "")
    if not header.strip():
        raise _refuse(endpoint, MISSING)
    given_scheme, _, credentials = header.strip().partition(" ")
    if given_scheme.lower() != scheme.lower() or not credentials.strip():
        raise _refuse(endpoint, MALFORMED, error="invalid_request")
    return credentials.strip()


def authenticate(request, endpoint: Endpoint) -> str | None:
    """Check the caller against the endpoint; the principal for the log (``basic:…``, ``token:…``) or None."""
    if endpoint.auth == Endpoint.Auth.NONE:
        return None
    wait = throttle.retry_after(request, throttle.endpoint_target(endpoint.slug))
    if wait:
        raise ApiError(429, throttle.message(wait), headers={"Retry-After": str(wait)})
    if endpoint.auth == Endpoint.Auth.BASIC:
        return "basic:" + _basic(request, endpoint)
    if endpoint.auth == Endpoint.Auth.BEARER:
        return "token:" + _bearer(request, endpoint)
    return None


def _basic(request, endpoint: Endpoint) -> str:
    credentials = _credentials(request, endpoint, "Basic")
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise _refuse(endpoint, MALFORMED) from None
    login, colon, password = decoded.partition(":")
    if not colon:
        raise _refuse(endpoint, MALFORMED)
    # both checks always run, so the time taken does not tell a wrong login from a wrong password
    login_ok = hmac.compare_digest(login.encode(), endpoint.basic_username.encode())
    password_ok = endpoint.check_basic_password(password)
    if not (login_ok and password_ok):
        logger.info("Basic authentication failed on endpoint %s for login %r", endpoint.slug, login[:150])
        throttle.record_failure(request, throttle.endpoint_target(endpoint.slug))
        raise _refuse(endpoint, INVALID)
    return login


def _bearer(request, endpoint: Endpoint) -> str:
    credentials = _credentials(request, endpoint, "Bearer")
    token = EndpointToken.find(endpoint.pk, credentials)
    if token is None:
        logger.info("Bearer authentication failed on endpoint %s", endpoint.slug)
        throttle.record_failure(request, throttle.endpoint_target(endpoint.slug))
        raise _refuse(endpoint, INVALID, error="invalid_token")
    token.touch()
    return token.name
