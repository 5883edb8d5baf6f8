"""Request log at scale: 1,000,000 rows on PostgreSQL, the admin change list and the purge rate.

Runs in its own throw-away database (``<database>_bench_logs`` next to the one DATABASE_URL
names), created and dropped here, so real data is never touched. Without a PostgreSQL
DATABASE_URL it prints why and does nothing.
"""

import os
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

ROWS = int(os.environ.get("BENCH_LOG_ROWS", "1000000"))
ENDPOINTS = 20
SPACING_SECONDS = 3  # between two generated rows
REPEAT = 5


def run() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (set DATABASE_URL=postgres://…); SQLite is not what production runs")
        return
    import psycopg

    parts = urlsplit(url)
    bench_db = f"{parts.path.lstrip('/') or 'hub'}_bench_logs"
    admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
    bench_url = urlunsplit(parts._replace(path=f"/{bench_db}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        conn.execute(f'CREATE DATABASE "{bench_db}"')
    try:
        env = {
            **os.environ,
            "DATABASE_URL": bench_url,
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "SECRET_KEY": "benchmark-only-not-a-secret",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run([sys.executable, "-m", "benchmarks.logs"], env=env, check=True)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


def _timed(label: str, action, repeat: int = REPEAT) -> float:
    action()  # warm caches and plans
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    median = statistics.median(samples)
    print(f"  {label:<48} median {median:7.1f} ms   (min {min(samples):.1f}, max {max(samples):.1f})", flush=True)
    return median


def _fill(endpoint_ids: list[int]) -> None:
    from django.db import connection

    ids = "ARRAY[" + ",".join(str(pk) for pk in endpoint_ids) + "]::bigint[]"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # One set-based INSERT: 3 s apart (~35 days for 1,000,000), 2 % 5xx, 8 % 4xx, 20 endpoints round robin.
        cursor.execute(
            f"""
            INSERT INTO logs_requestlog (
                created_at, request_id, endpoint_id, endpoint_slug, route_kind, method, path, query_string,
                client_ip, principal, status, outcome, duration_ms, rpc_count, rpc_ms, request_headers,
                request_body, request_body_size, request_body_truncated, request_masked, response_body,
                response_body_size, response_body_truncated, error, error_class, line_id, replay_of_id)
            SELECT
                now() - make_interval(secs => g * {SPACING_SECONDS}),
                'bench-' || g,
                ({ids})[1 + g % {len(endpoint_ids)}],
                'endpoint-' || (1 + g % {len(endpoint_ids)}),
                'rest',
                (ARRAY['GET','GET','POST','PUT','DELETE'])[1 + g % 5],
                '/bj_api_sync/v1/endpoint-' || (1 + g % {len(endpoint_ids)}),
                CASE WHEN g % 3 = 0 THEN 'limit=50&offset=' || (g % 1000) ELSE '' END,
                ('10.0.' || (g % 250) || '.' || (g % 200 + 1))::inet,
                'token:system-' || (g % 7),
                CASE WHEN g % 50 = 0 THEN 502 WHEN g % 10 = 0 THEN 400 WHEN g % 5 = 2 THEN 201 ELSE 200 END,
                CASE WHEN g % 10 = 0 THEN 'failure' ELSE 'success' END,
                20 + g % 300, 1 + g % 3, 10 + g % 250,
                '{{"Accept": "application/json", "Authorization": "Bearer ***"}}'::jsonb,
                CASE WHEN g % 5 = 2 THEN '{{"name": "Partner ' || g || '", "email": "p' || g || '@example.com"}}'
                     ELSE '' END,
                CASE WHEN g % 5 = 2 THEN 60 ELSE 0 END, false, false,
                '{{"status": "success", "data": [{{"id": ' || g || ', "name": "Partner ' || g || '"}}]}}',
                70, false,
                CASE WHEN g % 50 = 0 THEN 'Odoo is unreachable.' WHEN g % 10 = 0 THEN 'Bad value.' ELSE '' END,
                CASE WHEN g % 50 = 0 THEN 'hub.odoo.exceptions.OdooUnavailable' ELSE '' END,
                NULL, NULL
            FROM generate_series(1, {int(ROWS)}) AS g
            """
        )
        cursor.execute("ANALYZE logs_requestlog")
    seconds = time.perf_counter() - started
    print(f"  filled {ROWS:,} rows in {seconds:.1f} s ({ROWS / seconds:,.0f} rows/s)", flush=True)


def _worker() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from endpoints.models import Endpoint
    from hub.models import OdooConnection
    from logs.models import RequestLog
    from logs.services import purge_before

    call_command("migrate", verbosity=0)
    odoo = OdooConnection.objects.create(name="bench", url="http://127.0.0.1:1", database="bench", login="admin")
    endpoints = [
        Endpoint.objects.create(
            name=f"Endpoint {n}",
            connection=odoo,
            odoo_model="res.partner",
            slug=f"endpoint-{n}",
            allowed_methods=["GET"],
            auth="none",
        )
        for n in range(1, ENDPOINTS + 1)
    ]
    _fill([endpoint.pk for endpoint in endpoints])

    admin = User.objects.create_superuser("bench", "bench@example.com", "bench-password-1")
    client = Client()
    client.force_login(admin)
    changelist = "/admin/logs/requestlog/"
    views = [
        ("change list, no filter", changelist),
        ("change list, one endpoint", f"{changelist}?endpoint__id__exact={endpoints[3].pk}"),
        ("change list, 5xx", f"{changelist}?status_class=5xx"),
        ("change list, one endpoint and 5xx", f"{changelist}?endpoint__id__exact={endpoints[0].pk}&status_class=5xx"),
        ("change list, search a request id", f"{changelist}?q=bench-424242"),
        ("change list, page 20 of 5xx", f"{changelist}?status_class=5xx&p=20"),
    ]
    print(f"admin change list over {ROWS:,} rows (50 per page, count capped):", flush=True)
    for label, url in views:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        _timed(label, get)
        with CaptureQueriesContext(connection) as queries:
            get()
        slowest = max(float(q["time"]) for q in queries)
        print(f"  {'':<48} {len(queries)} queries, slowest {slowest * 1000:.1f} ms", flush=True)

    detail = f"{changelist}{RequestLog.objects.filter(request_id=f'bench-{ROWS // 2}').get().pk}/change/"
    _timed("detail page", lambda: client.get(detail))

    # The cutoff follows the generated span (the older half of the rows), not a fixed age: with a
    # small BENCH_LOG_ROWS a fixed "17 days" matched no row and the purge rate measured nothing.
    span = RequestLog.objects.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    cutoff = span["oldest"] + (span["newest"] - span["oldest"]) / 2
    started = time.perf_counter()
    removed = purge_before(cutoff, batch_size=10_000)
    seconds = time.perf_counter() - started
    age = (timezone.now() - cutoff).total_seconds()
    age_text = f"{age / 86400:.1f} days" if age >= 86400 else f"{age / 3600:.1f} hours"
    print(
        f"purge: removed {removed:,} rows (the older half, older than {age_text}) "
        f"in {seconds:.1f} s ({removed / max(seconds, 1e-9):,.0f} rows/s, batches of 10,000 ids)",
        flush=True,
    )
    assert removed == ROWS // 2, (removed, ROWS)


if __name__ == "__main__":
    _worker()
