"""Per-record callback URLs (``vals.callback_url`` given when a record is created through the hub):
checked like any configured target, stored with the record, used by configurations whose target
is "record callback URL"."""

import logging

from outbound.models import RecordCallback
from outbound.safety import url_problem

logger = logging.getLogger(__name__)

MAX_LENGTH = 500


def problem(url) -> str | None:
    """Why ``url`` cannot be a callback URL, or None (the address is checked again at each send)."""
    if not isinstance(url, str) or not url:
        return "callback_url must be a URL (text)."
    if len(url) > MAX_LENGTH:
        return f"callback_url is longer than {MAX_LENGTH} characters."
    found = url_problem(url)
    return f"callback_url: {found}" if found else None


def remember(connection, model: str, record_id: int, url: str) -> RecordCallback:
    """Store the record's callback URL (the newest one counts)."""
    return RecordCallback.objects.create(connection=connection, odoo_model=model, record_id=record_id, url=url)
