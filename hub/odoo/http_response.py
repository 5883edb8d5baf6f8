"""Writing an HTTP/1.1 request and reading its answer on a kept-alive connection, without http.client's
per-exchange objects.

http.client builds a request line and each header through several calls (each checked and encoded on
its own), and for every answer a new ``HTTPResponse`` with its own buffered file over the socket and
an ``email.parser`` message for the headers: on a small JSON-RPC answer that was more CPU than the
rest of the exchange, and a POST to the hub makes up to four. Here a request is one ``sendall`` and
an answer is read from one buffer kept for the connection's life (:class:`Wire`), with http.client's
bounds (line length, header count), checks (what a header or a path may hold) and framing decisions
(interim 1xx, chunked, Content-Length, keep-alive), and its exceptions, which the pool turns into its
own errors. http.client still makes the connection (proxy tunnel, TLS).
"""

import http.client
import re
from dataclasses import dataclass

# http.client's own bounds on an answer's head
MAX_LINE = 65536
MAX_HEADERS = 100
RECEIVE_BYTES = 65536

# What http.client refuses to send: a control character or a space in a request target, a line
# break in a header value (no obsolete folding is ever sent), a name that is not a token; and, which
# http.client lets through, a NUL in a header value.
_BAD_TARGET = re.compile("[\x00-\x20\x7f]")
_BAD_VALUE = re.compile("[\r\n\x00]")
_BAD_NAME = re.compile(r"[\s:]|^$")


class Headers:
    """An answer's headers: case-insensitive ``get``; a repeated header keeps every value (``get_all``)."""

    __slots__ = ("_items", "_last")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items
        self._last = {name.lower(): value for name, value in items}

    def get(self, name: str, default=None):
        return self._last.get(name.lower(), default)

    def __getitem__(self, name: str) -> str | None:
        return self._last.get(name.lower())

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._last

    def get_all(self, name: str, default=None) -> list[str] | None:
        lowered = name.lower()
        found = [value for key, value in self._items if key.lower() == lowered]
        return found or default

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def get_content_charset(self, default=None):
        """The ``charset`` parameter of Content-Type, lower-cased, or ``default``."""
        for parameter in (self.get("content-type") or "").split(";")[1:]:
            key, _equals, value = parameter.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return default


def request_bytes(method: str, target: str, headers: list[tuple[str, str]], content: bytes | None) -> bytes:
    """The request as it goes on the wire: request line, headers, blank line, body.
    Raises ValueError for what http.client would refuse to send."""
    if _BAD_TARGET.search(target) or _BAD_TARGET.search(method):
        raise ValueError(f"URL can't contain control characters. {target!r}")
    lines = [f"{method} {target} HTTP/1.1"]
    for name, value in headers:
        if _BAD_NAME.search(name):
            raise ValueError(f"Invalid header name {name!r}")
        if _BAD_VALUE.search(value):
            raise ValueError(f"Invalid header value {value.encode('latin-1', 'replace')!r}")
        lines.append(f"{name}: {value}")
    head = "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n"  # UnicodeEncodeError is a ValueError
    return head + content if content else head


class Wire:
    """The receiving side of one connection: lines and byte counts read from a buffer that lives as
    long as the connection (bytes past one answer stay for the next)."""

    __slots__ = ("_buffer", "_sock")

    def __init__(self, sock) -> None:
        self._sock = sock
        self._buffer = bytearray()

    @property
    def buffered(self) -> bool:
        """Whether bytes the last answer did not take are waiting (the server sent more than it framed)."""
        return bool(self._buffer)

    def _receive(self) -> bool:
        data = self._sock.recv(RECEIVE_BYTES)
        self._buffer += data
        return bool(data)

    def readline(self, limit: int) -> bytes:
        """Up to the next line feed, or ``limit`` bytes, or what came before the server closed."""
        start = 0
        while True:
            end = self._buffer.find(b"\n", start, limit)
            if end >= 0:
                return self._take(end + 1)
            if len(self._buffer) >= limit:
                return self._take(limit)
            start = len(self._buffer)
            if not self._receive():
                return self._take(len(self._buffer))

    def read(self, size: int = -1) -> bytes:
        """``size`` bytes, or fewer when the server closed first; all until it closes when ``size`` < 0."""
        while (size < 0 or len(self._buffer) < size) and self._receive():
            pass
        return self._take(len(self._buffer) if size < 0 else min(size, len(self._buffer)))

    def _take(self, count: int) -> bytes:
        taken = bytes(self._buffer[:count])
        del self._buffer[:count]
        return taken


def read_headers(fp) -> Headers:
    """The header lines up to the blank line ending the head (continuation lines joined)."""
    items: list[tuple[str, str]] = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n", b""):
            return Headers(items)
        if len(items) >= MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and items:  # an obsolete folded line continues the previous header
            name, value = items[-1]
            items[-1] = (name, f"{value} {text.strip()}")
            continue
        name, _colon, value = text.partition(":")
        items.append((name.strip(), value.strip()))


@dataclass(slots=True)
class Answer:
    """A whole answer; ``will_close``: the connection cannot carry another exchange."""

    status: int
    reason: str
    headers: Headers
    body: bytes
    will_close: bool


def read_answer(fp, method: str) -> Answer:
    """The answer to a request of ``method``, read whole from ``fp`` (a :class:`Wire`, or any object
    with ``readline(limit)`` and ``read(size)``). Raises http.client's exceptions as it would."""
    while True:
        version, status, reason = _status_line(fp)
        if status != http.client.CONTINUE and not (100 < status < 200 and status != 101):
            break
        read_headers(fp)  # an interim answer (100 Continue, 103 Early Hints): its head is skipped
    headers = read_headers(fp)
    will_close = _closes(version, headers)
    chunked = (headers.get("transfer-encoding") or "").lower() == "chunked"
    length = None
    if not chunked:
        try:
            length = int(headers.get("content-length") or "")
        except ValueError:
            length = None
        if length is not None and length < 0:
            length = None
    if status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED) or status < 200 or method == "HEAD":
        body = b""
    elif chunked:
        body = _chunks(fp)
    elif length is not None:
        body = fp.read(length)
        if len(body) < length:
            raise http.client.IncompleteRead(body, length - len(body))
    else:  # no framing: the body ends when the server closes
        body, will_close = fp.read(), True
    return Answer(status, reason, headers, body, will_close)


def _status_line(fp) -> tuple[str, int, str]:
    line = fp.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise http.client.LineTooLong("status line")
    if not line:
        raise http.client.RemoteDisconnected("Remote end closed connection without response")
    text = line.decode("iso-8859-1")
    version, _space, rest = text.partition(" ")
    code, _space, reason = rest.partition(" ")
    if not version.startswith("HTTP/"):
        raise http.client.BadStatusLine(text)
    if version in ("HTTP/1.0", "HTTP/0.9"):
        version = "HTTP/1.0"
    elif version.startswith("HTTP/1."):
        version = "HTTP/1.1"
    else:
        raise http.client.UnknownProtocol(version)
    try:
        status = int(code)
    except ValueError:
        raise http.client.BadStatusLine(text) from None
    if not 100 <= status <= 999:
        raise http.client.BadStatusLine(text)
    return version, status, reason.strip()


def _closes(version: str, headers: Headers) -> bool:
    """Whether the server ends the connection after this answer, as http.client decides it."""
    connection = (headers.get("connection") or "").lower()
    if version == "HTTP/1.1":
        return "close" in connection
    kept = headers.get("keep-alive") or "keep-alive" in connection
    return not (kept or "keep-alive" in (headers.get("proxy-connection") or "").lower())


def _chunks(fp) -> bytes:
    parts = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("chunk size")
        try:
            size = int(line.split(b";", 1)[0], 16)
        except ValueError:
            raise http.client.IncompleteRead(b"".join(parts)) from None
        if size == 0:
            read_headers(fp)  # the trailer, up to the blank line
            return b"".join(parts)
        chunk = fp.read(size)
        if len(chunk) < size:
            raise http.client.IncompleteRead(b"".join(parts) + chunk, size - len(chunk))
        parts.append(chunk)
        fp.read(2)  # the CRLF after the chunk
