"""Pieces the endpoint admin reuses for mapping lines: the inline formset and the fields_get check."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from hub.odoo.exceptions import OdooError, OdooRequestError
from mappings import odoo_fields
from mappings.choices import OdooType, ValueType
from mappings.models import MappingLine

logger = logging.getLogger(__name__)

# The Odoo field type each relational value type maps.
EXPECTED_TYPES = {
    ValueType.MANY2ONE: {"many2one"},
    ValueType.MANY2MANY: {"many2many"},
    ValueType.ONE2MANY: {"one2many"},
    ValueType.DATE: {"date"},
    ValueType.DATETIME: {"datetime"},
}


class MappingLineFormSet(BaseInlineFormSet):
    """The admin inline's formset: exactly one top-level line is the record identifier."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        identifiers = 0
        keys: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if data.get("parent") is not None:
                continue
            if data.get("is_identifier"):
                identifiers += 1
            key = data.get("external_key")
            if key in keys:
                raise ValidationError(f"Two top-level lines use the external key {key!r}.")
            keys.add(key)
        if identifiers != 1:
            raise ValidationError(f"Exactly one mapping line must be the record identifier (found {identifiers}).")
        self._check_against_odoo()

    # Set by clean() when Odoo could not be asked: the admin then saves the endpoint inactive.
    odoo_unreachable: str | None = None

    def _check_against_odoo(self) -> None:
        """Refuse lines that cannot work when Odoo answers; note that it did not, when it does not."""
        endpoint = self.instance
        if not endpoint.odoo_model or endpoint.connection_id is None:
            return
        forms = [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
        try:
            check = check_lines(endpoint.connection, endpoint.odoo_model, [f.instance for f in forms])
        except OdooError as exc:
            check = FieldsCheck(answered=False, warnings=[f"Odoo did not answer: {exc.message}"])
        if check.unknown_model:
            raise ValidationError(check.unknown_model)
        if not check.answered:
            self.odoo_unreachable = " ".join(check.warnings)
            return
        by_line = {id(f.instance): f for f in forms}
        for line, problem in check.problems:
            by_line[id(line)].add_error("odoo_field", problem)
        if check.problems:
            raise ValidationError("Some mapping lines do not fit the Odoo model: see the lines marked below.")


@dataclass
class FieldsCheck:
    """What Odoo's fields_get says of a set of lines: problems, warnings, and the types it found."""

    problems: list[tuple[MappingLine, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    types: dict[int, str] = field(default_factory=dict)  # line pk -> Odoo field type
    answered: bool = True
    unknown_model: str | None = None  # Odoo answered that the endpoint's model does not exist


def check_lines(connection, model: str, lines: Iterable[MappingLine]) -> FieldsCheck:
    """Check field names, relations and lookup fields against Odoo (one fresh fields_get per model involved)."""
    result = FieldsCheck()
    client = connection.client()
    lines = list(lines)
    by_pk = {line.pk: line for line in lines if line.pk is not None}
    cache: dict[str, dict] = {}

    def fields_of(name: str) -> dict | None:
        if name not in cache:
            try:
                cache[name] = odoo_fields.fields_of(connection, client, name, fresh=True)
            except OdooRequestError:
                if name == model:
                    result.unknown_model = f"Odoo has no model {name!r}."
                else:
                    result.problems.extend(
                        (line, f"Odoo has no model {name!r}.") for line in lines if _names(line, name)
                    )
                cache[name] = None
            except OdooError as exc:
                result.answered = False
                result.warnings.append(f"Could not check fields of {name} against Odoo: {exc.message}")
                cache[name] = None
        return cache[name]

    def model_of(line: MappingLine) -> str | None:
        if line.parent_id is None:
            return model
        parent = by_pk.get(line.parent_id) or line.parent
        parent_model = model_of(parent)
        parent_fields = fields_of(parent_model) if parent_model else None
        if not parent_fields or parent.odoo_field not in parent_fields:
            return None
        return parent_fields[parent.odoo_field].get("relation") or None

    for line in lines:
        line_model = model_of(line)
        fields = fields_of(line_model) if line_model else None
        if fields is None:
            continue
        description = fields.get(line.odoo_field)
        if description is None:
            result.problems.append((line, f"{line_model} has no field {line.odoo_field!r}."))
            continue
        odoo_type = description.get("type", "")
        if line.pk is not None:
            result.types[line.pk] = odoo_type
        expected = EXPECTED_TYPES.get(line.value_type)
        if expected and odoo_type not in expected:
            result.problems.append(
                (line, f"{line_model}.{line.odoo_field} is a {odoo_type} field, not {' or '.join(sorted(expected))}.")
            )
        if line.odoo_type and line.value_type == ValueType.PLAIN and line.odoo_type != odoo_type:
            result.problems.append(
                (line, f"{line_model}.{line.odoo_field} is a {odoo_type} field, the line says {line.odoo_type}.")
            )
        if line.value_type in (ValueType.MANY2ONE, ValueType.MANY2MANY) and isinstance(line.options, dict):
            _check_lookup(line, description, fields_of, result)
    return result


def _names(line: MappingLine, model: str) -> bool:
    return isinstance(line.options, dict) and line.options.get("model") == model


def _check_lookup(line: MappingLine, description: dict, fields_of, result: FieldsCheck) -> None:
    lookup_model, lookup_field = line.options.get("model"), line.options.get("field")
    relation = description.get("relation")
    if relation and lookup_model and relation != lookup_model:
        result.problems.append((line, f"{line.odoo_field} points to {relation}, the lookup searches {lookup_model}."))
        return
    lookup_fields = fields_of(lookup_model) if lookup_model else None
    if lookup_fields is not None and lookup_field not in lookup_fields and lookup_field != "id":
        result.problems.append((line, f"{lookup_model} has no field {lookup_field!r} to look records up by."))


def check_field_names(endpoint, lines: Iterable[MappingLine]) -> list[str]:
    """Messages for the admin after a save: unknown fields, wrong types, or why Odoo could not tell.

    Lines whose Odoo field type is empty get it from fields_get (saved, so plain values are coerced).
    """
    lines = list(lines)
    try:
        check = check_lines(endpoint.connection, endpoint.odoo_model, lines)
    except OdooError as exc:
        return [f"Could not check the mapping lines against Odoo: {exc.message}"]
    messages = list(check.warnings)
    messages.extend(f"Mapping line {line.external_key!r}: {problem}" for line, problem in check.problems)
    filled = []
    for line in lines:
        found = check.types.get(line.pk)
        if not line.odoo_type and found in OdooType.values and line.value_type != ValueType.CONSTANT:
            line.odoo_type = found
            line.save(update_fields=["odoo_type"])
            filled.append(f"{line.external_key} ({found})")
    if filled:
        messages.append(f"Odoo field types filled in from Odoo: {', '.join(filled)}.")
    return messages
