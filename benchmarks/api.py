"""The inbound REST API under a production WSGI server, against the Odoo stand-in.

Starts the stand-in and the hub (gunicorn; with DATABASE_URL a throw-away PostgreSQL database
``<database>_bench_api`` created and dropped here, else a temporary SQLite file), creates a
partners endpoint, then prints for each operation the requests per second and p50/p95 latency
through the hub, the same work done directly with the Odoo client against the stand-in, their
ratio, and the RPC calls per request (from the log).
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SLUG = "bench-partners"
# (label, iterations): enough to steady the percentiles, short enough for `make bench`
PLAN = [("GET list (100)", 60), ("GET one", 200), ("POST one", 100), ("POST 100", 15), ("PUT", 100)]

ENDPOINT = {
    "name": "Benchmark partners",
    "request_type": "in",
    "connection": "bench stand-in",
    "odoo_model": "res.partner",
    "domain": "[('is_company', '=', False)]",
    "slug": SLUG,
    "allowed_methods": ["GET", "POST", "PUT", "DELETE"],
    "auth": "bearer",
    "is_paginated": True,
    "page_size": 100,
    "upsert_on_post": False,
    "log_mode": "all",
    "active": True,
    "lines": [
        {
            "odoo_field": "ref",
            "external_key": "customer_id",
            "odoo_type": "char",
            "is_identifier": True,
            "required": True,
            "sequence": 1,
        },
        {"odoo_field": "name", "external_key": "name", "odoo_type": "char", "required": True, "sequence": 2},
        {"odoo_field": "email", "external_key": "email", "odoo_type": "char", "sequence": 3},
        {"odoo_field": "phone", "external_key": "phone", "odoo_type": "char", "sequence": 4},
        {
            "odoo_field": "country_id",
            "external_key": "country",
            "value_type": "many2one",
            "options": {"model": "res.country", "field": "code", "output": "name"},
            "sequence": 5,
        },
    ],
}

SETUP = """
import json, sys
from endpoints.models import Endpoint, EndpointToken
from endpoints.transfer import import_configurations
from hub.models import OdooConnection
url, config = sys.argv[1], json.loads(sys.argv[2])
connection, _ = OdooConnection.objects.update_or_create(
    name="bench stand-in", defaults={"url": url, "database": "odoo18", "login": "admin", "protocol": "jsonrpc"})
connection.secret = "admin"
connection.save()
import_configurations({"format": "odoo-hub-endpoints", "version": 1, "endpoints": [config]})
endpoint = Endpoint.objects.get(slug=config["slug"], request_type="in")
EndpointToken.objects.filter(endpoint=endpoint).delete()
token = EndpointToken(endpoint=endpoint, name="bench")
secret = token.issue()
token.save()
print(json.dumps({"token": secret}))
"""

RPC_COUNTS = """
import json, sys
from logs.models import RequestLog
counts = {}
rows = RequestLog.objects.filter(endpoint_slug=sys.argv[1])
rows = rows.values_list("request_id", "rpc_count", "duration_ms", "rpc_ms")
for request_id, *figures in rows:
    if request_id.startswith("bench-"):
        counts.setdefault(request_id.split("-")[1], []).append(figures)
print(json.dumps({label: [sum(f[i] for f in v) / len(v) for i in range(3)] for label, v in counts.items()}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _django(env: dict, code: str, *args: str) -> str:
    """Run code with Django set up, in a child process with the hub's environment."""
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"hub set-up failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure(operation, iterations: int) -> dict:
    timings = []
    started = time.perf_counter()
    for index in range(iterations):
        begin = time.perf_counter()
        operation(index)
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    return {
        "rps": iterations / elapsed,
        "p50": _percentile(timings, 0.50) * 1000,
        "p95": _percentile(timings, 0.95) * 1000,
    }


def _partner(tag: str, index: int) -> dict:
    return {
        "customer_id": f"{tag}-{index}",
        "name": f"Bench {tag} {index}",
        "email": f"b{index}@example.com",
        "country": "BE",
    }


def _hub_operations(http: httpx.Client, base: str, headers: dict) -> dict:
    url = f"{base}/bj_api_sync/v1/{SLUG}"
    counter = iter(range(10**9))

    def checked(response: httpx.Response, status: int) -> None:
        if response.status_code != status:
            raise RuntimeError(f"hub answered {response.status_code}: {response.text[:300]}")

    def rid(label: str) -> dict:
        return {**headers, "X-Request-ID": f"bench-{label}-{next(counter)}"}

    return {
        "GET list (100)": lambda i: checked(http.get(url, params={"limit": 100}, headers=rid("list")), 200),
        "GET one": lambda i: checked(http.get(f"{url}/seed-{i % 100}", headers=rid("one")), 200),
        "POST one": lambda i: checked(http.post(url, json=_partner("h1", i), headers=rid("post1")), 201),
        "POST 100": lambda i: checked(
            http.post(url, json=[_partner(f"h100x{i}", n) for n in range(100)], headers=rid("post100")), 201
        ),
        "PUT": lambda i: checked(
            http.put(f"{url}/seed-{i % 100}", json={"phone": f"+32 {i}"}, headers=rid("put")), 200
        ),
    }


RPC_LABELS = {"GET list (100)": "list", "GET one": "one", "POST one": "post1", "POST 100": "post100", "PUT": "put"}


def _direct_operations(client) -> dict:
    # the same calls the hub makes: reads with a specification, a page and its count in one call
    spec = {"ref": {}, "name": {}, "email": {}, "phone": {}, "country_id": {"fields": {"display_name": {}}}}
    domain = [("is_company", "=", False)]
    country = {}

    def country_id(code: str) -> int:
        return client.execute_kw("res.country", "search_read", [[("code", "in", [code])]], {"fields": ["code"]})[0][
            "id"
        ]

    def vals(tag: str, index: int) -> dict:
        partner = _partner(tag, index)
        if "BE" not in country:  # one lookup per request, as the hub does
            country["BE"] = country_id("BE")
        return {
            "ref": partner["customer_id"],
            "name": partner["name"],
            "email": partner["email"],
            "country_id": country["BE"],
        }

    def list_page(i):
        client.execute_kw("res.partner", "web_search_read", [domain, spec], {"limit": 100, "offset": 0})

    def read_one(i):
        client.execute_kw(
            "res.partner", "web_search_read", [[*domain, ("ref", "=", f"seed-{i % 100}")], spec], {"limit": 2}
        )

    def create(tag: str, count: int, i: int):
        country.clear()  # the hub looks the country up per request; so does this side
        refs = [f"{tag}{i}-{n}" for n in range(count)]
        client.execute_kw("res.partner", "search_read", [[("ref", "in", refs)]], {"fields": ["ref"]})
        ids = client.execute_kw("res.partner", "create", [[vals(f"{tag}{i}", n) for n in range(count)]])
        client.execute_kw("res.partner", "web_read", [ids], {"specification": spec})

    def update(i):
        ids = client.execute_kw("res.partner", "search", [[*domain, ("ref", "=", f"seed-{i % 100}")]], {"limit": 2})
        client.execute_kw("res.partner", "write", [ids, {"phone": f"+32 {i}"}])
        client.execute_kw("res.partner", "web_read", [ids], {"specification": spec})

    return {
        "GET list (100)": list_page,
        "GET one": read_one,
        "POST one": lambda i: create("d1x", 1, i),
        "POST 100": lambda i: create("d100x", 100, i),
        "PUT": update,
    }


def _environment(workdir: Path) -> dict:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "HUB_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HUB_VAR_DIR": str(workdir),
            **{f"HUB_RATE_LIMIT_PER_{scope}": "0" for scope in ("ADDRESS", "CREDENTIAL")},  # measure, not refuse
        }
    )
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    return env


@contextmanager
def _database():
    """A throw-away PostgreSQL database next to DATABASE_URL's (real data is never touched), or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    bench_db = f"{parts.path.lstrip('/') or 'hub'}_bench_api"
    admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        conn.execute(f'CREATE DATABASE "{bench_db}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{bench_db}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


def run() -> None:
    """Print the API's throughput and latency through the hub against the direct client."""
    from fake_odoo import FakeOdoo
    from hub.odoo import OdooClient

    server = FakeOdoo(version="18.0")
    server.start()
    gunicorn = None
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, _database() as database_url:
        workdir = Path(tmp)
        env = _environment(workdir)
        if database_url:
            env["DATABASE_URL"] = database_url
        try:
            migrate = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                env=env,
                cwd=ROOT,
                check=False,
                capture_output=True,
                text=True,
            )
            if migrate.returncode != 0:
                raise RuntimeError(f"migrate failed:\n{migrate.stderr[-3000:]}")
            token = json.loads(_django(env, SETUP, server.url, json.dumps(ENDPOINT)).strip().splitlines()[-1])["token"]
            port = _free_port()
            gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "hub.wsgi:application",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    str(WORKERS),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
            base = f"http://127.0.0.1:{port}"
            _wait(base + "/healthz")
            client = OdooClient(server.url, "odoo18", "admin", "admin", protocol="jsonrpc")
            client.uid  # noqa: B018 - authenticate outside the timings
            # 100 partners the GET one and PUT rows address by ref
            client.execute_kw(
                "res.partner",
                "create",
                [[{"ref": f"seed-{n}", "name": f"Seed {n}", "is_company": False} for n in range(100)]],
            )
            headers = {"Authorization": f"Bearer {token}"}
            results = {}
            with httpx.Client(timeout=60) as http:
                hub_ops = _hub_operations(http, base, headers)
                direct_ops = _direct_operations(client)
                for label, iterations in PLAN:
                    for warm in range(WORKERS * 2):  # warm every worker's configuration cache
                        hub_ops[label](10**6 + warm)
                    direct_ops[label](10**6)
                    results[label] = (_measure(hub_ops[label], iterations), _measure(direct_ops[label], iterations))
            rpc = json.loads(_django(env, RPC_COUNTS, SLUG).strip().splitlines()[-1])
        finally:
            if gunicorn is not None:
                gunicorn.terminate()
                gunicorn.wait(timeout=10)
            server.stop()

    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"hub: gunicorn, {WORKERS} workers, {database}; Odoo stand-in over JSON-RPC; sequential requests")
    header = (
        f"{'operation':<16}{'hub req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'direct req/s':>14}{'p50 ms':>9}"
        f"{'p95 ms':>9}{'ratio':>8}{'RPC/req':>9}{'view ms':>9}{'RPC ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, _iterations in PLAN:
        hub, direct = results[label]
        print(
            f"{label:<16}{hub['rps']:>10.1f}{hub['p50']:>9.1f}{hub['p95']:>9.1f}{direct['rps']:>14.1f}"
            f"{direct['p50']:>9.1f}{direct['p95']:>9.1f}{direct['rps'] / hub['rps']:>8.2f}"
            f"{rpc[RPC_LABELS[label]][0]:>9.1f}{rpc[RPC_LABELS[label]][1]:>9.1f}{rpc[RPC_LABELS[label]][2]:>9.1f}"
        )
    print("ratio = direct req/s / hub req/s (the hub's overhead factor); view ms and RPC ms: mean time inside")
    print("the hub (from the request log) and the part of it spent in Odoo calls")


if __name__ == "__main__":
    run()
