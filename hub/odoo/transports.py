"""One class per wire protocol; each turns a call into one HTTP request and its answer back.

All three share the client's ``HttpPool`` (keep-alive, connect/read timeouts, ``hub.odoo.http_pool``),
and all clients one TLS context.
A transport knows nothing of retries, caching or counting: ``OdooClient`` does that.
Every failure leaves here as an ``OdooError``: transport problems (refused, reset, timeout,
HTML or garbage answers) as ``OdooUnavailable``/``OdooTimeout``, Odoo's own faults through
``hub.odoo.faults``.
"""

from __future__ import annotations

import itertools
import json
import re
import xmlrpc.client
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from hub.odoo import faults, http_pool
from hub.odoo.exceptions import (
    OdooAuthError,
    OdooConnectionLost,
    OdooError,
    OdooRequestError,
    OdooTimeout,
    OdooUnavailable,
)
from hub.odoo.http_pool import HttpPool, Response
from hub.odoo.names import is_model_name
from hub.odoo.signatures import named_arguments

_METHOD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def new_http_client(connect_timeout: float, read_timeout: float) -> HttpPool:
    """The pooled HTTP client shared by every protocol of one connection (thread-safe)."""
    return HttpPool(connect_timeout, read_timeout)


def odoo_value(value: Any) -> Any:
    """A Python value Odoo's wire formats lack, as Odoo expects it (dates as its strings, in UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"a {type(value).__name__} cannot be sent to Odoo")


def _xmlrpc_values(value: Any) -> Any:
    # XML-RPC would send dates as dateTime.iso8601, which Odoo's ORM does not accept.
    if isinstance(value, dict):
        return {key: _xmlrpc_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_xmlrpc_values(item) for item in value]
    if isinstance(value, (date, Decimal)):
        return odoo_value(value)
    return value


def json_body(payload: Any) -> bytes:
    """``payload`` as JSON for Odoo; OdooRequestError when it holds something JSON cannot carry."""
    try:
        return json.dumps(payload, default=odoo_value, ensure_ascii=False).encode()
    except (TypeError, ValueError) as exc:
        raise OdooRequestError(f"Cannot send these arguments to Odoo: {exc}") from None


def where(url: str) -> str:
    """scheme://host:port of ``url``, for messages: never a path, query or credentials."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def url_problem(url: str) -> str | None:
    """What is wrong with an Odoo base URL, or None when it is usable."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "it is malformed"
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    if parts.username or parts.password:
        return "it must not carry credentials: give the login and secret separately"
    if parts.query or parts.fragment:
        return "it must be a base URL, without ?query or #fragment"
    return None


class Transport:
    """Base of the three protocols: HTTP with every transport failure typed."""

    name: ClassVar[str]

    def __init__(self, http: HttpPool, url: str, database: str) -> None:
        self.http = http
        self.url = url.rstrip("/")
        self.database = database

    def version(self) -> dict:
        """``common.version``: server_version, server_version_info, ..."""
        raise NotImplementedError

    def authenticate(self, login: str, secret: str) -> int:
        """The uid of ``login``; OdooAuthError when Odoo refuses the credentials."""
        raise NotImplementedError

    def execute_kw(self, uid: int, secret: str, model: str, method: str, args: list, kwargs: dict) -> Any:
        """``model.method(*args, **kwargs)`` as ``uid``."""
        raise NotImplementedError

    def send(self, method: str, path: str, **options: Any) -> Response:
        """One HTTP exchange with Odoo; transport failures become typed errors."""
        try:
            return self.http.request(method, self.url, path, **options)
        except http_pool.ConnectTimeout:
            raise OdooTimeout(f"Odoo at {where(self.url)} did not accept a connection in time") from None
        except (http_pool.ReadTimeout, http_pool.PoolTimeout):
            raise OdooTimeout(f"Odoo at {where(self.url)} did not answer in time") from None
        except http_pool.ConnectFailed as exc:
            raise OdooUnavailable(f"Cannot connect to Odoo at {where(self.url)}: {_reason(exc)}") from None
        except http_pool.ConnectionLost as exc:
            raise OdooConnectionLost(f"Odoo at {where(self.url)} closed the connection: {_reason(exc)}") from None
        except http_pool.HttpError as exc:
            raise OdooUnavailable(f"Cannot talk to Odoo at {where(self.url)}: {_reason(exc)}") from None

    def not_protocol(self, response: Response) -> OdooUnavailable:
        """The error for an answer that is not this protocol (HTML page, proxy error, garbage)."""
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        return OdooUnavailable(
            f"Odoo at {where(self.url)} answered HTTP {response.status_code} ({kind}), not {self.name}"
        )


def _reason(exc: Exception) -> str:
    text = faults.first_line(str(exc))
    return text or type(exc).__name__


class RpcTransport(Transport):
    """Base of XML-RPC and JSON-RPC: Odoo's ``common`` and ``object`` services; only ``call()`` differs."""

    def call(self, service: str, method: str, params: list, *, odoo_method: str | None = None) -> Any:
        """``service.method(*params)`` over this protocol; ``odoo_method`` names the model method in faults."""
        raise NotImplementedError

    def version(self) -> dict:
        return self.call("common", "version", [])

    def authenticate(self, login: str, secret: str) -> int:
        uid = self.call("common", "authenticate", [self.database, login, secret, {}], odoo_method="authenticate")
        return _checked_uid(uid)

    def execute_kw(self, uid: int, secret: str, model: str, method: str, args: list, kwargs: dict) -> Any:
        params = [self.database, uid, secret, model, method, args, kwargs]
        return self.call("object", "execute_kw", params, odoo_method=method)


class XmlRpcTransport(RpcTransport):
    """XML-RPC on ``/xmlrpc/2/common`` and ``/xmlrpc/2/object`` (deprecated since 19, removal scheduled in 20)."""

    name = "xmlrpc"

    def call(self, service: str, method: str, params: list, *, odoo_method: str | None = None) -> Any:
        try:
            body = xmlrpc.client.dumps(
                tuple(_xmlrpc_values(params)), methodname=method, allow_none=True, encoding="utf-8"
            ).encode()  # a lone surrogate ("\ud800") fails here: UnicodeEncodeError
        except (TypeError, OverflowError, UnicodeEncodeError) as exc:
            raise OdooRequestError(f"Cannot send these arguments over XML-RPC: {exc}") from None
        response = self.send("POST", f"/xmlrpc/2/{service}", content=body, headers={"Content-Type": "text/xml"})
        if response.status_code != 200:
            raise self.not_protocol(response)
        try:
            values, _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            if faults.is_marshal_none(fault.faultCode, fault.faultString):
                return None  # the method ran; only its None result could not be encoded
            raise faults.from_xmlrpc_fault(fault.faultCode, fault.faultString, method=odoo_method) from None
        except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError, IndexError):
            raise self.not_protocol(response) from None
        if len(values) != 1:
            raise self.not_protocol(response)
        return values[0]


class JsonRpcTransport(RpcTransport):
    """JSON-RPC on ``/jsonrpc`` (deprecated since 19, scheduled for removal in 20); errors name the exception class."""

    name = "jsonrpc"
    _ids = itertools.count(1)

    def call(self, service: str, method: str, params: list, *, odoo_method: str | None = None) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": params},
            "id": next(self._ids),
        }
        response = self.send(
            "POST", "/jsonrpc", content=json_body(payload), headers={"Content-Type": "application/json"}
        )
        if response.status_code != 200:
            raise self.not_protocol(response)
        try:
            answer = response.json()
        except ValueError:
            raise self.not_protocol(response) from None
        if not isinstance(answer, dict) or not ("result" in answer or "error" in answer):
            raise self.not_protocol(response)
        if "error" in answer:
            raise faults.from_jsonrpc_error(answer["error"], method=odoo_method)
        return answer["result"]


class Json2Transport(Transport):
    """Odoo 19+'s JSON-2: ``POST /json/2/<model>/<method>``, bearer API key, named arguments."""

    name = "json2"

    def version(self) -> dict:
        """``GET /web/version`` (Odoo 19's documented version route), else ``GET /json/version``.

        JSON-2 has no version call of its own; /jsonrpc is not asked: it is deprecated since 19.
        """
        response = self.send("GET", "/web/version")
        if response.status_code == 404:
            response = self.send("GET", "/json/version")
        if response.status_code != 200:
            raise self.not_protocol(response)
        try:
            answer = response.json()
            info = list(answer["version_info"])
            version = str(answer["version"])
        except (ValueError, KeyError, TypeError):
            raise self.not_protocol(response) from None
        return {"server_version": version, "server_version_info": info, "server_serie": version}

    def whoami(self, secret: str) -> int:
        """The uid the API key belongs to, from ``res.users/context_get`` (Odoo's documented way)."""
        context = self.execute_kw(0, secret, "res.users", "context_get", [], {})
        return _checked_uid(context.get("uid") if isinstance(context, dict) else None)

    def find_login(self, login: str, secret: str) -> int:
        """The uid of ``login`` by search: for servers without context_get (a stand-in, a filtering proxy)."""
        found = self.execute_kw(0, secret, "res.users", "search", [[["login", "=", login]]], {"limit": 1})
        return _checked_uid(found[0] if isinstance(found, list) and found else None)

    def authenticate(self, login: str, secret: str) -> int:
        try:
            return self.whoami(secret)
        except OdooRequestError:
            return self.find_login(login, secret)

    def execute_kw(self, uid: int, secret: str, model: str, method: str, args: list, kwargs: dict) -> Any:
        if not is_model_name(model):
            raise OdooRequestError(f"Invalid model name {model!r}")
        if not _METHOD_NAME.match(method or ""):
            raise OdooRequestError(f"Invalid method name {method!r}")
        body = named_arguments(method, args, kwargs)
        response = self.send(
            "POST",
            f"/json/2/{model}/{method}",
            content=json_body(body),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"bearer {secret}",
                "X-Odoo-Database": self.database,
            },
        )
        refused = self._refused_page(response)
        if refused is not None:
            raise refused
        try:
            answer = response.json()
        except ValueError:
            raise self.not_protocol(response) from None
        if response.status_code != 200:
            if response.status_code >= 500 and not isinstance(answer, dict):
                raise self.not_protocol(response)
            raise faults.from_json2_error(response.status_code, answer, method=method)
        if method == "create" and args and isinstance(args[0], dict) and isinstance(answer, list) and len(answer) == 1:
            # JSON-2 answers ids for every create; the other protocols give one id for one dict.
            return answer[0]
        return answer

    def _refused_page(self, response: Response) -> OdooError | None:
        """Odoo 19's HTML refusals of a JSON-2 request: an unknown database, a body that is not JSON."""
        if "text/html" not in response.headers.get("Content-Type", ""):
            return None
        target = where(self.url)
        if response.status_code == 404 and "No database is selected" in response.text:
            # The X-Odoo-Database header names no database of that server: the connection's configuration.
            return OdooAuthError(
                f'Odoo at {target} has no database "{self.database}"',
                public_message="Odoo refused the hub's connection settings.",
            )
        if response.status_code == 415:
            return OdooRequestError(
                f"Odoo at {target} refused the request's Content-Type (HTTP 415)",
                public_message="Odoo refused the hub's request format.",
            )
        return None


def _checked_uid(uid: Any) -> int:
    if isinstance(uid, bool) or not isinstance(uid, int) or uid <= 0:
        raise OdooAuthError("Access Denied")
    return uid


TRANSPORTS: dict[str, type[Transport]] = {
    XmlRpcTransport.name: XmlRpcTransport,
    JsonRpcTransport.name: JsonRpcTransport,
    Json2Transport.name: Json2Transport,
}
