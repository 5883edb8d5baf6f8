"""The Odoo client writes its requests and reads the answers itself (hub.odoo.http_response), with
http.client's checks, framing and exceptions."""

import http.client
import io
import socket

import pytest

from hub.odoo.http_response import MAX_HEADERS, Wire, read_answer, request_bytes


def answer(data: bytes, method: str = "POST"):
    return read_answer(io.BytesIO(data), method)


def test_a_content_length_answer_keeps_the_connection():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: 2\r\n\r\n"
    response = answer(head + b"{}")
    assert (response.status, response.reason, response.body) == (200, "OK", b"{}")
    assert response.will_close is False
    assert response.headers.get("content-type") == "application/json; charset=UTF-8"
    assert response.headers.get_content_charset() == "utf-8"
    assert response.headers.get("X-Missing", "none") == "none"


def test_a_chunked_answer_is_read_whole_with_its_extensions_and_trailer():
    chunks = b"2;x=1\r\n{}\r\n3\r\n[1]\r\n0\r\nX-T: 1\r\n\r\n"
    response = answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
    assert response.body == b"{}[1]"
    assert response.will_close is False


def test_an_answer_without_framing_ends_when_the_server_closes():
    response = answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
    assert response.will_close is True
    assert response.body == b"all of it"


@pytest.mark.parametrize(
    ("head", "closes"),
    [
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", True),
        (b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", False),
        (b"HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n", False),
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
    assert (response.status, response.body) == (204, b"")
    assert response.headers.get("x-a") is None


def test_a_head_answer_has_no_body():
    assert answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method="HEAD").body == b""


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * (MAX_HEADERS + 1) + b"\r\n", http.client.HTTPException),
        (b"HTTP/1.1 200 OK\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n", http.client.LineTooLong),
        (b"HTTP/2.0 200 OK\r\n\r\n", http.client.UnknownProtocol),
        (b"garbage\r\n\r\n", http.client.BadStatusLine),
        (b"HTTP/1.1 abc OK\r\n\r\n", http.client.BadStatusLine),
        (b"", http.client.RemoteDisconnected),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", http.client.IncompleteRead),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", http.client.IncompleteRead),
    ],
)
def test_a_malformed_or_cut_answer_is_refused_as_http_client_refuses_it(data, error):
    with pytest.raises(error):
        answer(data)


def test_the_wire_keeps_what_follows_an_answer_for_the_next_one():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        first = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        theirs.sendall(first + first.replace(b"a", b"b")[:20])  # the second answer split across two sends
        wire = Wire(ours)
        assert read_answer(wire, "POST").body == b"a"
        assert wire.buffered
        theirs.sendall(first.replace(b"a", b"b")[20:])
        assert read_answer(wire, "POST").body == b"b"
        assert not wire.buffered


def test_a_request_is_one_write_of_line_headers_and_body():
    sent = request_bytes("POST", "/jsonrpc", [("Host", "odoo"), ("Content-Length", "2")], b"{}")
    assert sent == b"POST /jsonrpc HTTP/1.1\r\nHost: odoo\r\nContent-Length: 2\r\n\r\n{}"


@pytest.mark.parametrize(
    ("target", "headers", "message"),
    [
        ("/json/2/res.partner x", [], "URL can't contain control characters"),
        ("/jsonrpc", [("X-Db", "db\nX-Evil: 1")], "Invalid header value"),
        ("/jsonrpc", [("X Evil", "1")], "Invalid header name"),
        ("/jsonrpc", [("X-Name", "\u0142")], "'latin-1' codec can't encode"),
    ],
)
def test_what_http_client_would_refuse_to_send_is_refused(target, headers, message):
    with pytest.raises(ValueError, match=message):
        request_bytes("POST", target, headers, b"")
