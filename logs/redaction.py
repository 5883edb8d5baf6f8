"""Masking secrets and cutting bodies before anything reaches the request log.

Pure functions: no database, no request objects; the secret key words come from
``settings.LOG_SECRET_KEYS`` (matched case-insensitively as parts of a key, at any depth; a word
with ``*`` is a pattern of the whole key instead, ``*_key``).

Masking works on what is stored, not on what parsed: a body that does not parse, or parses with a
key given twice, is masked as text, and stored only if no secret-looking key is left unmasked.
Every value sent under a secret key is also scrubbed from the other texts of the row (Odoo's error
text echoes the values of a domain), see ``sent_secrets`` and ``scrub_row``.

Most texts name no secret at all (a list of 100 partners): :func:`may_name_secret` tells so from
the raw text, and such a text is stored as it is without being parsed or matched.
"""

import base64
import binascii
import fnmatch
import functools
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, unquote_plus

from django.conf import settings

from hub import jsonbody

MASK = "***"
# Headers that always carry credentials, whatever LOG_SECRET_KEYS says.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
_AUTH_SCHEMES = frozenset({"basic", "bearer", "token", "digest"})


def secret_words() -> tuple[str, ...]:
    """The configured key words (LOG_SECRET_KEYS), lower-cased, with ``-`` read as ``_``."""
    return _secret_words(tuple(settings.LOG_SECRET_KEYS))


@functools.lru_cache(maxsize=8)  # asked ~10 times a call, of a setting that does not change
def _secret_words(configured: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word.lower().replace("-", "_") for word in configured if word)


@functools.lru_cache(maxsize=8)
def _cores(words: tuple[str, ...]) -> tuple[str, ...]:
    # what any key matching a word must contain, lower-cased, without separators: "*_key" -> "key"
    cores = []
    for word in words:
        parts = [part.replace("_", "") for part in word.split("*")]
        cores.append(max(parts, key=len))
    return tuple(core for core in cores if core)


# Escapes under which a key may hide its letters: JSON's \u, URL encoding, HTML entities.
_ESCAPES = ("\\u", "%", "&#")


def may_name_secret(text: str, words: tuple[str, ...] | None = None) -> bool:
    """False only when no secret-looking key or value can be in ``text`` (a cheap pass over the raw text).

    Every match needs one of the words' letters in a row, ignoring case, ``-`` and ``_``;
    casefold() folds at least what the patterns' IGNORECASE does. A text with an escape is
    always looked at in full.
    """
    words = secret_words() if words is None else words
    if not text or not words:
        return False
    if any(escape in text for escape in _ESCAPES):
        return True
    compact = text.casefold().replace("_", "").replace("-", "")
    return any(core in compact for core in _cores(words))


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Keys of the hub's own API that name no secret, whatever pattern matches them (*_key).
NEVER_SECRET_KEYS = frozenset({"search_key"})


def is_secret_key(key: str, words: tuple[str, ...] | None = None) -> bool:
    """Whether a JSON key, form field or query parameter name looks like it holds a secret."""
    return _is_secret_key(str(key), secret_words() if words is None else words)


# The same few header names and keys come back on every call: ~5 µs each to match, ~0.2 µs remembered.
@functools.lru_cache(maxsize=4096)
def _is_secret_key(key: str, words: tuple[str, ...]) -> bool:
    # "api-key", "apiKey" and "api_key" are the same key to a human: compare with separators unified and dropped.
    normalized = key.lower().replace("-", "_")
    if normalized in NEVER_SECRET_KEYS:
        return False
    snake = _CAMEL_HUMP.sub("_", key).lower().replace("-", "_")
    compact = normalized.replace("_", "")
    for word in words:
        if "*" in word:
            if fnmatch.fnmatchcase(normalized, word) or fnmatch.fnmatchcase(snake, word):
                return True
        elif word in normalized or word.replace("_", "") in compact:
            return True
    return False


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


def _is_secret_leaf(item, words: tuple[str, ...]) -> bool:
    # a domain leaf ("password", "=", "C"): the value is as secret as a "password" key's
    return isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and is_secret_key(item[0], words)


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
        if _is_secret_leaf(value, words) and value[2] not in (None, ""):
            return [value[0], value[1], MASK], True
        items = [mask_json_value(item, words) for item in value]
        return [item for item, _ in items], any(hit for _, hit in items)
    if isinstance(value, str) and any(word.strip("*") in value.lower() for word in words):
        # A string may itself hold JSON, a form or a URL with a secret in it.
        masked = mask_text(value)
        return masked.text, masked.masked
    return value, False


_QUERY_PARTS = re.compile(r"([&;])")
# what a stored query part may keep unquoted after a text pass masked it
_QUERY_SAFE = "=:*/,"


def mask_query(query: str) -> Masked:
    """A query string (or form body) with secret parameters' values replaced.

    ``&`` and ``;`` both separate parameters (servers differ), and each decoded parameter gets a text
    pass too, for ``filter=token:C`` or ``?token:C``.
    """
    words = secret_words()
    if not may_name_secret(query, words):
        return Masked(query, False)
    hit = False
    parts = _QUERY_PARTS.split(query)
    for index in range(0, len(parts), 2):
        part = parts[index]
        name, equals, value = part.partition("=")
        if equals and value and is_secret_key(unquote_plus(name), words):
            parts[index] = f"{name}={MASK}"
            hit = True
            continue
        masked = mask_text(unquote_plus(part))
        if masked.masked:
            parts[index] = quote(masked.text, safe=_QUERY_SAFE)
            hit = True
    return Masked("".join(parts), True) if hit else Masked(query, False)


def _word_pattern(word: str) -> str:
    if "*" in word:
        # a pattern of the whole key: *_key is private_key, not monkey (nor search_key)
        body = "".join(r"[\w.-]*" if char == "*" else "[_-]" if char == "_" else re.escape(char) for char in word)
        never = "|".join(re.escape(key).replace("_", "[_-]") for key in sorted(NEVER_SECRET_KEYS))
        return rf"(?<![\w.-])(?!(?:{never})(?![\w.-])){body}(?![\w.-])"
    return r"[\w.-]*" + re.escape(word).replace("_", "[_-]?") + r"[\w.-]*"


@functools.lru_cache(maxsize=8)
def _text_pattern(words: tuple[str, ...]) -> re.Pattern:
    # key = value, key: value, "key": "value", "key": [..], <key>value</key> where key looks like a secret
    alternatives = "|".join(_word_pattern(word) for word in words)
    return re.compile(
        rf"""(?ix)
        (?P<key>(?:\\?["'])?(?:{alternatives})(?:\\?["'])?\s*[:=]\s*)
            (?:(?P<q>\\?["'])(?P<quoted>.*?)(?P=q)
              |(?P<bracket>\[[^\]]*\]?|\{{[^}}]*\}}?)
              |(?P<value>[^"'&\s,;:=(\[{{<}}\\][^"'&\s,;}}\\]*))
        | (?P<tag><(?P<name>{alternatives})>)(?P<inner>[^<]*)(?P<end></(?P=name)>)
        | (?P<leaf>["'](?:{alternatives})["']\s*,\s*["'][^"']{{1,12}}["']\s*,\s*)
            (?:(?P<lq>["'])(?P<leafquoted>.*?)(?P=lq)|(?P<leafvalue>[^\s,)\]]+))
        """
    )


@functools.lru_cache(maxsize=8)
def _key_pattern(words: tuple[str, ...]) -> re.Pattern:
    # a secret-looking key, anywhere in a text
    return re.compile("|".join(_word_pattern(word) for word in words), re.IGNORECASE)


# ...and a mask that ends where its value ended (a delimiter next, not more of a value)
_MASKED_AFTER_KEY = re.compile(
    rf"""(?:(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?{re.escape(MASK)}
    | >{re.escape(MASK)}(?=<)
    | ["']\s*,\s*["'][^"']{{1,12}}["']\s*,\s*["']?{re.escape(MASK)})
    (?:\\?["'])?(?=[\s,;&}}\])<]|$)""",
    re.VERBOSE,
)


def _unmasked_key(text: str, words: tuple[str, ...]) -> bool:
    """Whether a secret-looking key in ``text`` is anything but a closing tag or right before a mask."""
    for match in _key_pattern(words).finditer(text):
        if text[max(match.start() - 2, 0) : match.start()] == "</":
            continue
        if not _MASKED_AFTER_KEY.match(text, match.end()):
            return True
    return False


def mask_text(text: str) -> Masked:
    """Best effort for text that is not JSON nor a form: values after secret-looking keys."""
    words = secret_words()
    if not may_name_secret(text, words):
        return Masked(text, False)
    hit = False

    def replace(match: re.Match) -> str:
        nonlocal hit
        if match.group("q") is not None and not match.group("quoted"):
            return match.group(0)  # nothing to hide; what follows is checked by _unmasked_key
        hit = True
        if match.group("tag"):
            return f"{match.group('tag')}{MASK}{match.group('end')}"
        if match.group("leaf"):
            # a domain leaf written as text: ('password', '=', 'C')
            return f"{match.group('leaf')}{match.group('lq') or ''}{MASK}{match.group('lq') or ''}"
        quote_mark = match.group("q") or ""
        return f"{match.group('key')}{quote_mark}{MASK}{quote_mark}"

    masked = _text_pattern(words).sub(replace, text)
    return Masked(masked, hit)


def _text_secrets(text: str, words: tuple[str, ...]) -> list[str]:
    """The values a text pass would mask in ``text``."""
    found = []
    for match in _text_pattern(words).finditer(text):
        value = next(
            (
                match.group(name)
                for name in ("quoted", "bracket", "value", "inner", "leafquoted", "leafvalue")
                if match.group(name)
            ),
            None,
        )
        if value:
            found.append(value)
            if match.group("bracket"):
                found.extend(re.findall(r"""["']([^"']+)["']""", value))
    return found


@dataclass
class _Parsed:
    value: object
    duplicate_key: bool
    secrets: list[str]


def _parse_json(text: str, words: tuple[str, ...]) -> _Parsed | None:
    """The JSON of ``text`` with every value sent under a secret key (duplicates too); None if not JSON."""
    duplicate = False
    secrets: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        nonlocal duplicate
        value = dict(items)
        duplicate = duplicate or len(value) != len(items)
        for key, item in items:
            if is_secret_key(key, words):
                secrets.extend(_leaves(item))
        return value

    try:
        value = json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    # bounded nesting: the walks below are recursive, and a row must be written whatever was sent
    if jsonbody.nests_deeper_than(value, jsonbody.MAX_DEPTH):
        return None
    secrets.extend(_leaf_secrets(value, words))
    return _Parsed(value, duplicate, secrets)


def _leaves(value) -> list[str]:
    """The scalar values inside a JSON value, as text (None and booleans are no secret)."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def _leaf_secrets(value, words: tuple[str, ...]) -> list[str]:
    """Values of domain leaves on secret fields, and secrets inside strings, at any depth."""
    pending, found = [value], []
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            if _is_secret_leaf(item, words):
                found.extend(_leaves(item[2]))
            pending.extend(item)
        elif isinstance(item, str) and any(word.strip("*") in item.lower() for word in words):
            found.extend(_text_secrets(item, words))
    return found


def _not_stored(text: str) -> Masked:
    size = len(text.encode("utf-8", errors="replace"))
    return Masked(f"(not stored: {size} bytes that do not parse and name a secret-looking key)", True)


def mask_body(raw: bytes, content_type: str = "") -> Masked:
    """A body as text with secrets masked: JSON by structure, forms by field, anything else by pattern.

    JSON with a key given twice is masked as text (the parsed value holds only the last one).
    Text that still shows a secret-looking key before a value after masking is not stored at all.
    """
    text = raw.decode("utf-8", errors="replace")
    words = secret_words()
    if not may_name_secret(text, words):
        return Masked(text, False)
    parsed = _parse_json(text, words)
    if parsed is not None and not parsed.duplicate_key:
        value, hit = mask_json_value(parsed.value, words)
        if not hit:
            return Masked(text, False)
        return Masked(json.dumps(value, ensure_ascii=False), True)
    if parsed is None and "application/x-www-form-urlencoded" in content_type.lower():
        return mask_query(text)
    masked = mask_text(text)
    if words and _unmasked_key(masked.text, words):
        return _not_stored(text)
    return masked


# --- values sent under secret keys, scrubbed from every text of the row ---------------------------

# Shorter values are scrubbed only where they stand alone ('C' in an error), not inside words.
_SCRUB_ANYWHERE = 8


def sent_secrets(query: str, body: bytes | None, content_type: str, headers) -> frozenset[str]:
    """Every value the caller sent under a secret-looking key: query, body (parsed or not) and credential headers."""
    words = secret_words()
    found: list[str] = []
    query = query if may_name_secret(query, words) else ""
    for part in _QUERY_PARTS.split(query)[::2]:
        name, equals, value = part.partition("=")
        if equals and is_secret_key(unquote_plus(name), words):
            found.append(unquote_plus(value))
        found.extend(_text_secrets(unquote_plus(part), words))
    text = body.decode("utf-8", errors="replace") if body else ""
    if may_name_secret(text, words):
        parsed = _parse_json(text, words)
        if parsed is not None:
            found.extend(parsed.secrets)
        else:
            if "application/x-www-form-urlencoded" in content_type.lower():
                found.extend(sent_secrets(text, None, "", {}))
            found.extend(_text_secrets(text, words))
    for name, value in (headers or {}).items():
        lowered = name.lower()
        if value and (lowered in SECRET_HEADERS or is_secret_key(lowered, words)):
            found.extend(_header_secrets(lowered, value))
    return frozenset(value for value in found if value and value != MASK)


def _header_secrets(name: str, value: str) -> list[str]:
    if name in {"cookie", "set-cookie"}:
        return [part.partition("=")[2].strip() for part in value.split(";")]
    scheme, _space, credentials = value.partition(" ")
    if not name.endswith("authorization") or scheme.lower() not in _AUTH_SCHEMES:
        return [value]
    found = [credentials.strip()]
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return found
        found.append(decoded.partition(":")[2])
    return found


def _forms(value: str) -> set[str]:
    """How a value may appear in a stored text: as sent, JSON-escaped, repr-escaped, URL-encoded."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1]}
    forms |= {quote(value, safe=""), quote_plus(value)}
    return {form for form in forms if form}


@functools.lru_cache(maxsize=64)
def _scrub_pattern(secrets: frozenset[str]) -> re.Pattern | None:
    alternatives = []
    for form in sorted({form for value in secrets for form in _forms(value)}, key=len, reverse=True):
        escaped = re.escape(form)
        if len(form) < _SCRUB_ANYWHERE:
            escaped = ("(?<!\\w)" if re.match(r"\w", form[0]) else "") + escaped
            escaped += "(?!\\w)" if re.match(r"\w", form[-1]) else ""
        alternatives.append(escaped)
    return re.compile("|".join(alternatives)) if alternatives else None


def scrub(text: str, secrets: frozenset[str]) -> Masked:
    """``text`` with every sent secret value replaced, in any of the forms it may be stored in."""
    pattern = _scrub_pattern(secrets) if text else None
    if pattern is None:
        return Masked(text, False)
    scrubbed, count = pattern.subn(MASK, text)
    # a body cut at LOG_BODY_MAX_BYTES may end in the first characters of a secret
    for value in secrets:
        length = cut_secret_length(scrubbed, value)
        if length:
            scrubbed, count = scrubbed[:-length] + MASK, count + 1
    return Masked(scrubbed, count > 0)


def cut_secret_length(text: str, secret: str) -> int:
    """The length of the longest end of ``text`` that is a beginning of ``secret``, at least 4 and
    shorter than the secret (a secret cut off with the text); 0 when there is none."""
    tail = text[-(len(secret) - 1) :] if len(secret) > 4 else ""
    start = tail.find(secret[:4])
    while start != -1:  # found from the left: the first fit is the longest
        if secret.startswith(tail[start:]):
            return len(tail) - start
        start = tail.find(secret[:4], start + 1)
    return 0


def scrub_row(row, secrets: frozenset[str]):
    """The log row (any object with its text fields) with the sent secrets scrubbed from each of them."""
    if not secrets:
        return row
    for field in ("query_string", "request_body"):
        scrubbed = scrub(getattr(row, field), secrets)
        if scrubbed.masked:
            setattr(row, field, scrubbed.text)
            row.request_masked = True  # what is stored is no longer what was sent: never replayed
    for field in ("response_body", "error"):
        setattr(row, field, scrub(getattr(row, field), secrets).text)
    row.request_headers = {name: scrub(value, secrets).text for name, value in row.request_headers.items()}
    return row


def cut(text: str, limit: int) -> tuple[str, bool]:
    """The text cut to at most ``limit`` UTF-8 bytes, and whether it was cut."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text, False
    return encoded[:limit].decode("utf-8", errors="ignore"), True
