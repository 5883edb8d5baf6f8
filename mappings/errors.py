"""The error every mapping failure raises: an API error (400) that names the mapping line."""

from collections.abc import Iterable

from hub.envelope import ApiError


class MappingError(ApiError):
    """A value, key or parameter the mapping cannot translate; ``line_id`` names the line when one is at fault.

    ``missing`` and ``unknown`` list the keys (or parameters) at fault, ``allowed`` what would have been
    accepted, so the API layer can word its own message.
    """

    def __init__(
        self,
        message: str,
        *,
        line_id: int | None = None,
        missing: Iterable[str] = (),
        unknown: Iterable[str] = (),
        allowed: Iterable[str] = (),
        status: int = 400,
    ):
        super().__init__(status, message, line_id=line_id)
        self.missing = list(missing)
        self.unknown = list(unknown)
        self.allowed = list(allowed)
