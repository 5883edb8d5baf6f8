"""Basic passwords: stored through Django's hashers, verified fast after the first time.

Django's password hashers are slow on purpose (PBKDF2, a million rounds): paying that on every
API call would cap an endpoint at a few requests per second. A password that verified once is
remembered per process as a keyed HMAC (never in clear), tied to the stored hash, so changing
the password forgets it.
"""

import hashlib
import hmac
import threading

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

_verified: dict[object, tuple[str, str]] = {}
_verified_lock = threading.Lock()


def _mac(password: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), password.encode(), hashlib.sha256).hexdigest()


def hash_password(raw_password: str) -> str:
    """What is stored instead of the password."""
    return make_password(raw_password)


def verify(owner: object, raw_password: str, stored_hash: str) -> bool:
    """Whether ``raw_password`` is the one of ``stored_hash`` (``owner`` keys the per-process memory)."""
    if not stored_hash:
        return False
    mac = _mac(raw_password)
    remembered = _verified.get(owner)
    if remembered is not None and remembered[0] == stored_hash:
        return hmac.compare_digest(remembered[1], mac)
    if not check_password(raw_password, stored_hash):
        return False
    with _verified_lock:
        _verified[owner] = (stored_hash, mac)
    return True
