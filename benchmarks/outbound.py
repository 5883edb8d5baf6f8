"""Outbound: deliveries per second through one Celery worker to a local receiver, and the p50 time
from a stand-in write to the receiver getting it, by polling and by push, with RPC per cycle.

Runs in a throw-away folder (SQLite file, kombu's filesystem transport: no broker server), with
the Odoo stand-in, a local receiver, the hub's receiver URL served in a thread, and ONE worker
process (solo pool). BENCH_OUTBOUND_DELIVERIES (default 300) and BENCH_OUTBOUND_SAMPLES (10).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DELIVERIES = int(os.environ.get("BENCH_OUTBOUND_DELIVERIES", "300"))
SAMPLES = int(os.environ.get("BENCH_OUTBOUND_SAMPLES", "10"))
POLL_EVERY = 1.0  # seconds between two poll cycles in the polling measurement
ROOT = Path(__file__).resolve().parent.parent


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-outbound-") as folder:
        env = {
            **os.environ,
            "HUB_VAR_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/hub.sqlite3",
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "SECRET_KEY": "benchmark-only-not-a-secret",
            "HUB_ENCRYPTION_KEY": "3dR4vQ1p0h3i6Yk8m8mK3cQ9pQz6Wc3n0Tq9c1m2X1A=",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.0/8",
            "OUTBOUND_PUSH_DELAY_SECONDS": "1",
            "CELERY_BROKER_URL": "filesystem://localhost/",
        }
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "-m", "benchmarks.outbound"], env=env, check=True, cwd=ROOT)


class Arrivals:
    """A local receiver noting when each body arrives (by the record name it carries)."""

    def __init__(self) -> None:
        self.count = 0
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()
        arrivals = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                import json

                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with arrivals.lock:
                    arrivals.count += 1
                    name = (body.get("data") or {}).get("name")
                    if name:
                        arrivals.seen.setdefault(name, time.perf_counter())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, predicate, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > deadline:
                raise SystemExit("bench: timed out waiting for deliveries")
            time.sleep(0.005)


def _serve_hub() -> str:
    """The hub's WSGI application on a free port of 127.0.0.1, in a thread (for Odoo's notifications)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from fake_odoo import FakeOdoo, automation
    from hub import callstats
    from hub.models import OdooConnection
    from mappings.models import MappingLine
    from outbound import polling, services
    from outbound.models import OutboundConfiguration

    odoo = FakeOdoo().start()
    arrivals = Arrivals()
    connection = OdooConnection(
        name="stand-in", url=odoo.url, database=odoo.database, login="admin", protocol="jsonrpc"
    )
    connection.secret = "admin"
    connection.save()
    client = connection.client()
    configuration = OutboundConfiguration(
        name="bench",
        connection=connection,
        odoo_model="res.partner",
        domain="[('name', '=like', 'Bench%')]",
        target_url=arrivals.url,
        poll_interval=0,
        deletion_check_size=0,
    )
    configuration.secret = "whsec_YmVuY2htYXJrLXNlY3JldA=="
    configuration.save()
    for sequence, field in enumerate(["name", "email"]):
        MappingLine.objects.create(outbound=configuration, sequence=sequence, odoo_field=field, external_key=field)

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hub",
            "worker",
            "-P",
            "solo",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # warm-up: the worker is ready once it delivered one
        services.record_change(configuration, 1, "updated", {"id": 1, "name": "warm-up"}, now=_now())
        arrivals.wait_for(lambda: arrivals.count >= 1, 120)

        started = time.perf_counter()
        for record_id in range(2, DELIVERIES + 2):
            services.record_change(configuration, record_id, "updated", {"id": record_id}, now=_now())
        arrivals.wait_for(lambda: arrivals.count >= DELIVERIES + 1, 600)
        elapsed = time.perf_counter() - started
        print(
            f"  deliveries through one worker (solo)     {DELIVERIES / elapsed:8.1f} /s"
            f"   ({DELIVERIES} in {elapsed:.1f} s)"
        )

        # polling: write in the stand-in, poll every POLL_EVERY s in this process, until it arrives
        latencies, rpc = [], []
        polling.poll(configuration)
        for n in range(SAMPLES):
            name = f"Bench poll {n}"
            time.sleep(POLL_EVERY * (n % 4) / 4)  # writes at different points of the poll interval
            written = time.perf_counter()
            client.execute_kw("res.partner", "create", [{"name": name}])
            while name not in arrivals.seen:
                with callstats.tracking() as stats:
                    polling.poll(configuration)
                rpc.append(stats.count)
                deadline = time.perf_counter() + POLL_EVERY
                while name not in arrivals.seen and time.perf_counter() < deadline:
                    time.sleep(0.005)
            latencies.append(arrivals.seen[name] - written)
        print(
            f"  write -> receiver, polling every {POLL_EVERY:.0f} s     "
            f"p50 {statistics.median(latencies) * 1000:7.0f} ms"
            f"   (max {max(latencies) * 1000:.0f} ms; RPC per cycle: {sorted(set(rpc))})"
        )

        # push: the stand-in's automation rule posts to the hub's receiver; the worker reads back and sends
        hub_url = _serve_hub()
        rule = automation.Rule("res.partner", hub_url + configuration.receiver_path, trigger_fields=["name"])
        automation.add_rule(odoo.store, rule)
        latencies = []
        for n in range(SAMPLES):
            name = f"Bench push {n}"
            written = time.perf_counter()
            client.execute_kw("res.partner", "create", [{"name": name}])
            arrivals.wait_for(lambda name=name: name in arrivals.seen, 60)
            latencies.append(arrivals.seen[name] - written)
        print(
            f"  write -> receiver, push (read after 1 s)  p50 {statistics.median(latencies) * 1000:7.0f} ms"
            f"   (max {max(latencies) * 1000:.0f} ms)"
        )
    finally:
        worker.terminate()
        worker.wait(20)
        odoo.stop()


def _now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    main()
