"""Mapping lines: how one Odoo field of an endpoint's model appears in its external JSON."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from hub.odoo.names import is_field_name
from mappings.choices import Direction, OdooType, ValueType
from mappings.engine import RESERVED_PARAMS
from mappings.values import REGISTRY

RESERVED_KEYS = frozenset(RESERVED_PARAMS)  # query parameters of the list route, not keys
_EXTERNAL_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class MappingLine(models.Model):
    """One Odoo field <-> one external key of an endpoint, with its value type and options."""

    ValueType = ValueType
    Direction = Direction
    OdooType = OdooType

    endpoint = models.ForeignKey(
        "endpoints.Endpoint", on_delete=models.CASCADE, related_name="lines", null=True, blank=True
    )
    # A line belongs to exactly one owner: an inbound endpoint or an outbound configuration.
    outbound = models.ForeignKey(
        "outbound.OutboundConfiguration", on_delete=models.CASCADE, related_name="lines", null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        related_name="children",
        null=True,
        blank=True,
        help_text="The one2many line whose nested objects this line maps",
    )
    sequence = models.PositiveIntegerField(default=10)
    odoo_field = models.CharField("Odoo field", max_length=128, help_text="e.g. country_id")
    external_key = models.CharField("external API key", max_length=100, help_text="e.g. country")
    is_identifier = models.BooleanField(
        "record identifier",
        default=False,
        help_text="The key that names a record in /<endpoint>/<id> (one per endpoint)",
    )
    value_type = models.CharField(max_length=20, choices=ValueType.choices, default=ValueType.PLAIN)
    odoo_type = models.CharField(
        "Odoo field type",
        max_length=20,
        choices=OdooType.choices,
        blank=True,
        default=OdooType.UNSET,
        help_text="Coerces plain values; filled from Odoo's fields_get when left empty",
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'Per value type: date {"format": "%d/%m/%Y"}; datetime {"format": "iso", "tz": "Europe/Brussels"}; '
            'selection {"map": {"external": "odoo_key"}}; many2one/many2many {"model": "res.country", '
            '"field": "code"}; constant {"value": ...}; expression {"to_odoo": "...", "to_external": "..."}'
        ),
    )
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.BOTH)
    required = models.BooleanField(default=False, help_text="A POST must carry this key (unless a default is set)")
    default = models.JSONField(null=True, blank=True, help_text="External value used when a POST omits the key")

    class Meta:
        ordering = ["endpoint", "sequence", "id"]
        verbose_name = "mapping line"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint"],
                condition=Q(is_identifier=True, parent__isnull=True),
                name="%(app_label)s_%(class)s_one_identifier",
                violation_error_message="This endpoint already has a record identifier line.",
            ),
            models.UniqueConstraint(
                fields=["endpoint", "external_key"],
                condition=Q(parent__isnull=True),
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message="Another line of this endpoint already uses this external key.",
            ),
            models.UniqueConstraint(
                fields=["parent", "external_key"],
                condition=Q(parent__isnull=False),
                name="%(app_label)s_%(class)s_unique_nested_key",
                violation_error_message="Another nested line of this parent already uses this external key.",
            ),
            models.UniqueConstraint(
                fields=["outbound", "external_key"],
                condition=Q(parent__isnull=True),
                name="%(app_label)s_%(class)s_unique_outbound_key",
                violation_error_message="Another line of this outbound configuration already uses this external key.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(endpoint__isnull=False, outbound__isnull=True) | Q(endpoint__isnull=True, outbound__isnull=False)
                ),
                name="%(app_label)s_%(class)s_one_owner",
                violation_error_message="A line belongs to either an endpoint or an outbound configuration.",
            ),
            models.CheckConstraint(
                condition=Q(is_identifier=False) | Q(parent__isnull=True),
                name="%(app_label)s_%(class)s_identifier_top_level",
                violation_error_message="A nested line cannot be the record identifier.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_key} ⇄ {self.odoo_field} ({self.value_type})"

    def clean(self) -> None:
        """Mirror the constraints and check the options of the value type (expressions compiled)."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.external_key and not _EXTERNAL_KEY.match(self.external_key):
            add("external_key", "Use letters, digits, _ and -, starting with a letter or _.")
        elif "__" in (self.external_key or ""):
            add("external_key", "'__' is kept for filter suffixes such as key__in.")
        elif self.parent_id is None and self.external_key in RESERVED_KEYS:
            add("external_key", f"'{self.external_key}' is a reserved query parameter.")
        if self.odoo_field and not is_field_name(self.odoo_field):
            add("odoo_field", "An Odoo field name: letters, digits and _.")
        if not isinstance(self.options, dict):
            add("options", "Options must be a JSON object.")
        elif self.value_type in REGISTRY:
            for problem in REGISTRY[self.value_type].check_options(self.options, self.direction):
                add("options", problem)
        if self.endpoint_id is not None and self.outbound_id is not None:
            # (neither yet: a line of an owner being created, which the admin formset saves with it)
            add("endpoint", "A line belongs to either an endpoint or an outbound configuration.")
        self._clean_structure(add)
        self._clean_uniqueness(add)
        if errors:
            raise ValidationError(errors)

    def _clean_structure(self, add) -> None:
        if self.parent_id is not None:
            parent = self.parent
            if parent.value_type != ValueType.ONE2MANY:
                add("parent", "The parent must be a one2many line.")
            owned = self.endpoint_id is not None or self.outbound_id is not None
            if owned and (parent.endpoint_id, parent.outbound_id) != (self.endpoint_id, self.outbound_id):
                add("parent", "The parent belongs to another endpoint.")
            if self.pk is not None and self._is_ancestor_of(parent):
                add("parent", "A line cannot be nested under itself.")
            if self.is_identifier:
                add("is_identifier", "A nested line cannot be the record identifier.")
        if self.is_identifier:
            kind = REGISTRY.get(self.value_type)
            if kind is None or kind.filter is None or self.value_type == ValueType.MANY2MANY:
                add("value_type", "The record identifier must be a plain, date, selection or many2one line.")
        if self.required and self.direction == Direction.OUT:
            add("required", "Only lines that read the request (in, both) can be required.")
        if self.value_type == ValueType.ONE2MANY and self.odoo_type not in (OdooType.UNSET, OdooType.ONE2MANY):
            add("odoo_type", "A one2many line maps a one2many field.")

    def _is_ancestor_of(self, line) -> bool:
        seen = set()
        while line is not None and line.pk not in seen:
            if line.pk == self.pk:
                return True
            seen.add(line.pk)
            line = line.parent
        return False

    def _clean_uniqueness(self, add) -> None:
        if self.endpoint_id is None and self.outbound_id is None:
            return  # a line of an owner being created: the admin formset checks its lines together
        # One query for both rules: an endpoint's form saves each of its lines through here.
        top_identifier = self.is_identifier and self.parent_id is None
        clashes = Q()
        if top_identifier:
            clashes |= Q(is_identifier=True, parent__isnull=True)
        if self.external_key:
            clashes |= Q(parent_id=self.parent_id, external_key=self.external_key)
        if not clashes:
            return
        owner = {"endpoint_id": self.endpoint_id} if self.endpoint_id else {"outbound_id": self.outbound_id}
        siblings = MappingLine.objects.filter(**owner).exclude(pk=self.pk).filter(clashes)
        rows = list(siblings.values_list("is_identifier", "parent_id", "external_key"))
        if top_identifier and any(is_identifier and parent is None for is_identifier, parent, _ in rows):
            add("is_identifier", "This endpoint already has a record identifier line.")
        if self.external_key and any((parent, key) == (self.parent_id, self.external_key) for _, parent, key in rows):
            add("external_key", "Another line at this level already uses this external key.")
