"""Who may call the generic routes: a hub-issued API key, or an Odoo user's hub session.

- API key (``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``): the key's connection (or the
  default one), the key's allow-lists of routes and models; calls run as the connection's user.
- Session (the ``session_id`` cookie set by /web/session/authenticate): calls run in Odoo as the
  user who logged in, with that user's access rights.

Unknown keys and unknown or expired session cookies count against the caller's address
(hub.throttle, target "generic"): past the limit the routes answer 429 before looking at either.
"""

import logging
import threading
from collections import OrderedDict

from django.core.exceptions import ImproperlyConfigured

from endpoints.generic.caller import Caller
from endpoints.generic.models import OdooSession
from endpoints.generic.protocol import RpcError
from hub import throttle
from hub.models import ApiKey, OdooConnection

logger = logging.getLogger(__name__)

SESSION_COOKIE = "session_id"  # Odoo's cookie name, so clients written for Odoo keep working
_AUTH_HINT = "Authenticate with an API key (Authorization: Bearer or X-Api-Key) or through /web/session/authenticate."
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="odoo-hub"'}


def caller_for(request, route: str, model: str) -> Caller:
    """The authenticated caller of a data route; RpcError 401 (who?), 403 (not allowed) or 429 (too many failures)."""
    wait = throttle.retry_after(request, throttle.GENERIC)
    if wait:
        raise RpcError(429, throttle.message(wait), headers={"Retry-After": str(wait)})
    token = api_key_token(request)
    if token is not None:
        return _key_caller(request, token, route, model)
    cookie = request.COOKIES.get(SESSION_COOKIE)
    if cookie:
        session = OdooSession.find(cookie)
        if session is None:
            throttle.record_failure(request, throttle.GENERIC)
            raise RpcError(401, f"The session has expired or was closed. {_AUTH_HINT}", headers=_CHALLENGE)
        connection = session.odoo_connection()
        if connection is None:
            raise RpcError(503, "No Odoo connection is configured.")
        return Caller(
            connection=connection,
            client=user_client(session, connection),
            principal=f"odoo:{session.login}",
        )
    raise RpcError(401, f"Authentication required. {_AUTH_HINT}", headers=_CHALLENGE)


def api_key_token(request) -> str | None:
    """The API key the request carries, if any ('' when a header is there but empty)."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if "X-Api-Key" in request.headers:
        return request.headers["X-Api-Key"].strip()
    return None


def _key_caller(request, token: str, route: str, model: str) -> Caller:
    key = ApiKey.find(token) if token else None
    if key is None:
        if token:  # an empty header guesses nothing
            throttle.record_failure(request, throttle.GENERIC)
        raise RpcError(401, "The API key is unknown, revoked or expired.", headers=_CHALLENGE)
    principal = f"key:{key.name}"
    if not key.allows(route):
        raise RpcError(403, f"This API key may not call /api/{route}.", principal=principal)
    if not key.allows(route, model):
        raise RpcError(403, f"This API key may not use the model {model}.", principal=principal)
    key.touch()
    connection = key.connection or default_connection()
    return Caller(
        connection=connection,
        client=connection.client(),
        principal=principal,
        allowed_models=frozenset(key.allowed_models or []),
    )


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
        raise RpcError(401, f"The session can no longer be used. {_AUTH_HINT}", headers=_CHALLENGE) from None
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
