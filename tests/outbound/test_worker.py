"""End to end with a real Celery worker process and a Redis broker: a poll's deliveries reach a
local receiver; a worker killed in the middle of an attempt loses nothing (the sweep sends the row
again to a new worker); a broker that is down loses nothing either.

The worker opens the test database itself (PostgreSQL's test database, or SQLite's test file:
see tests/conftest.py), so these tests commit (transaction=True). Redis: OUTBOUND_TEST_REDIS_URL,
default redis://127.0.0.1:6379/5.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from django.utils import timezone

from hub.celery import app as celery_app
from outbound import polling, services
from outbound.models import Delivery
from tests.fixtures.receiver import Answer

pytestmark = pytest.mark.django_db(transaction=True)

BROKER = os.environ.get("OUTBOUND_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
QUEUE = f"outbound-test-{os.getpid()}"
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    """The URL of the test database this process uses, for the worker to open the same one."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return "sqlite:///" + str(db["NAME"])
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """``celery -A hub worker`` in a subprocess (solo pool: the task runs in the process we kill)."""

    def __init__(self, tmp_path: Path, encryption_key: str):
        self.log = tmp_path / f"worker-{time.monotonic_ns()}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "HUB_ENCRYPTION_KEY": encryption_key,
            "CELERY_BROKER_URL": BROKER,
            "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.0/8",
            "OUTBOUND_LEASE_MARGIN_SECONDS": "1",
            "HUB_VAR_DIR": str(tmp_path),
        }
        command = [sys.executable, "-m", "celery", "-A", "hub", "worker", "-P", "solo", "-Q", QUEUE, "-l", "info"]
        command += [
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{time.monotonic_ns()}@%h",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )
        self.wait_for("ready.", 60)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker: no {text!r} in its output:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        # No test here is about a graceful shutdown, which took Celery ~2.5 s per worker: what the
        # tests check is in the database and the receiver by then.
        if self.process.poll() is None:
            self.kill()


@pytest.fixture
def broker():
    """The test process sends to the Redis queue the worker reads (no eager execution here)."""
    client = redis.Redis.from_url(BROKER)
    client.delete(QUEUE)
    saved = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = BROKER
    celery_app.conf.task_default_queue = QUEUE
    celery_app.__dict__.pop("amqp", None)  # queues and producer pool follow the new settings
    celery_app._pool = None
    yield client
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = saved
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None
    client.delete(QUEUE)


@pytest.fixture
def worker_factory(tmp_path, encryption_key, broker):
    workers = []

    def start() -> Worker:
        worker = Worker(tmp_path, encryption_key)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_real_worker_delivers_what_a_poll_found(make_outbound, receiver, allow_loopback, odoo_client, worker_factory):
    worker = worker_factory()
    configuration = make_outbound(target_url=receiver.url + "/hook")
    odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}, {"name": "Outbound B"}]])
    assert polling.poll(configuration).created == 2  # the rows are committed, then their ids are sent
    _wait(lambda: Delivery.objects.filter(state="delivered").count() == 2, 30, "two deliveries")
    assert sorted(got.headers["webhook-id"] for got in receiver.received) == sorted(
        f"dlv_{pk}" for pk in Delivery.objects.values_list("pk", flat=True)
    )
    assert "outbound.tasks.deliver" in worker.output()


def test_a_worker_killed_mid_delivery_loses_nothing_and_delivers_once(
    make_outbound, receiver, allow_loopback, worker_factory
):
    receiver.script(Answer(hang=30), Answer(status=200))
    configuration = make_outbound(target_url=receiver.url + "/hook", connect_timeout=1, read_timeout=3)
    first = worker_factory()
    row = services.record_change(configuration, 7, "updated", {"id": 7}, now=timezone.now())
    _wait(lambda: len(receiver.received) == 1, 30, "the first attempt to arrive")
    first.kill()  # in the middle of the attempt: no answer recorded, the message never acknowledged
    row.refresh_from_db()
    assert (row.state, row.attempts, row.attempt_started_at is not None) == ("pending", 1, True)
    assert services.sweep() == 0  # still held by the dead worker's attempt until its lease ends

    worker_factory()
    _wait(lambda: services.sweep() == 1, 40, "the lease to end and the sweep to resend")
    _wait(lambda: Delivery.objects.get(pk=row.pk).state == "delivered", 30, "the redelivery")
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == ("delivered", 2, 200)
    assert Delivery.objects.filter(state="delivered").count() == 1
    assert [got.headers["webhook-id"] for got in receiver.received] == [f"dlv_{row.pk}", f"dlv_{row.pk}"]


def test_a_broker_that_is_down_loses_nothing(make_outbound, receiver, allow_loopback, worker_factory, broker):
    configuration = make_outbound(target_url=receiver.url + "/hook")
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # nobody listens: sending fails quickly
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None
    started = time.monotonic()
    row = services.record_change(configuration, 7, "updated", {"id": 7}, now=timezone.now())
    assert time.monotonic() - started < 10
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)  # written, not sent: the outbox keeps it

    celery_app.conf.broker_url = BROKER  # the broker is back
    celery_app.__dict__.pop("amqp", None)
    celery_app._pool = None
    worker_factory()
    assert services.sweep() == 1
    _wait(lambda: Delivery.objects.get(pk=row.pk).state == "delivered", 30, "the delivery after the outage")
    assert len(receiver.received) == 1
