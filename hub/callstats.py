"""Counts and times Odoo RPC calls per request.

The Odoo client records every call here; the request log, tests and benchmarks read it.
A context variable keeps concurrent requests (threads) apart.
"""

import contextvars
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class CallStats:
    """RPC calls made so far in one unit of work (a request, a test, a benchmark run)."""

    count: int = 0
    seconds: float = 0.0
    calls: list[tuple[str, str, float]] = field(default_factory=list)  # (model, method, seconds)
    # The enclosing unit of work, if any: a test tracking around a request sees the request's calls.
    outer: "CallStats | None" = field(default=None, repr=False, compare=False)

    @property
    def milliseconds(self) -> int:
        return round(self.seconds * 1000)

    def record(self, model: str, method: str, seconds: float) -> None:
        self.count += 1
        self.seconds += seconds
        self.calls.append((model, method, seconds))
        if self.outer is not None:
            self.outer.record(model, method, seconds)


_current: contextvars.ContextVar[CallStats | None] = contextvars.ContextVar("hub_call_stats", default=None)


@contextmanager
def tracking():
    """Collect the RPC calls made inside the block: ``with tracking() as stats: …; stats.count``."""
    stats = CallStats(outer=_current.get())
    token = _current.set(stats)
    try:
        yield stats
    finally:
        _current.reset(token)


def current() -> CallStats | None:
    """The stats being collected for the running unit of work, if any."""
    return _current.get()


@contextmanager
def timed_call(model: str, method: str):
    """Used by the client around one RPC call: counts and times it when tracking is on."""
    started = time.perf_counter()
    try:
        yield
    finally:
        stats = _current.get()
        if stats is not None:
            stats.record(model, method, time.perf_counter() - started)
