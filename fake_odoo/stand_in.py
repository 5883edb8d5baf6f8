"""``FakeOdoo``: the stand-in as an object a test or a command starts, resets, inspects and stops."""

from __future__ import annotations

import pickle
import threading

from fake_odoo import access
from fake_odoo.faults import Faults
from fake_odoo.orm import Store
from fake_odoo.server import Backend, make_server

VERSIONS = ("18.0", "19.0")


def fresh_store(version: str = "18.0") -> Store:
    """A store holding a fresh copy of the deterministic demo dataset."""
    from fake_odoo import dataset

    store = Store(dataset.build(), dataset.FIELDS)
    store.version = version
    return store


class FakeOdoo:
    """An Odoo 18 or 19 stand-in serving XML-RPC, JSON-RPC and (19) JSON-2 on 127.0.0.1."""

    ADMIN_API_KEY = access.ADMIN_API_KEY
    DEMO_API_KEY = access.DEMO_API_KEY
    database = access.DATABASE

    def __init__(self, version: str = "18.0", host: str = "127.0.0.1", port: int = 0) -> None:
        if version not in VERSIONS:
            raise ValueError(f"version must be one of {', '.join(VERSIONS)}")
        self.version = version
        self.faults = Faults()
        self._backend = Backend(fresh_store(version), version, self.faults)
        self._host = host
        self._port = port
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeOdoo:
        """Serve in a background thread (port 0 picks a free port)."""
        if self._server is not None:
            return self
        self._backend.stopping.clear()
        self._server = make_server(self._backend, self._host, self._port)
        # serve_forever notices stop()'s shutdown() once per poll interval (0.5 s by default): each test
        # starting its own stand-in waited that long at its end.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="fake-odoo", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python -m fake_odoo``)."""
        self._server = make_server(self._backend, self._host, self._port)
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        """Stop serving; hanging requests are released and their connections dropped."""
        if self._server is None:
            return
        self._backend.stopping.set()
        self.faults.clear()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def keep_alive(self) -> bool:
        """Whether connections stay open between calls (False: "Connection: close" like real Odoo 18)."""
        return self._backend.keep_alive

    @keep_alive.setter
    def keep_alive(self, value: bool) -> None:
        self._backend.keep_alive = bool(value)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the stand-in is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def reset(self) -> None:
        """A fresh deterministic dataset, no sessions, all faults cleared, keep-alive on."""
        self.faults.clear()
        self._backend.keep_alive = True
        store = fresh_store(self.version)
        with self._backend.store.lock:
            self._backend.store = store
            self._backend.sessions.clear()

    def records(self, model: str) -> list[dict]:
        """Raw stored records of ``model`` (copies), in id order, for assertions."""
        store = self._backend.store
        with store.lock:
            table = store.data.get(model, {})
            # A pickle round trip copies as deeply as copy.deepcopy, several times faster.
            return pickle.loads(pickle.dumps([table[i] for i in sorted(table)], protocol=pickle.HIGHEST_PROTOCOL))

    @property
    def not_modelled(self) -> list[str]:
        """What calls since the last reset met that the stand-in does not model (each call failed loudly)."""
        return list(self._backend.store.not_modelled)

    @property
    def store(self):
        """The live store (for tests of the stand-in itself)."""
        return self._backend.store

    def __enter__(self) -> FakeOdoo:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
