"""The demo endpoints of ``make demo``: imported from demo/endpoints.json, given fresh credentials.

Credentials are secrets and never part of an export, so each demo start issues a new bearer
token (named "demo") and a new Basic password, and prints them once with commands that use them.
"""

import json
import logging
import secrets
import shlex
from pathlib import Path

from django.db import transaction

from endpoints.models import Endpoint, EndpointToken
from endpoints.transfer import import_configurations

logger = logging.getLogger(__name__)

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "endpoints.json"
TOKEN_NAME = "demo"  # noqa: S105 - the name of the token, not a secret


@transaction.atomic
def seed_demo(base_url: str, connection_name: str | None = None, path: Path = DEMO_FILE) -> list[str]:
    """Import the demo endpoints (on ``connection_name`` if given), issue credentials, return shell lines."""
    data = json.loads(path.read_text())
    if connection_name:
        for item in data["endpoints"]:
            item["connection"] = connection_name
    summary = import_configurations(data)
    lines: list[str] = []
    variables: dict[str, str] = {}
    for slug in summary.created + summary.updated:
        endpoint = Endpoint.objects.get(slug=slug, request_type=Endpoint.RequestType.INBOUND)
        if endpoint.auth == Endpoint.Auth.BEARER:
            EndpointToken.objects.filter(endpoint=endpoint, name=TOKEN_NAME).delete()
            token = EndpointToken(endpoint=endpoint, name=TOKEN_NAME)
            variables[_variable(slug, "TOKEN")] = token.issue()
            token.save()
        elif endpoint.auth == Endpoint.Auth.BASIC:
            password = secrets.token_urlsafe(12)
            endpoint.set_basic_password(password)
            endpoint.save(update_fields=["basic_password_hash"])
            variables[_variable(slug, "PASSWORD")] = password
    base = base_url.rstrip("/")
    lines.extend(f"export {name}={shlex.quote(value)}" for name, value in variables.items())
    lines.append(f"export HUB={shlex.quote(base)}")
    lines.extend(
        [
            'curl -s "$HUB/bj_api_sync/v1/products?limit=3"',
            'curl -s -H "Authorization: Bearer $PARTNERS_TOKEN" "$HUB/bj_api_sync/v1/partners?is_company=true&limit=2"',
            'curl -s -H "Authorization: Bearer $PARTNERS_TOKEN" "$HUB/bj_api_sync/v1/partners/12"',
            "curl -s -u \"shop:$CUSTOMERS_PASSWORD\" -H 'Content-Type: application/json' "
            '-d \'{"customer_id": "C-1001", "name": "Acme Ltd", "country": "BE"}\' '
            '"$HUB/bj_api_sync/v1/customers"',
            'curl -s -u "shop:$CUSTOMERS_PASSWORD" "$HUB/bj_api_sync/v1/customers/C-1001"',
            "curl -s -H \"Authorization: Bearer $SALE_ORDERS_TOKEN\" -H 'Content-Type: application/json' "
            '-d \'{"customer": "ready.mat28@example.com", "reference": "PO-42", '
            '"lines": [{"product": "E-COM07", "quantity": 2}]}\' "$HUB/bj_api_sync/v1/sale-orders"',
        ]
    )
    logger.info("Demo endpoints ready: %s", ", ".join(summary.created + summary.updated))
    return lines


def _variable(slug: str, what: str) -> str:
    return f"{slug.upper().replace('-', '_')}_{what}"
