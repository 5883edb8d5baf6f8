"""Every exception the API may meet has a status and a message for the envelope; only the unknown is a 500."""

import pytest
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404
from rest_framework import exceptions as drf_exceptions

from hub.envelope import ApiError, describe
from hub.odoo.exceptions import OdooMissingError, OdooTimeout, OdooUnavailable


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ApiError(409, "Exists.", line_id=3, headers={"X": "1"}), (409, "Exists.", 3, {"X": "1"})),
        (OdooMissingError("Record does not exist"), (404, "Record does not exist", None, {})),
        # the client's message names Odoo's address: callers get the public one
        (
            OdooTimeout("Odoo at http://10.0.0.5:8069 did not answer in time"),
            (504, "Odoo did not answer in time.", None, {}),
        ),
        (
            OdooUnavailable("Cannot connect to Odoo at http://10.0.0.5:8069: refused"),
            (502, "Odoo is unreachable.", None, {}),
        ),
        (Http404("x"), (404, "Not found.", None, {})),
        (RequestDataTooBig("big"), (413, "The request body is larger than 20971520 bytes.", None, {})),
        (DisallowedHost("evil"), (400, "Bad request.", None, {})),
        (SuspiciousOperation("odd"), (400, "Bad request.", None, {})),
        (BadRequest("bad"), (400, "Bad request.", None, {})),
        (PermissionDenied(), (403, "Forbidden.", None, {})),
        (
            drf_exceptions.Throttled(wait=7),
            (429, "Request was throttled. Expected available in 7 seconds.", None, {"Retry-After": "7"}),
        ),
        (RuntimeError("secret detail"), (500, "Internal error.", None, {})),
    ],
)
def test_describe_gives_each_exception_its_status_and_a_safe_message(exc, expected):
    assert describe(exc) == expected
