"""The process's pool of Odoo clients: one shared ``OdooClient`` per connection, while it is unchanged.

A client keeps an HTTP pool, the chosen protocol and the uid, so it is worth keeping between
requests. Its owner names it by a key (a connection's primary key) and a fingerprint of what the
client was built from (URL, login, secret, timeouts, last change); a different fingerprint under
the same key builds a new client. The replaced client may still serve a request in another thread:
it is left to finish and be collected rather than closed under it.
"""

import threading
from collections.abc import Callable, Hashable

from hub.odoo.client import OdooClient

_clients: dict[Hashable, tuple[Hashable, OdooClient]] = {}
_lock = threading.Lock()


def client(key: Hashable, fingerprint: Hashable, build: Callable[[], OdooClient]) -> OdooClient:
    """The pooled client at ``key`` if built from ``fingerprint``, else a new one from ``build()``."""
    with _lock:
        cached = _clients.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        built = build()
        _clients[key] = (fingerprint, built)
        return built
