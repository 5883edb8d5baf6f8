"""Data and helpers shared by the REST endpoint tests."""

import base64

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
