"""The caller's address as the hub sees it: REMOTE_ADDR, or X-Forwarded-For behind TRUSTED_PROXIES.

One definition for the request log (its ``client_ip`` column) and the authentication throttle
(its counters are per address), so both name the same caller.
"""

import functools
import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or X-Forwarded-For when REMOTE_ADDR is a trusted proxy
    (found once per request: the throttle, the rate limits and the log row all ask)."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    found = request.__dict__.get(_ATTRIBUTE, _UNKNOWN)
    if found is _UNKNOWN:
        found = request.__dict__[_ATTRIBUTE] = _client_ip(request)
    return found


_ATTRIBUTE = "hub_client_ip"
_UNKNOWN = object()


def _client_ip(request) -> str | None:
    remote = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None or not _trusted(remote):
        return str(remote) if remote is not None else None
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    # Walk from the nearest hop outwards; the first address not of our proxies is the client.
    for item in reversed(forwarded):
        address = _parse_ip(item)
        if address is None:
            break  # a malformed hop: trust nothing beyond it
        if not _trusted(address):
            return str(address)
        remote = address
    return str(remote)


def _parse_ip(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    """The trusted networks, parsed once per setting: parsing them on every call cost ~20 µs a call."""
    networks = []
    for item in entries:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            logger.warning("TRUSTED_PROXIES holds a malformed entry %r", item)  # hub's system check names it too
    return tuple(networks)
