"""Field types of Odoo models (``fields_get``), cached so that a request pays for them only once.

The relational formats need to know which fields are many2one, many2many or one2many and their
related model. That rarely changes, so it is kept in the cache for SCHEMA_SECONDS per connection
(and per connection change), shared by every hub process through the cache.
"""

import logging

from django.core.cache import cache

from endpoints.generic.payload import FieldsOf

logger = logging.getLogger(__name__)

SCHEMA_SECONDS = 600
ATTRIBUTES = ["type", "relation"]


def fields_getter(connection, client) -> FieldsOf:
    """A ``fields_of(model)`` for one request: cache first, else one ``fields_get`` per model."""
    local: dict[str, dict] = {}
    changed = getattr(connection, "updated_at", None)
    prefix = f"generic:fields:{connection.pk or 'env'}:{changed.timestamp() if changed else 0}"

    def fields_of(model: str) -> dict:
        if model not in local:
            key = f"{prefix}:{model}"
            fields = cache.get(key)
            if fields is None:
                logger.debug("Reading the fields of %s", model)
                answer = client.execute_kw(model, "fields_get", [], {"attributes": ATTRIBUTES})
                fields = {
                    name: {"type": meta.get("type"), "relation": meta.get("relation") or None}
                    for name, meta in answer.items()
                }
                cache.set(key, fields, SCHEMA_SECONDS)
            local[model] = fields
        return local[model]

    return fields_of
