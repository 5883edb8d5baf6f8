"""Request bodies as JSON: strict (no NaN or Infinity) and nested at most MAX_DEPTH levels.

Every later step walks a body recursively (mapping lines, relational formats, masking for the
request log, encoding for Odoo). Bounding the nesting where a body is read means none of them can
run out of stack, whatever a caller sends: a body nested too deeply is a 400 like any other
malformed JSON, not a crash.
"""

import json
import math
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser

from hub import nul

# Far deeper than any record with lines of lines, far below the interpreter's recursion limit.
MAX_DEPTH = 100


class JsonTooDeep(ValueError):
    """The JSON nests arrays and objects deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__(f"The JSON nests arrays and objects deeper than {MAX_DEPTH} levels.")


class JsonHoldsNul(ValueError):
    """A string of the JSON (a value or a key) holds a NUL character, which Odoo cannot store."""

    def __init__(self) -> None:
        super().__init__(nul.message("request body"))


def _refuse_constant(name: str):
    # json accepts NaN, Infinity and -Infinity by default; they are not JSON (RFC 8259) and Odoo cannot store them
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def _finite_float(text: str) -> float:
    # 1e400 parses as infinity: no more JSON than NaN, and Odoo cannot store it either
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"Number out of range: {text[:40]}")
    return value


def loads(raw: bytes | str) -> Any:
    """The JSON value of ``raw``; ValueError when it is not strict JSON, JsonTooDeep when it nests too
    deeply, JsonHoldsNul when a string holds a NUL."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise JsonTooDeep() from None
    if nests_deeper_than(value, MAX_DEPTH):
        raise JsonTooDeep()
    if _may_hold_nul(raw) and nul.holds_nul(value):
        raise JsonHoldsNul()
    return value


def _may_hold_nul(raw: bytes | str) -> bool:
    # Strict JSON has NUL in a string only as the escape \u0000; UTF-16 and UTF-32 bodies hold
    # zero bytes anyway: only those two kinds of bodies need the walk.
    if isinstance(raw, str):
        return "\\u0000" in raw
    return b"\\u0000" in raw or b"\x00" in raw


def nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels in ``value`` (walked without recursion)."""
    pending = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JsonBodyParser(JSONParser):
    """DRF's JSON parser reading through loads(): deep nesting is a ParseError (400), like broken JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(stream.read().decode(encoding))
        except JsonHoldsNul as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:  # UnicodeDecodeError is one too
            raise ParseError(f"JSON parse error - {exc}") from None


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, refusing a body that is not JSON with a message naming the type sent (415)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        # Nearly every call accepts anything (or JSON) from a view with one renderer: DRF's answer then is
        # that renderer and its own type, found here without parsing and ranking the Accept header.
        if len(renderers) == 1 and format_suffix is None:
            renderer = renderers[0]
            accept = request.META.get("HTTP_ACCEPT", "")
            if accept in ("", "*/*", renderer.media_type) and self.settings.URL_FORMAT_OVERRIDE not in request.GET:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def select_parser(self, request, parsers):
        parser = super().select_parser(request, parsers)
        if parser is None:
            sent = (request.content_type or "").split(";")[0].strip().lower()
            raise UnsupportedMediaType(sent, detail=f"Content-Type must be application/json, not {sent or 'none'!r}.")
        return parser
