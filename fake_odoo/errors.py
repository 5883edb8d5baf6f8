"""Odoo's exception kinds, with the exact texts Odoo uses and how each renders on the wire.

Odoo's own kinds (UserError and its family, AccessError, AccessDenied) are classes here.
Any other exception (ValueError, TypeError, KeyError, AssertionError, IndexError ...) is raised
as the plain Python builtin: Odoo reports those with their Python class name
("builtins.ValueError") and a traceback, and so does the stand-in.
"""

from __future__ import annotations

import traceback
from typing import Any

# XML-RPC fault codes on /xmlrpc/2/* (odoo/service/wsgi_server.py in Odoo 18).
CODE_APPLICATION_ERROR = 1
CODE_WARNING = 2
CODE_ACCESS_DENIED = 3
CODE_ACCESS_ERROR = 4

TRACEBACK_HEAD = "Traceback (most recent call last):"


class OdooException(Exception):
    """Base of Odoo's own exception kinds; ``args[0]`` is the message shown to users."""

    odoo_name = "odoo.exceptions.UserError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.context: dict = {}

    @property
    def message(self) -> str:
        """The user-facing message (Odoo's ``exception.args[0]``)."""
        return self.args[0]


class UserError(OdooException):
    """A business rule refused the operation (XML-RPC fault code 2)."""

    odoo_name = "odoo.exceptions.UserError"


class RedirectWarning(UserError):
    """A UserError that points the user to an action (code 2 like UserError).

    Its arguments are (message, action, button text, additional context), as in Odoo: XML-RPC
    sends ``str()`` of the exception, which for several arguments is the repr of that tuple.
    """

    odoo_name = "odoo.exceptions.RedirectWarning"

    def __init__(self, message: str, action: dict, button_text: str, additional_context: dict | None = None) -> None:
        Exception.__init__(self, message, action, button_text, additional_context)
        self.context = {}


class ValidationError(UserError):
    """A constraint failed (Python or SQL constraint); renders as code 2."""

    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    """One of the records does not exist (any more); renders as code 2."""

    odoo_name = "odoo.exceptions.MissingError"


class AccessError(UserError):
    """ACL or record rule refused the operation; XML-RPC fault code 4."""

    odoo_name = "odoo.exceptions.AccessError"


class AccessDenied(OdooException):
    """Bad credentials; XML-RPC fault code 3, always the text "Access Denied"."""

    odoo_name = "odoo.exceptions.AccessDenied"

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class NotModelled(Exception):
    """A case the stand-in does not model: answered as an Odoo server error naming what is missing.

    Never caught inside the stand-in; the server notes each one so tests can fail on it.
    """

    odoo_name = "fake_odoo.NotModelled"


class OdooKeyError(KeyError):
    """A KeyError Odoo itself raises (child_of on a model without parent): not a stand-in crash."""

    odoo_name = "builtins.KeyError"


def crash(exc: BaseException, where: str) -> NotModelled:
    """A stand-in bug (a KeyError in its own code) as a loud NotModelled naming the missing key."""
    return NotModelled(f"the stand-in crashed in {where}: {type(exc).__name__} {exc}")


class OperationalError(Exception):
    """The database could not be reached (psycopg2's class, as Odoo reports an unknown database)."""

    odoo_name = "psycopg2.OperationalError"


# --- messages Odoo uses, built in one place so every caller says the same thing ---------------


def missing_error(model: str, ids: list[int] | tuple[int, ...], uid: int) -> MissingError:
    """MissingError as Odoo raises it for absent records: ``res.partner(44,)`` tuple repr."""
    record = f"{model}({_tuple_repr(ids)})"
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {record}, User: {uid})")


def _tuple_repr(ids: list[int] | tuple[int, ...]) -> str:
    inner = repr(tuple(ids))[1:-1]
    return inner


def unknown_model(model: str) -> UserError:
    """What Odoo answers when the model is not in the registry."""
    return UserError(f"Object {model} doesn't exist")


def unknown_method(model: str, method: str) -> AttributeError:
    """What Odoo answers for a method the model does not have."""
    return AttributeError(f"The method '{method}' does not exist on the model '{model}'")


def private_method(method: str) -> AccessError:
    """Methods starting with an underscore (and a few named ones) cannot be called over RPC."""
    return AccessError(f"Private methods (such as {method}) cannot be called remotely.")


def invalid_field(model: str, field: str) -> ValueError:
    """Unknown field in read fields / order / create or write values."""
    return ValueError(f"Invalid field {field!r} on model {model!r}")


def access_error_acl(operation: str, model_description: str, model: str, groups: list[str]) -> AccessError:
    """ACL refusal for an internal user (operation: 'read', 'write', 'create', 'unlink')."""
    verb = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}[operation]
    lines = "\n".join(f"\t- {g}" for g in groups)
    return AccessError(
        f"You are not allowed to {verb} '{model_description}' ({model}) records.\n\n"
        f"This operation is allowed for the following groups:\n{lines}\n\n"
        "Contact your administrator to request access if necessary."
    )


def access_error_portal(user_name: str, uid: int, operation: str, model_description: str, model: str) -> AccessError:
    """ACL/record-rule refusal as Odoo words it for a portal (share) user."""
    return AccessError(
        "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
        f"Sorry, {user_name} (id={uid}) doesn't have '{operation}' access to:\n- {model_description} ({model})\n\n"
        "If you really, really need access, perhaps you can win over your friendly administrator "
        "with a batch of freshly baked cookies."
    )


# --- rendering --------------------------------------------------------------------------------


def fault_name(exc: BaseException) -> str:
    """Odoo's ``data.name``: module-qualified class name ("builtins.ValueError")."""
    name = getattr(exc, "odoo_name", None)
    if name:
        return name
    cls = type(exc)
    return f"{cls.__module__}.{cls.__qualname__}"


def fault_message(exc: BaseException) -> str:
    """Odoo's ``data.message``: the first argument as text (KeyError shows 'x', not "'x'")."""
    if exc.args:
        return str(exc.args[0]) if len(exc.args) == 1 else "\n".join(str(a) for a in exc.args)
    return str(exc)


def traceback_text(exc: BaseException) -> str:
    """A traceback-shaped text whose last line is Python's own rendering of the exception."""
    name = fault_name(exc)
    short = name.removeprefix("builtins.")
    detail = "".join(traceback.format_exception_only(exc)).strip().split(":", 1)
    body = detail[1].strip() if len(detail) == 2 else ""
    last = f"{short}: {body}" if body else short
    return f'{TRACEBACK_HEAD}\n  File "fake_odoo", line 1, in <stand-in>\n{last}\n'


def xmlrpc_fault(exc: BaseException) -> tuple[int, str]:
    """(faultCode, faultString) on /xmlrpc/2/*: Odoo's four integer codes."""
    if isinstance(exc, AccessError):
        return CODE_ACCESS_ERROR, exc.message
    if isinstance(exc, AccessDenied):
        return CODE_ACCESS_DENIED, exc.message
    if isinstance(exc, RedirectWarning):
        return CODE_WARNING, str(exc)
    if isinstance(exc, UserError):
        return CODE_WARNING, exc.message
    return CODE_APPLICATION_ERROR, traceback_text(exc)


def xmlrpc_fault_legacy(exc: BaseException) -> tuple[str, str]:
    """(faultCode, faultString) on the legacy /xmlrpc/* endpoints: string codes."""
    if isinstance(exc, RedirectWarning):
        return f"warning -- Warning\n\n{exc}", ""
    if isinstance(exc, MissingError):
        return f"warning -- MissingError\n\n{exc.message}", ""
    if isinstance(exc, AccessError):
        return f"warning -- AccessError\n\n{exc.message}", ""
    if isinstance(exc, AccessDenied):
        return "AccessDenied", exc.message
    if isinstance(exc, UserError):
        return f"warning -- UserError\n\n{exc.message}", ""
    return fault_message(exc), traceback_text(exc)


def jsonrpc_error(exc: BaseException) -> dict[str, Any]:
    """The ``error`` object of a JSON-RPC reply (HTTP 200, code 200)."""
    return {
        "code": 200,
        "message": "Odoo Server Error",
        "data": {
            "name": fault_name(exc),
            "debug": traceback_text(exc),
            "message": fault_message(exc),
            "arguments": list(exc.args),
            "context": getattr(exc, "context", {}) or {},
        },
    }
