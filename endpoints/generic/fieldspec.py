"""Field lists with nested sub-fields, as search_field and result_field write them.

``"name, partner_id{name, email, country_id{code}}"`` (or a list of such strings) names fields
to read; a relational field followed by ``{…}`` is expanded into the related records with those
fields. Parsed here into a tree of :class:`FieldSpec`, without touching Odoo.
"""

import re
from dataclasses import dataclass

MAX_DEPTH = 5  # each level costs one read per related model; deeper trees are a mistake, not a need
_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([{},]))")


class FieldSpecError(ValueError):
    """A field list that cannot be parsed; the message says where."""


@dataclass(frozen=True)
class FieldSpec:
    """One field to read; ``children`` is set when the related records are expanded."""

    name: str
    children: tuple["FieldSpec", ...] | None = None


def parse_fields(value: str | list | tuple | None) -> tuple[FieldSpec, ...]:
    """``"a, b{c, d{e}}"`` or ``["a", "b{c}"]`` -> a tuple of FieldSpec; empty input gives ()."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        if not all(isinstance(item, str) for item in value):
            raise FieldSpecError("A field list must be a string or a list of strings.")
        text = ",".join(value)
    elif isinstance(value, str):
        text = value
    else:
        raise FieldSpecError("A field list must be a string or a list of strings.")
    if not text.strip():
        return ()
    tokens = _tokenize(text)
    specs, position = _parse_list(tokens, 0, depth=1)
    if position != len(tokens):
        raise FieldSpecError(f"Unexpected {tokens[position]!r} in field list {text!r}.")
    return specs


def _tokenize(text: str) -> list[str]:
    tokens = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match:
            raise FieldSpecError(f"Unexpected character {text[position:].lstrip()[0]!r} in field list {text!r}.")
        tokens.append(match.group(1) or match.group(2))
        position = match.end()
    return tokens


def _parse_list(tokens: list[str], position: int, depth: int) -> tuple[tuple[FieldSpec, ...], int]:
    if depth > MAX_DEPTH:
        raise FieldSpecError(f"Sub-fields nest at most {MAX_DEPTH} levels deep.")
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    while True:
        if position >= len(tokens) or tokens[position] in "{},":
            found = tokens[position] if position < len(tokens) else "the end"
            raise FieldSpecError(f"Expected a field name, found {found!r}.")
        name = tokens[position]
        position += 1
        children = None
        if position < len(tokens) and tokens[position] == "{":
            children, position = _parse_list(tokens, position + 1, depth + 1)
            if position >= len(tokens) or tokens[position] != "}":
                raise FieldSpecError(f"Missing '}}' after the sub-fields of {name!r}.")
            position += 1
        if name in seen:
            raise FieldSpecError(f"Field {name!r} is listed twice.")
        seen.add(name)
        specs.append(FieldSpec(name, children))
        if position < len(tokens) and tokens[position] == ",":
            position += 1
            continue
        return tuple(specs), position
