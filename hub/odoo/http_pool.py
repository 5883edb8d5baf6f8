"""The Odoo client's HTTP layer: a small thread-safe keep-alive pool.

A small JSON-RPC call costs ~0.6 ms of CPU through httpx, ~0.15 ms through ``http.client`` and
~0.07 ms written and read by hub.odoo.http_response on a connection http.client made; the hub
makes one to four per request, so the pool is our own. It keeps what the client needs
and nothing more: connect and read timeouts, a bound on connections with a wait for a free one,
idle connections dropped when the server closed them or after ``KEEPALIVE_EXPIRY``, the hub's
TLS context with hostname checks, no redirects, and the environment's proxies (``HTTP_PROXY``,
``HTTPS_PROXY``, ``NO_PROXY``), as the httpx client it replaces honoured them.

Failures leave as the ``HttpError`` subclasses below; ``hub.odoo.transports`` types them for Odoo.
"""

from __future__ import annotations

import base64
import http.client
import json
import select
import socket
import ssl
import threading
import time
import urllib.request
from collections import deque
from typing import Any
from urllib.parse import unquote, urlsplit

from hub.odoo import http_response
from hub.tls import tls_context

MAX_CONNECTIONS = 50
MAX_IDLE = 20
KEEPALIVE_EXPIRY = 30.0  # seconds; an idle connection older than this is closed, not reused
USER_AGENT = "odoo-integration-hub"


class HttpError(Exception):
    """Base of the pool's failures."""


class ConnectTimeout(HttpError):
    """No connection (TCP, proxy tunnel and TLS handshake) within the connect timeout."""


class ReadTimeout(HttpError):
    """The server did not answer (or take the request) within the read timeout."""


class PoolTimeout(HttpError):
    """Every connection of the pool stayed busy for the whole connect timeout."""


class ConnectFailed(HttpError):
    """The connection could not be made: refused, unknown host, TLS refused."""


class ConnectionLost(HttpError):
    """The connection was reset or closed before a whole answer came."""


class BadRequest(HttpError):
    """The request cannot be written as HTTP (a header value with a line break, a bad path)."""


class Response:
    """A whole HTTP answer: status, headers (case-insensitive ``get``) and body."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: http_response.Headers, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode(self.headers.get_content_charset() or "utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.content)


class _Connection:
    """A connected socket (TLS and proxy tunnel done by http.client) and the reader of its answers."""

    __slots__ = ("sock", "wire")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.wire = http_response.Wire(sock)

    def close(self) -> None:
        self.sock.close()


class _Origin:
    """Where connections of one base URL go: the server itself or the proxy in front of it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.https else 80)
        default_port = parts.port is None or parts.port == (443 if self.https else 80)
        self.host_header = self.host if default_port else f"{self.host}:{self.port}"
        self.proxy = _proxy_for(parts.scheme, self.host)
        self.proxy_headers: dict[str, str] = {}
        if self.proxy and self.proxy.username:
            secret = f"{unquote(self.proxy.username)}:{unquote(self.proxy.password or '')}"
            self.proxy_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()

    def target(self, path: str) -> str:
        # A plain-HTTP proxy takes the absolute URL; a tunnel (HTTPS) and the server take the path.
        if self.proxy and not self.https:
            return f"http://{self.host_header}{path}"
        return path

    def connect(self, connect_timeout: float, context: ssl.SSLContext) -> _Connection:
        """A new connection, connected (and TLS-handshaken) within ``connect_timeout``."""
        if self.proxy:
            host, port = self.proxy.hostname or "", self.proxy.port or 80
        else:
            host, port = self.host, self.port
        if self.https:
            connection = http.client.HTTPSConnection(host, port, timeout=connect_timeout, context=context)
            if self.proxy:
                connection.set_tunnel(self.host, self.port, headers=self.proxy_headers)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        try:
            connection.connect()
        except TimeoutError:
            connection.close()
            raise ConnectTimeout("timed out") from None
        except OSError as exc:  # refused, unknown host, TLS verification (ssl.SSLError is an OSError)
            connection.close()
            raise ConnectFailed(_reason(exc)) from None
        sock, connection.sock = connection.sock, None  # ours from now on: http.client only connected it
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Connection(sock)


def _proxy_for(scheme: str, host: str):
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return urlsplit(proxy if "://" in proxy else f"http://{proxy}")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _lost(exc: BaseException) -> str:
    """Why a connection broke, in the words logs and tests have known since the httpx client."""
    if isinstance(exc, http.client.IncompleteRead):
        received = len(exc.partial)
        expected = received + (exc.expected or 0)
        return (
            "peer closed connection without sending complete message body "
            f"(received {received} bytes, expected {expected})"
        )
    if isinstance(exc, http.client.RemoteDisconnected):
        return "Server disconnected without sending a response."
    return _reason(exc)


def _is_stale(connection: _Connection) -> bool:
    """Whether an idle connection has something to read: the server closed it (or sent garbage)."""
    sock = connection.sock
    if connection.wire.buffered or (isinstance(sock, ssl.SSLSocket) and sock.pending()):
        return True
    try:
        # poll, not select: select refuses a descriptor above 1024, and a busy process has those
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


class HttpPool:
    """Keep-alive connections to one or more servers, shared by threads; ``request`` is the one call."""

    def __init__(self, connect_timeout: float, read_timeout: float) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._tls = tls_context()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._lock = threading.Lock()
        self._idle: dict[str, deque[tuple[float, _Connection]]] = {}
        self._origins: dict[str, _Origin] = {}
        self._closed = False

    def request(
        self,
        method: str,
        base_url: str,
        path: str,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
    ) -> Response:
        """One exchange with ``base_url`` + ``path``; a redirect is an answer like any other."""
        connect_timeout = self.connect_timeout if connect_timeout is None else connect_timeout
        read_timeout = self.read_timeout if read_timeout is None else read_timeout
        if not self._slots.acquire(timeout=connect_timeout):
            raise PoolTimeout("no free connection in time")
        try:
            origin = self._origins.get(base_url)
            if origin is None:
                origin = self._origins[base_url] = _Origin(base_url)
            connection = self._take(base_url) or origin.connect(connect_timeout, self._tls)
            if connection.sock.gettimeout() != read_timeout:  # each change is two system calls
                connection.sock.settimeout(read_timeout)
            sent = [("Host", origin.host_header), ("User-Agent", USER_AGENT)]
            if origin.proxy and not origin.https:
                sent += origin.proxy_headers.items()
            sent += (headers or {}).items()
            if content is not None or method in ("POST", "PUT", "PATCH"):
                sent.append(("Content-Length", str(len(content or b""))))
            try:
                connection.sock.sendall(http_response.request_bytes(method, origin.target(path), sent, content))
                answer = http_response.read_answer(connection.wire, method)
            except TimeoutError:
                connection.close()
                raise ReadTimeout("timed out") from None
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                raise ConnectionLost(_lost(exc)) from None
            except ValueError as exc:  # a header value or path that cannot be sent
                connection.close()
                raise BadRequest(_reason(exc)) from None
            except BaseException:
                connection.close()
                raise
            response = Response(answer.status, answer.headers, answer.body)
            if answer.will_close:
                connection.close()
            else:
                self._give_back(base_url, connection)
            return response
        finally:
            self._slots.release()

    def _take(self, key: str) -> _Connection | None:
        """An idle connection to reuse, the stale and expired ones closed on the way."""
        expired_before = time.monotonic() - KEEPALIVE_EXPIRY
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    return None
                since, connection = idle.pop()
            if since >= expired_before and not _is_stale(connection):
                return connection
            connection.close()

    def _give_back(self, key: str, connection: _Connection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, deque())
            if self._closed or sum(len(queue) for queue in self._idle.values()) >= MAX_IDLE:
                surplus = connection
            else:
                idle.append((time.monotonic(), connection))
                return
        surplus.close()

    def close(self) -> None:
        """Close the idle connections; the pool then keeps none (calls still work, unpooled)."""
        with self._lock:
            self._closed = True
            idle = [connection for queue in self._idle.values() for _since, connection in queue]
            self._idle.clear()
        for connection in idle:
            connection.close()
