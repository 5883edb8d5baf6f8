"""The inbound REST API through the hub, against the same Odoo calls made directly, on SQLite and PostgreSQL.

Like with like: the Odoo stand-in runs in its own process (``python -m fake_odoo``), the hub under
gunicorn as README's production line runs it (``--workers 4 --threads 4``), and the direct client is
the hub's own OdooClient making the calls the hub makes; the hub is called over the same HTTP layer
(hub.odoo.http_pool), so neither side's figures carry a heavier client's CPU. Hub and direct rounds alternate, several
rounds each, and every figure is given as min / median / max over the rounds:

- sequential calls (one client): p50 latency of each side, the p50 the hub adds, the throughput
  ratio, and the hub's CPU per call (CPU time of the gunicorn processes, read from /proc, over the
  calls of the round; the database server's own CPU is not in it); for GET one, the same gunicorn
  command line serving a 2-byte answer without Django ("gunicorn alone"), so the server's share of
  the hub's CPU and latency is seen apart from the hub's own;
- concurrent clients (1 and 8 client processes in closed loops of GET one): throughput through the
  hub against the same number of clients calling the stand-in directly, measured first, on the
  seeded stand-in (the write rounds grow it, and its reads slow down as it grows); and through a
  "bare proxy", the same gunicorn command line making only the Odoo call: the ceiling of any hub
  served this way, so the hub's ratio is read against what its server and the shared cores allow.

The targets are printed beside the figures. SQLite runs in a temporary file; PostgreSQL in
a throw-away database ``<database>_bench_api`` next to the one DATABASE_URL names (skipped, saying so,
when DATABASE_URL is not a PostgreSQL URL). Traffic goes to 127.0.0.1 only.
"""

import json
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
# README's production line: gunicorn hub.wsgi --workers 4 --threads 4
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SLUG = "bench-partners"
# (label, calls per round): enough to steady a round's p50, short enough for `make bench`
PLAN = [("GET one", 100), ("GET list (100)", 30), ("POST one", 40), ("POST 100", 4), ("PUT", 40)]
CONCURRENT_CLIENTS = (1, 8)
CONCURRENT_ROUNDS = 3
CONCURRENT_SECONDS = 2.0
MAX_CALLS_PER_CLIENT = 20_000  # a bound on each closed loop, whatever the speed

# The targets of the hub's own cost (hub CPU per call, p50 added to GET one, 8-client throughput ratio).
CPU_TARGET_MS = {"GET one": 1.0, "GET list (100)": 2.5, "POST one": 1.5}
ADDED_P50_TARGET_MS = {"GET one": 1.0}
CONCURRENT_RATIO_TARGET = {8: 0.6}
# Many records against one: what each record beyond the first adds to a call's hub CPU (a call may grow with its
# records times its lines, no faster: tests/endpoints/test_growth.py checks that exactly; this prints the cost).
PER_RECORD = {"GET list (100)": ("GET one", 100), "POST 100": ("POST one", 100)}

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


# --- processes --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode} before answering")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _stand_in():
    """The Odoo stand-in as its own process, the command make demo runs; its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_odoo", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/web/webclient/version_info", process)
        yield url
    finally:
        _stop(process)


@contextmanager
def _gunicorn(env: dict, app: str = "hub.wsgi", ready_path: str = "/healthz"):
    """``app`` (the hub) under gunicorn, README's production command line bound to a free port of 127.0.0.1;
    the process and the base URL once every worker is up."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait(f"http://127.0.0.1:{port}{ready_path}", process)
        deadline = time.monotonic() + 30
        while len(_tree(process.pid)) < WORKERS + 1 and time.monotonic() < deadline:  # CPU is read per worker
            time.sleep(0.05)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


def floor_app(environ, start_response):
    """gunicorn's own cost: the smallest JSON answer, with no framework behind it."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


_bare_client = None


def bare_proxy_app(environ, start_response):
    """The least any proxy under this gunicorn does for a GET one: the hub's Odoo call for the ref that ends
    the path, its answer as JSON; no framework, credentials, rate limit nor log row (``BENCH_ODOO_URL``)."""
    global _bare_client
    if _bare_client is None:
        from hub.odoo import OdooClient

        _bare_client = OdooClient(os.environ["BENCH_ODOO_URL"], "odoo18", "admin", "admin", protocol="jsonrpc")
    body = json.dumps(_read_one(_bare_client, environ["PATH_INFO"].rsplit("/", 1)[-1]))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body.encode()]


def _tree(pid: int) -> list[int]:
    """``pid`` and its child processes (gunicorn's master and its workers)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry))
    return [pid, *sorted(children)]


def _cpu_seconds(pids: list[int]) -> float:
    """CPU time used so far by the threads of ``pids``: nanoseconds on CPU from schedstat, else clock ticks."""
    total = 0.0
    for pid in pids:
        tasks = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
        if tasks:
            total += sum(int(task.read_text().split()[0]) for task in tasks) / 1e9
        else:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# --- the hub's environment and database -------------------------------------------------------


def _environment(workdir: Path, database_url: str) -> dict:
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
            "DATABASE_URL": database_url,
            # counted as by default (one Redis script per call), with quotas no run reaches
            **{f"HUB_RATE_LIMIT_PER_{scope}": "1000000000/min" for scope in ("ADDRESS", "CREDENTIAL")},
        }
    )
    return env


@contextmanager
def _postgres_database(url: str):
    """A throw-away PostgreSQL database next to ``url``'s (real data is never touched); its URL."""
    import psycopg

    parts = urlsplit(url)
    bench_db = f"{parts.path.lstrip('/') or 'hub'}_bench_api"
    admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench_db}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{bench_db}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


def _django(env: dict, code: str, *args: str) -> str:
    """Run code with Django set up, in a child process with the hub's environment."""
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"hub set-up failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _prepare_hub(env: dict, stand_in_url: str) -> str:
    """Migrate, configure the benchmark endpoint; its bearer token."""
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
    return json.loads(_django(env, SETUP, stand_in_url, json.dumps(ENDPOINT)).strip().splitlines()[-1])["token"]


# --- the calls ----------------------------------------------------------------------------------

# the specification the hub reads records with: a page and its count in one call
SPEC = {"ref": {}, "name": {}, "email": {}, "phone": {}, "country_id": {"fields": {"display_name": {}}}}
DOMAIN = [("is_company", "=", False)]


def _read_one(client, ref: str) -> dict:
    """The Odoo call the hub makes for a GET one of the partner at ``ref``."""
    return client.execute_kw("res.partner", "web_search_read", [[*DOMAIN, ("ref", "=", ref)], SPEC], {"limit": 2})


def _partner(tag: str, index: int) -> dict:
    return {
        "customer_id": f"{tag}-{index}",
        "name": f"Bench {tag} {index}",
        "email": f"b{index}@example.com",
        "country": "BE",
    }


class _HubClient:
    """Calls to the hub over the same HTTP layer the direct side's Odoo client uses (hub.odoo.http_pool):
    the client's own CPU and latency are alike on both sides, so the difference is the hub's."""

    def __init__(self, base: str, headers: dict | None = None) -> None:
        from hub.odoo.http_pool import HttpPool

        self.base = base
        self.headers = headers or {}
        self.pool = HttpPool(connect_timeout=10, read_timeout=60)

    def call(self, method: str, path: str, status: int, body=None, headers: dict | None = None) -> None:
        sent = {**self.headers, **(headers or {})}
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        response = self.pool.request(method, self.base, path, content=content, headers=sent)
        if response.status_code != status:
            raise RuntimeError(f"hub answered {response.status_code}: {response.text[:300]}")

    def close(self) -> None:
        self.pool.close()


def _hub_operations(hub: _HubClient) -> dict:
    path = f"/bj_api_sync/v1/{SLUG}"
    counter = iter(range(10**9))

    def rid(label: str) -> dict:
        return {"X-Request-ID": f"bench-{label}-{next(counter)}"}

    return {
        "GET list (100)": lambda i: hub.call("GET", f"{path}?limit=100", 200, headers=rid("list")),
        "GET one": lambda i: hub.call("GET", f"{path}/seed-{i % 100}", 200, headers=rid("one")),
        "POST one": lambda i: hub.call("POST", path, 201, _partner(f"h1x{i}", 0), rid("post1")),
        "POST 100": lambda i: hub.call("POST", path, 201, [_partner(f"h100x{i}", n) for n in range(100)], rid("p100")),
        "PUT": lambda i: hub.call("PUT", f"{path}/seed-{i % 100}", 200, {"phone": f"+32 {i}"}, rid("put")),
    }


RPC_LABELS = {"GET list (100)": "list", "GET one": "one", "POST one": "post1", "POST 100": "p100", "PUT": "put"}


def _direct_operations(client) -> dict:
    """The Odoo calls the hub makes for each operation, made with the hub's OdooClient."""

    def country_id(code: str) -> int:
        return client.execute_kw("res.country", "search_read", [[("code", "in", [code])]], {"fields": ["code"]})[0][
            "id"
        ]

    def vals(partner: dict, country: int) -> dict:
        return {
            "ref": partner["customer_id"],
            "name": partner["name"],
            "email": partner["email"],
            "country_id": country,
        }

    def list_page(i):
        client.execute_kw("res.partner", "web_search_read", [DOMAIN, SPEC], {"limit": 100, "offset": 0})

    def create(tag: str, count: int, i: int):
        partners = [_partner(f"{tag}{i}", n) for n in range(count)]
        refs = [partner["customer_id"] for partner in partners]
        client.execute_kw("res.partner", "search_read", [[("ref", "in", refs)]], {"fields": ["ref"]})
        country = country_id("BE")  # the hub looks the country up once per request
        ids = client.execute_kw("res.partner", "create", [[vals(partner, country) for partner in partners]])
        client.execute_kw("res.partner", "web_search_read", [[*DOMAIN, ("id", "in", ids)], SPEC])

    def update(i):
        domain = [*DOMAIN, ("ref", "=", f"seed-{i % 100}")]
        found = client.execute_kw("res.partner", "search_read", [domain], {"fields": ["phone"], "limit": 2})
        ids = [record["id"] for record in found]
        client.execute_kw("res.partner", "write", [ids, {"phone": f"+32 {i}"}])
        client.execute_kw("res.partner", "web_search_read", [[*DOMAIN, ("id", "in", ids)], SPEC])

    return {
        "GET list (100)": list_page,
        "GET one": lambda i: _read_one(client, f"seed-{i % 100}"),
        "POST one": lambda i: create("d1x", 1, i),
        "POST 100": lambda i: create("d100x", 100, i),
        "PUT": update,
    }


# --- measuring ----------------------------------------------------------------------------------


def _p50(values: list[float]) -> float:
    return statistics.median(values)


def _round(operation, calls: int, first: int, cpu_of) -> dict:
    """``calls`` calls of ``operation`` in a row: p50 ms, calls/s and CPU ms per call (of ``cpu_of()``)."""
    timings = []
    cpu_before = cpu_of()
    started = time.perf_counter()
    for index in range(first, first + calls):
        begin = time.perf_counter()
        operation(index)
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    cpu_ms = (cpu_of() - cpu_before) * 1000 / calls
    return {"p50": _p50(timings) * 1000, "rps": calls / elapsed, "cpu": cpu_ms}


def _sequential(hub_ops: dict, direct_ops: dict, hub_cpu, floor) -> dict:
    """Interleaved rounds of each operation: per operation, a list of round figures by side (hub, direct,
    and for GET one the floor: ``floor`` is (operation, cpu_of) of gunicorn serving no framework)."""
    results = {label: [] for label, _ in PLAN}
    for label, calls in PLAN:
        for warm in range(WORKERS * THREADS):  # every worker's configuration cache and connections
            hub_ops[label](10**6 + warm)
        direct_ops[label](10**6)
        sides = [("hub", hub_ops[label], hub_cpu), ("direct", direct_ops[label], time.process_time)]
        if label == "GET one":
            sides.append(("floor", *floor))
        for number in range(ROUNDS):
            first = 10**7 + number * calls
            figures = {}
            for side, operation, cpu_of in sides[:: -1 if number % 2 else 1]:  # alternate which side goes first
                figures[side] = _round(operation, calls, first, cpu_of)
            results[label].append(figures)
    return results


def _client_loop(side: str, target: str, token: str, commands, answers) -> None:
    """One client process: for each (start_at, seconds) command, GET one in a closed loop; the calls made."""
    if side == "hub":
        hub = _HubClient(target, {"Authorization": f"Bearer {token}"})

        def call(i):
            hub.call("GET", f"/bj_api_sync/v1/{SLUG}/seed-{i % 100}", 200)
    else:
        from hub.odoo import OdooClient

        client = OdooClient(target, "odoo18", "admin", "admin", protocol="jsonrpc")
        call = _direct_operations(client)["GET one"]
    for i in range(5):  # warm-up: connection, login
        call(i)
    answers.put("ready")
    while (command := commands.get()) is not None:
        start_at, seconds = command
        time.sleep(max(0.0, start_at - time.time()))
        calls, stop_at = 0, start_at + seconds
        while time.time() < stop_at and calls < MAX_CALLS_PER_CLIENT:
            call(calls)
            calls += 1
        answers.put(calls / (time.time() - start_at))


class _Clients:
    """``count`` client processes of one side, started once and given timed closed loops."""

    def __init__(self, count: int, side: str, target: str, token: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.commands = [context.Queue() for _ in range(count)]
        self.answers = context.Queue()
        self.processes = [
            context.Process(target=_client_loop, args=(side, target, token, queue, self.answers), daemon=True)
            for queue in self.commands
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.answers.get(timeout=60)

    def throughput(self, seconds: float) -> float:
        """Calls per second of all clients together over one closed loop of ``seconds``."""
        start_at = time.time() + 0.3
        for queue in self.commands:
            queue.put((start_at, seconds))
        return sum(self.answers.get(timeout=seconds + 60) for _ in self.processes)

    def close(self) -> None:
        for queue in self.commands:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=10)


def _concurrent(base: str, token: str, stand_in_url: str, bare_base: str) -> dict:
    """Per client count, (hub, direct, bare proxy) calls/s of each interleaved round."""
    results = {}
    for count in CONCURRENT_CLIENTS:
        sides = [
            _Clients(count, "hub", base, token),
            _Clients(count, "direct", stand_in_url, token),
            _Clients(count, "hub", bare_base, token),  # the hub's GET one path; the bare proxy reads its ref
        ]
        try:
            rounds = []
            for number in range(CONCURRENT_ROUNDS):
                order = sides if number % 2 == 0 else sides[::-1]
                measured = {id(side): side.throughput(CONCURRENT_SECONDS) for side in order}
                rounds.append(tuple(measured[id(side)] for side in sides))
            results[count] = rounds
        finally:
            for side in sides:
                side.close()
    return results


# --- printing -----------------------------------------------------------------------------------


def _spread(values: list[float], digits: int = 2) -> str:
    return f"{min(values):>8.{digits}f}{statistics.median(values):>8.{digits}f}{max(values):>8.{digits}f}"


def _verdict(value: float, target: float | None, at_least: bool = False) -> str:
    if target is None:
        return ""
    met = value >= target if at_least else value <= target
    return f"{'>=' if at_least else '<='} {target:<5} {'ok' if met else 'MISSED'}"


def _print(database: str, sequential: dict, concurrent: dict, rpc: dict) -> None:
    cache = "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "local memory"
    print(
        f"\n-- {database}, cache {cache}: gunicorn --workers {WORKERS} --threads {THREADS}, stand-in in its own process"
    )
    print(f"sequential calls, {ROUNDS} interleaved rounds per side; min / median / max over the rounds")
    header = f"{'operation':<16}{'figure':<28}{'min':>8}{'median':>8}{'max':>8}   target (median)"
    print(header)
    print("-" * (len(header) + 10))
    for label, calls in PLAN:
        rounds = sequential[label]
        hub = [r["hub"] for r in rounds]
        direct = [r["direct"] for r in rounds]
        added_target = ADDED_P50_TARGET_MS.get(label)
        rows = [
            ("hub p50 ms", [h["p50"] for h in hub], None),
            ("direct p50 ms", [d["p50"] for d in direct], None),
            ("p50 added by the hub ms", [r["hub"]["p50"] - r["direct"]["p50"] for r in rounds], added_target),
            ("hub CPU ms per call", [h["cpu"] for h in hub], CPU_TARGET_MS.get(label)),
            ("direct client CPU ms/call", [d["cpu"] for d in direct], None),
            ("hub / direct calls/s", [r["hub"]["rps"] / r["direct"]["rps"] for r in rounds], None),
        ]
        if label in PER_RECORD:
            one, records = PER_RECORD[label]
            pairs = zip(hub, (r["hub"] for r in sequential[one]), strict=True)
            per_record = [(h["cpu"] - o["cpu"]) * 1000 / (records - 1) for h, o in pairs]
            rows.append(("hub CPU µs per more record", per_record, None))
        if "floor" in rounds[0]:
            rows += [
                ("gunicorn alone: p50 ms", [r["floor"]["p50"] for r in rounds], None),
                ("gunicorn alone: CPU ms/call", [r["floor"]["cpu"] for r in rounds], None),
                ("hub CPU beyond gunicorn's", [r["hub"]["cpu"] - r["floor"]["cpu"] for r in rounds], None),
            ]
        for number, (figure, values, target) in enumerate(rows):
            name = {0: label, 1: f"{calls} calls/round"}.get(number, "")
            digits = 1 if "µs" in figure else 2
            print(f"{name:<16}{figure:<28}{_spread(values, digits)}   {_verdict(statistics.median(values), target)}")
        rpc_count, view_ms, rpc_ms = rpc.get(RPC_LABELS[label], (0, 0, 0))
        means = f"{rpc_count:>8.1f}{view_ms:>8.1f}{rpc_ms:>8.1f}"
        print(f"{'':<16}{'RPC/call, log ms, RPC ms':<28}{means}   (means from the log)")
    print(
        "(gunicorn alone: the same command line serving a 2-byte answer without Django: the part of the hub's\n"
        " CPU and latency that is the server's, not the hub's own)"
    )
    loops = f"closed loops of {CONCURRENT_SECONDS:.0f} s, {CONCURRENT_ROUNDS} interleaved rounds"
    print(f"\nconcurrent clients (GET one, {loops})")
    header = f"{'clients':<9}{'figure':<35}{'min':>8}{'median':>8}{'max':>8}   target (median)"
    print(header)
    print("-" * (len(header) + 10))
    for count, rounds in concurrent.items():
        rows = [
            ("hub calls/s", [h for h, _, _ in rounds], None),
            ("direct calls/s", [d for _, d, _ in rounds], None),
            ("hub / direct calls/s", [h / d for h, d, _ in rounds], CONCURRENT_RATIO_TARGET.get(count)),
            ("bare proxy calls/s", [b for _, _, b in rounds], None),
            ("bare proxy / direct calls/s", [b / d for _, d, b in rounds], None),
            ("hub / bare proxy calls/s", [h / b for h, _, b in rounds], None),
        ]
        for number, (figure, values, target) in enumerate(rows):
            digits = 2 if " / " in figure else 0
            line = f"{count if number == 0 else '':<9}{figure:<35}{_spread(values, digits)}"
            print(f"{line}   {_verdict(statistics.median(values), target, at_least=True)}")
    print(
        "(bare proxy: the same gunicorn command line making the hub's Odoo call for a GET one and answering its\n"
        " JSON, without Django, credentials, rate limits or a log row: the most any hub under it could reach)"
    )


def _bench(database: str, database_url: str) -> None:
    """Every figure of one database, printed."""
    from hub.odoo import OdooClient

    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, _stand_in() as stand_in_url:
        workdir = Path(tmp)
        env = _environment(workdir, database_url or f"sqlite:///{workdir / 'bench.sqlite3'}")
        token = _prepare_hub(env, stand_in_url)
        client = OdooClient(stand_in_url, "odoo18", "admin", "admin", protocol="jsonrpc")
        # 100 partners the GET one and PUT calls address by ref
        seeds = [{"ref": f"seed-{n}", "name": f"Seed {n}", "is_company": False} for n in range(100)]
        client.execute_kw("res.partner", "create", [seeds])
        floor_server = _gunicorn(env, "benchmarks.api:floor_app", "/")
        with _gunicorn(env) as (gunicorn, base), floor_server as (floor, floor_base):
            hub = _HubClient(base, {"Authorization": f"Bearer {token}"})
            floor_client = _HubClient(floor_base)
            hub_ops = _hub_operations(hub)
            workers, floor_workers = _tree(gunicorn.pid), _tree(floor.pid)
            floor_side = (lambda i: floor_client.call("GET", "/", 200), lambda: _cpu_seconds(floor_workers))
            # concurrent clients first: the POST rounds add thousands of partners, and the stand-in's reads
            # slow down with its size, which made the ratio of the two sides look better than the hub is
            with _gunicorn({**env, "BENCH_ODOO_URL": stand_in_url}, "benchmarks.api:bare_proxy_app", "/") as (_, bare):
                concurrent = _concurrent(base, token, stand_in_url, bare)
            sequential = _sequential(hub_ops, _direct_operations(client), lambda: _cpu_seconds(workers), floor_side)
            if _tree(gunicorn.pid) != workers:
                print("warning: a gunicorn worker restarted during the run; its CPU figures are short")
            hub.close()
            floor_client.close()
        client.close()
        rpc = json.loads(_django(env, RPC_COUNTS, SLUG).strip().splitlines()[-1])
    _print(database, sequential, concurrent, rpc)


def run() -> None:
    """Print the hub's figures beside the direct client's and the targets, on SQLite then PostgreSQL."""
    _bench("SQLite", "")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("\n-- PostgreSQL: skipped; set DATABASE_URL=postgres://… (a throw-away database is made beside it)")
        return
    with _postgres_database(url) as database_url:
        _bench("PostgreSQL", database_url)


if __name__ == "__main__":
    run()
