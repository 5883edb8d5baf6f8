"""Masking secrets and cutting bodies before anything reaches the request log.

Pure functions: no database, no request objects; the secret key words come from
``settings.LOG_SECRET_KEYS`` (matched case-insensitively as parts of a key, at any depth).
"""

import functools
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.conf import settings

from hub import jsonbody

MASK = "***"
# Headers that always carry credentials, whatever LOG_SECRET_KEYS says.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
_AUTH_SCHEMES = frozenset({"basic", "bearer", "token", "digest"})


def secret_words() -> tuple[str, ...]:
    """The configured key words (LOG_SECRET_KEYS), lower-cased."""
    return tuple(word.lower() for word in settings.LOG_SECRET_KEYS if word)


def is_secret_key(key: str, words: tuple[str, ...] | None = None) -> bool:
    """Whether a JSON key, form field or query parameter name looks like it holds a secret."""
    # "api-key", "apiKey" and "api_key" are the same key to a human: compare with separators unified and dropped.
    normalized = str(key).lower().replace("-", "_")
    compact = normalized.replace("_", "")
    return any(
        word in normalized or word.replace("_", "") in compact for word in (secret_words() if words is None else words)
    )


def mask_headers(headers) -> dict[str, str]:
    """Request headers with credential values replaced; the scheme of Authorization stays readable."""
    words = secret_words()
    masked = {}
    for name, value in headers.items():
        lowered = name.lower()
        if value and (lowered in SECRET_HEADERS or is_secret_key(lowered, words)):
            scheme = value.split(" ", 1)[0] if lowered.endswith("authorization") else ""
            masked[name] = f"{scheme} {MASK}" if scheme.lower() in _AUTH_SCHEMES else MASK
        else:
            # e.g. a Referer whose query string carries a token
            masked[name] = mask_text(value).text
    return masked


@dataclass
class Masked:
    """A text after masking, and whether anything was masked."""

    text: str
    masked: bool


def mask_json_value(value, words: tuple[str, ...]) -> tuple[object, bool]:
    """The JSON value with every secret-looking key's value replaced, at any depth."""
    if isinstance(value, dict):
        result, hit = {}, False
        for key, item in value.items():
            if is_secret_key(key, words) and item not in (None, ""):
                result[key] = MASK
                hit = True
            else:
                result[key], inner = mask_json_value(item, words)
                hit = hit or inner
        return result, hit
    if isinstance(value, list):
        items = [mask_json_value(item, words) for item in value]
        return [item for item, _ in items], any(hit for _, hit in items)
    if isinstance(value, str) and any(word in value.lower() for word in words):
        # A string may itself hold JSON, a form or a URL with a secret in it.
        masked = mask_text(value)
        return masked.text, masked.masked
    return value, False


def mask_query(query: str) -> Masked:
    """A query string (or form body) with secret parameters' values replaced."""
    if not query:
        return Masked("", False)
    words = secret_words()
    pairs = parse_qsl(query, keep_blank_values=True)
    hit = False
    cleaned = []
    for key, value in pairs:
        if is_secret_key(key, words) and value:
            cleaned.append((key, MASK))
            hit = True
        else:
            cleaned.append((key, value))
    if not hit:
        return Masked(query, False)
    return Masked(urlencode(cleaned, safe="*"), True)


@functools.lru_cache(maxsize=8)
def _text_pattern(words: tuple[str, ...]) -> re.Pattern:
    # key = value, key: value, "key": "value", <key>value</key> where key contains a secret word
    alternatives = "|".join(re.escape(word).replace("_", "[_-]?") for word in words)
    return re.compile(
        rf"""(?ix)
        (?P<key>(?:\\?["'])?[\w.-]*(?:{alternatives})[\w.-]*(?:\\?["'])?\s*[:=]\s*)(?:(?P<q>\\?["'])(?P<quoted>.*?)(?P=q)|(?P<value>[^"'&\s,;}}\\]+))
        | (?P<tag><(?P<name>[\w.-]*(?:{alternatives})[\w.-]*)>)(?P<inner>[^<]*)(?P<end></(?P=name)>)
        """
    )


def mask_text(text: str) -> Masked:
    """Best effort for text that is not JSON nor a form: values after secret-looking keys."""
    words = secret_words()
    if not text or not words:
        return Masked(text, False)
    hit = False

    def replace(match: re.Match) -> str:
        nonlocal hit
        hit = True
        if match.group("tag"):
            return f"{match.group('tag')}{MASK}{match.group('end')}"
        quote = match.group("q") or ""
        return f"{match.group('key')}{quote}{MASK}{quote}"

    masked = _text_pattern(words).sub(replace, text)
    return Masked(masked, hit)


def mask_body(raw: bytes, content_type: str = "") -> Masked:
    """A body as text with secrets masked: JSON by structure, forms by field, anything else by pattern."""
    text = raw.decode("utf-8", errors="replace")
    if not text:
        return Masked("", False)
    try:
        # bounded nesting: the walk below is recursive, and a row must be written whatever was sent
        parsed = jsonbody.loads(text)
    except ValueError:
        parsed = None
    else:
        value, hit = mask_json_value(parsed, secret_words())
        if not hit:
            return Masked(text, False)
        return Masked(json.dumps(value, ensure_ascii=False), True)
    if "application/x-www-form-urlencoded" in content_type.lower():
        return mask_query(text)
    return mask_text(text)


def cut(text: str, limit: int) -> tuple[str, bool]:
    """The text cut to at most ``limit`` UTF-8 bytes, and whether it was cut."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text, False
    return encoded[:limit].decode("utf-8", errors="ignore"), True
