"""Turn what Odoo reports as a failure into the client's typed exceptions.

Three wire formats carry the same Odoo exceptions:

* XML-RPC folds them into four fault codes (1 = any other exception, with a traceback;
  2 = UserError family by message; 3 = AccessDenied; 4 = AccessError), or, on the legacy
  ``/xmlrpc/*`` endpoints, into string codes (``"warning -- MissingError\\n\\n<message>"``);
* JSON-RPC names the exception class in ``error.data.name``;
* JSON-2 (Odoo 19+) answers an HTTP 4xx/5xx status with ``{"name", "message", ...}``.

Each is reduced to (exception name, message) and classified by one set of rules, so every
protocol raises the same class for the same Odoo failure. The message kept is Odoo's own,
all of its lines joined: never a traceback, which may hold server paths and SQL.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from hub.odoo.exceptions import (
    OdooAccessError,
    OdooAuthError,
    OdooError,
    OdooMissingError,
    OdooRequestError,
    OdooUnavailable,
    OdooValidationError,
)

TRACEBACK_HEAD = "Traceback (most recent call last):"

# An XML-RPC method that returned None: Odoo ran it (and committed) but could not encode the
# result, because its XML-RPC server marshals without allow_none. JSON-RPC answers null there.
MARSHAL_NONE = "cannot marshal None unless allow_none is enabled"

# Methods that create records: a MissingError there names a referenced record (a many2one
# value), never the target, so it is a bad value rather than "not found".
CREATE_METHODS = frozenset({"create", "name_create"})

_AUTH_NAMES = frozenset({"AccessDenied", "SessionExpiredException", "Unauthorized"})
_USER_ERROR_NAMES = frozenset({"UserError", "ValidationError", "RedirectWarning", "Warning", "except_orm"})
_REQUEST_NAMES = frozenset(
    {
        "AttributeError",
        "TypeError",
        "KeyError",
        "IndexError",
        "AssertionError",
        "NameError",
        "NotFound",
        "BadRequest",
        "UnprocessableEntity",
        "MethodNotAllowed",
        "Exception",
    }
)

# User-error messages that really say "the call is wrong", not "the values are refused".
_REQUEST_MESSAGES = (
    re.compile(r"^Object \S+ doesn't exist"),
    re.compile(r'^Invalid "order" specified'),
)
# ValueError messages raised while converting written values (ValueError on vals).
_VALUE_MESSAGES = (
    re.compile(r"^invalid literal for int\(\)"),
    re.compile(r"^could not convert string to float"),
    re.compile(r"^time data .* does not match format"),
    re.compile(r"^Wrong value for "),
    re.compile(r"^(day|month|year|hour|minute|second) is out of range"),
)
# MissingError on the user record itself: the uid the hub cached no longer exists.
_STALE_UID = re.compile(r"\(Record: res\.users\((\d+),\), User: (\d+)\)")
_UNKNOWN_DATABASE = re.compile(r'database "([^"]*)" does not exist')
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


def first_line(text: Any) -> str:
    """The first non-empty line of ``text``, stripped."""
    for line in str(text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def odoo_message(text: Any) -> str:
    """Odoo's whole message as one line: its lines stripped and joined with a space.

    Odoo's user messages often span lines ("... remove one of its lines. / Set the quantity to 0
    instead."; "The operation cannot be completed:" then the field and model): every line is
    kept. A traceback never is: the text is cut where one starts, as it may hold server paths
    and SQL.
    """
    text = str(text or "")
    head = text.find(TRACEBACK_HEAD)
    if head != -1:
        text = text[:head]
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def exception_arguments_message(text: str) -> str:
    """The message inside ``str()`` of a several-argument exception, else ``text`` unchanged.

    Odoo's XML-RPC puts ``str(exception)`` in the fault; for an exception raised with several
    arguments (RedirectWarning: message, action, button label, context) that is the repr of the
    argument tuple, ``"('You cannot delete ...', {'type': ...}, 'Go to users', None)"``. Its first
    argument is the message. The text is read as a Python literal only, never evaluated.
    """
    stripped = text.strip()
    if not (stripped.startswith("(") and stripped.endswith(")")):
        return text
    try:
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    if isinstance(value, tuple) and len(value) > 1 and isinstance(value[0], str):
        return value[0]
    return text


def short_name(name: str) -> str:
    """``odoo.exceptions.UserError`` -> ``UserError``; ``builtins.ValueError`` -> ``ValueError``."""
    return (name or "").rsplit(".", 1)[-1]


def exception_from_traceback(text: str) -> tuple[str, str]:
    """(exception name, message) from a Python traceback: the exception after the last frame."""
    lines = str(text or "").splitlines()
    start = 0
    for index, line in enumerate(lines):
        # Frames are indented; a chained exception starts a new "Traceback" header.
        if line.startswith((" ", "\t")) or line.startswith(TRACEBACK_HEAD):
            start = index + 1
    for line in lines[start:]:
        match = _EXCEPTION_LINE.match(line.strip())
        if match:
            return match.group(1), (match.group(2) or "").strip()
    return "", first_line(lines[-1] if lines else "")


def classify(name: str, message: str, *, method: str | None = None) -> type[OdooError]:
    """The exception class for Odoo exception ``name`` (short or dotted) saying ``message``."""
    kind = short_name(name)
    if kind in _AUTH_NAMES:
        return OdooAuthError
    if kind == "AccessError":
        return OdooAccessError
    if kind == "MissingError":
        stale = _STALE_UID.search(message)
        if stale and stale.group(1) == stale.group(2):
            return OdooAuthError
        return OdooValidationError if method in CREATE_METHODS else OdooMissingError
    if kind in _USER_ERROR_NAMES:
        if any(pattern.search(message) for pattern in _REQUEST_MESSAGES):
            return OdooRequestError
        return OdooValidationError
    if kind == "ValueError":
        if any(pattern.search(message) for pattern in _VALUE_MESSAGES):
            return OdooValidationError
        return OdooRequestError
    if kind == "OperationalError" or name.startswith("psycopg"):
        # An unknown database is the connection's configuration; anything else is the
        # database server being unreachable, which may pass.
        return OdooAuthError if _UNKNOWN_DATABASE.search(message) else OdooUnavailable
    if kind == "AssertionError" and message.startswith("scope and key required"):
        return OdooAuthError  # Odoo's answer to an empty password
    if kind in _REQUEST_NAMES:
        return OdooRequestError
    return OdooError


def build(name: str, message: str, *, method: str | None = None, fault_code: int | str | None = None) -> OdooError:
    """The typed exception for an Odoo failure, carrying Odoo's message on one line."""
    cls = classify(name, message, method=method)
    text = odoo_message(message)
    unknown_db = _UNKNOWN_DATABASE.search(message)
    if unknown_db and cls is OdooAuthError:
        # Keep the part Odoo's user needs; the rest names the database host and port.
        text = f'database "{unknown_db.group(1)}" does not exist'
    if not text:
        text = short_name(name) or "Odoo reported an error without a message"
    return cls(text, odoo_name=name, fault_code=fault_code)


def from_xmlrpc_fault(fault_code: int | str, fault_string: str, *, method: str | None = None) -> OdooError:
    """The typed exception for an XML-RPC fault (``/xmlrpc/2/*`` or legacy ``/xmlrpc/*``)."""
    if isinstance(fault_code, str):
        return _from_legacy_fault(fault_code, fault_string, method=method)
    if fault_code == 3:
        return build("odoo.exceptions.AccessDenied", fault_string or "Access Denied", method=method, fault_code=3)
    if fault_code == 4:
        return build("odoo.exceptions.AccessError", fault_string, method=method, fault_code=4)
    if fault_code == 2:
        fault_string = exception_arguments_message(fault_string)
        # Code 2 does not name the class: a missing record says so in its fixed text.
        name = "MissingError" if fault_string.startswith("Record does not exist") else "UserError"
        return build(f"odoo.exceptions.{name}", fault_string, method=method, fault_code=2)
    name, message = exception_from_traceback(fault_string)
    return build(name, message, method=method, fault_code=fault_code)


def _from_legacy_fault(fault_code: str, fault_string: str, *, method: str | None) -> OdooError:
    if fault_code == "AccessDenied":
        return build("odoo.exceptions.AccessDenied", fault_string or "Access Denied", method=method, fault_code=3)
    if fault_code.startswith("warning -- "):
        header, _, message = fault_code.partition("\n\n")
        kind = header.removeprefix("warning -- ").strip()
        name = "UserError" if kind == "Warning" else kind
        message = exception_arguments_message(message)
        return build(f"odoo.exceptions.{name}", message, method=method, fault_code=fault_code)
    # Any other exception: the code is its message, the string its traceback.
    name, message = exception_from_traceback(fault_string)
    return build(name, message or fault_code, method=method, fault_code="legacy")


def is_marshal_none(fault_code: int | str, fault_string: str) -> bool:
    """Whether an XML-RPC fault only says the method returned None (it ran)."""
    if fault_code != 1:
        return False
    name, message = exception_from_traceback(fault_string)
    return short_name(name) == "TypeError" and message == MARSHAL_NONE


def from_jsonrpc_error(error: Any, *, method: str | None = None) -> OdooError:
    """The typed exception for the ``error`` object of a JSON-RPC reply."""
    if not isinstance(error, dict):
        return OdooUnavailable("Odoo answered a JSON-RPC error that is not an object")
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    name = str(data.get("name") or "")
    message = data.get("message")
    arguments = data.get("arguments")
    if (
        isinstance(arguments, list)
        and len(arguments) > 1
        and isinstance(arguments[0], str)
        and name.startswith("odoo.")
    ):
        # data.message joins every argument (a RedirectWarning's action dict too); the first is the message.
        message = arguments[0]
    if message is None:
        message = error.get("message", "")
    code = error.get("code")
    if not name and code == 100:  # Odoo's "Session Expired" code
        name = "odoo.http.SessionExpiredException"
    return build(name, str(message), method=method, fault_code=code)


def from_json2_error(status: int, body: Any, *, method: str | None = None) -> OdooError:
    """The typed exception for a JSON-2 error answer (HTTP ``status``, decoded JSON ``body``)."""
    if isinstance(body, dict) and body.get("name"):
        name = str(body["name"])
        message = str(body.get("message") or "")
        error = build(name, message, method=method, fault_code=status)
        if type(error) is OdooError:
            error = _by_status(status)(error.message, odoo_name=name, fault_code=status)
        return error
    # Older 19.0 builds answer a bare JSON string; the status tells the kind then.
    message = body if isinstance(body, str) else ""
    return _by_status(status)(first_line(message) or f"Odoo answered HTTP {status}", fault_code=status)


def _by_status(status: int) -> type[OdooError]:
    if status == 401:
        return OdooAuthError
    if status == 403:
        return OdooAccessError
    if status == 422:
        return OdooValidationError
    if 400 <= status < 500:
        return OdooRequestError
    if status in (502, 503, 504):
        return OdooUnavailable
    return OdooError
