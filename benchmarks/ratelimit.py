"""Cost of the gateway features per request: rate limits (local memory and Redis) and idempotency keys.

Runs the hub in process (Django's test client, every middleware, the request log) against the
Odoo stand-in, on a throw-away SQLite file, and prints for each feature the mean time per
request without and with it, the microseconds it adds and the ratio. Redis comes from
BENCH_REDIS_URL or REDIS_URL (its keys get a prefix of their own and expire); without either the
Redis rows are skipped.
"""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

ITERATIONS = int(os.environ.get("BENCH_RATELIMIT_ITERATIONS", "300"))


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="hub-bench-ratelimit-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "SECRET_KEY": "benchmark-only-not-a-secret",
            "HUB_ENCRYPTION_KEY": "",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "HUB_VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "BENCH_REDIS_URL": os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL", ""),
            "REDIS_URL": "",
        }
        from cryptography.fernet import Fernet

        env["HUB_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
        subprocess.run([sys.executable, "-m", "benchmarks.ratelimit"], env=env, check=True)


def _compare(without, with_it) -> tuple[float, float]:
    """Median microseconds of ``without(n)`` and ``with_it(n)``, called in turns so drift hits both alike."""
    for n in range(20):
        without(10**6 + n)  # warm the configuration cache, the Odoo connection and the script cache
        with_it(10**6 + n)
    times: tuple[list, list] = ([], [])
    for n in range(ITERATIONS):
        for action, kept in ((without, times[0]), (with_it, times[1])):
            started = time.perf_counter()
            action(n)
            kept.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times[0]), statistics.median(times[1])


def _hook_us(action) -> float:
    """Median microseconds of the feature's own code (the part a request adds), ``action(n)``."""
    for n in range(20):
        action(10**6 + n)
    times = []
    for n in range(ITERATIONS):
        started = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times)


def _main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.test import Client, RequestFactory, override_settings

    from endpoints.models import Endpoint
    from fake_odoo import FakeOdoo
    from hub import ratelimit
    from hub.models import OdooConnection
    from idempotency import services as idempotency
    from mappings.models import MappingLine

    call_command("migrate", verbosity=0)
    server = FakeOdoo(version="18.0").start()
    try:
        connection = OdooConnection(
            name="bench", url=server.url, database="odoo18", login="admin", protocol="jsonrpc", is_default=True
        )
        connection.secret = "admin"
        connection.save()
        slug = f"bench-{secrets.token_hex(4)}"  # counters of this run only, in a Redis others may use
        limited, plain = (
            Endpoint.objects.create(
                name=name, connection=connection, odoo_model="res.partner", slug=name, auth="none",
                allowed_methods=["GET", "POST"], domain="[('ref', '!=', False)]", upsert_on_post=True,
                rate_limit_per_address=limit,
            )
            for name, limit in ((f"{slug}-limited", "1000000/min, 10000000/h"), (f"{slug}-plain", "0"))
        )  # fmt: skip
        for endpoint in (limited, plain):
            for sequence, (field, key) in enumerate((("ref", "ref"), ("name", "name")), start=1):
                MappingLine.objects.create(
                    endpoint=endpoint, sequence=sequence, odoo_field=field, external_key=key, odoo_type="char",
                    is_identifier=field == "ref", required=True,
                )  # fmt: skip
        server_client = connection.client()
        server_client.execute_kw("res.partner", "create", [{"ref": "R1", "name": "Read me"}])
        http = Client()

        def get(endpoint):
            return lambda n: _ok(http.get(f"{endpoint.path}/R1"), 200)

        def post(endpoint, keyed: bool, replay: bool = False):
            def call(n):
                ref = "REPLAYED" if replay else f"P{n}"
                headers = {"HTTP_IDEMPOTENCY_KEY": "same" if replay else f"k-{slug}-{n}"} if keyed else {}
                body = f'{{"ref": "{ref}", "name": "Posted"}}'
                _ok(http.post(endpoint.path, body, content_type="application/json", **headers), 201)

            return call

        factory = RequestFactory()
        policies = ratelimit.endpoint_policies(limited)

        def count(n):
            ratelimit.count(factory.get("/"), ratelimit.endpoint_target(limited.slug), policies, f"token:{n % 50}")

        def claim_and_store(n):
            request = factory.post(plain.path, b"{}", content_type="application/json")
            held = idempotency.claim(request, "bench", f"hook-{slug}-{n}", b"{}")
            idempotency.finish(held, HttpResponse(b'{"status": "success"}', status=201))

        def replay(n):
            request = factory.post(plain.path, b"{}", content_type="application/json")
            try:
                idempotency.claim(request, "bench", f"hook-{slug}-replayed", b"{}")
            except idempotency.Replay:
                return
            raise RuntimeError("no replay")

        rows = []
        caches = [("local memory", {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})]
        redis_url = os.environ.get("BENCH_REDIS_URL", "")
        if redis_url:
            redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
            caches.append(("Redis", {**redis, "KEY_PREFIX": slug}))
        for label, cache in caches:
            with override_settings(CACHES={"default": cache}):
                rows.append((f"rate limits, GET one ({label})", *_compare(get(plain), get(limited)), _hook_us(count)))
        rows.append(
            ("Idempotency-Key, POST one (new key)", *_compare(post(plain, False), post(plain, True)),
             _hook_us(claim_and_store))
        )  # fmt: skip
        post(plain, True, replay=True)(0)
        idempotency.finish(
            idempotency.claim(factory.post(plain.path, b"{}", content_type="application/json"), "bench",
                              f"hook-{slug}-replayed", b"{}"),
            HttpResponse(b"{}", status=201),
        )  # fmt: skip
        rows.append(
            ("Idempotency-Key, replay instead of running", *_compare(post(plain, True), post(plain, True, True)),
             _hook_us(replay))
        )  # fmt: skip
        if not redis_url:
            print("Redis rows skipped: set BENCH_REDIS_URL or REDIS_URL")
        print(f"median of {ITERATIONS} requests each, in process (test client, all middleware, request log), SQLite,")
        print("stand-in Odoo 18 over JSON-RPC; 'hook µs' is the feature's own code alone (what a request adds)")
        print(f"{'feature':44} {'without µs':>11} {'with µs':>9} {'ratio':>6} {'hook µs':>8}")
        for label, without, with_it, hook in rows:
            print(f"{label:44} {without:11.0f} {with_it:9.0f} {with_it / without:6.2f} {hook:8.0f}")
    finally:
        server.stop()


def _ok(response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")


if __name__ == "__main__":
    _main()
