"""Fixtures shared by the whole suite; each fixture module lives in tests/fixtures/."""

import gc
import os
import tempfile
import threading

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.fixtures.cache import cache_reads, local_cache, redis_commands  # noqa: F401
from tests.fixtures.hub import *  # noqa: F403
from tests.fixtures.odoo import *  # noqa: F403
from tests.fixtures.ratelimit import *  # noqa: F403
from tests.fixtures.throttle import *  # noqa: F403
from tests.fixtures.tls import *  # noqa: F403

# The production hasher (PBKDF2, a million rounds) costs ~0.3 s per hash: most of the suite's
# time went there. Tests that are about the stored hash ask for it themselves.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Property tests check what the code does, not how fast examples come: on a loaded machine
# Hypothesis's "input generation is slow" health check failed a test whose code was fine.
hypothesis_settings.register_profile("hub", suppress_health_check=[HealthCheck.too_slow], deadline=None)
hypothesis_settings.load_profile("hub")


# Tests that each take many seconds (subprocesses, a fuzzer, property tests) run first: started
# last, one of them kept a worker busy long after the other had finished its share
# (`make test` hands out the rest with --dist worksteal). Whole files, so module fixtures stay shared.
SLOW_FIRST = (
    "tests/endpoints/test_schemathesis.py",
    "tests/hub/test_demo_commands.py",
    "tests/logs/test_worker_restart.py",
    "tests/outbound/test_worker.py",
    "tests/hub/test_env.py",
    "tests/gateway_features/test_two_hubs.py",
    "tests/mappings/test_generic_robustness.py",
)


class _InFlight:
    """Requests between Django's request_started and request_finished, in any thread. A response's
    close() writes its log row and only then sends request_finished, so none left means no INSERT
    is still to come."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_for_none(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count <= 0, timeout)

    def forget_unstarted(self) -> None:
        """A test that closed a response it built itself finished a request that never started."""
        with self.changed:
            self.count = max(self.count, 0)


_in_flight = _InFlight()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A live-server test ends once the requests its server was handling are done: they close their
    answers (and write their log rows) after the client has them, and the database flush that
    follows the test deadlocked with such an INSERT on PostgreSQL. (Not once the server's threads
    are gone: a kept-alive connection holds its thread with no request in it.)"""
    try:
        return (yield)
    finally:
        if "live_server" in item.fixturenames:
            _in_flight.wait_for_none(timeout=10)
        _in_flight.forget_unstarted()


def pytest_collection_modifyitems(config, items):
    """The files of SLOW_FIRST before the others, each in its own order."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in SLOW_FIRST)


def pytest_collection_finish(session):
    """What collection loaded lives for the whole run: frozen, it is left out of the cyclic collector's
    full collections, as hub.wsgi does for the hub. Measured on a third of the suite: the full
    collections took 9.5 s of a worker's 69 s of CPU (~150 ms each), 3.9 s once frozen."""
    gc.collect()
    gc.freeze()


def _flush_by_delete() -> None:
    """PostgreSQL: the flush after a transactional test deletes the rows instead of truncating every
    table. TRUNCATE gives each table and index a new file, ~370 ms for a test that left a few rows;
    Django's foreign keys there are deferred to the commit, so the order of the deletes does not matter."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = sql_flush


def pytest_configure(config):
    from django.conf import settings
    from django.core import signals

    _flush_by_delete()

    signals.request_started.connect(_in_flight.started, weak=False)
    signals.request_finished.connect(_in_flight.finished, weak=False)

    from tests.fixtures.cache import isolate

    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Rows written in the request's thread are inside the test's transaction, there when the client returns.
    settings.HUB_LOG_WRITER = "inline"
    # `make test` runs the suite in parallel processes (pytest-xdist): pytest-django gives each its own
    # test database (test_<name>_gw0, …), and this gives each its own part of a shared Redis.
    settings.CACHES = isolate(settings.CACHES)
    # A Celery worker started by a test runs in another process: it needs a test database it
    # can open, so SQLite's is a file (in memory when the system offers it) instead of RAM only.
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, f"hub-test-{os.getpid()}.sqlite3")
