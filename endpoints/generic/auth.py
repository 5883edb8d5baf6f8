"""Who may call the generic routes: a hub-issued API key, or an Odoo user's hub session.

- API key (``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``): the key's connection (or the
  default one), the key's allow-lists of routes and models; calls run as the connection's user.
- Session (the ``session_id`` cookie set by /web/session/authenticate): calls run in Odoo as the
  user who logged in, with that user's access rights.

Both are DRF authentication classes on hub.auth. Unknown keys and unknown or expired session
cookies count against the caller's address (target "generic"): past the limit the routes answer
429 before looking at either.
"""

import logging
import threading
from collections import OrderedDict

from django.core.exceptions import ImproperlyConfigured
from rest_framework.authentication import BaseAuthentication

from endpoints.generic.caller import Caller
from endpoints.generic.models import OdooSession
from endpoints.generic.protocol import RpcError
from hub.auth import throttle
from hub.auth.authentication import ApiKeyAuthentication, authenticated
from hub.auth.models import ApiKey
from hub.models import OdooConnection

logger = logging.getLogger(__name__)

SESSION_COOKIE = "session_id"  # Odoo's cookie name, so clients written for Odoo keep working
AUTH_HINT = "Authenticate with an API key (Authorization: Bearer or X-Api-Key) or through /web/session/authenticate."
CHALLENGE = 'Bearer realm="odoo-hub"'


def refusal(message: str) -> RpcError:
    """A 401 of the generic routes, with their challenge."""
    return RpcError(401, message, headers={"WWW-Authenticate": CHALLENGE})


class GenericKeyAuthentication(ApiKeyAuthentication):
    """An API key on the generic routes (its route and model allow-lists: ``caller_for``)."""

    throttle_target = throttle.GENERIC
    realm = "odoo-hub"
    unknown_message = "The API key is unknown, revoked or expired."
    guard_without_key = True

    def refusal(self, message: str, challenge: str) -> RpcError:
        return refusal(message)


class OdooSessionAuthentication(BaseAuthentication):
    """The ``session_id`` cookie of an open hub session."""

    def authenticate(self, request):
        cookie = request.COOKIES.get(SESSION_COOKIE)
        if not cookie:
            return None
        session = OdooSession.find(cookie)
        if session is None:
            throttle.record_failure(request, throttle.GENERIC)
            raise refusal(f"The session has expired or was closed. {AUTH_HINT}")
        return authenticated(request, f"odoo:{session.login}", session)

    def authenticate_header(self, request) -> str:
        return CHALLENGE


def caller_for(credential, route: str, model: str) -> Caller:
    """The caller of a data route by its ``credential`` (an ApiKey, an OdooSession or None); RpcError 401 (who?),
    403 (not allowed), 503 (no connection)."""
    if isinstance(credential, ApiKey):
        if not credential.allows(route):
            raise RpcError(403, f"This API key may not call /api/{route}.")
        if not credential.allows(route, model):
            raise RpcError(403, f"This API key may not use the model {model}.")
        connection = credential.connection or default_connection()
        return Caller(
            connection=connection,
            client=connection.client(),
            principal=f"key:{credential.name}",
            allowed_models=frozenset(credential.allowed_models or []),
        )
    if isinstance(credential, OdooSession):
        connection = credential.odoo_connection()
        if connection is None:
            raise RpcError(503, "No Odoo connection is configured.")
        return Caller(
            connection=connection,
            client=user_client(credential, connection),
            principal=f"odoo:{credential.login}",
        )
    raise refusal(f"Authentication required. {AUTH_HINT}")


def default_connection():
    """The default Odoo connection; RpcError(503) when none is configured."""
    connection = OdooConnection.objects.default()
    if connection is None:
        raise RpcError(503, "No Odoo connection is configured.")
    return connection


# A session's Odoo client authenticates once; keeping it per process spares that call on every
# request. Bounded, and keyed by the connection's last change so an edited connection is not reused.
_USER_CLIENTS: OrderedDict = OrderedDict()
_USER_CLIENTS_LOCK = threading.Lock()
USER_CLIENTS_MAX = 256


def _client_key(session: OdooSession, connection) -> tuple:
    return (session.pk, session.digest, connection.pk, connection.updated_at)


def user_client(session: OdooSession, connection):
    """The Odoo client acting as the session's user."""
    key = _client_key(session, connection)
    with _USER_CLIENTS_LOCK:
        client = _USER_CLIENTS.get(key)
        if client is not None:
            _USER_CLIENTS.move_to_end(key)
            return client
    try:
        password = session.password
    except ImproperlyConfigured:
        # HUB_ENCRYPTION_KEY changed since the login: the caller can simply log in again
        logger.warning("The password of Odoo session %s cannot be decrypted", session.pk)
        raise refusal(f"The session can no longer be used. {AUTH_HINT}") from None
    client = connection.client().as_user(session.login, password)
    remember_user_client(session, connection, client)
    return client


def remember_user_client(session: OdooSession, connection, client) -> None:
    """Keep an authenticated user client for the session's next calls."""
    key = _client_key(session, connection)
    with _USER_CLIENTS_LOCK:
        _USER_CLIENTS[key] = client
        _USER_CLIENTS.move_to_end(key)
        while len(_USER_CLIENTS) > USER_CLIENTS_MAX:
            _USER_CLIENTS.popitem(last=False)


def forget_user_client(session: OdooSession) -> None:
    """Drop the session's client (the session ended)."""
    with _USER_CLIENTS_LOCK:
        for key in [key for key in _USER_CLIENTS if key[0] == session.pk and key[1] == session.digest]:
            del _USER_CLIENTS[key]
