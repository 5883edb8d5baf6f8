"""Query parameters that are whole numbers (``limit``, ``offset``), read the same way by every API."""

from collections.abc import Mapping

from hub.envelope import ApiError


def whole_number(params: Mapping[str, str], name: str, default: int) -> int:
    """``params[name]`` as a non-negative int, ``default`` when absent or empty; ApiError(400) otherwise."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Query parameter '{name}' must be a whole number, not {raw!r}.") from None
    if value < 0:
        raise ApiError(400, f"Query parameter '{name}' must not be negative.")
    return value
