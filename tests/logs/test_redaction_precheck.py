"""The raw-text pre-check of masking: a text that cannot name a secret is stored as sent, unparsed;
one that may (or hides its letters behind an escape) is masked in full as before."""

import json

import pytest

from logs import redaction

WORDS = ("password", "token", "api_key", "*_key", "secret")


@pytest.mark.parametrize(
    "text",
    [
        '{"data": [{"name": "Alice", "email": "a@example.com"}]}',
        "name=Alice&city=Gent",
        '{"monkey_business": 1}',  # "key" is there: looked at, then found to be no secret
    ],
)
def test_texts_without_a_secret_word_are_kept_as_sent(text):
    assert redaction.mask_body(text.encode()) == redaction.Masked(text, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"data": [{"name": "Alice"}]}', False),
        ('{"Pass-Word": "x"}', True),
        ('{"apiKey": "x"}', True),
        ('{"signingKey": "x"}', True),
        ('{"pass\\u0077ord": "x"}', True),  # JSON escape: the letters are not in the raw text
        ("pass%77ord=x", True),  # URL encoding
        ("<pass&#119;ord>x</pass&#119;ord>", True),
        ("PAſSWORD=x", True),  # the long s folds to s, as the patterns' IGNORECASE has it
        ("", False),
    ],
)
def test_the_pre_check_never_misses_a_word(text, expected):
    assert redaction.may_name_secret(text, WORDS) is expected


def test_a_body_naming_no_secret_is_not_parsed_for_the_log(monkeypatch):
    parsed = []
    monkeypatch.setattr(redaction, "_parse_json", lambda *args: parsed.append(args))
    body = json.dumps([{"customer_id": f"C{n}", "name": f"Partner {n}"} for n in range(100)]).encode()
    assert redaction.mask_body(body, "application/json").masked is False
    assert redaction.sent_secrets("limit=100", body, "application/json", {}) == frozenset()
    assert parsed == []


def test_escaped_secret_keys_are_still_masked():
    masked = redaction.mask_body(b'{"pass\\u0077ord": "hunter22", "name": "A"}', "application/json")
    assert masked.masked is True
    assert "hunter22" not in masked.text
    assert redaction.sent_secrets("", b'{"pass\\u0077ord": "hunter22"}', "application/json", {}) == {"hunter22"}
