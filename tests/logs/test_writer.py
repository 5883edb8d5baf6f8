"""The log writer thread (logs.writer): rows of answered calls written off the request's thread, in batches."""

import threading
import time

import pytest
from django.db import DatabaseError

from logs import middleware, recording, writer
from logs.models import RequestLog
from tests.logs.factories import make_log

pytestmark = [pytest.mark.usefixtures("log_urls"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread_writer(settings, monkeypatch):
    """The middleware hands its calls to a writer thread of this test's own."""
    settings.HUB_LOG_WRITER = "thread"
    own = writer.Writer()
    monkeypatch.setattr(middleware, "writer", own)
    yield own
    assert own.stop(), "the writer thread did not end"


class Batches:
    """The size of each batch the writer does, with its thread's name; ``hold()`` keeps the thread
    busy on its next batch (returning once it is) until ``release()``."""

    def __init__(self):
        self.seen = []
        self._hold, self._held, self._release = threading.Event(), threading.Event(), threading.Event()

    def __call__(self, calls, done=writer._done):
        self.seen.append((len(calls), threading.current_thread().name))
        if self._hold.is_set():
            self._hold.clear()
            self._held.set()
            self._release.wait(10)
        done(calls)

    def hold(self, client, n):
        self._hold.set()
        call(client, n)
        assert self._held.wait(10), "the writer thread did not take the call"

    def release(self):
        self._release.set()


@pytest.fixture
def batches(monkeypatch):
    recorder = Batches()
    monkeypatch.setattr(writer, "_done", recorder)
    return recorder


def call(client, n):
    response = client.get("/api/_test/echo", HTTP_X_REQUEST_ID=f"w-{n}")
    assert response.status_code == 200
    return response


def logged() -> list[str]:
    return sorted(RequestLog.objects.values_list("request_id", flat=True))


def test_rows_are_written_by_the_writer_thread(client, thread_writer, batches):
    for n in range(3):
        call(client, n)
    assert thread_writer.flush()
    assert logged() == ["w-0", "w-1", "w-2"]
    assert {name for _size, name in batches.seen} == {"hub-log-writer"}


def test_calls_that_queued_up_are_written_in_one_batch(client, thread_writer, batches):
    batches.hold(client, 0)
    for n in range(1, 6):
        call(client, n)  # these queue up meanwhile
    assert logged() == []  # nothing is written by the request's thread
    batches.release()
    assert thread_writer.flush()
    assert logged() == [f"w-{n}" for n in range(6)]
    assert [size for size, _name in batches.seen] == [1, 5]


def test_calls_within_the_linger_share_a_batch_and_a_flush_ends_the_wait(client, thread_writer, batches, monkeypatch):
    monkeypatch.setattr(writer, "LINGER_SECONDS", 60.0)
    for n in range(3):
        call(client, n)
    assert thread_writer.flush(timeout=10)  # the flush ends the wait: it does not sit out the linger
    assert logged() == ["w-0", "w-1", "w-2"]
    assert [size for size, _name in batches.seen] == [3]


def wait_for_rows(count: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while RequestLog.objects.count() < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_full_batch_ends_the_linger(client, thread_writer, batches, monkeypatch):
    monkeypatch.setattr(writer, "LINGER_SECONDS", 60.0)
    monkeypatch.setattr(writer, "BATCH", 3)
    call(client, 0)
    time.sleep(0.2)  # the thread has taken it and lingers
    for n in (1, 2):
        call(client, n)
    wait_for_rows(3)  # no flush: the third call wakes the thread
    assert logged() == ["w-0", "w-1", "w-2"]
    assert [size for size, _name in batches.seen] == [3]


def test_calls_queued_beyond_a_batch_do_not_wait_out_the_linger(client, thread_writer, batches, monkeypatch):
    monkeypatch.setattr(writer, "BATCH", 2)
    batches.hold(client, 0)
    monkeypatch.setattr(writer, "LINGER_SECONDS", 60.0)
    for n in range(1, 5):
        call(client, n)
    batches.release()
    wait_for_rows(5)
    assert logged() == [f"w-{n}" for n in range(5)]
    assert [size for size, _name in batches.seen] == [1, 2, 2]


def test_a_full_queue_makes_the_request_write_its_own_row(client, thread_writer, batches, monkeypatch):
    monkeypatch.setattr(writer, "QUEUE_MAX", 1)
    batches.hold(client, 0)
    call(client, 1)  # fills the queue
    call(client, 2)  # finds it full: written here and now
    assert logged() == ["w-2"]
    batches.release()
    assert thread_writer.flush()
    assert logged() == ["w-0", "w-1", "w-2"]
    assert batches.seen == [(1, "hub-log-writer"), (1, "MainThread"), (1, "hub-log-writer")]


def test_stop_ends_the_thread_and_a_later_call_starts_another(client, thread_writer):
    call(client, 0)
    assert thread_writer.stop()
    assert "hub-log-writer" not in {thread.name for thread in threading.enumerate()}
    call(client, 1)
    assert thread_writer.flush()
    assert logged() == ["w-0", "w-1"]


def test_inline_writes_before_the_client_returns(client, settings):
    settings.HUB_LOG_WRITER = "inline"
    call(client, 0)
    assert logged() == ["w-0"]


def rows(*request_ids) -> list[RequestLog]:
    return [RequestLog(request_id=rid, route_kind="rest", method="GET", path="/x", status=200) for rid in request_ids]


def test_one_statement_inserts_a_batch(django_assert_num_queries):
    batch = rows("a", "b", "c")
    with django_assert_num_queries(1):
        recording.write_many(batch)
    assert all(row.pk for row in batch)
    assert logged() == ["a", "b", "c"]


def test_a_batch_stores_every_value_as_given(odoo_connection):
    from datetime import UTC, datetime

    from endpoints.models import Endpoint

    endpoint = Endpoint.objects.create(name="e", slug="e", odoo_model="res.partner", connection=odoo_connection)
    given = dict(
        created_at=datetime(2026, 12, 2, 9, 30, 1, 123456, tzinfo=UTC),
        endpoint_id=endpoint.pk,
        endpoint_slug="e",
        route_kind="generic",
        method="POST",
        path="/api/search_data",
        query_string='q="a\\b"&x=é',
        client_ip="2001:db8::1",
        principal="key:shop ✓",
        status=422,
        outcome="failure",
        duration_ms=2_000_000_000,
        rpc_count=3,
        rpc_ms=0,
        request_headers={"X-Quote": 'say "hi" \\ ', "X-Emoji": "😀", "Nested": {"a": [1, None, True]}},
        request_body='{"name": "Zoë"}',
        request_body_size=16,
        request_body_truncated=True,
        request_masked=True,
        response_body="line 1\nline 2\ttab",
        response_body_size=17,
        response_body_truncated=False,
        error='Odoo said: "no"',
        error_class="hub.odoo.errors.OdooValidationError",
        line_id=7,
        delivery_id=None,
        replay_of_id=None,
    )
    batch = [RequestLog(request_id="every-1", **given), RequestLog(request_id="every-2", **given)]
    recording.write_many(batch)
    for row in batch:
        stored = RequestLog.objects.get(pk=row.pk)
        assert {name: getattr(stored, name) for name in given} == given
        assert stored.request_id == row.request_id


def test_a_batch_row_whose_request_id_is_taken_is_stored_under_another(django_assert_num_queries):
    make_log(request_id="b")
    batch = rows("a", "b", "b")
    with django_assert_num_queries(5):  # the batch; then each "b": its conflict and its renamed insert
        recording.write_many(batch)
    ids = logged()
    assert len(ids) == 4
    assert ids[:2] == ["a", "b"]
    assert all(rid.startswith("b.") for rid in ids[2:])


def test_a_failed_batch_is_written_row_by_row(monkeypatch, caplog):
    insert = recording._insert_many_ignoring_conflict

    def broken(batch, using):
        if len(batch) > 1:
            raise DatabaseError("connection lost")
        insert(batch, using)

    monkeypatch.setattr(recording, "_insert_many_ignoring_conflict", broken)
    recording.write_many(rows("a", "b"))
    assert logged() == ["a", "b"]
    assert "Writing 2 log rows at once failed" in caplog.text


def test_a_row_that_cannot_be_converted_costs_the_batch_only_itself(caplog):
    from decimal import Decimal

    batch = rows("a", "b", "c")
    batch[1].request_headers = {"X-Odd": Decimal("1.5")}  # no JSON for it: the row cannot be written
    recording.write_many(batch)  # never raises
    assert logged() == ["a", "c"]
    assert "Could not record request GET /x (b)" in caplog.text


def test_values_passed_as_they_are_are_what_django_would_pass():
    from django.db import connection

    row = make_log(principal="token:x", request_body_truncated=True)
    row.path = 1234  # not a text: converted as Django converts it
    fields = recording._fields()
    ours = recording._params(row, fields, connection)
    for field, kept, value in zip(fields, recording._kept_types(), ours, strict=True):
        if kept is not None:
            django_value = field.get_db_prep_save(field.pre_save(row, add=True), connection)
            assert (value, type(value)) == (django_value, type(django_value)), field.name
    assert ours[[field.name for field in fields].index("path")] == "1234"


def test_a_batch_whose_answer_was_lost_is_not_stored_twice(monkeypatch):
    insert = recording._insert_many_ignoring_conflict

    def inserted_then_lost(batch, using):
        insert(batch, using)
        if len(batch) == 1:
            return
        for row in batch:
            row.pk = None  # the acknowledgement never came back
        raise DatabaseError("connection lost after the commit")

    monkeypatch.setattr(recording, "_insert_many_ignoring_conflict", inserted_then_lost)
    recording.write_many(rows("a", "b"))
    assert logged() == ["a", "b"]  # found stored, not renamed and written again
