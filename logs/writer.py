"""What a call leaves for after its answer: its log row and its deferred work, done by one thread per process.

Why a thread: gunicorn's threaded worker reads the next request of a keep-alive connection only
once the previous response is closed, and closing is where the row was written: a caller calling
again at once waited for the log's commit. Now closing hands the call to this thread and
returns. The thread takes the calls that have queued up or come within ``LINGER_SECONDS`` (up to
``BATCH``), builds their rows, inserts them in one round trip and one commit (recording.write_many),
then runs their deferred work (hub.deferred).

- A graceful exit (SIGTERM, gunicorn's ``--max-requests``, a reload) writes what is queued
  before the process ends (atexit), for at most ``EXIT_SECONDS``.
- A full queue (the database far slower than the calls) makes closing do the work itself: the
  queue stays bounded and nothing is dropped.
- ``HUB_LOG_WRITER = "inline"`` does the work while closing, in the request's thread (tests:
  rows inside the test's transaction; or whoever prefers the shortest window of loss).
"""

import atexit
import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

from hub import deferred
from logs import recording

logger = logging.getLogger(__name__)

BATCH = 100  # calls per INSERT at most
# How long the thread waits for more calls once one has come: a row is stored this much later at
# most, and calls coming one after another share a commit (per row, a lone INSERT and its
# commit cost the process more CPU than the rest of a GET one).
LINGER_SECONDS = 0.05
QUEUE_MAX = 1000  # calls waiting (each holds its request and answer): ~100 MB at worst
EXIT_SECONDS = 10.0
CONNECTION_CHECK_SECONDS = 10.0  # a failed write reconnects at once (recording.write)


def _done(calls: list) -> None:
    """Write the rows of ``calls`` ((request, response, stats) each; stats None: no row) and run
    their deferred work; never raises."""
    rows = [recording.row_for(request, response, stats) for request, response, stats in calls if stats is not None]
    rows = [row for row in rows if row is not None]
    if rows:
        recording.write_many(rows)
    for request, _response, _stats in calls:
        deferred.run(request)


class Writer:
    """The calls handed over by this process's requests, and the thread doing them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = None
        self._exit_registered = False
        self._queue = _Calls()

    def submit(self, request, response, stats) -> None:
        """The call's row (when ``stats`` is given) and deferred work, done in the writer thread."""
        call = (request, response, stats)
        if settings.HUB_LOG_WRITER == "inline":
            _done([call])
            return
        self._start()
        try:
            self._queue.put_nowait(call)
        except queue.Full:
            _done([call])  # the database cannot keep up: this request waits for its own row
            return
        if self._queue.qsize() >= BATCH - 1:
            self._queue.wake.set()  # with the call the lingering thread holds, a batch is full

    def flush(self, timeout: float = EXIT_SECONDS) -> bool:
        """Wait until every call handed over so far is done; False when ``timeout`` ran out first."""
        if self._pid != os.getpid():
            return True  # no thread in this process: nothing was handed over
        return _wait_for(self._queue, threading.Event(), timeout)

    def stop(self, timeout: float = EXIT_SECONDS) -> bool:
        """Do every call handed over so far, then end the thread and close its database connections
        (a later call starts a new thread); False when ``timeout`` ran out first."""
        with self._lock:
            if self._pid != os.getpid():
                return True
            pending, self._pid = self._queue, None  # calls from now on go to a new thread
        return _wait_for(pending, _Stop(), timeout)

    def _start(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # a process forked from one that had started the thread has the queue but not the thread
            self._queue = _Calls()
            threading.Thread(target=self._run, args=(self._queue,), name="hub-log-writer", daemon=True).start()
            if not self._exit_registered:  # inherited by forked processes, where it stops their own thread
                atexit.register(self._at_exit)
                self._exit_registered = True
            self._pid = os.getpid()

    def _at_exit(self) -> None:
        if not self.stop(EXIT_SECONDS):
            logger.error("Exiting with log rows still unwritten after %s s", EXIT_SECONDS)

    @staticmethod
    def _run(pending: "_Calls") -> None:
        stopping, checked_at = False, time.monotonic()
        while not stopping:
            items = [pending.get()]
            if not isinstance(items[0], threading.Event):
                # the calls that follow within LINGER_SECONDS join the batch: one round trip and one
                # commit for them all. The thread sleeps through the linger rather than waking for each
                # call; a flush, a stop or a full batch wakes it (pending.wake), so none is kept waiting.
                if pending.qsize() < BATCH - 1:
                    pending.wake.wait(LINGER_SECONDS)
                pending.wake.clear()
                while len(items) < BATCH and not isinstance(items[-1], threading.Event):
                    try:
                        items.append(pending.get_nowait())
                    except queue.Empty:
                        break
            markers = [item for item in items if isinstance(item, threading.Event)]
            stopping = any(isinstance(marker, _Stop) for marker in markers)
            try:
                calls = [item for item in items if not isinstance(item, threading.Event)]
                if calls:
                    _done(calls)
            except Exception:  # _done never raises; a bug there must not stop the thread
                logger.exception("The log writer failed on %s calls", len(items))
            finally:
                if stopping:
                    connections.close_all()
                elif time.monotonic() - checked_at >= CONNECTION_CHECK_SECONDS:
                    # as at the end of a request (CONN_MAX_AGE, a broken connection), but not after every
                    # batch: each check makes the next query a health check, a round trip of its own
                    close_old_connections()
                    checked_at = time.monotonic()
                for marker in markers:
                    marker.set()


class _Calls(queue.Queue):
    """The calls waiting for the thread, and the event that ends its linger."""

    def __init__(self) -> None:
        super().__init__(QUEUE_MAX)
        self.wake = threading.Event()


class _Stop(threading.Event):
    """The marker that ends the thread once the calls before it are done."""


def _wait_for(pending: _Calls, marker: threading.Event, timeout: float) -> bool:
    """Queue ``marker`` behind the calls in ``pending`` and wait until the thread reaches it."""
    try:
        pending.put(marker, timeout=timeout)
    except queue.Full:
        return False
    pending.wake.set()
    return marker.wait(timeout)


writer = Writer()
