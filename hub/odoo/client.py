"""``OdooClient``: one ``execute_kw`` interface over XML-RPC, JSON-RPC and JSON-2.

A client belongs to one Odoo server, database and user, and is shared by every thread of the
process: the HTTP pool is thread-safe, and the protocol choice and uid are asked once and
cached, never under a lock across a network call (each call ends within its own timeouts).
Every remote call goes through ``hub.callstats.timed_call`` so requests, tests and benchmarks
can count and time them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from hub import callstats
from hub.odoo.exceptions import OdooAuthError, OdooConnectionLost, OdooError, OdooRequestError
from hub.odoo.http_pool import HttpPool
from hub.odoo.transports import (
    TRANSPORTS,
    Json2Transport,
    JsonRpcTransport,
    Transport,
    new_http_client,
    where,
)

logger = logging.getLogger(__name__)

PROTOCOLS = ("auto", "xmlrpc", "jsonrpc", "json2")

# Methods that change nothing: one more try after a reset connection cannot do harm.
# Anything else may have run on the server before the connection broke, so it is never retried.
READ_METHODS = frozenset(
    {
        "search",
        "search_read",
        "search_count",
        "search_fetch",
        "read",
        "fetch",
        "exists",
        "fields_get",
        "name_search",
        "default_get",
        "web_search_read",
        "web_read",
        "read_group",
        "web_read_group",
        "check_access_rights",
        "check_access",
        "check_access_rule",
        "has_access",
        "context_get",
        "version",
        "authenticate",
    }
)

# Odoo's generated API keys are 40 hexadecimal characters; a password almost never is.
_API_KEY = re.compile(r"^[0-9a-f]{40}$")


def looks_like_api_key(secret: str) -> bool:
    """Whether ``secret`` has the shape of an Odoo API key (JSON-2 needs one)."""
    return bool(_API_KEY.match(secret or ""))


def major_version(version: dict) -> int:
    """The major Odoo version (18 for "18.0", 17 for "saas~17.4") from ``common.version``."""
    info = version.get("server_version_info") or []
    if info and isinstance(info[0], int):
        return info[0]
    match = re.search(r"(\d+)", str(version.get("server_serie") or version.get("server_version") or ""))
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class Probe:
    """What a connection test found: the server's version, our uid, the protocol and the time."""

    server_version: str
    uid: int
    protocol: str
    seconds: float

    @property
    def milliseconds(self) -> int:
        return round(self.seconds * 1000)


class OdooClient:
    """Talks to one Odoo database as one user; thread-safe, share it."""

    def __init__(
        self,
        url: str,
        database: str,
        login: str,
        secret: str,
        protocol: str = "auto",
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        *,
        http: HttpPool | None = None,
    ) -> None:
        if protocol not in PROTOCOLS:
            raise ValueError(f"Unknown Odoo protocol {protocol!r}: use one of {', '.join(PROTOCOLS)}")
        self.url = url.rstrip("/")
        self.database = database
        self.login = login
        self._secret = secret
        self.protocol = protocol
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._http = http or new_http_client(connect_timeout, read_timeout)
        self._lock = threading.Lock()
        self._settling: dict[str, Future] = {}
        self._transport: Transport | None = None
        self._uid: int | None = None
        self._server_version: dict | None = None

    def __repr__(self) -> str:
        return f"<OdooClient {self.login}@{where(self.url)}/{self.database} {self.protocol}>"

    # --- protocol ------------------------------------------------------------------------------

    @property
    def transport(self) -> Transport:
        """The protocol in use, chosen on first use when ``protocol`` is auto."""
        transport = self._transport
        if transport is None:
            transport = self._settle("_transport", self._choose_transport)
        return transport

    @property
    def active_protocol(self) -> str:
        """The protocol actually spoken: xmlrpc, jsonrpc or json2."""
        return self.transport.name

    def _make(self, name: str) -> Transport:
        return TRANSPORTS[name](self._http, self.url, self.database)

    def _choose_transport(self) -> Transport:
        if self.protocol != "auto":
            return self._make(self.protocol)
        version = self._server_version or self.version()
        if major_version(version) >= 19 and looks_like_api_key(self._secret):
            json2 = self._make(Json2Transport.name)
            try:
                self._uid = self._json2_uid(json2)
            except (OdooAuthError, OdooRequestError) as exc:
                logger.info("JSON-2 refused at %s (%s); using JSON-RPC", where(self.url), exc.message)
            else:
                return json2
        return self._make(JsonRpcTransport.name)

    # --- common calls ----------------------------------------------------------------------------

    def version(self) -> dict:
        """``common.version`` of the server (asks Odoo every time)."""
        transport = self._transport
        if transport is None:
            transport = self._make(JsonRpcTransport.name if self.protocol == "auto" else self.protocol)
        version = self._timed("common", "version", transport.version, retry=True)
        self._server_version = version
        return version

    @property
    def uid(self) -> int:
        """The user id of ``login``; authenticates on first use, then cached."""
        uid = self._uid
        if uid is None:
            uid = self._settle("_uid", self._authenticate)
        return uid

    def authenticate(self) -> int:
        """Authenticate now (not from the cache) and return the uid; OdooAuthError if refused."""
        self._uid = None
        uid = self._authenticate()
        self._uid = uid
        return uid

    def _settle(self, name: str, ask: Callable[[], Any]) -> Any:
        """The cached attribute ``name``, asked of Odoo by one thread while the others wait for its answer.

        The lock is never held across the network call: held there, a hung Odoo made each thread
        wait for the timeouts of all those before it. A waiter shares the asker's answer or error,
        which comes within the asker's timeouts, so no sooner than the waiter's own would.
        """
        with self._lock:
            value = getattr(self, name)
            if value is not None:
                return value
            pending = self._settling.get(name)
            asking = pending is None
            if asking:
                pending = self._settling[name] = Future()
        if not asking:
            return pending.result()
        try:
            value = ask()
        except BaseException as exc:
            with self._lock:
                del self._settling[name]
            pending.set_exception(exc)
            raise
        with self._lock:
            setattr(self, name, value)
            del self._settling[name]
        pending.set_result(value)
        return value

    def _authenticate(self) -> int:
        if not self._secret:
            raise OdooAuthError("Access Denied: no password or API key is set")
        transport = self.transport
        if self._uid is not None:  # choosing JSON-2 just authenticated
            return self._uid
        if isinstance(transport, Json2Transport):
            return self._json2_uid(transport)
        return self._timed(
            "common", "authenticate", lambda: transport.authenticate(self.login, self._secret), retry=True
        )

    def _json2_uid(self, transport: Json2Transport) -> int:
        try:
            return self._timed("res.users", "context_get", lambda: transport.whoami(self._secret), retry=True)
        except OdooRequestError:
            # No context_get on this server: the key's user finds itself by login instead.
            return self._timed(
                "res.users", "search", lambda: transport.find_login(self.login, self._secret), retry=True
            )

    def probe(self) -> Probe:
        """Ask the version and authenticate afresh: what a connection test and /readyz report."""
        started = time.perf_counter()
        version = self.version()
        uid = self.authenticate()
        return Probe(
            server_version=str(version.get("server_version", "")),
            uid=uid,
            protocol=self.active_protocol,
            seconds=time.perf_counter() - started,
        )

    # --- model calls -----------------------------------------------------------------------------

    def execute_kw(self, model: str, method: str, args: list | None = None, kwargs: dict | None = None) -> Any:
        """``model.method(*args, **kwargs)`` in Odoo, as this client's user."""
        args = list(args or [])
        kwargs = dict(kwargs or {})
        transport = self.transport
        retry = method in READ_METHODS
        if transport.name == Json2Transport.name:
            # The bearer key is sent on every call: nothing to authenticate or refresh.
            return self._timed(
                model, method, lambda: transport.execute_kw(0, self._secret, model, method, args, kwargs), retry=retry
            )
        had_uid = self._uid is not None
        uid = self.uid

        def call() -> Any:
            return transport.execute_kw(uid, self._secret, model, method, args, kwargs)

        try:
            return self._timed(model, method, call, retry=retry)
        except OdooAuthError:
            if not had_uid:
                raise
        # Odoo refused a uid it accepted before (password changed, user recreated): once more
        # with a fresh login. A refused call never ran, so this holds for writes too.
        logger.info("Odoo at %s refused the cached uid of %s; authenticating again", where(self.url), self.login)
        with self._lock:
            if self._uid == uid:
                self._uid = None
        uid = self.uid
        return self._timed(model, method, call, retry=retry)

    # --- typed calls: one method per remote call, each one execute_kw as written here ------------

    def search(
        self,
        model: str,
        domain: list,
        *,
        offset: int | None = None,
        limit: int | None = None,
        order: str | None = None,
        context: dict | None = None,
    ) -> list[int]:
        """Ids of the records matching ``domain``."""
        options = _given(offset=offset, limit=limit, order=order, context=context)
        return self.execute_kw(model, "search", [domain], options)

    def search_count(self, model: str, domain: list) -> int:
        """How many records match ``domain``."""
        return self.execute_kw(model, "search_count", [domain])

    def search_read(
        self,
        model: str,
        domain: list,
        fields: list[str],
        *,
        offset: int | None = None,
        limit: int | None = None,
        order: str | None = None,
        context: dict | None = None,
    ) -> list[dict]:
        """The ``fields`` of the records matching ``domain``."""
        options = _given(fields=fields, limit=limit, offset=offset, order=order, context=context)
        return self.execute_kw(model, "search_read", [domain], options)

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict]:
        """The ``fields`` of the records ``ids`` (many2one as ``[id, name]``)."""
        return self.execute_kw(model, "read", [ids], {"fields": fields})

    def web_search_read(
        self,
        model: str,
        domain: list,
        specification: dict,
        *,
        offset: int | None = None,
        limit: int | None = None,
        order: str | None = None,
    ) -> dict:
        """``{"length", "records"}``: the records matching ``domain`` read with a specification (Odoo 17+)."""
        options = _given(order=order, offset=offset, limit=limit)
        return self.execute_kw(model, "web_search_read", [domain, specification], options)

    def web_read(self, model: str, ids: list[int], specification: dict) -> list[dict]:
        """The records ``ids`` read with a specification, nested records included (Odoo 17+)."""
        return self.execute_kw(model, "web_read", [ids], {"specification": specification})

    def create(self, model: str, vals: dict | list[dict]) -> int | list[int]:
        """Create one record (an id back) or a list of them in one call (the list of ids back)."""
        return self.execute_kw(model, "create", [vals])

    def write(self, model: str, ids: list[int], vals: dict) -> bool:
        """Write the same ``vals`` to every record of ``ids``."""
        return self.execute_kw(model, "write", [ids, vals])

    def unlink(self, model: str, ids: list[int]) -> bool:
        """Delete the records ``ids``."""
        return self.execute_kw(model, "unlink", [ids])

    def fields_get(self, model: str, attributes: list[str]) -> dict[str, dict]:
        """The fields of ``model`` with the given ``attributes`` of each (type, relation, string, ...)."""
        return self.execute_kw(model, "fields_get", [], {"attributes": attributes})

    def as_user(self, login: str, password: str) -> OdooClient:
        """A client for another user of the same server and database, sharing the HTTP pool."""
        # JSON-2 takes API keys only: a password falls back to JSON-RPC through "auto".
        protocol = "auto" if self.protocol == "json2" else self.protocol
        other = OdooClient(
            self.url,
            self.database,
            login,
            password,
            protocol,
            self.connect_timeout,
            self.read_timeout,
            http=self._http,
        )
        other._server_version = self._server_version
        return other

    def close(self) -> None:
        """Close the pooled connections (a closed client cannot be used again)."""
        self._http.close()

    # --- plumbing --------------------------------------------------------------------------------

    def _timed(self, model: str, method: str, call, *, retry: bool = False) -> Any:
        """Run one remote call, counted and timed; a read is tried once more after a reset."""
        attempts = 2 if retry else 1
        for attempt in range(1, attempts + 1):
            with callstats.timed_call(model, method):
                try:
                    return call()
                except OdooConnectionLost as exc:
                    if attempt == attempts:
                        raise
                    logger.info("Retrying %s.%s once after a reset connection: %s", model, method, exc.message)
        raise OdooError("unreachable")  # pragma: no cover - the loop returns or raises


def _given(**options: Any) -> dict:
    """The keyword arguments a caller set: Odoo applies its own defaults to the others."""
    return {name: value for name, value in options.items() if value is not None}
