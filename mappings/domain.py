"""Odoo domains as text: parsed with ``ast.literal_eval`` (never ``eval``) and checked structurally.

A domain is a list in prefix (Polish) notation: ``'&'`` and ``'|'`` take two operands, ``'!'``
one, and the top-level expressions are ANDed implicitly. A term is ``(field, operator, value)``
where field is a dotted path of identifiers, operator one of Odoo's term operators and value a
literal (str, int, float, bool, None, or a flat list of those); ``any`` / ``not any`` take a
sub-domain, checked the same way.

Positions in error messages count from 0; a term inside an ``any`` sub-domain is named by the
path of positions, e.g. ``position 2.0``.
"""

import ast
import re
from collections.abc import Sequence

OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<>",
        "<",
        "<=",
        ">",
        ">=",
        "=?",
        "like",
        "not like",
        "ilike",
        "not ilike",
        "=like",
        "=ilike",
        "in",
        "not in",
        "child_of",
        "parent_of",
        "any",
        "not any",
    }
)
LOGICAL_ARITY = {"&": 2, "|": 2, "!": 1}
SUBDOMAIN_OPERATORS = frozenset({"any", "not any"})
LIST_OPERATORS = frozenset({"in", "not in"})

# An admin's domain is short; the cap keeps a pasted megabyte (or a deeply nested literal that
# makes the parser recurse) from costing more than a clear error.
MAX_DOMAIN_LENGTH = 100_000
MAX_DEPTH = 20

_FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_SCALARS = (str, int, float, bool, type(None))


class DomainError(ValueError):
    """A domain that is not valid Odoo domain syntax; the message names the position."""


def parse_domain(text: str | Sequence | None) -> list:
    """Domain text (or an already decoded list) -> validated, normalised domain list.

    Terms come back as tuples ``(field, operator, value)``; tuple values become lists and the
    legacy ``'<>'`` becomes ``'!='``. Blank text is the empty domain (every record).
    """
    if text is None:
        return []
    if isinstance(text, str):
        if not text.strip():
            return []
        if len(text) > MAX_DOMAIN_LENGTH:
            raise DomainError(f"Domain is too long ({len(text)} characters, at most {MAX_DOMAIN_LENGTH}).")
        try:
            value = ast.literal_eval(text.strip())
        except SyntaxError as exc:
            raise DomainError(
                f"Domain is not valid literal syntax: {exc.msg} (line {exc.lineno}, column {exc.offset})."
            ) from None
        except (ValueError, TypeError):
            raise DomainError(
                "Domain may only contain literals (strings, numbers, True, False, None, lists and tuples): "
                "names, calls and operations are not allowed."
            ) from None
        except (MemoryError, RecursionError):
            raise DomainError("Domain is nested too deeply.") from None
    else:
        value = text
    return _check(value, prefix="", depth=0)


def check_domain(domain) -> list:
    """Validate an already decoded domain (e.g. JSON from a caller); same rules as ``parse_domain``."""
    return _check(domain, prefix="", depth=0)


def and_domains(*domains: Sequence) -> list:
    """AND validated domains as wholes: each is closed into one expression before joining.

    Joining ``['|', a, b]`` and ``[c]`` gives ``['&', '|', a, b, c]``, so a filter added by a
    caller can only narrow the configured domain, never complete one of its operators.
    """
    closed = [_closed(list(d)) for d in domains if d]
    if not closed:
        return []
    result: list = ["&"] * (len(closed) - 1)
    for part in closed:
        result.extend(part)
    return result


def _closed(domain: list) -> list:
    """One expression equivalent to the (implicitly ANDed) domain."""
    count = _count_expressions(domain)
    return ["&"] * (count - 1) + domain


def _count_expressions(domain: list) -> int:
    count = needed = 0
    for element in domain:
        if needed == 0:
            count += 1
            needed = 1
        if isinstance(element, str):
            needed += LOGICAL_ARITY[element] - 1
        else:
            needed -= 1
    return count


def _check(domain, *, prefix: str, depth: int) -> list:
    where = f" at position {prefix[:-1]}" if prefix else ""
    if depth > MAX_DEPTH:
        raise DomainError(f"Domain{where} nests 'any' deeper than {MAX_DEPTH} levels.")
    if not isinstance(domain, list | tuple):
        raise DomainError(f"Domain{where} must be a list, got {type(domain).__name__}.")
    result: list = []
    # Operators still waiting for operands: [position, operator, operands missing].
    pending: list[list] = []
    for index, element in enumerate(domain):
        position = f"{prefix}{index}"
        if isinstance(element, str):
            if element not in LOGICAL_ARITY:
                raise DomainError(
                    f"Unknown logical operator {element!r} at position {position}: "
                    "expected '&', '|', '!' or a (field, operator, value) term."
                )
            result.append(element)
            pending.append([position, element, LOGICAL_ARITY[element]])
            continue
        result.append(_check_term(element, position, depth))
        # A complete term is one operand of the innermost pending operator; an operator that
        # thereby gets all its operands is in turn one operand of the next.
        while pending:
            pending[-1][2] -= 1
            if pending[-1][2]:
                break
            pending.pop()
    if pending:
        position, operator, missing = pending[-1]
        plural = "operand" if missing == 1 else "operands"
        raise DomainError(f"Operator {operator!r} at position {position} is missing {missing} {plural}.")
    return result


def _check_term(term, position: str, depth: int) -> tuple:
    if not isinstance(term, list | tuple) or len(term) != 3:
        raise DomainError(
            f"Term at position {position} must be a (field, operator, value) triple or '&', '|', '!', got {term!r}."
        )
    field, operator, value = term
    if not isinstance(field, str) or not _FIELD_PATH.match(field):
        raise DomainError(f"Term at position {position}: field {field!r} is not a field name or dotted path.")
    if not isinstance(operator, str) or operator.lower() not in OPERATORS:
        raise DomainError(
            f"Term at position {position}: unknown operator {operator!r}; known: {', '.join(sorted(OPERATORS))}."
        )
    operator = operator.lower()
    if operator == "<>":
        operator = "!="
    if operator in SUBDOMAIN_OPERATORS:
        return (field, operator, _check(value, prefix=f"{position}.", depth=depth + 1))
    if operator in LIST_OPERATORS and not isinstance(value, list | tuple):
        raise DomainError(f"Term at position {position}: operator {operator!r} needs a list value, got {value!r}.")
    return (field, operator, _check_value(value, position))


def _check_value(value, position: str):
    if isinstance(value, _SCALARS) and not _is_nan_or_inf(value):
        _check_no_nul(value, position)
        return value
    if isinstance(value, list | tuple):
        for item in value:
            if not isinstance(item, _SCALARS) or _is_nan_or_inf(item):
                raise DomainError(
                    f"Term at position {position}: list items must be str, int, float, bool or None, got {item!r}."
                )
            _check_no_nul(item, position)
        return list(value)
    raise DomainError(
        f"Term at position {position}: value must be a literal (str, int, float, bool, None or a list), got {value!r}."
    )


def _check_no_nul(value, position: str) -> None:
    # Odoo's PostgreSQL cannot hold NUL: no record can match such a value, the search can only fail there.
    if isinstance(value, str) and "\x00" in value:
        raise DomainError(f"Term at position {position}: the value holds a NUL character (\\u0000).")


def _is_nan_or_inf(value) -> bool:
    return isinstance(value, float) and (value != value or value in (float("inf"), float("-inf")))


def fixed_values(domain: Sequence) -> dict:
    """The values a validated domain fixes: its ``(field, '=', value)`` terms that every record must satisfy.

    Only terms ANDed at the top (implicitly, or under ``'&'`` operators that are themselves ANDed)
    fix anything; a term under ``'|'`` or ``'!'`` does not. Dotted paths and ``id`` are left out (no
    value to write), and so is a field fixed to two different values (no record satisfies that).
    """
    terms: list = []

    def walk(index: int, anded: bool) -> int:
        element = domain[index]
        if isinstance(element, str):
            index += 1
            for _ in range(LOGICAL_ARITY[element]):
                index = walk(index, anded and element == "&")
            return index
        if anded:
            terms.append(element)
        return index + 1

    position = 0
    while position < len(domain):
        position = walk(position, True)
    values: dict = {}
    contradicted = set()
    for field, operator, value in terms:
        if operator != "=" or "." in field or field == "id":
            continue
        if field in values and values[field] != value:
            contradicted.add(field)
        values.setdefault(field, value)
    return {field: value for field, value in values.items() if field not in contradicted}
