"""The one reader of credentials in a request: the ``Authorization`` header and ``X-Api-Key``.

Credentials come only from headers (never the query string, where they would end up in proxy
logs).
"""

import base64
import binascii
from dataclasses import dataclass


@dataclass(frozen=True)
class Authorization:
    """``Authorization: <scheme> <credentials>``, the scheme lowercased."""

    scheme: str
    credentials: str


def authorization(request) -> Authorization | None:
    """The request's Authorization header, or None when there is none (or only blanks)."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, credentials = header.partition(" ")
    return Authorization(scheme.lower(), credentials.strip())


def basic_pair(credentials: str) -> tuple[str, str] | None:
    """Login and password of Basic credentials (base64 of ``login:password``); None when malformed."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    login, colon, password = decoded.partition(":")
    return (login, password) if colon else None


def api_key(request) -> str | None:
    """The API key sent as ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``.

    None when the request carries neither header; "" when one is there but empty (a refusal
    that guesses nothing, so it does not count against the caller).
    """
    given = authorization(request)
    bearer = given.credentials if given is not None and given.scheme == "bearer" else None
    header = request.headers.get("X-Api-Key")
    if bearer:
        return bearer
    if header is not None and header.strip():
        return header.strip()
    if bearer is not None or header is not None:
        return ""
    return None
