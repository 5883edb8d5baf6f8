"""Data and helpers shared by the endpoint tests (REST, and generic/ for what a call costs)."""

import base64
import sys

from endpoints.models import Endpoint
from mappings.models import MappingLine

# The stand-in's demo partners carry no ref: the endpoint sees only the partners the tests make.
DOMAIN = "[('is_company', '=', False), ('ref', '!=', False)]"

CUSTOMER_LINES = [
    {
        "odoo_field": "ref",
        "external_key": "customer_id",
        "odoo_type": "char",
        "is_identifier": True,
        "required": True,
    },
    {"odoo_field": "name", "external_key": "name", "odoo_type": "char", "required": True},
    {"odoo_field": "email", "external_key": "email", "odoo_type": "char"},
    {"odoo_field": "phone", "external_key": "phone", "odoo_type": "char"},
    {
        "odoo_field": "country_id",
        "external_key": "country",
        "value_type": "many2one",
        "options": {"model": "res.country", "field": "code", "output": "name"},
    },
]

# Partners the tests read; the company is outside the endpoint's domain (is_company = False).
SEED = [
    {"ref": "C001", "name": "Alice Martin", "email": "alice@example.com", "phone": "+32 1", "country": "BE"},
    {"ref": "C002", "name": "Bob Stone", "email": "bob@example.com", "phone": False, "country": "US"},
    {"ref": "C003", "name": "Carol Diaz", "email": False, "phone": False, "country": None},
]
COMPANY_REF = "K001"


# What a call costs, as its records and mapping lines grow (test_growth.py here and in generic/).
# ref is the identifier; the others are the stand-in's writable char fields of res.partner
FIELDS = [
    "ref",
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "city",
    "zip",
    "website",
    "function",
    "vat",
    "barcode",
    "company_name",
    "additional_info",
    "company_registry",
]
RECORDS = (25, 50, 100)
LINES = (4, 8, 16)
# The same call counted twice can differ by a few lines (a cache filled, a clock read on a boundary).
SLACK = 1.02


def lines_run(call) -> int:
    """The Python lines this thread runs for ``call()`` (sys.settrace): the hub's answer and its log row.

    An exact count, where a timing would flake; the stand-in answers in its own thread, so its work is
    not counted. With f(n) the lines run for n records (or n mapping lines), a cost linear in n makes
    f(4n) - f(2n) exactly twice f(2n) - f(n); a term in n² makes it larger. Work done inside C in one
    line (``in`` on a list, say) is not seen by this count.
    """
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def steps(cost, sizes: tuple[int, int, int]) -> tuple[int, int]:
    """f(2n) - f(n) and f(4n) - f(2n) for the sizes n, 2n, 4n, each called once before it is counted."""
    for size in sizes:
        cost(size)  # what only a first call does (a configuration read, a connection) is not counted
    small, middle, large = (cost(size) for size in sizes)
    return middle - small, large - middle


def assert_linear(first: int, second: int) -> None:
    """The steps of ``steps``: the second no more than twice the first."""
    assert first > 0, "the cost did not grow with the size: the count measures nothing"
    assert second <= 2 * first * SLACK, f"doubling again cost {second} lines where the first doubling cost {first}"


def make_partners(odoo_client) -> None:
    """The partners those tests read: every field of FIELDS set, and a country."""
    belgium = odoo_client.execute_kw("res.country", "search", [[("code", "=", "BE")]])[0]
    vals = [
        {"is_company": False, "country_id": belgium, **{field: f"{field} {n}" for field in FIELDS}}
        for n in range(max(RECORDS))
    ]
    odoo_client.execute_kw("res.partner", "create", [vals])


def add_lines(endpoint: Endpoint, lines: list[dict], parent: MappingLine | None = None) -> list[MappingLine]:
    made = []
    for sequence, spec in enumerate(lines, start=1):
        spec = dict(spec)
        children = spec.pop("children", [])
        line = MappingLine(endpoint=endpoint, parent=parent, sequence=sequence * 10, **spec)
        # Fixtures skip Django's constraint validation (one query per constraint, six on a mapping line: most
        # of a test's set-up) and its check that the endpoint and parent just saved exist (a query each):
        # clean() still runs, and the database refuses on save what a constraint or a foreign key forbids.
        line.full_clean(exclude=["endpoint", "parent"], validate_constraints=False)
        line.save()
        made.append(line)
        add_lines(endpoint, children, line)
    return made


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def body(response) -> dict:
    """The JSON body; fails the test on a non-JSON answer."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def error(response, code: int, message: str, line_id=None) -> None:
    """The response is exactly this error envelope (request id as the response header says)."""
    assert response.status_code == code, response.content
    expected = {
        "status": "error",
        "code": code,
        "message": message,
        "line_id": line_id,
        "request_id": response["X-Request-ID"],
    }
    assert body(response) == expected, body(response)


ALICE = {
    "customer_id": "C001",
    "name": "Alice Martin",
    "email": "alice@example.com",
    "phone": "+32 1",
    "country": "Belgium",
}
BOB = {
    "customer_id": "C002",
    "name": "Bob Stone",
    "email": "bob@example.com",
    "phone": None,
    "country": "United States",
}
CAROL = {"customer_id": "C003", "name": "Carol Diaz", "email": None, "phone": None, "country": None}
