"""Mapping lines in the database: constraints mirrored in clean(), the admin formset, the engine from rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import inlineformset_factory

from endpoints.models import Endpoint
from hub.models import OdooConnection
from mappings.admin_support import MappingLineFormSet
from mappings.engine import EndpointMapping
from mappings.models import MappingLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    connection = OdooConnection(name="odoo", url="http://127.0.0.1:9", database="odoo18", login="admin")
    connection.secret = "admin"
    connection.save()
    return Endpoint.objects.create(
        name="Customers", connection=connection, odoo_model="res.partner", slug="customers", allowed_methods=["GET"]
    )


def make(endpoint, external_key, odoo_field=None, **fields) -> MappingLine:
    return MappingLine.objects.create(
        endpoint=endpoint, external_key=external_key, odoo_field=odoo_field or external_key, **fields
    )


def errors_of(line: MappingLine) -> dict:
    with pytest.raises(ValidationError) as caught:
        line.full_clean()
    return caught.value.message_dict


def integrity_error(**fields) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        MappingLine.objects.create(**fields)
    return str(caught.value)


# -- one identifier ------------------------------------------------------------------------------


def test_a_second_identifier_is_refused_by_clean_and_database(endpoint):
    make(endpoint, "customer_id", "ref", is_identifier=True)
    second = MappingLine(endpoint=endpoint, external_key="email", odoo_field="email", is_identifier=True)
    assert errors_of(second) == {"is_identifier": ["This endpoint already has a record identifier line."]}
    integrity_error(endpoint=endpoint, external_key="email", odoo_field="email", is_identifier=True)


def test_the_identifier_line_may_be_saved_again(endpoint):
    line = make(endpoint, "customer_id", "ref", is_identifier=True)
    line.full_clean()


def test_a_nested_line_cannot_be_the_identifier(endpoint):
    parent = make(endpoint, "contacts", "child_ids", value_type="one2many")
    nested = MappingLine(endpoint=endpoint, parent=parent, external_key="name", odoo_field="name", is_identifier=True)
    assert errors_of(nested) == {"is_identifier": ["A nested line cannot be the record identifier."]}
    integrity_error(endpoint=endpoint, parent=parent, external_key="name", odoo_field="name", is_identifier=True)


def test_the_identifier_must_be_filterable(endpoint):
    line = MappingLine(
        endpoint=endpoint,
        external_key="x",
        odoo_field="name",
        is_identifier=True,
        value_type="expression",
        options={"to_odoo": "value", "to_external": "value"},
    )
    assert errors_of(line) == {
        "value_type": ["The record identifier must be a plain, date, selection or many2one line."]
    }


# -- unique keys -----------------------------------------------------------------------------------


def test_external_keys_are_unique_per_level(endpoint):
    parent = make(endpoint, "contacts", "child_ids", value_type="one2many")
    make(endpoint, "name")
    make(endpoint, "name", parent=parent)  # the same key one level down is another key
    assert errors_of(MappingLine(endpoint=endpoint, external_key="name", odoo_field="display_name")) == {
        "external_key": ["Another line at this level already uses this external key."]
    }
    assert errors_of(MappingLine(endpoint=endpoint, parent=parent, external_key="name", odoo_field="x")) == {
        "external_key": ["Another line at this level already uses this external key."]
    }
    integrity_error(endpoint=endpoint, external_key="name", odoo_field="display_name")
    integrity_error(endpoint=endpoint, parent=parent, external_key="name", odoo_field="x")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("limit", "'limit' is a reserved query parameter."),
        ("a__b", "'__' is kept for filter suffixes such as key__in."),
        ("a b", "Use letters, digits, _ and -, starting with a letter or _."),
        ("1st", "Use letters, digits, _ and -, starting with a letter or _."),
    ],
)
def test_external_keys_must_work_as_query_parameters(endpoint, key, message):
    assert errors_of(MappingLine(endpoint=endpoint, external_key=key, odoo_field="name")) == {"external_key": [message]}


def test_odoo_field_names_are_identifiers(endpoint):
    assert errors_of(MappingLine(endpoint=endpoint, external_key="a", odoo_field="name; drop")) == {
        "odoo_field": ["An Odoo field name: letters, digits and _."]
    }


# -- options and structure -----------------------------------------------------------------------------


def test_options_are_checked_per_value_type(endpoint):
    line = MappingLine(endpoint=endpoint, external_key="state", odoo_field="state", value_type="selection")
    assert errors_of(line) == {"options": ['A selection needs options {"map": {"external value": "odoo key", ...}}.']}
    line.options = ["not", "an", "object"]
    assert errors_of(line) == {"options": ["Options must be a JSON object."]}


def test_expressions_are_compiled_when_the_line_is_saved(endpoint):
    line = MappingLine(
        endpoint=endpoint,
        external_key="name",
        odoo_field="name",
        value_type="expression",
        direction="in",
        options={"to_odoo": "value.__class__"},
    )
    assert errors_of(line)["options"][0].startswith("to_odoo: Attribute '__class__' is not allowed;")
    line.options = {"to_odoo": "upper(value)"}
    line.full_clean()


def test_a_parent_must_be_a_one2many_line_of_the_same_endpoint(endpoint):
    plain = make(endpoint, "name")
    other = Endpoint.objects.create(
        name="Other", connection=endpoint.connection, odoo_model="res.partner", slug="other", allowed_methods=["GET"]
    )
    line = MappingLine(endpoint=other, parent=plain, external_key="x", odoo_field="x")
    assert errors_of(line) == {
        "parent": ["The parent must be a one2many line.", "The parent belongs to another endpoint."]
    }


def test_a_line_cannot_be_its_own_ancestor(endpoint):
    top = make(endpoint, "lines", "order_line", value_type="one2many")
    child = make(endpoint, "sub", "sub_ids", value_type="one2many", parent=top)
    top.parent = child
    assert errors_of(top) == {"parent": ["A line cannot be nested under itself."]}


def test_only_inbound_lines_can_be_required(endpoint):
    line = MappingLine(endpoint=endpoint, external_key="x", odoo_field="x", direction="out", required=True)
    assert errors_of(line) == {"required": ["Only lines that read the request (in, both) can be required."]}


def test_lines_belong_to_their_endpoint_and_parent(endpoint):
    parent = make(endpoint, "contacts", "child_ids", value_type="one2many")
    make(endpoint, "name", parent=parent)
    make(endpoint, "ref")
    parent.delete()
    assert list(MappingLine.objects.values_list("external_key", flat=True)) == ["ref"]
    endpoint.delete()
    assert MappingLine.objects.count() == 0


def test_str():
    line = MappingLine(external_key="country", odoo_field="country_id", value_type="many2one")
    assert str(line) == "country ⇄ country_id (many2one)"


# -- the engine from rows ------------------------------------------------------------------------------


def test_engine_builds_nested_lines_from_rows_without_queries(endpoint, django_assert_num_queries):
    parent = make(endpoint, "contacts", "child_ids", value_type="one2many", sequence=30)
    make(endpoint, "email", parent=parent, sequence=2)
    make(endpoint, "name", parent=parent, sequence=1, required=True)
    make(endpoint, "customer_id", "ref", is_identifier=True, sequence=10)
    make(endpoint, "greeting", "comment", value_type="expression", direction="out", options={"to_external": "'hi'"})
    rows = list(MappingLine.objects.filter(endpoint=endpoint))
    with django_assert_num_queries(0):
        mapping = EndpointMapping(rows)
    assert [line.external_key for line in mapping.lines] == ["customer_id", "greeting", "contacts"]
    assert [line.external_key for line in mapping.lines[2].children] == ["name", "email"]
    assert mapping.identifier.external_key == "customer_id"
    assert mapping.to_odoo([{"customer_id": "C", "contacts": [{"name": "a"}]}], None) == [
        {"ref": "C", "child_ids": [(0, 0, {"name": "a"})]}
    ]
    assert mapping.to_external({"ref": "C", "comment": False, "child_ids": [1]}) == {
        "greeting": "hi",
        "customer_id": "C",
        "contacts": [1],
    }


# -- the admin formset ----------------------------------------------------------------------------------

LineFormSet = inlineformset_factory(
    Endpoint,
    MappingLine,
    formset=MappingLineFormSet,
    fields=["sequence", "odoo_field", "external_key", "is_identifier", "value_type", "direction", "parent"],
    extra=0,
)


def formset_data(*rows) -> dict:
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, (key, identifier) in enumerate(rows):
        data.update(
            {
                f"lines-{index}-sequence": "10",
                f"lines-{index}-odoo_field": key,
                f"lines-{index}-external_key": key,
                f"lines-{index}-value_type": "plain",
                f"lines-{index}-direction": "both",
            }
        )
        if identifier:
            data[f"lines-{index}-is_identifier"] = "on"
    return data


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        ([("ref", True), ("name", False)], []),
        ([("ref", False), ("name", False)], ["Exactly one mapping line must be the record identifier (found 0)."]),
        ([("ref", True), ("name", True)], ["Exactly one mapping line must be the record identifier (found 2)."]),
        ([], ["Exactly one mapping line must be the record identifier (found 0)."]),
        ([("ref", True), ("ref", False)], ["Two top-level lines use the external key 'ref'."]),
    ],
)
def test_the_admin_formset_wants_exactly_one_identifier(endpoint, rows, errors):
    formset = LineFormSet(formset_data(*rows), instance=endpoint, prefix="lines")
    assert formset.is_valid() is (not errors)
    assert formset.non_form_errors() == errors


def test_the_admin_formset_ignores_deleted_lines(endpoint):
    line = make(endpoint, "ref", is_identifier=True)
    data = formset_data(("ref", True), ("code", False), ("name", False))
    data.update({"lines-INITIAL_FORMS": "1", "lines-0-id": str(line.pk), "lines-0-DELETE": "on"})
    formset = LineFormSet(data, instance=endpoint, prefix="lines")
    assert formset.is_valid() is False
    assert formset.non_form_errors() == ["Exactly one mapping line must be the record identifier (found 0)."]


def test_moving_the_identifier_to_another_line_takes_two_saves(endpoint):
    """Each line is validated against the stored rows (as the database constraint is): untick, save, tick."""
    line = make(endpoint, "ref", is_identifier=True)
    data = formset_data(("ref", False), ("code", True))
    data.update({"lines-INITIAL_FORMS": "1", "lines-0-id": str(line.pk)})
    formset = LineFormSet(data, instance=endpoint, prefix="lines")
    assert formset.is_valid() is False
    assert formset.errors == [{}, {"is_identifier": ["This endpoint already has a record identifier line."]}]
