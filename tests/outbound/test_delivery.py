"""Deliveries over real HTTP to a local receiver: headers, signature, retries, backoff, logging."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from logs.models import RequestLog, RouteKind
from outbound import delivery, services
from outbound.models import Delivery, Event
from tests.fixtures.receiver import Answer, closed_port
from tests.outbound.conftest import SECRET

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def configuration(make_outbound, receiver, allow_loopback):
    return make_outbound(target_url=receiver.url + "/hook?x=1", read_timeout=1.0, connect_timeout=1.0)


def _change(configuration, record_id=7, data=None, now=T0):
    data = data if data is not None else {"id": record_id, "name": "Outbound A"}
    return services.record_change(configuration, record_id, Event.UPDATED, data, now=now)


def _attempt(row, now, jitter=0.0):
    services.attempt_delivery(row.pk, now=now, jitter=jitter)
    row.refresh_from_db()
    return row


def test_delivered_with_standard_webhooks_headers_verified_by_the_reference_library(configuration, receiver):
    row = _change(configuration)
    _attempt(row, T0)

    assert (row.state, row.attempts, row.last_status, row.last_error) == ("delivered", 1, 200, "")
    [got] = receiver.received
    assert (got.method, got.path) == ("POST", "/hook?x=1")
    assert got.headers["webhook-id"] == f"dlv_{row.pk}" == got.headers["idempotency-key"]
    assert got.headers["webhook-timestamp"] == str(int(T0.timestamp()))
    assert got.headers["content-type"] == "application/json"
    payload = _verify(got)
    assert payload == {
        "type": "partners.updated",
        "timestamp": T0.isoformat(),
        "data": {"id": 7, "name": "Outbound A"},
    }


def _verify(got):
    """The body through standardwebhooks' own verification (its tolerance is 5 minutes around now)."""
    import standardwebhooks.webhooks as module

    real = module.datetime

    class Frozen(real):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(int(got.headers["webhook-timestamp"]), tz=tz)

    module.datetime = Frozen
    try:
        return Webhook(SECRET).verify(got.body, got.headers)
    finally:
        module.datetime = real


def test_a_tampered_body_fails_the_reference_verification(configuration, receiver):
    from standardwebhooks.webhooks import WebhookVerificationError

    _attempt(_change(configuration), T0)
    got = receiver.received[0]
    got.body = got.body.replace(b"Outbound A", b"Outbound B")
    with pytest.raises(WebhookVerificationError):
        _verify(got)


def test_each_attempt_is_one_masked_outbound_log_row_linked_to_its_delivery(configuration, receiver):
    receiver.script(Answer(status=503, body=b'{"token": "leaked-123"}'), Answer(status=200, body=b"thanks"))
    row = _change(configuration, data={"id": 7, "password": "hunter2"})
    _attempt(row, T0)
    _attempt(row, row.next_attempt_at)

    logs = list(RequestLog.objects.filter(delivery=row).order_by("id"))
    assert [(log.route_kind, log.status, log.outcome, log.principal) for log in logs] == [
        (RouteKind.OUTBOUND, 503, "failure", "outbound:partners"),
        (RouteKind.OUTBOUND, 200, "success", "outbound:partners"),
    ]
    assert [log.request_id for log in logs] == [f"dlv_{row.pk}.1", f"dlv_{row.pk}.2"]
    assert logs[0].method == "POST"
    assert logs[0].path == configuration.target_url
    assert "hunter2" not in logs[0].request_body
    assert logs[0].request_masked
    assert "leaked-123" not in logs[0].response_body
    assert logs[1].response_body == "thanks"


def test_backoff_schedule_is_exponential_with_jitter_until_dead_at_max_attempts(configuration, receiver):
    configuration.max_attempts = 5
    configuration.save()
    receiver.script(Answer(status=500))
    row = _change(configuration)
    now, waits = T0, []
    for jitter in (0.0, 0.5, 0.99, 0.0):
        _attempt(row, now, jitter)
        waits.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    # base 10 s doubling: ceilings 10, 20, 40, 80; equal jitter puts each wait in [ceiling/2, ceiling)
    assert waits == [5.0, 15.0, pytest.approx(39.8), 40.0]
    assert row.state == "pending"
    assert row.attempts == 4
    _attempt(row, now)
    assert (row.state, row.attempts, row.last_status) == ("dead", 5, 500)
    assert row.last_error == "HTTP 500 (after 5 attempts)"
    assert len(receiver.received) == 5


def test_backoff_is_capped_at_the_longest_wait():
    assert [delivery.backoff_delay(n, 10, 60, 0.999999) for n in (1, 3, 4, 10)] == [
        pytest.approx(10),
        pytest.approx(40),
        pytest.approx(60),
        pytest.approx(60),
    ]


def test_429_retry_after_seconds_is_honoured(configuration, receiver):
    receiver.script(Answer(status=429, headers={"Retry-After": "120"}))
    row = _attempt(_change(configuration), T0)
    assert row.state == "pending"
    assert row.last_status == 429
    assert row.next_attempt_at == T0 + timedelta(seconds=120)


def test_503_retry_after_http_date_is_honoured(configuration, receiver):
    receiver.script(Answer(status=503, headers={"Retry-After": "Tue, 01 Dec 2026 12:10:00 GMT"}))
    row = _attempt(_change(configuration), T0)
    assert row.next_attempt_at == T0 + timedelta(minutes=10)


@pytest.mark.parametrize("status", [408, 500, 502, 504])
def test_transient_statuses_are_retried(configuration, receiver, status):
    receiver.script(Answer(status=status))
    row = _attempt(_change(configuration), T0)
    assert (row.state, row.last_status, row.next_attempt_at) == ("pending", status, T0 + timedelta(seconds=5))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_other_4xx_fail_at_once(configuration, receiver, status):
    receiver.script(Answer(status=status, body=b"no"))
    row = _attempt(_change(configuration), T0)
    assert (row.state, row.attempts, row.last_status, row.last_error) == ("failed", 1, status, f"HTTP {status}")
    assert row.finished_at is not None


def test_a_hanging_receiver_times_out_and_is_retried(configuration, receiver):
    receiver.script(Answer(hang=5))
    row = _attempt(_change(configuration), T0)
    assert row.state == "pending"
    assert row.last_status is None
    assert row.last_error.startswith("Timed out")
    log = RequestLog.objects.get(delivery=row)
    assert (log.status, log.error_class) == (504, "Timeout")
    assert 900 <= log.duration_ms < 4000


def test_a_refused_connection_is_retried(make_outbound, allow_loopback):
    configuration = make_outbound(target_url=f"http://127.0.0.1:{closed_port()}/hook")
    row = _attempt(_change(configuration), T0)
    assert row.state == "pending"
    assert row.last_error.startswith("Connection failed")
    assert RequestLog.objects.get(delivery=row).status == 502


def test_a_delivery_past_its_maximum_age_is_dead(configuration, receiver):
    configuration.max_age = 60
    configuration.save()
    receiver.script(Answer(status=500))
    row = _attempt(_change(configuration), T0)
    now = row.next_attempt_at
    for _ in range(3):
        _attempt(row, now, jitter=0.0)
        now = row.next_attempt_at
    assert row.state == "dead"
    assert row.last_error == "HTTP 500 (next try would pass the maximum age)"
    assert row.attempts == 4  # waits 5, 10, 20: the next (40) would end after 60 s


def test_a_redirect_is_not_followed_and_fails(configuration, receiver):
    receiver.script(Answer(status=302, headers={"Location": "http://10.0.0.1/"}))
    row = _attempt(_change(configuration), T0)
    assert row.state == "failed"
    assert row.last_error == "HTTP 302: redirects are not followed (Location: http://10.0.0.1/)"
    assert len(receiver.received) == 1


def test_response_bodies_are_read_up_to_the_cap(configuration, receiver, settings):
    settings.OUTBOUND_RESPONSE_MAX_BYTES = 1000
    receiver.script(Answer(status=200, body=b"x" * 50_000))
    row = _attempt(_change(configuration), T0)
    log = RequestLog.objects.get(delivery=row)
    assert row.state == "delivered"
    assert (log.response_body_size, log.response_body_truncated) == (1000, True)


def test_a_newer_change_supersedes_the_pending_one_of_the_same_record(configuration, receiver):
    first = _change(configuration, data={"id": 7, "name": "one"})
    second = _change(configuration, data={"id": 7, "name": "two"}, now=T0 + timedelta(seconds=1))
    other = _change(configuration, record_id=8)
    first.refresh_from_db()
    assert (first.state, first.last_error) == ("superseded", f"Superseded by #{second.pk}")
    assert Delivery.objects.pending().count() == 2
    _attempt(second, T0 + timedelta(seconds=2))
    _attempt(other, T0 + timedelta(seconds=2))
    assert [got.body.count(b'"two"') for got in receiver.received] == [1, 0]


def test_a_record_waits_for_its_older_delivery_in_retry(configuration, receiver):
    receiver.script(Answer(status=500), Answer(status=200))
    first = _attempt(_change(configuration, data={"id": 7, "name": "one"}), T0)
    # the first is in retry (not under way), so the second supersedes it ...
    second = _change(configuration, data={"id": 7, "name": "two"}, now=T0)
    first.refresh_from_db()
    assert first.state == "superseded"
    _attempt(second, T0)
    assert second.state == "delivered"


def test_a_record_never_overtakes_an_attempt_under_way(configuration, receiver):
    first = _change(configuration, data={"id": 7, "name": "one"})
    taken = services.claim(first.pk, T0)  # a worker is sending it
    assert taken is not None
    second = _change(configuration, data={"id": 7, "name": "two"}, now=T0)
    first.refresh_from_db()
    assert first.state == "pending"  # not superseded: it may be arriving right now
    assert services.attempt_delivery(second.pk, now=T0) is None  # waits for the first
    assert receiver.received == []


def test_a_second_worker_cannot_claim_a_row_taken_by_the_first(configuration):
    row = _change(configuration)
    assert services.claim(row.pk, T0) is not None
    assert services.claim(row.pk, T0) is None
    # a worker that died in the attempt: the row is due again once its lease is over
    row.refresh_from_db()
    assert services.claim(row.pk, row.next_attempt_at) is not None


def test_paused_configuration_sends_nothing_and_the_sweep_skips_it(configuration, receiver):
    row = _change(configuration)
    configuration.active = False
    configuration.save()
    assert services.attempt_delivery(row.pk, now=T0) is None
    assert services.sweep(T0) == 0
    assert receiver.received == []


def test_sweep_resends_due_rows(configuration, receiver):
    row = _change(configuration)  # its message is lost: nothing sent it (no commit in this test)
    assert receiver.received == []
    assert services.sweep(T0 - timedelta(seconds=1)) == 0
    assert services.sweep(T0 + timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.state == "delivered"
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("auth", "extra", "header", "value"),
    [
        ("basic", {"auth_username": "hub"}, "authorization", "Basic aHViOnMzY3JldA=="),
        ("bearer", {}, "authorization", "Bearer s3cret"),
        ("header", {"auth_header": "X-Hub-Key"}, "x-hub-key", "s3cret"),
    ],
)
def test_authentication_toward_the_target(make_outbound, receiver, allow_loopback, auth, extra, header, value):
    configuration = make_outbound(target_url=receiver.url, auth=auth, secret="s3cret", **extra)
    row = _attempt(_change(configuration), T0)
    assert row.state == "delivered"
    got = receiver.received[0].headers
    assert got[header] == value
    assert "webhook-signature" not in got
    assert "s3cret" not in str(RequestLog.objects.get(delivery=row).request_headers)


def test_method_put(make_outbound, receiver, allow_loopback):
    configuration = make_outbound(target_url=receiver.url, method="PUT")
    _attempt(_change(configuration), T0)
    assert receiver.received[0].method == "PUT"


def test_redeliver_and_cancel(configuration, receiver):
    receiver.script(Answer(status=400), Answer(status=200))
    row = _attempt(_change(configuration), T0)
    assert row.state == "failed"
    services.redeliver(Delivery.objects.filter(pk=row.pk), now=T0)
    row = _attempt(row, T0)
    assert (row.state, row.attempts) == ("delivered", 2)
    pending = _change(configuration, record_id=9)
    assert services.cancel(Delivery.objects.all(), now=T0) == 1
    pending.refresh_from_db()
    assert pending.state == "cancelled"
    assert services.attempt_delivery(pending.pk, now=T0) is None


def test_metrics_count_pending_dead_and_the_oldest_pending_age(configuration, receiver):
    receiver.script(Answer(status=500))
    _change(configuration, record_id=1, now=T0)
    _change(configuration, record_id=2, now=T0 + timedelta(seconds=30))
    configuration.max_attempts = 1
    configuration.save()
    _attempt(Delivery.objects.get(record_id=2), T0 + timedelta(seconds=30))
    assert services.metrics(T0 + timedelta(seconds=90)) == {"pending": 1, "dead": 1, "oldest_pending_seconds": 90}


def test_readyz_returns_the_outbound_figures(client, configuration, odoo_connection):
    _change(configuration, now=timezone.now() - timedelta(seconds=42))
    body = client.get("/readyz").json()
    assert body["outbound"] == {"pending": 1, "dead": 0, "oldest_pending_seconds": 42}


def test_deliveries_share_the_hubs_one_tls_context(configuration, receiver, monkeypatch):
    """Each delivery opens its own client; loading the CA certificates for each cost tens of milliseconds."""
    from httpx._transports import default as httpx_transports

    from hub.tls import tls_context

    used = []
    create = httpx_transports.create_ssl_context

    def recording(*args, **kwargs):
        used.append(create(*args, **kwargs))
        return used[-1]

    monkeypatch.setattr(httpx_transports, "create_ssl_context", recording)
    for record_id in (7, 8):
        _attempt(_change(configuration, record_id=record_id), T0)
    assert len(receiver.received) == 2
    assert len(used) == 2  # one client per delivery...
    assert all(context is tls_context() for context in used)  # ...given the one context, made once per process
