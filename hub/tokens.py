"""Secrets the hub issues to callers (API keys, bearer tokens): made, shown once, stored hashed.

A token looks like ``<prefix>_<random>``; the prefix (first 8 characters) is stored in clear to
find the row with one indexed query, the whole token only as a SHA-256 digest. The random part
has 256 bits, so a fast hash is safe here (no password stretching needed), and comparison is in
constant time.
"""

import hashlib
import hmac
import secrets

PREFIX_LENGTH = 8


def new_token(kind: str = "hub") -> str:
    """A fresh random token, e.g. ``hub_3fQ9c1Zk…``."""
    return f"{kind}_{secrets.token_urlsafe(32)}"


def lookup_prefix(token: str) -> str:
    """The part of a token stored in clear to find its row."""
    return token.rpartition("_")[2][:PREFIX_LENGTH]


def digest(token: str) -> str:
    """What is stored instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def matches(token: str, stored_digest: str) -> bool:
    """Whether ``token`` is the one whose digest was stored (constant time)."""
    return hmac.compare_digest(digest(token), stored_digest)
