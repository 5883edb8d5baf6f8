"""Choices of mapping lines, kept apart from the models so pure code can use them."""

from django.db import models


class ValueType(models.TextChoices):
    """How a line turns an external value into an Odoo value and back (see mappings.values)."""

    PLAIN = "plain", "Plain (coerced by the Odoo field type)"
    CONSTANT = "constant", "Constant"
    DATE = "date", "Date (format)"
    DATETIME = "datetime", "Date and time (format, time zone)"
    SELECTION = "selection", "Selection (value map)"
    MANY2ONE = "many2one", "Many2one lookup"
    MANY2MANY = "many2many", "Many2many lookup list"
    ONE2MANY = "one2many", "One2many nested lines"
    EXPRESSION = "expression", "Python expression"


class Direction(models.TextChoices):
    """Whether a line reads the request (in), writes the response (out), or both."""

    IN = "in", "In (request to Odoo)"
    OUT = "out", "Out (Odoo to response)"
    BOTH = "both", "Both"

    @property
    def inbound(self) -> bool:
        return self in (Direction.IN, Direction.BOTH)

    @property
    def outbound(self) -> bool:
        return self in (Direction.OUT, Direction.BOTH)


class OdooType(models.TextChoices):
    """The Odoo field type a plain value is coerced to (as fields_get names it)."""

    UNSET = "", "(not set: passed as is)"
    CHAR = "char"
    TEXT = "text"
    HTML = "html"
    INTEGER = "integer"
    FLOAT = "float"
    MONETARY = "monetary"
    BOOLEAN = "boolean"
    SELECTION = "selection"
    DATE = "date"
    DATETIME = "datetime"
    MANY2ONE = "many2one"
    MANY2MANY = "many2many"
    ONE2MANY = "one2many"
    BINARY = "binary"
