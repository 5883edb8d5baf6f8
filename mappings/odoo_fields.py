"""What Odoo says of a model's fields (``fields_get``), kept in the cache: the one place that asks.

The engine's relational formats need each field's type and related model, the OpenAPI schema
their labels and selection keys, the admin's check of mapping lines and its field pickers all of
these (the pickers also whether a field is required). They rarely
change, so one answer per (connection, its last change, model) is shared by every hub process
through Django's cache for ``SECONDS``. The admin check asks afresh (an admin who just added a
field in Odoo must not be told it is missing) and refreshes the cache with what it got.
"""

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

SECONDS = 600
ATTRIBUTES = ["type", "string", "selection", "relation", "required"]
MODELS_SHOWN = 20  # models offered per search of the admin's model picker

FieldsOf = Callable[[str], Mapping[str, Mapping[str, Any]]]  # model -> {field: {"type", "relation", ...}}


def _key(connection, model: str) -> str:
    changed = getattr(connection, "updated_at", None)
    return f"odoo-fields:{connection.pk or 'env'}:{changed.timestamp() if changed else 0}:{model}"


def fields_of(connection, client, model: str, *, fresh: bool = False) -> dict[str, dict]:
    """``fields_get`` of ``model`` through ``client`` (one RPC), from the cache unless ``fresh``.

    ``connection`` (an OdooConnection) names the cache entry; errors are the client's OdooErrors.
    """
    key = _key(connection, model)
    fields = None if fresh else cache.get(key)
    if fields is None:
        logger.debug("Reading the fields of %s", model)
        fields = client.fields_get(model, ATTRIBUTES)
        cache.set(key, fields, SECONDS)
    return fields


def fields_getter(connection, client) -> FieldsOf:
    """A ``fields_of(model)`` for one unit of work: each model is looked up at most once in it."""
    local: dict[str, dict] = {}

    def of(model: str) -> dict:
        if model not in local:
            local[model] = fields_of(connection, client, model)
        return local[model]

    return of


def find_models(client, term: str) -> list[dict]:
    """Installed models whose technical name or label holds ``term`` (one ``ir.model`` search_read).

    Not cached: a search per typed term, and a model just installed in Odoo shows at once.
    """
    domain = ["|", ("model", "ilike", term), ("name", "ilike", term)] if term else []
    return client.search_read("ir.model", domain, ["model", "name"], limit=MODELS_SHOWN, order="model")
