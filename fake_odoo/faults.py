"""Fault injection: switches a test flips to make the stand-in slow, failing or broken like a real server can be."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fake_odoo import access, errors

KINDS = ("access", "validation", "missing", "user", "auth", "internal")


def injected_exception(kind: str, model: str | None, uid: int) -> BaseException:
    """The exception a ``fail_next`` kind stands for, worded as Odoo words that kind."""
    model = model or "res.partner"
    description = access.DESCRIPTIONS.get(model, model)
    if kind == "access":
        return errors.access_error_acl("read", description, model, [access.SETTINGS])
    if kind == "validation":
        return errors.ValidationError("The operation cannot be completed: Contacts require a name")
    if kind == "missing":
        return errors.missing_error(model, [99999], uid)
    if kind == "user":
        return errors.UserError("Some orders are not in a state requiring confirmation.")
    if kind == "auth":
        return errors.AccessDenied()
    if kind == "internal":
        return RuntimeError("Injected internal server error")
    raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")


@dataclass
class Faults:
    """Per-server fault switches; every method is safe to call from a test while requests run."""

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _wake: threading.Event = field(default_factory=threading.Event, repr=False)
    delay: float = 0.0
    hanging: bool = False
    failures: list[str] = field(default_factory=list)
    resets: int = 0
    garbage_kind: str | None = None

    def latency(self, seconds: float) -> None:
        """Delay every answer by ``seconds``."""
        self.delay = float(seconds)

    def hang(self) -> None:
        """Never answer (until clear() or the server stops): the client's read timeout must fire."""
        self._wake.clear()
        self.hanging = True

    def fail_next(self, n: int = 1, kind: str = "internal") -> None:
        """Fail the next ``n`` model calls (execute_kw / execute / JSON-2) with an Odoo fault of ``kind``.

        Kinds: access (AccessError), validation (ValidationError), missing (MissingError),
        user (UserError), auth (AccessDenied), internal (a server error: builtins.RuntimeError).
        ``common`` calls (version, authenticate) are not affected.
        """
        injected_exception(kind, None, 2)  # reject unknown kinds now, not at call time
        with self._lock:
            self.failures.extend([kind] * n)

    def reset_connection(self, n: int = 1) -> None:
        """Close the socket without answering, for the next ``n`` requests."""
        with self._lock:
            self.resets += n

    def garbage(self, kind: str = "html") -> None:
        """Answer every request with an HTML page ("html") or a body cut short ("truncated")."""
        if kind not in ("html", "truncated"):
            raise ValueError("garbage kind must be 'html' or 'truncated'")
        self.garbage_kind = kind

    def clear(self) -> None:
        """Back to a well-behaved server; wakes hanging requests."""
        with self._lock:
            self.delay = 0.0
            self.hanging = False
            self.failures.clear()
            self.resets = 0
            self.garbage_kind = None
        self._wake.set()

    # --- used by the server ---
    def take_failure(self) -> str | None:
        with self._lock:
            return self.failures.pop(0) if self.failures else None

    def take_reset(self) -> bool:
        with self._lock:
            if self.resets > 0:
                self.resets -= 1
                return True
            return False

    def wait_hang(self, stopping: threading.Event) -> None:
        """Block while hanging, waking up on clear() or server stop."""
        while self.hanging and not stopping.is_set():
            self._wake.wait(0.05)
