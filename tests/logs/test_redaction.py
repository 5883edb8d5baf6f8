"""Masking and cutting are pure functions: tested without a database."""

import json

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from logs.redaction import MASK, cut, is_secret_key, mask_body, mask_headers, mask_query, mask_text

CANARY = "CANARY-7f3a9"


@pytest.fixture(autouse=True)
def secret_keys(settings):
    settings.LOG_SECRET_KEYS = ["password", "token", "api_key", "apikey", "secret"]


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("PassWord", True),
        ("old_password", True),
        ("access_token", True),
        ("X-Api-Key", True),
        ("apiKey", True),
        ("clientSecret", True),
        ("api_key", True),
        ("client_secret", True),
        ("name", False),
        ("email", False),
    ],
)
def test_secret_keys_match_case_insensitively_as_parts(key, secret):
    assert is_secret_key(key) is secret


def test_configured_words_are_used(settings):
    settings.LOG_SECRET_KEYS = ["pin"]
    assert is_secret_key("card_PIN")
    assert not is_secret_key("password")


def test_headers_mask_credentials_and_keep_the_scheme():
    assert mask_headers(
        {
            "Authorization": f"Bearer {CANARY}",
            "Proxy-Authorization": f"Basic {CANARY}",
            "Cookie": f"sessionid={CANARY}",
            "Set-Cookie": f"a={CANARY}",
            "X-Api-Key": CANARY,
            "X-Auth-Token": CANARY,
            "Referer": f"https://shop.example/?token={CANARY}&page=2",
            "Accept": "application/json",
        }
    ) == {
        "Authorization": f"Bearer {MASK}",
        "Proxy-Authorization": f"Basic {MASK}",
        "Cookie": MASK,
        "Set-Cookie": MASK,
        "X-Api-Key": MASK,
        "X-Auth-Token": MASK,
        "Referer": f"https://shop.example/?token={MASK}&page=2",
        "Accept": "application/json",
    }


def test_an_authorization_without_a_known_scheme_is_masked_whole():
    assert mask_headers({"Authorization": CANARY}) == {"Authorization": MASK}


def test_json_secrets_are_masked_at_any_depth_and_the_rest_kept():
    body = {
        "name": "Azure",
        "password": CANARY,
        "partner": {"login": "a", "credentials": {"api_key": CANARY, "empty_token": ""}},
        "lines": [{"secret": CANARY, "qty": 1}, [{"Token": CANARY}]],
        "note": json.dumps({"password": CANARY}),
    }
    masked = mask_body(json.dumps(body).encode(), "application/json")
    assert masked.masked
    assert json.loads(masked.text) == {
        "name": "Azure",
        "password": MASK,
        "partner": {"login": "a", "credentials": {"api_key": MASK, "empty_token": ""}},
        "lines": [{"secret": MASK, "qty": 1}, [{"Token": MASK}]],
        "note": json.dumps({"password": MASK}),
    }


def test_json_without_secrets_is_stored_byte_for_byte():
    text = '{"b": 1,   "a": [1, 2]}'
    assert mask_body(text.encode(), "application/json").text == text
    assert not mask_body(text.encode(), "application/json").masked


def test_forms_and_query_strings_mask_their_fields():
    assert mask_query(f"login=bob&password={CANARY}&page=2").text == "login=bob&password=***&page=2"
    assert mask_body(f"login=bob&api_key={CANARY}".encode(), "application/x-www-form-urlencoded").text == (
        "login=bob&api_key=***"
    )
    assert mask_query("page=2&name=Az").text == "page=2&name=Az"
    assert not mask_query("page=2").masked


@pytest.mark.parametrize(
    "text",
    [
        f"password={CANARY}",
        f'{{"password": "{CANARY} with spaces", broken',
        f"<methodCall><password>{CANARY}</password></methodCall>",
        f"api_key: '{CANARY}'",
        f"secret = {CANARY};",
    ],
)
def test_other_text_is_masked_by_pattern(text):
    masked = mask_text(text)
    assert masked.masked
    assert CANARY not in masked.text
    assert "with spaces" not in masked.text


def test_cut_counts_utf8_bytes_and_never_splits_a_character():
    assert cut("ééé", 6) == ("ééé", False)
    assert cut("ééé", 5) == ("éé", True)
    assert cut("abc", 0) == ("", True)


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
plain_keys = st.text(alphabet="abcdefghijklmnoqruvwxyz_", min_size=1, max_size=8).filter(
    lambda key: not is_secret_key(key, ("password", "token", "api_key", "apikey", "secret"))
)
secret_keys_strategy = st.sampled_from(["password", "x_token", "API_KEY", "clientSecret", "apikey"])


@st.composite
def documents(draw, depth=3):
    """JSON documents where some keys are secret and always hold the canary."""
    if depth == 0:
        return draw(json_leaves)
    kind = draw(st.sampled_from(["dict", "list", "leaf"]))
    if kind == "leaf":
        return draw(json_leaves)
    if kind == "list":
        return draw(st.lists(documents(depth=depth - 1), max_size=3))
    result = {}
    for key in draw(st.lists(plain_keys, max_size=3)):
        result[key] = draw(documents(depth=depth - 1))
    for key in draw(st.lists(secret_keys_strategy, max_size=2)):
        result[key] = CANARY
    return result


@hypothesis_settings(max_examples=200, deadline=None)
@given(documents())
def test_no_secret_survives_any_json_shape(document):
    masked = mask_body(json.dumps(document).encode(), "application/json")
    assert CANARY not in masked.text
    assert (CANARY in json.dumps(document)) == masked.masked
