"""Encryption of secrets stored at rest (Odoo passwords and API keys) with HUB_ENCRYPTION_KEY."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def fernet(key: str) -> Fernet:
    """The Fernet of ``key``; ImproperlyConfigured when it is not a Fernet key."""
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured("HUB_ENCRYPTION_KEY must be a Fernet key (make key prints one)") from None


def _current() -> Fernet:
    if not settings.HUB_ENCRYPTION_KEY:
        raise ImproperlyConfigured("HUB_ENCRYPTION_KEY is not set: the hub cannot store or read Odoo secrets")
    return fernet(settings.HUB_ENCRYPTION_KEY)


def encrypt(plain: str) -> str:
    """The secret, encrypted and base64-encoded for a text column."""
    return _current().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The secret back; ImproperlyConfigured when it was encrypted with another key."""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("A stored secret cannot be decrypted: HUB_ENCRYPTION_KEY has changed") from None
