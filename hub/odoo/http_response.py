"""Reading an HTTP/1.x answer's head without the email package.

``http.client`` parses response headers with ``email.parser`` (a feed parser, a policy, a message
object): on a small JSON-RPC answer that is more CPU than the rest of the exchange, and a POST to
the hub makes up to four. :class:`Response` reads the status line and headers itself, with the same
bounds as ``http.client`` (line length, header count) and the same framing decisions (chunked,
Content-Length, keep-alive); the body is read by ``http.client`` as before.
"""

import http.client

# http.client's own bounds on an answer's head
MAX_LINE = 65536
MAX_HEADERS = 100


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


class Response(http.client.HTTPResponse):
    """``http.client``'s response with its head read by :func:`read_headers`."""

    def begin(self):
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status != http.client.CONTINUE:
                break
            read_headers(self.fp)  # an interim 100 Continue: its head is skipped
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = read_headers(self.fp)
        self.chunked = (self.headers.get("transfer-encoding") or "").lower() == "chunked"
        self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            if self.length is not None and self.length < 0:
                self.length = None
        bodiless = status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED) or 100 <= status < 200
        if bodiless or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True  # no framing: the body ends when the server closes
