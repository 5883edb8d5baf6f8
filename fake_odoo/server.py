"""The stand-in's HTTP server: Odoo's XML-RPC, JSON-RPC, web session and JSON-2 routes, plus fault injection."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import socket
import struct
import threading
import time
import xmlrpc.client
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fake_odoo import access, errors, rpc
from fake_odoo.faults import Faults, injected_exception
from fake_odoo.orm import MODEL_API, MODEL_CREATE_API, Env, Store

logger = logging.getLogger(__name__)

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
JSON2_PATH = re.compile(r"^/json/2/(?P<model>[^/]+)/(?P<method>[^/]+)$")
# Odoo 19's pages for an unknown X-Odoo-Database and for a JSON-2 call that is not JSON (json2.json).
NO_DATABASE_HTML = (
    b"<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the "
    b"requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, "
    b"<a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n"
)
JSON2_WRONG_TYPE_HTML = (
    b"<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n"
    b"<p>Request inferred type is compatible with [&#39;http&#39;] but "
    b"&#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is type=&#39;json2&#39;.<br><br>"
    b"Please verify the Content-Type request header and try again.</p>\n"
)
GARBAGE_HTML = (
    b"<!doctype html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n"
)

# Odoo 19 gives every UserError a real HTTP status on JSON-2.
JSON2_STATUS = (
    (errors.AccessDenied, 403),
    (errors.AccessError, 403),
    (errors.MissingError, 404),
    (errors.UserError, 422),
)


class HttpError(Exception):
    """A werkzeug-style HTTP error (NotFound, Unauthorized ...) raised by a route."""

    def __init__(self, status: int, name: str, description: str) -> None:
        # werkzeug's str(): "401 Unauthorized: Invalid apikey", the traceback's last line.
        super().__init__(f"{status} {HTTPStatus(status).phrase}: {description}")
        self.status = status
        self.odoo_name = f"werkzeug.exceptions.{name}"
        self.description = description


class Backend:
    """What the request handlers share: store, version, faults, sessions."""

    def __init__(self, store: Store, version: str, faults: Faults) -> None:
        self.store = store
        self.version = version
        self.faults = faults
        self.sessions: dict[str, int] = {}
        self.stopping = threading.Event()
        # Real Odoo (werkzeug, workers=0) closes every connection; the stand-in keeps them when asked.
        self.keep_alive = True

    def before_model_call(self, uid: int) -> Any:
        """Hook run inside the object service: injected failures hit model calls only."""

        def hook(model: str, args: tuple) -> None:
            kind = self.faults.take_failure()
            if kind is not None:
                raise injected_exception(kind, model, uid)

        return hook


class Handler(BaseHTTPRequestHandler):
    """One HTTP connection; HTTP/1.1 keep-alive unless the client sends ``Connection: close``."""

    protocol_version = "HTTP/1.1"
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.12"
    backend: Backend

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake_odoo %s", format % args)

    # --- plumbing ---
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        faults = self.backend.faults
        if faults.garbage_kind == "html":
            status, body, content_type = 200, GARBAGE_HTML, HTML_CONTENT_TYPE
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if not self.backend.keep_alive:
            self.send_header("Connection", "close")
            self.close_connection = True
        if faults.garbage_kind == "truncated":
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self.wfile.write(body[: max(1, len(body) // 2)])
            return
        # Headers and body in one write: two small writes meet Nagle + delayed ACK and cost 40 ms each.
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(body)
        self.flush_headers()

    def _abort_connection(self) -> None:
        """Drop the connection with a TCP reset and no answer."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self.connection.close()

    def _misbehave(self) -> bool:
        """Apply latency / hang / reset switches; True when the request must get no answer."""
        faults = self.backend.faults
        if faults.take_reset():
            self._abort_connection()
            return True
        if faults.delay:
            time.sleep(faults.delay)
        if faults.hanging:
            faults.wait_hang(self.backend.stopping)
            if self.backend.stopping.is_set():
                self._abort_connection()
                return True
        return False

    # --- routing ---
    def do_POST(self) -> None:
        body = self._body()
        if self._misbehave():
            return
        path = self.path.split("?", 1)[0]
        if path.startswith("/xmlrpc/"):
            self._xmlrpc(path, body)
        elif path == "/jsonrpc":
            self._jsonrpc(body, self._jsonrpc_call)
        elif path == "/web/session/authenticate":
            self._jsonrpc(body, self._session_authenticate)
        elif path in ("/web/version", "/json/version"):
            self._jsonrpc(body, lambda params: rpc.version_info(self.backend.version))
        elif path.startswith("/web/dataset/call_kw"):
            self._jsonrpc(body, self._dataset_call_kw)
        elif path.startswith("/json/2") and self.backend.version >= "19":
            self._json2(path, body)
        else:
            self._not_found()

    def do_GET(self) -> None:
        self._body()
        if self._misbehave():
            return
        path = self.path.split("?", 1)[0]
        if path == "/web/version" or path == "/json/version":
            info = rpc.version_info(self.backend.version)
            self._send(
                200,
                json.dumps({"version_info": info["server_version_info"], "version": info["server_version"]}).encode(),
                JSON_CONTENT_TYPE,
            )
        elif path.startswith("/json/2") and self.backend.version >= "19":
            self._json2_error(HttpError(404, "NotFound", "Did you mean POST /json/2/<model>/<method>?"))
        else:
            self._not_found()

    def _not_found(self) -> None:
        body = (
            b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
            b"<p>The requested URL was not found on the server. If you entered the URL manually please check "
            b"your spelling and try again.</p>\n"
        )
        self._send(404, body, HTML_CONTENT_TYPE)

    # --- XML-RPC ---
    def _xmlrpc(self, path: str, body: bytes) -> None:
        legacy = not path.startswith("/xmlrpc/2/")
        service = path.rstrip("/").rsplit("/", 1)[-1]
        try:
            params, method = xmlrpc.client.loads(body)
            result = self._dispatch(service, method, list(params))
            payload = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a fault, as in Odoo
            if legacy:
                code, text = errors.xmlrpc_fault_legacy(exc)
            else:
                code, text = errors.xmlrpc_fault(exc)
            payload = xmlrpc.client.dumps(xmlrpc.client.Fault(code, text), allow_none=False)
        self._send(200, odoo_xml(payload).encode(), XML_CONTENT_TYPE)

    def _dispatch(self, service: str, method: str, params: list) -> Any:
        backend = self.backend
        if service == "common":
            return rpc.dispatch_common(method, params, backend.version)
        if service == "object":
            uid = int(params[1]) if len(params) > 1 and isinstance(params[1], int | str) else 0
            return rpc.dispatch_object(backend.store, method, params, before_call=backend.before_model_call(uid))
        if service == "db" and method in ("list", "server_version"):
            return [access.DATABASE] if method == "list" else backend.version
        raise KeyError(service)

    # --- JSON-RPC ---
    def _jsonrpc(self, body: bytes, handle) -> None:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type != "application/json":
            path = self.path.split("?", 1)[0]
            text = (
                "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n"
                f"<p>Request inferred type is compatible with [&#39;http&#39;] but &#39;{path}&#39; is "
                "type=&#39;json&#39;.</p>\n"
            )
            self._send(400, text.encode(), HTML_CONTENT_TYPE)
            return
        try:
            request = json.loads(body or b"null")
        except ValueError:
            self._send(400, b"Invalid JSON data", HTML_CONTENT_TYPE)
            return
        if not isinstance(request, dict):
            self._send(400, b"Invalid JSON data", HTML_CONTENT_TYPE)
            return
        request_id = request.get("id")
        headers: dict[str, str] = {}
        try:
            result = (
                handle(request.get("params") or {}, headers)
                if _takes_headers(handle)
                else handle(request.get("params") or {})
            )
            reply = {"jsonrpc": "2.0", "id": request_id, "result": result}
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error object, as in Odoo
            reply = {"jsonrpc": "2.0", "id": request_id, "error": errors.jsonrpc_error(exc)}
        self._send(200, json.dumps(reply).encode(), JSON_CONTENT_TYPE, headers)

    def _jsonrpc_call(self, params: dict) -> Any:
        return _rpc_jsonrpc(self, **params)

    def _session_authenticate(self, params: dict, headers: dict) -> Any:
        database = params.get("db")
        rpc.check_database(database)
        uid = access.authenticate(database, params.get("login"), params.get("password"))
        if not uid:
            raise errors.AccessDenied()
        sid = secrets.token_hex(20)
        self.backend.sessions[sid] = uid
        headers["Set-Cookie"] = (
            f"session_id={sid}; Expires=Sat, 20 Nov 2027 00:00:00 GMT; Max-Age=31536000; HttpOnly; Path=/"
        )
        return session_info(self.backend, uid)

    def _session_uid(self) -> int:
        cookie = self.headers.get("Cookie") or ""
        match = re.search(r"session_id=([0-9a-f]+)", cookie)
        uid = self.backend.sessions.get(match.group(1)) if match else None
        if uid is None:
            raise SessionExpired("Session expired")
        return uid

    def _dataset_call_kw(self, params: dict) -> Any:
        uid = self._session_uid()
        store = self.backend.store
        model, method = params.get("model"), params.get("method")
        rpc.check_method_name(method)
        with store.lock:
            env = Env(store, uid)
            rpc.check_model(env, model)
            self.backend.before_model_call(uid)(model, ())
            return rpc.call_kw(env, model, method, list(params.get("args") or []), dict(params.get("kwargs") or {}))

    # --- JSON-2 (Odoo 19) ---
    def _json2(self, path: str, body: bytes) -> None:
        try:
            match = JSON2_PATH.match(path)
            if not match:
                raise HttpError(404, "NotFound", "Did you mean POST /json/2/<model>/<method>?")
            database = self.headers.get("X-Odoo-Database")
            if database is not None and database != access.DATABASE:
                self._send(404, NO_DATABASE_HTML, HTML_CONTENT_TYPE)
                return
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type != "application/json":
                self._send(415, JSON2_WRONG_TYPE_HTML, HTML_CONTENT_TYPE, {"Accept": "application/json"})
                return
            user = self._bearer_user()
            try:
                params = json.loads(body) if body else {}
            except ValueError as exc:
                raise HttpError(400, "BadRequest", f"could not parse the body as json: {exc.args[0]}") from exc
            if not isinstance(params, dict):
                params = {}
            result = self._json2_call(user.uid, match.group("model"), match.group("method"), params)
            self._send(200, json.dumps(result).encode(), JSON_CONTENT_TYPE)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error body with its status
            self._json2_error(exc)

    def _bearer_user(self) -> access.User:
        header = self.headers.get("Authorization") or ""
        match = re.match(r"^bearer\s+(.+)$", header, re.IGNORECASE)
        if not match:
            raise HttpError(
                401, "Unauthorized", "User not authenticated, use an API Key with a Bearer Authorization header."
            )
        user = access.user_for_api_key(match.group(1).strip())
        if user is None:
            raise HttpError(401, "Unauthorized", "Invalid apikey")
        return user

    def _json2_call(self, uid: int, model: str, method: str, params: dict) -> Any:
        import inspect

        store = self.backend.store
        ids = params.pop("ids", [])
        context = params.pop("context", {})
        with store.lock:
            env = Env(store, uid, context if isinstance(context, dict) else {})
            rpc.check_model(env, model, lambda name: HttpError(404, "NotFound", f"the model {name!r} does not exist"))
            # Odoo 19's get_public_method words both refusals with the dotted "model.method".
            if method.startswith("_") or method in rpc.PRIVATE_NAMES_19:
                raise errors.AccessError(f"Private methods (such as '{model}.{method}') cannot be called remotely.")
            try:
                func = rpc.guarded(env, f"{model}.{method}", lambda: rpc.public_method(model, method))
            except AttributeError as exc:
                raise HttpError(404, "NotFound", f"The method '{model}.{method}' does not exist") from exc
            # (the same refusals over XML-RPC / JSON-RPC on 19 are worded in rpc.call_kw)
            api = getattr(func, "_api", None)
            if api in (MODEL_API, MODEL_CREATE_API) and ids:
                raise HttpError(422, "UnprocessableEntity", f"cannot call {model}.{method} with ids")
            records = env[model].browse(ids)
            env.check_lang()
            try:
                inspect.signature(func).bind(records, **params)
            except TypeError as exc:
                raise HttpError(422, "UnprocessableEntity", exc.args[0]) from exc
            self.backend.before_model_call(uid)(model, ())
            return rpc.downgrade(rpc.guarded(env, f"{model}.{method}", lambda: func(records, **params)))

    def _json2_error(self, exc: BaseException) -> None:
        body = json2_error_body(exc)
        status = 500
        if isinstance(exc, HttpError):
            status = exc.status
        else:
            for cls, code in JSON2_STATUS:
                if isinstance(exc, cls):
                    status = code
                    break
        headers = {"WWW-Authenticate": "Bearer "} if status == 401 else None
        self._send(status, json.dumps(body).encode(), JSON_CONTENT_TYPE, headers)


def odoo_xml(payload: str) -> str:
    """Python's XML-RPC document in the layout Odoo's server writes (double-quoted header, blank line)."""
    return (
        '<?xml version="1.0"?>'
        + payload[len("<?xml version='1.0'?>") : -len("</methodResponse>\n")]
        + ("\n</methodResponse>\n")
    )


class SessionExpired(Exception):
    """No valid session cookie on a session route."""

    odoo_name = "odoo.http.SessionExpiredException"


def _takes_headers(handle) -> bool:
    return getattr(handle, "__name__", "") == "_session_authenticate"


def _rpc_jsonrpc(handler: Handler, service, method, args):
    """Odoo's ``RPC.jsonrpc(service, method, args)``: a missing argument fails with its own TypeError."""
    return handler._dispatch(service, method, list(args))


_rpc_jsonrpc.__qualname__ = "RPC.jsonrpc"


def json2_error_body(exc: BaseException) -> dict:
    """The JSON body Odoo 19 answers on JSON-2 errors (its ``serialize_exception``)."""
    if isinstance(exc, HttpError):
        return {
            "name": exc.odoo_name,
            "message": exc.description,
            "arguments": [exc.description, exc.status],
            "context": {},
            "debug": errors.traceback_text(exc),
        }
    data = errors.jsonrpc_error(exc)["data"]
    return {key: data[key] for key in ("name", "message", "arguments", "context", "debug")}


def session_info(backend: Backend, uid: int) -> dict:
    """What /web/session/authenticate answers about the logged-in user."""
    user = access.USERS[uid]
    info = rpc.version_info(backend.version)
    return {
        "uid": uid,
        "is_system": user.kind == "admin",
        "is_admin": user.kind == "admin",
        "is_public": False,
        "is_internal_user": user.kind != "portal",
        "user_context": {"lang": "en_US", "tz": "Europe/Brussels", "uid": uid},
        "db": access.DATABASE,
        "username": user.login,
        "name": user.name,
        "partner_id": user.partner_id,
        "partner_display_name": user.name,
        "company_id": 1,
        "server_version": info["server_version"],
        "server_version_info": info["server_version_info"],
    }


class Server(ThreadingHTTPServer):
    """Threaded server whose handler threads never outlive a stop()."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or connections reset on purpose end here: not worth a traceback on stderr.
        logger.debug("fake_odoo: connection from %s ended with an error", client_address, exc_info=True)


def make_server(backend: Backend, host: str, port: int) -> Server:
    """A server bound to ``host:port`` (port 0: a free one) for ``backend``."""
    handler = type("BoundHandler", (Handler,), {"backend": backend})
    return Server((host, port), handler)
