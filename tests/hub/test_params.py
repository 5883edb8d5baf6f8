"""Whole-number query parameters, read the same way by the REST endpoints and the log API."""

import pytest

from hub.envelope import ApiError
from hub.params import whole_number


def test_absent_or_empty_is_the_default():
    assert whole_number({}, "limit", 50) == 50
    assert whole_number({"limit": ""}, "limit", 50) == 50
    assert whole_number({"limit": "0"}, "limit", 50) == 0
    assert whole_number({"offset": "120"}, "offset", 0) == 120


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ten", "Query parameter 'limit' must be a whole number, not 'ten'."),
        ("1.5", "Query parameter 'limit' must be a whole number, not '1.5'."),
        ("-1", "Query parameter 'limit' must not be negative."),
    ],
)
def test_anything_else_is_a_400_naming_the_parameter(raw, message):
    with pytest.raises(ApiError) as caught:
        whole_number({"limit": raw}, "limit", 50)
    assert (caught.value.http_status, caught.value.message) == (400, message)
