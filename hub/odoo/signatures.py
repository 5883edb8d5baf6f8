"""Positional ``execute_kw`` arguments as the named arguments JSON-2 requires.

``execute_kw(model, method, args, kwargs)`` passes a record method's ids as ``args[0]`` and the
method's own parameters after them; JSON-2 (Odoo 19+) takes ``ids``, ``context`` and the
parameters by name only. The common ORM methods are listed here with their parameter names
(Odoo 19 spelling); any other method may be called with ``args`` empty or holding only the ids,
and everything else by keyword.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from hub.odoo.exceptions import OdooRequestError


class Signature(NamedTuple):
    """How a method takes its arguments: on records (ids first) or on the model, then names."""

    on_records: bool
    names: tuple[str, ...]


SIGNATURES: dict[str, Signature] = {
    # reads
    "search_read": Signature(False, ("domain", "fields", "offset", "limit", "order")),
    "search": Signature(False, ("domain", "offset", "limit", "order")),
    "search_count": Signature(False, ("domain", "limit")),
    "search_fetch": Signature(False, ("domain", "field_names", "offset", "limit", "order")),
    "read": Signature(True, ("fields", "load")),
    "fetch": Signature(True, ("field_names",)),
    "exists": Signature(True, ()),
    "fields_get": Signature(False, ("allfields", "attributes")),
    "name_search": Signature(False, ("name", "domain", "operator", "limit")),
    "default_get": Signature(False, ("fields",)),
    "web_search_read": Signature(False, ("domain", "specification", "offset", "limit", "order", "count_limit")),
    "web_read": Signature(True, ("specification",)),
    "read_group": Signature(False, ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy")),
    "check_access_rights": Signature(False, ("operation", "raise_exception")),
    "check_access": Signature(True, ("operation",)),
    "check_access_rule": Signature(True, ("operation",)),
    "has_access": Signature(True, ("operation",)),
    # writes
    "create": Signature(False, ("vals_list",)),
    "write": Signature(True, ("vals",)),
    "unlink": Signature(True, ()),
    "copy": Signature(True, ("default",)),
    "name_create": Signature(False, ("name",)),
    "web_save": Signature(True, ("vals", "specification")),
}


def _as_ids(value: Any) -> list[int] | None:
    """``value`` as a list of record ids, or None when it is not ids."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return list(value)
    return None


def named_arguments(method: str, args: list | None, kwargs: dict | None) -> dict[str, Any]:
    """The JSON-2 body for ``execute_kw(model, method, args, kwargs)``."""
    args = list(args or [])
    body: dict[str, Any] = {}
    signature = SIGNATURES.get(method)
    if signature is None:
        # Unknown method: only the ids may come positionally (action_confirm([ids]) and the like).
        if len(args) > 1 or (args and _as_ids(args[0]) is None):
            raise OdooRequestError(
                f"JSON-2 takes named arguments only: pass the arguments of {method!r} as kwargs "
                "(positional arguments may only hold the record ids)"
            )
        signature = Signature(bool(args), ())
    if signature.on_records:
        if not args:
            raise OdooRequestError(f"{method!r} is called on records: pass their ids as the first argument")
        ids = _as_ids(args.pop(0))
        if ids is None:
            raise OdooRequestError(f"{method!r} is called on records: the first argument must be a list of ids")
        body["ids"] = ids
    if len(args) > len(signature.names):
        raise OdooRequestError(
            f"{method!r} takes at most {len(signature.names)} positional arguments after the ids, not {len(args)}"
        )
    body.update(zip(signature.names, args, strict=False))
    for name, value in (kwargs or {}).items():
        if name in body:
            raise OdooRequestError(f"{method!r} got argument {name!r} both by position and by name")
        body[name] = value
    return body
