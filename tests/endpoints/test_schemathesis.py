"""Schemathesis over the hub's own /api/schema/, against the live test server with the demo endpoints:
every check on, a fixed seed and a bounded number of examples per operation. Any 5xx, answer outside
its schema or undocumented status fails the test."""

import json
import re
import shlex
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest

from endpoints.demo import seed_demo
from hub.models import ApiKey

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 20260101
EXAMPLES_PER_OPERATION = 6  # about 30 s of CPU for the whole document (more wall time on a busy machine)
# Two fuzzers at once, one per family of routes, so the hub meets concurrent calls (a crash seen
# only under concurrency: a log row on PostgreSQL). Two processes, not schemathesis' --workers:
# Python 3.11 can fail to parse hypothesis's lambdas in two threads at once (an ast SystemError).
FAMILIES = (("--include-path-regex", "^/bj_api_sync/"), ("--exclude-path-regex", "^/bj_api_sync/"))
KEY_MODELS = ["res.partner", "res.country", "product.product", "sale.order", "sale.order.line"]


@pytest.fixture
def credentials(odoo_connection, live_server, settings):
    """The demo endpoints' credentials, and an API key for the generic routes and the log API, by path."""
    # Every call is answered on its merits: no rate limit (the suite's fixture turns them off) and no
    # failed-authentication throttle, whose 429 would mask what the fuzzer sends without credentials.
    settings.HUB_AUTH_FAILURES_PER_WINDOW = 1_000_000
    settings.HUB_PUBLIC_DOCS = True  # the fuzzer reads /api/schema/ like any client
    exported = dict(
        shlex.split(line[len("export ") :])[0].split("=", 1)
        for line in seed_demo(live_server.url, connection_name=odoo_connection.name)
        if line.startswith("export ")
    )
    key = ApiKey(
        name="fuzzer", connection=odoo_connection, allowed_routes=ApiKey.Route.values, allowed_models=KEY_MODELS
    )
    secret = key.issue()
    key.save()
    by_prefix = {
        "/bj_api_sync/v1/partners": {"Authorization": f"Bearer {exported['PARTNERS_TOKEN']}"},
        "/bj_api_sync/v1/sale-orders": {"Authorization": f"Bearer {exported['SALE_ORDERS_TOKEN']}"},
        "/bj_api_sync/v1/customers": {"Authorization": basic("shop", exported["CUSTOMERS_PASSWORD"])},
        "/api/": {"Authorization": f"Bearer {secret}"},
    }

    return by_prefix


def basic(user: str, password: str) -> str:
    return "Basic " + b64encode(f"{user}:{password}".encode()).decode()


# A schema-valid call may still be refused for what it names, which no schema can know: a lookup
# value no record has, an item of a comma-separated filter that is not its line's type (400 with
# the line), an Idempotency-Key the fuzzer reuses with another body, values Odoo refuses (422). All
# are documented answers, which the other checks hold to their schemas.
CHECKS = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"]

# Every documented method of every path is probed by the other phases; sending each undocumented
# one to each path too (eight per path) would double the run for one check (405, checked here once).
[phases.coverage]
unexpected-methods = ["patch"]

# The coverage phase tries each constraint of each parameter in turn: on the configured lists'
# ~40 filters each that is a third of the cases. Those lists get the examples, fuzzing (valid and
# invalid data) and stateful phases; their empty filters are pinned in test_schema_agreement.py.
[[operations]]
include-path-regex = "^/bj_api_sync/v1/[^/]+$"
include-method = "GET"
phases.coverage.enabled = false

"""


def operations_config(credentials: dict) -> str:
    """schemathesis.toml: each family of paths with its credentials."""
    sections = []
    for prefix, headers in credentials.items():
        pairs = ", ".join(f"{json.dumps(name)} = {json.dumps(value)}" for name, value in headers.items())
        sections.append(
            f"[[operations]]\ninclude-path-regex = {json.dumps('^' + re.escape(prefix))}\nheaders = {{ {pairs} }}\n"
        )
    return CHECKS + "\n".join(sections)


def test_the_hub_answers_as_its_schema_says(live_server, credentials, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(operations_config(credentials))
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--generation-database",  # none: each run draws the same cases from the seed
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "30",
    ]
    runs = []
    for number, family in enumerate(FAMILIES):
        folder = tmp_path / f"family-{number}"
        folder.mkdir()
        output = (folder / "output.txt").open("w+")
        runs.append(
            (subprocess.Popen([*command, *family], stdout=output, stderr=subprocess.STDOUT, cwd=folder), output)
        )
    failures = []
    for process, output in runs:
        try:
            returncode = process.wait(timeout=600)
        finally:
            process.kill()
        output.seek(0)
        if returncode != 0:
            failures.append(output.read())
        output.close()
    assert not failures, "\n".join(failures)
