"""NUL characters escaped in a log row before it is stored (PostgreSQL refuses them)."""

from logs.models import RequestLog
from logs.text import escape_nul, without_nul


def test_nul_is_escaped_in_nested_json_keys_and_values():
    assert without_nul({"a\x00": ["b\x00", {"c": "\x00"}, 1, None]}) == {
        "a\\u0000": ["b\\u0000", {"c": "\\u0000"}, 1, None]
    }


def test_every_text_and_json_field_of_a_row_is_escaped():
    row = RequestLog(
        request_id="r1",
        method="GET",
        path="/p/\x00",
        query_string="q=\x00",
        principal="key:\x00",
        status=400,
        outcome="failure",
        request_headers={"X-Note": "a\x00b"},
        request_body='{"a": "\x00"}',
        response_body="\x00",
        error="no \x00",
    )
    escape_nul(row)
    assert (row.path, row.query_string, row.principal) == ("/p/\\u0000", "q=\\u0000", "key:\\u0000")
    assert row.request_headers == {"X-Note": "a\\u0000b"}
    assert (row.request_body, row.response_body, row.error) == ('{"a": "\\u0000"}', "\\u0000", "no \\u0000")


def test_an_escaped_text_still_fits_its_column():
    row = RequestLog(request_id="r2", method="GET", path="/" + "\x00" * 1999, status=400, outcome="failure")
    escape_nul(row)
    assert len(row.path) == RequestLog._meta.get_field("path").max_length
    assert "\x00" not in row.path
