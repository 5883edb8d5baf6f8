"""Conversions between RPC values, stored values and read values, per field type, as Odoo does them."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_LENGTH = 10
DATETIME_LENGTH = 19

X2MANY = ("one2many", "many2many")


def to_date(value: Any) -> str | bool:
    """A date as Odoo stores it; longer strings (datetimes) are cut to the date part."""
    if not value:
        return False
    if not isinstance(value, str):
        raise TypeError(f"{value!r} (field.type=date) is not a date")
    # strptime raises ValueError with the exact message Odoo shows.
    return datetime.strptime(value[:DATE_LENGTH], DATE_FORMAT).strftime(DATE_FORMAT)


def to_datetime(value: Any) -> str | bool:
    """A datetime as Odoo stores it (UTC, "YYYY-MM-DD HH:MM:SS"); a bare date means midnight."""
    if not value:
        return False
    if not isinstance(value, str):
        raise TypeError(f"{value!r} (field.type=datetime) is not a datetime")
    if len(value) == DATE_LENGTH:
        return datetime.strptime(value, DATE_FORMAT).strftime(DATETIME_FORMAT)
    return datetime.strptime(value, DATETIME_FORMAT).strftime(DATETIME_FORMAT)


def convert_scalar(model: str, name: str, meta: dict, value: Any) -> Any:
    """An RPC value for a non-relational field turned into its stored form (raises like Odoo)."""
    ftype = meta["type"]
    if ftype == "integer":
        if value is None or value is False:
            return 0
        return int(value)
    if ftype in ("float", "monetary"):
        if value is None or value is False:
            return 0.0
        return float(value)
    if ftype == "boolean":
        return bool(value)
    if ftype in ("char", "text", "html"):
        if value is None or value is False:
            return False
        return str(value)
    if ftype == "selection":
        if value is None or value is False:
            return False
        keys = [key for key, _label in meta.get("selection") or []]
        if keys and value not in keys:
            raise ValueError(f"Wrong value for {model}.{name}: {value!r}")
        return value
    if ftype == "date":
        return to_date(value)
    if ftype == "datetime":
        return to_datetime(value)
    if ftype == "binary":
        return value or False
    return value if value is not None else False


def human_size(size: float) -> str:
    """Odoo's human-readable size of a binary value (context bin_size)."""
    units = ("bytes", "Kb", "Mb", "Gb", "Tb")
    index = 0
    while size >= 1024 and index < len(units) - 1:
        size /= 1024
        index += 1
    return f"{size:0.2f} {units[index]}"


def binary_size(value: str) -> str:
    """The size string of a base64 value, as read with context bin_size."""
    try:
        raw = base64.b64decode(value)
    except ValueError:
        raw = value.encode()
    return human_size(len(raw))


def empty_value(ftype: str) -> Any:
    """What Odoo reads for a field that has no value."""
    if ftype in X2MANY:
        return []
    if ftype == "integer":
        return 0
    if ftype in ("float", "monetary"):
        return 0.0
    if ftype == "boolean":
        return False
    return False
