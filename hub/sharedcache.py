"""The shared cache (Redis when REDIS_URL is set) may go away; the hub keeps serving without it.

What the hub keeps there is an optimisation or a guard, never data: configuration versions (then
every request reads its configuration from the database), failed-authentication counters and rate
limits (then not enforced). Callers catch ``UNREACHABLE`` and say so with :func:`warn`, at most
once a minute per subject, so a Redis outage is seen in the log without flooding it.
"""

import logging
import threading
import time

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
