"""The row of a call is written after its answer has gone: under gunicorn, a worker retiring after
``--max-requests`` still writes the rows of the calls it answered last."""

import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from tests.gateway_features.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CALLS = 24
MAX_REQUESTS = 5
SETUP = """
import os
from endpoints.models import Endpoint
from hub.models import OdooConnection
from mappings.models import MappingLine
connection = OdooConnection(
    name="stand-in", url=os.environ["STAND_IN_URL"], database="odoo18", login="admin", protocol="jsonrpc"
)
connection.secret = "admin"
connection.save()
endpoint = Endpoint.objects.create(
    name="partners", connection=connection, odoo_model="res.partner", slug="partners", auth="none",
    allowed_methods=["GET"], domain="[('ref', '!=', False)]",
)
MappingLine.objects.create(endpoint=endpoint, sequence=1, odoo_field="ref", external_key="ref",
                           odoo_type="char", is_identifier=True, required=True)
"""


def _run(env, *args):
    done = subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def _wait(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def test_rows_of_calls_answered_just_before_a_worker_restart_are_all_written(fake_odoo):
    with tempfile.TemporaryDirectory(prefix="hub-restart-") as tmp:
        database = Path(tmp) / "hub.sqlite3"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "HUB_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1",
            "HUB_VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{database}",
            "REDIS_URL": "",
        }
        _run(env, "migrate", "--noinput", "-v", "0")
        _run({**env, "STAND_IN_URL": fake_odoo.url}, "shell", "-c", SETUP)
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "hub.wsgi:application", "-b", f"127.0.0.1:{port}"]
        command += ["-k", "gthread", "--workers", "1", "--threads", "4", "--max-requests", str(MAX_REQUESTS)]
        server = subprocess.Popen(
            [*command, "--log-level", "info"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        try:
            _wait(f"http://127.0.0.1:{port}/healthz", server)
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
