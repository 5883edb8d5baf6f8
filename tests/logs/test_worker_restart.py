"""The row of a call is written after its answer has gone: under gunicorn, a worker retiring after
``--max-requests`` still writes the rows of the calls it answered last."""

import sqlite3
import subprocess
import tempfile
from pathlib import Path

import httpx

from tests.fixtures import gunicorn_hub as hub
from tests.gateway_features.conftest import free_port

# Two restarts (after calls 5 and 10), each a worker answering its last call and retiring: more
# restarts repeat the same case, each loading Django again (~1.5 s of CPU).
CALLS = 11
MAX_REQUESTS = 5


def test_rows_of_calls_answered_just_before_a_worker_restart_are_all_written(fake_odoo):
    with tempfile.TemporaryDirectory(prefix="hub-restart-") as tmp:
        database = Path(tmp) / "hub.sqlite3"
        env = hub.environment(tmp, f"sqlite:///{database}")
        hub.prepare(env, fake_odoo.url, [("partners", "", ["GET"])])
        port = free_port()
        options = ["--workers", "1", "--threads", "4", "--max-requests", str(MAX_REQUESTS), "--log-level", "info"]
        server = hub.start(env, port, *options, stderr=subprocess.PIPE, text=True)
        try:
            hub.wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
            statuses = []
            for n in range(CALLS):  # a new connection each time: a retiring worker closes its own
                # the worker replacing a retired one loads Django first: longer than httpx's 5 s on a busy machine
                response = httpx.get(
                    f"http://127.0.0.1:{port}/bj_api_sync/v1/partners",
                    headers={"X-Request-ID": f"restart-{n}"},
                    timeout=60,
                )
                statuses.append(response.status_code)
        finally:
            server.terminate()  # graceful: the last worker finishes its calls, rows included
            _out, errors = server.communicate(timeout=30)
        assert statuses == [200] * CALLS
        assert errors.count("Autorestarting worker after current request.") >= (CALLS - 1) // MAX_REQUESTS
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT request_id, status FROM logs_requestlog WHERE request_id LIKE 'restart-%'")
            assert sorted(rows.fetchall()) == sorted((f"restart-{n}", 200) for n in range(CALLS))
