"""The record rule of an endpoint: one sandboxed expression over each incoming record, which must hold.

The rule is an expression of mappings.sandbox, like a value expression: ``payload`` is the whole
record as the caller sent it (``value`` is null: a rule has no line of its own; reading ``payload``
is not limited by size, so a large record is not refused for its size). Its result must be true in Python's
sense (``True``, a non-empty text, a non-zero number); false, or an evaluation that fails (a key the
record lacks, a wrong type), refuses the record with the rule's message (400). Bodies of PUT are
partial: the rule sees only the keys sent, so a rule over a key that PUT may leave out reads it
with a default that passes (``payload.get("qty", 1) > 0``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mappings.errors import MappingError
from mappings.sandbox import Expression, ExpressionError, compile_expression

__all__ = ["ExpressionError", "Verdict", "check", "compiled", "enforce", "verdict"]


@dataclass(frozen=True)
class Verdict:
    """What the rule says of one record: whether it holds, and the message a refused caller reads."""

    holds: bool
    message: str = ""


@lru_cache(maxsize=512)
def compiled(source: str) -> Expression:
    """The rule compiled once per process (a rule's text is its identity); ExpressionError when it is broken."""
    return compile_expression(source)


def check(source: str) -> None:
    """Refuse a rule that cannot compile or names what the sandbox does not know (ExpressionError)."""
    compiled(source.strip())


def verdict(source: str, message: str, record) -> Verdict:
    """The rule's verdict on one record (the engine refuses a record that is not an object itself)."""
    if not source.strip() or not isinstance(record, Mapping):
        return Verdict(holds=True)
    try:
        result = compiled(source.strip()).evaluate(None, record)
    except ExpressionError as exc:
        return Verdict(holds=False, message=f"{message} (the rule could not be evaluated: {exc})")
    return Verdict(holds=True) if result else Verdict(holds=False, message=message)


def enforce(source: str, message: str, records: Sequence) -> None:
    """A 400 with the rule's message for the first record the rule refuses (its position in a list of several)."""
    for index, record in enumerate(records):
        found = verdict(source, message, record)
        if not found.holds:
            where = f" (record {index})" if len(records) > 1 else ""
            raise MappingError(f"{found.message}{where}")
