"""The Odoo client reads an answer's head itself (hub.odoo.http_response); http.client reads the body."""

import http.client
import io

import pytest

from hub.odoo.http_response import MAX_HEADERS, Response


class Wire:
    """A socket whose answer is ``data``."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode):
        return io.BytesIO(self.data)


def answer(data: bytes, method: str = "POST") -> Response:
    response = Response(Wire(data), method=method)
    response.begin()
    return response


def test_a_content_length_answer_keeps_the_connection():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: 2\r\n\r\n"
    response = answer(head + b"{}")
    assert (response.status, response.reason, response.read()) == (200, "OK", b"{}")
    assert response.will_close is False
    assert response.headers.get("content-type") == "application/json; charset=UTF-8"
    assert response.headers.get_content_charset() == "utf-8"
    assert response.headers.get("X-Missing", "none") == "none"


def test_a_chunked_answer_is_read_whole():
    response = answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    assert response.chunked is True
    assert response.read() == b"{}"
    assert response.will_close is False


def test_an_answer_without_framing_ends_when_the_server_closes():
    response = answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
    assert response.will_close is True
    assert response.read() == b"all of it"


@pytest.mark.parametrize(
    ("head", "closes"),
    [
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", True),
        (b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", False),
    ],
)
def test_keep_alive_as_http_client_decides_it(head, closes):
    assert answer(head).will_close is closes


def test_a_repeated_header_keeps_every_value_and_a_folded_one_is_joined():
    response = answer(
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Long: one\r\n two\r\nContent-Length: 0\r\n\r\n"
    )
    assert response.headers.get_all("set-cookie") == ["a=1", "b=2"]
    assert response.headers["x-long"] == "one two"
    assert "X-LONG" in response.headers


def test_an_interim_100_continue_is_skipped():
    response = answer(b"HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
    assert response.status == 204
    assert response.length == 0
    assert response.headers.get("x-a") is None


def test_a_head_answer_has_no_body():
    assert answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method="HEAD").length == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * (MAX_HEADERS + 1) + b"\r\n", http.client.HTTPException),
        (b"HTTP/1.1 200 OK\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n", http.client.LineTooLong),
        (b"HTTP/2.0 200 OK\r\n\r\n", http.client.UnknownProtocol),
        (b"garbage\r\n\r\n", http.client.BadStatusLine),
    ],
)
def test_a_malformed_head_is_refused_as_http_client_refuses_it(data, error):
    with pytest.raises(error):
        answer(data)
