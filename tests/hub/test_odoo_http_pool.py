"""The Odoo client's HTTP pool: proxies from the environment, idle connections the server closed, the bound."""

import json
import os
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hub.odoo import OdooClient, http_pool
from hub.odoo.exceptions import OdooTimeout, OdooUnavailable
from tests.fixtures.misbehaving import refused_url

VERSION = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0"}


class _Recorder(BaseHTTPRequestHandler):
    """Answers a JSON-RPC login with uid 2 and every other call with Odoo's version; records the requests."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        server = self.server
        call = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server.requests.append((self.requestline, dict(self.headers)))
        time.sleep(server.delay)
        result = 2 if call["params"]["method"] == "authenticate" else VERSION  # uid 2, else the version
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        # Keep-alive announced, then the connection closed while idle: what a server's idle timeout does.
        self.close_connection = server.close_after_answer

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.requests = []
    server.delay = 0.0
    server.close_after_answer = False
    server.connections = 0
    accept = server.get_request

    def counted():
        server.connections += 1
        return accept()

    server.get_request = counted
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)  # shutdown() in 20 ms, not 0.5 s
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_the_environment_proxy_is_used_with_its_credentials(recorder, monkeypatch):
    proxy = recorder.url.replace("http://", "http://hub:s%40cret@")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = OdooClient("http://odoo.internal:8069", "db", "admin", "admin", "jsonrpc")
    assert client.version() == VERSION
    [(line, headers)] = recorder.requests
    assert line == "POST http://odoo.internal:8069/jsonrpc HTTP/1.1"
    assert headers["Host"] == "odoo.internal:8069"
    assert headers["Proxy-Authorization"] == "Basic aHViOnNAY3JldA=="  # hub:s@cret


def test_no_proxy_hosts_are_reached_directly(recorder, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", recorder.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    url = refused_url()
    client = OdooClient(url, "db", "admin", "admin", "jsonrpc", connect_timeout=0.3)
    with pytest.raises(OdooUnavailable) as caught:
        client.version()
    assert caught.value.message.startswith(f"Cannot connect to Odoo at {url}: ")
    assert recorder.requests == []


def test_an_idle_connection_the_server_closed_is_replaced_not_failed(recorder):
    recorder.close_after_answer = True
    client = OdooClient(recorder.url, "db", "admin", "admin", "jsonrpc")
    assert client.uid == 2
    time.sleep(0.1)  # the server's close reaches the pooled connection
    # a write is never retried: it goes through only because the stale connection was not used
    assert client.execute_kw("res.partner", "write", [[1], {"name": "x"}]) == VERSION
    assert len(recorder.requests) == 2
    assert recorder.connections == 2


def test_keep_alive_reuses_the_connection(recorder):
    client = OdooClient(recorder.url, "db", "admin", "admin", "jsonrpc")
    for _ in range(3):
        client.version()
    assert recorder.connections == 1


def test_keep_alive_reuses_a_connection_whose_descriptor_is_above_1024(recorder):
    # a busy process (a long test run, a hub with many connections) hands out such descriptors
    spare = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        client = OdooClient(recorder.url, "db", "admin", "admin", "jsonrpc")
        for _ in range(3):
            client.version()
    finally:
        for descriptor in spare:
            os.close(descriptor)
    assert recorder.connections == 1


def test_a_full_pool_waits_the_connect_timeout_then_times_out(recorder, monkeypatch):
    monkeypatch.setattr(http_pool, "MAX_CONNECTIONS", 1)
    recorder.delay = 1.0
    client = OdooClient(recorder.url, "db", "admin", "admin", "jsonrpc", connect_timeout=0.2, read_timeout=5)

    def call(_n):
        try:
            return client.version()
        except OdooTimeout as exc:
            return exc.message

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(call, range(2)))
    assert sorted(results, key=str) == sorted([VERSION, f"Odoo at {recorder.url} did not answer in time"], key=str)
    assert len(recorder.requests) == 1


def test_a_header_that_cannot_be_sent_is_unavailable_not_a_crash(recorder):
    client = OdooClient(recorder.url, "db\nX-Evil: 1", "admin", "a" * 40, "json2")
    with pytest.raises(OdooUnavailable) as caught:
        client.execute_kw("res.partner", "search_count", [[]])
    assert caught.value.message.startswith(f"Cannot talk to Odoo at {recorder.url}: Invalid header value")
    assert recorder.requests == []


@pytest.fixture
def tls_recorder(recorder, tmp_path):
    """The recorder behind TLS, its certificate for "localhost" only (not 127.0.0.1), signed by itself."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    recorder.socket = server_context.wrap_socket(recorder.socket, server_side=True)
    recorder.ca_file = cert_file
    recorder.port = recorder.server_address[1]
    return recorder


def test_https_checks_the_certificate_against_the_hub_context(tls_recorder):
    url = f"https://localhost:{tls_recorder.port}"
    client = OdooClient(url, "db", "admin", "admin", "jsonrpc", connect_timeout=2)
    with pytest.raises(OdooUnavailable) as caught:
        client.version()  # the hub's context does not trust a self-signed certificate
    assert caught.value.message.startswith(f"Cannot connect to Odoo at {url}: ")
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message


def test_https_with_a_trusted_certificate_checks_the_host_name(tls_recorder, monkeypatch):
    trusting = ssl.create_default_context(cafile=str(tls_recorder.ca_file))
    monkeypatch.setattr(http_pool, "tls_context", lambda: trusting)
    good = OdooClient(f"https://localhost:{tls_recorder.port}", "db", "admin", "admin", "jsonrpc", connect_timeout=2)
    assert good.version() == VERSION
    [(_line, headers)] = tls_recorder.requests
    assert headers["Host"] == f"localhost:{tls_recorder.port}"
    other = f"https://127.0.0.1:{tls_recorder.port}"  # the same server under a name its certificate lacks
    wrong = OdooClient(other, "db", "admin", "admin", "jsonrpc", connect_timeout=2)
    with pytest.raises(OdooUnavailable) as caught:
        wrong.version()
    assert "IP address mismatch" in caught.value.message
