"""Pieces the admin reuses for mapping lines: the inline, its formset, the fields_get check, the options form."""

import copy
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse_lazy
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from hub.odoo.exceptions import OdooError, OdooRequestError
from mappings import odoo_fields
from mappings.choices import OdooType, ValueType
from mappings.models import MappingLine
from mappings.values import REGISTRY, Option

logger = logging.getLogger(__name__)

# The admin's pickers: boxes marked so offer Odoo's models or fields as one types. The script asks
# the endpoint admin's picker views (endpoints/admin_pickers.py), for endpoint and outbound pages.
MODEL_PICKER = {"data-picker": "models", "autocomplete": "off"}
FIELD_PICKER = {"data-picker": "fields", "autocomplete": "off"}
PICKERS_SCRIPT = forms.Script(
    "endpoints/mapping_lines.js",
    defer=True,
    **{
        "data-models-url": reverse_lazy("admin:endpoints_pick_models"),
        "data-fields-url": reverse_lazy("admin:endpoints_pick_fields"),
    },
)

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


# -- options as labelled fields ------------------------------------------------------------------


def option_input_name(name: str, value_type: str, option: Option) -> str:
    """The form key of one option: ``lines-0-options`` -> ``lines-0-options-date-format``."""
    return f"{name}-{value_type}-{option.name}"


class PostedOptions(dict):
    """The texts an admin typed for the options of one value type (what a bound form shows back)."""

    def __init__(self, value_type: str, texts: dict[str, str]) -> None:
        super().__init__(texts)
        self.value_type = value_type


def option_text(option: Option, value) -> str:
    """A stored option value as its box shows it: empty when unset, never ``null``."""
    if value is None:
        return "null" if option.kind == "json" else ""
    if option.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if option.kind == "pairs":
        return "\n".join(f"{key} = {odoo}" for key, odoo in sorted(value.items())) if isinstance(value, dict) else ""
    return str(value)


def parse_option(option: Option, text: str):
    """The value stored for a typed text; ValueError with the reason when it is not one."""
    if option.kind == "json":
        try:
            return json.loads(text)
        except ValueError:
            raise ValueError(f'{option.label}: not a JSON value (text goes in quotes: "web").') from None
    if option.kind == "pairs":
        pairs = {}
        for number, row in enumerate(text.splitlines(), 1):
            if not row.strip():
                continue
            external, equals, odoo = row.partition("=")
            if not equals or not external.strip() or not odoo.strip():
                raise ValueError(f"{option.label}, line {number}: write external value = Odoo key.")
            pairs[external.strip()] = odoo.strip()
        return pairs
    return text.strip()  # text, choice, expression, model, field


class OptionsWidget(forms.Widget):
    """Every value type's options as labelled boxes, one group per type; the page shows the chosen type's."""

    def __init__(self, attrs=None, value_type: str = ValueType.PLAIN) -> None:
        super().__init__(attrs)
        self.value_type = value_type  # whose group a stored (unbound) value fills
        self.sends_only = False  # the lines only send (outbound): options that only writes use are left out

    def options_of(self, value_type: str) -> tuple[Option, ...]:
        """The options of ``value_type`` offered here."""
        kind = REGISTRY.get(value_type)
        return tuple(o for o in (kind.options if kind else ()) if not (self.sends_only and o.writes))

    def value_from_datadict(self, data, files, name):
        value_type = data.get(name.removesuffix("options") + "value_type", ValueType.PLAIN)
        options = self.options_of(value_type)
        return PostedOptions(
            value_type, {o.name: data.get(option_input_name(name, value_type, o), "") for o in options}
        )

    def value_omitted_from_data(self, data, files, name):
        return False  # an unset option is an absent key: every box left empty is still an answer

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, PostedOptions):
            shown_type, texts = value.value_type, dict(value)
        else:
            shown_type = self.value_type
            stored = value if isinstance(value, dict) else {}
            texts = {o.name: option_text(o, stored[o.name]) for o in self.options_of(shown_type) if o.name in stored}
        wrapper_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        groups = []
        for value_type in REGISTRY:
            boxes = []
            for option in self.options_of(value_type):
                key = option_input_name(name, value_type, option)
                text = texts.get(option.name, "") if value_type == shown_type else ""
                boxes.append(self._box(key, option, text))
            if boxes:
                groups.append(
                    format_html(
                        '<fieldset class="hub-options" data-value-type="{}"{}><legend>{}</legend>{}</fieldset>',
                        value_type,
                        "" if value_type == shown_type else mark_safe(" hidden"),
                        ValueType(value_type).label,
                        format_html_join("", "{}", ((box,) for box in boxes)),
                    )
                )
        none = format_html(
            '<p class="hub-options-none help" data-value-type="none"{}>No options for this value type.</p>',
            "" if not self.options_of(shown_type) else mark_safe(" hidden"),
        )
        return format_html(
            '<div class="hub-options-all" id="{}">{}{}</div>',
            wrapper_id,
            none,
            format_html_join("", "{}", ((group,) for group in groups)),
        )

    def _box(self, key: str, option: Option, text: str) -> str:
        box_id = f"id_{key}"
        if option.kind == "choice":
            choices = [("", "(default)"), *option.choices]
            control = format_html(
                '<select name="{}" id="{}">{}</select>',
                key,
                box_id,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((v, mark_safe(" selected") if v == text else "", label) for v, label in choices),
                ),
            )
        elif option.kind in ("pairs", "expression"):
            control = format_html('<textarea name="{}" id="{}" rows="2" cols="40">{}</textarea>', key, box_id, text)
        else:
            # The page's script turns model and field boxes into pickers (endpoint_admin.js);
            # a lookup field is a field of the model in the box of the same group named by ``of``.
            extra = {"model": MODEL_PICKER, "field": FIELD_PICKER}.get(option.kind, {})
            if option.of:
                extra = {**extra, "data-picker-of": option.of}
            control = format_html(
                '<input type="text" name="{}" id="{}" value="{}" size="{}"{}>',
                key,
                box_id,
                text,
                28 if option.kind == "json" else 20,
                format_html_join("", ' {}="{}"', extra.items()),
            )
        return format_html(
            '<div class="hub-option"><label for="{}">{}</label>{}<div class="help">{}</div></div>',
            box_id,
            option.label,
            control,
            option.help,
        )


class OptionsField(forms.Field):
    """A line's options from their labelled boxes: unset (empty) boxes leave their key out."""

    widget = OptionsWidget

    def to_python(self, value):
        if not isinstance(value, PostedOptions):
            return value if isinstance(value, dict) else {}
        options, problems = {}, []
        for option in self.widget.options_of(value.value_type):
            text = value.get(option.name, "")
            if not text.strip():
                continue
            try:
                options[option.name] = parse_option(option, text)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise ValidationError(problems)
        return options

    def has_changed(self, initial, data):
        if not isinstance(data, PostedOptions):
            return False
        try:
            return (initial or {}) != self.to_python(data)
        except ValidationError:
            return True  # what was typed is not a value yet: changed, and clean() says why


class MappingLineForm(forms.ModelForm):
    """A mapping line whose options are labelled fields of its value type (declared in mappings.values)."""

    options = OptionsField(required=False, label="Options")
    sends_only = False  # True where the lines only build what is sent (outbound)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options"].widget.value_type = self.instance.value_type or ValueType.PLAIN
        self.fields["options"].widget.sends_only = self.sends_only

    def _post_clean(self):
        # Options typed wrong never reach the line: the model's check of its (old) options would only
        # add a second, misleading message ("needs options map" under a map just typed).
        typed_wrong = copy.copy(self._errors.get("options")) if self._errors else None
        super()._post_clean()
        if typed_wrong is not None:
            self._errors["options"] = typed_wrong


# -- the lines inline (endpoint and outbound pages) -----------------------------------------------


def plain_help_text(text):
    """Help text shown as written: the admin renders help texts as HTML, so "/<id>" vanished as a tag."""
    return escape(text) if "<" in str(text) else text


class EmptyWhenUnsetJSONField(forms.JSONField):
    """A JSON box that shows an unset value as empty, not as the literal ``null``."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class MappingLinesInline(admin.StackedInline):
    """Mapping lines of one owner (``fk_name``), stacked so a line fits the screen; nested lines follow
    their parent, and the options of the line's value type are labelled fields (MappingLineForm).

    The endpoint and outbound pages subclass it, naming their owner, formset and rows of fields;
    mapping_lines.js and mapping_lines.css serve both.
    """

    model = MappingLine
    form = MappingLineForm
    extra = 0
    classes = ["hub-lines"]
    formfield_overrides = {
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }

    class Media:
        css = {"all": ["endpoints/mapping_lines.css"]}

    def get_queryset(self, request):
        # Each nested line right after its parent (two levels; deeper ones still follow their root).
        return (
            super()
            .get_queryset(request)
            .annotate(root_sequence=Coalesce("parent__sequence", "sequence"), root_id=Coalesce("parent_id", "id"))
            .order_by("root_sequence", "root_id", F("parent_id").asc(nulls_first=True), "sequence", "id")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "default":
            kwargs["form_class"] = EmptyWhenUnsetJSONField
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return field
        if db_field.name in ("odoo_field", "external_key"):
            field.widget.attrs.update({"class": "", "size": 16})  # not the admin's 20em vTextField
        if db_field.name == "odoo_field":
            field.widget.attrs.update(FIELD_PICKER)
        if db_field.name == "default":
            field.widget.attrs["cols"] = 16
        field.help_text = plain_help_text(field.help_text)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # only this owner's one2many lines can hold nested lines
            owner_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = MappingLine.objects.filter(
                **{f"{self.fk_name}_id": owner_id}, value_type=MappingLine.ValueType.ONE2MANY
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
