"""Who is calling a generic route, and with which Odoo client and allow-list."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from endpoints.generic.protocol import RpcError
from mappings.field_paths import domain_models, order_models
from mappings.odoo_fields import FieldsOf, fields_getter

# Files ride on the records they are attached to: the key's allow-list of those records covers them.
ALWAYS_ALLOWED_MODELS = frozenset({"ir.attachment"})


@dataclass
class Caller:
    """An authenticated caller: the Odoo connection and client its calls use, and what it may touch."""

    connection: object  # hub.models.OdooConnection
    client: object  # hub.odoo.OdooClient
    principal: str  # "key:<name>" or "odoo:<login>", for the request log
    allowed_models: frozenset[str] | None = None  # None: any model (Odoo's access rights decide)

    @cached_property
    def fields_of(self) -> FieldsOf:
        return fields_getter(self.connection, self.client)

    def check_models(self, models: Iterable[str]) -> None:
        """RpcError(403) for the first model outside the allow-list."""
        if self.allowed_models is None:
            return
        for model in sorted(set(models) - ALWAYS_ALLOWED_MODELS):
            if model not in self.allowed_models:
                raise RpcError(403, f"This API key may not use the model {model}.")

    def check_search(self, model: str, domain: list, order: str | None) -> None:
        """RpcError(403) when a path of the domain or the order reaches a model outside the allow-list;
        FieldPathError when a path names no field (mappings.field_paths)."""
        if self.allowed_models is None:
            return  # any model: no need to know which ones the search reaches
        self.check_models(domain_models(self.fields_of, model, domain))
        if order:
            self.check_models(order_models(self.fields_of, model, order))
