"""Work a request leaves for after its answer has gone: writes the caller need not wait for.

:func:`defer` adds work (a token's last use, for instance); it runs once the WSGI server has closed
the response, after sending its last byte, right after the call's log row (logs.writer).
Deferred work never raises into anything: a failure is logged.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_ATTRIBUTE = "hub_deferred"


def defer(request, work: Callable[[], None]) -> None:
    """Run ``work`` once the answer to ``request`` has gone."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    pending = request.__dict__.setdefault(_ATTRIBUTE, [])
    pending.append(work)


def run(request) -> None:
    """Run (once) the work deferred on ``request``."""
    pending = request.__dict__.pop(_ATTRIBUTE, [])
    for work in pending:
        try:
            work()
        except Exception:  # one failed write must not keep the others from running
            logger.exception("Deferred work %r after %s %s failed", work, request.method, request.path)
