"""The shared cache (Redis when REDIS_URL is set) may go away; the hub keeps serving without it.

What the hub keeps there is an optimisation or a guard, never data: configuration versions (then
every request reads its configuration from the database), failed-authentication counters and rate
limits (then not enforced). Callers catch ``UNREACHABLE`` and say so with :func:`warn`, at most
once a minute per subject, so a Redis outage is seen in the log without flooding it.
"""

import logging
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError

    UNREACHABLE: tuple[type[BaseException], ...] = (RedisError, OSError)
except ImportError:  # redis is a requirement; without it only local memory can be used
    UNREACHABLE = (OSError,)

WARNING_INTERVAL = 60.0
_warned_at: dict[str, float] = {}
_lock = threading.Lock()


def warn(subject: str, exc: BaseException, detail: str = "") -> None:
    """Log that ``subject`` goes without the shared cache, at most once a minute per subject
    (``detail``, e.g. a running count, is added to the line but does not make it another subject)."""
    now = time.monotonic()
    with _lock:
        last = _warned_at.get(subject)
        if last is not None and now - last < WARNING_INTERVAL:
            return
        _warned_at[subject] = now
    logger.warning(
        "The shared cache is unreachable (%s: %s): %s%s", exc.__class__.__name__, exc, subject, detail and f"; {detail}"
    )


# The keys a request will read, fetched together at its first read (read_ahead).
_ahead = threading.local()
_MISSING = object()  # a key read ahead that the cache did not hold


@contextmanager
def read_ahead(keys: Iterable[str]):
    """Within the block, the first read of the shared cache fetches ``keys`` with it, in one round
    trip, and later reads of those keys are answered from that fetch (each key once: a second read
    goes to the cache). A call reads a configuration version, an API key version and a throttle
    counter before it is let in: one network round trip instead of three."""
    _ahead.pending, _ahead.fetched = tuple(keys), None
    try:
        yield
    finally:
        _ahead.pending = _ahead.fetched = None


def get_many(keys: list[str]) -> dict:
    """``cache.get_many(keys)``, from the read ahead when it holds them. Raises ``UNREACHABLE``."""
    pending = getattr(_ahead, "pending", None)
    if not pending:
        return cache.get_many(keys)
    fetched = _ahead.fetched
    if fetched is None:
        wanted = list(dict.fromkeys([*pending, *keys]))
        try:
            values = cache.get_many(wanted)
        except UNREACHABLE:
            _ahead.pending = None  # every later read tries (and warns) on its own
            raise
        fetched = _ahead.fetched = {key: values.get(key, _MISSING) for key in wanted}
    if not all(key in fetched for key in keys):
        return cache.get_many(keys)
    found = {key: fetched.pop(key) for key in keys}
    return {key: value for key, value in found.items() if value is not _MISSING}


def version(key: str):
    """The version number kept under ``key``: started, when missing, at a value no process can have
    seen (nanoseconds since the epoch), so a cache flush never makes an old version current again.
    Raises ``UNREACHABLE``: a caller without the shared version reads the database instead."""
    current = get_many([key]).get(key)
    if current is None:
        cache.add(key, time.time_ns(), timeout=None)
        current = cache.get(key)
    return current


def bump(key: str, subject: str) -> None:
    """Announce a change to every process by moving the version under ``key``; never raises (a save in
    the admin must not fail for the cache: the change is ``warn``-ed, and readers reload within their max age)."""
    try:
        try:
            cache.incr(key)
        except ValueError:  # the key is gone (flushed, evicted): any fresh value will do
            cache.set(key, time.time_ns(), timeout=None)
    except UNREACHABLE as exc:
        warn(subject, exc)


class Kept:
    """A value read from the database, kept in this process while the shared version under
    ``version_key`` stays the same and for at most ``max_age`` seconds (a change no signal saw).

    ``get()`` raises ``UNREACHABLE`` without the shared cache: each caller decides how to read
    without it (the whole value afresh, or a narrower query).
    """

    def __init__(self, version_key: str, load, max_age: float) -> None:
        self.version_key = version_key
        self.load = load
        self.max_age = max_age
        self._lock = threading.Lock()
        self.clear()

    def get(self):
        current = version(self.version_key)
        with self._lock:
            if self._version == current and time.monotonic() - self.loaded_at < self.max_age:
                return self._value
        value = self.load()
        with self._lock:
            # kept under the version read before the load: a change committed meanwhile bumped it past this one
            self._version, self._value, self.loaded_at = current, value, time.monotonic()
        return value

    def held(self):
        """The value kept here and the shared version it was read under, without asking the shared cache
        whether that version is still current (the caller has it checked: hub.ratelimit's conditions); None
        when nothing is kept, or it is too old."""
        with self._lock:
            version, value, loaded_at = self._version, self._value, self.loaded_at
        if type(version) is not int or time.monotonic() - loaded_at >= self.max_age:
            return None
        return value, version

    def clear(self) -> None:
        """Forget the value here (tests; the version check does it in production)."""
        with self._lock:
            self._version, self._value, self.loaded_at = None, None, float("-inf")
