"""Where the hub may send deliveries (OWASP API7, server-side request forgery).

A target must be http(s), and every address its host resolves to must be public, unless it lies
in a network of ``OUTBOUND_ALLOWED_NETWORKS``. The connection then goes to the address that was
checked (never a second lookup an attacker's DNS could answer differently).
"""

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# Cloud metadata services and carrier-grade NAT are not "private" to Python but never a target.
_ALWAYS_BLOCKED = tuple(
    ipaddress.ip_network(net) for net in ("169.254.0.0/16", "100.64.0.0/10", "fd00:ec2::/32", "0.0.0.0/8")
)


class UnsafeTarget(Exception):
    """The target URL may not be called; the message says why."""


@dataclass(frozen=True)
class Resolved:
    """A checked target: the URL as given, and the address to connect to."""

    url: str
    host: str
    address: str
    port: int


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a target by its form alone (scheme, host), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"Not a URL: {exc}."
    if parts.scheme not in ("http", "https"):
        return "Only http and https targets are allowed."
    if not parts.hostname:
        return "The URL has no host."
    if parts.username or parts.password:
        return "Put credentials in the authentication settings, not in the URL."
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this to stand for a DNS name)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _allowed_networks() -> list:
    return [ipaddress.ip_network(net, strict=False) for net in settings.OUTBOUND_ALLOWED_NETWORKS]


def address_problem(address: str) -> str | None:
    """Why the hub may not connect to ``address``, or None."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _allowed_networks()):
        return None
    if any(ip.version == net.version and ip in net for net in _ALWAYS_BLOCKED):
        return f"{ip} is a link-local or metadata address"
    for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return f"{ip} is a {kind.replace('_', '-')} address"
    return None


def check(url: str) -> Resolved:
    """The URL's host resolved and checked; UnsafeTarget when any of its addresses is refused."""
    problem = url_problem(url)
    if problem:
        raise UnsafeTarget(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget(f"{parts.hostname} does not resolve: {exc}") from None
    if not addresses:
        raise UnsafeTarget(f"{parts.hostname} does not resolve")
    for address in addresses:
        problem = address_problem(address)
        if problem:
            raise UnsafeTarget(f"{parts.hostname} resolves to {problem} (not allowed: OUTBOUND_ALLOWED_NETWORKS)")
    return Resolved(url=url, host=parts.hostname, address=addresses[0], port=port)
