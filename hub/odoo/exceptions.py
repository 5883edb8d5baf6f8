"""Typed errors of the Odoo client.

Every Odoo fault and transport failure becomes one of these. ``message`` is Odoo's own
message (first line, never a traceback), safe to show to API callers, except where a class sets
``public_message``: a transport failure's message names the Odoo address, which only staff
(the log, the admin, /readyz) may see; callers get the public message. ``permanent`` tells
whether the same call can succeed if tried again later (a timeout can, a validation error
cannot); ``http_status`` is what the API answers for it.
"""


class OdooError(Exception):
    """Base of every error raised by the Odoo client."""

    http_status = 502
    permanent = True
    public_message = ""  # empty: ``message`` itself is what callers see

    def __init__(
        self,
        message: str,
        *,
        odoo_name: str = "",
        fault_code: int | str | None = None,
        public_message: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        if public_message is not None:  # this one error names what callers may not see (an address)
            self.public_message = public_message
        self.odoo_name = odoo_name  # e.g. "odoo.exceptions.ValidationError" when Odoo told us
        self.fault_code = fault_code  # XML-RPC faultCode or JSON-RPC error code, when any


class OdooAuthError(OdooError):
    """Odoo refused the credentials (AccessDenied)."""

    http_status = 502


class OdooAccessError(OdooError):
    """The Odoo user may not do this (AccessError, private method)."""

    http_status = 403


class OdooMissingError(OdooError):
    """The record does not exist (MissingError)."""

    http_status = 404


class OdooValidationError(OdooError):
    """Odoo refused the values (ValidationError, UserError, ValueError on vals)."""

    http_status = 422


class OdooRequestError(OdooError):
    """The call itself is wrong: unknown model, method or field, bad arguments or domain."""

    http_status = 400


class OdooUnavailable(OdooError):
    """Odoo could not be reached or answered something that is not Odoo's protocol."""

    http_status = 502
    permanent = False
    public_message = "Odoo is unreachable."


class OdooTimeout(OdooUnavailable):
    """Odoo did not answer within the read timeout (or could not be reached in the connect timeout)."""

    http_status = 504
    public_message = "Odoo did not answer in time."


class OdooConnectionLost(OdooUnavailable):
    """The connection was reset or closed before Odoo answered (the client may retry a read once)."""
