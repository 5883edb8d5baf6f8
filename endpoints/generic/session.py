"""Odoo-style sessions: /web/session/authenticate checks an Odoo user's credentials, /web/session/destroy ends it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from endpoints.generic import auth
from endpoints.generic.models import OdooSession
from endpoints.generic.protocol import RpcError
from hub.auth import throttle
from hub.models import OdooConnection
from hub.odoo.exceptions import OdooAuthError

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = "Wrong login, password or database."


def authenticate(params: dict, request) -> tuple[OdooSession, str]:
    """Check ``db``, ``login`` and ``password`` against Odoo and open a session; the session and its cookie token.

    ``params.connection`` may name the hub connection to use; otherwise the default one. Refused
    logins count against the caller's address (hub.auth.throttle): past the limit, a 429
    before Odoo is asked.
    """
    throttle.guard(request, throttle.SESSION)
    for name in ("db", "login", "password"):
        if not isinstance(params.get(name), str) or not params[name]:
            raise RpcError(400, f'"params.{name}" is required (a non-empty string).')
    connection = _connection(params.get("connection"))
    if connection is None or params["db"] != connection.database:
        throttle.record_failure(request, throttle.SESSION)
        raise RpcError(401, WRONG_CREDENTIALS)
    try:
        client = connection.client().as_user(params["login"], params["password"])
        uid = client.uid
    except OdooAuthError:
        logger.info("Odoo refused the login %s", params["login"])
        throttle.record_failure(request, throttle.SESSION)
        raise RpcError(401, WRONG_CREDENTIALS) from None
    session = OdooSession(
        connection=connection if connection.pk else None,
        login=params["login"],
        uid=uid,
        expires_at=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE),
    )
    session.password = params["password"]
    token = session.issue()
    session.save()
    OdooSession.objects.expired().delete()  # nothing else removes them, and a login is rare enough
    auth.remember_user_client(session, connection, client)
    return session, token


def destroy(token: str | None) -> OdooSession | None:
    """End the session of this cookie token (nothing to do when there is none); the session ended."""
    session = OdooSession.find(token) if token else None
    if session is not None:
        auth.forget_user_client(session)
        session.delete()
    return session


def _connection(name) -> OdooConnection | None:
    """The connection to log in through; None when no active connection has that name (a wrong credential)."""
    if name is None:
        return auth.default_connection()
    if not isinstance(name, str):
        raise RpcError(400, '"params.connection" must be the name of a hub connection.')
    return OdooConnection.objects.active().filter(name=name).first()
