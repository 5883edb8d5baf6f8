"""Outbound configurations and their mapping lines: constraints, clean(), secrets at rest."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from endpoints.models import Endpoint
from mappings.models import MappingLine
from outbound.models import OutboundConfiguration

pytestmark = pytest.mark.django_db


def test_secrets_are_encrypted_at_rest(make_outbound):
    configuration = make_outbound(secret="s3cret-value")
    stored = OutboundConfiguration.objects.values("secret_encrypted", "receiver_token_encrypted").get()
    assert "s3cret-value" not in stored["secret_encrypted"]
    assert OutboundConfiguration.objects.get().secret == "s3cret-value"
    token = configuration.receiver_token
    assert len(token) >= 40
    assert token not in stored["receiver_token_encrypted"]
    assert configuration.receiver_path == f"/api/outbound/partners/receive?token={token}"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"target_url": ""}, {"target_url": ["A static URL target needs a URL."]}),
        ({"auth": "basic"}, {"auth_username": ["Basic authentication needs a user name."]}),
        ({"auth": "header"}, {"auth_header": ["Custom header authentication needs a header name."]}),
        ({"auth_header": "X Bad"}, {"auth_header": ["A header name: letters, digits and '-'."]}),
        ({"odoo_model": "Res Partner"}, {"odoo_model": ["An Odoo model name, e.g. res.partner or x_custom.thing."]}),
        (
            {"on_create": False, "on_update": False, "on_delete": False},
            {"on_create": ["Choose at least one event to send."]},
        ),
    ],
)
def test_clean_mirrors_the_constraints(odoo_connection, fields, errors):
    values = {
        "name": "c",
        "connection": odoo_connection,
        "odoo_model": "res.partner",
        "target_url": "https://example.com/h",
    }
    configuration = OutboundConfiguration(**{**values, **fields})
    with pytest.raises(ValidationError) as caught:
        configuration.clean()
    assert caught.value.message_dict == errors


@pytest.mark.parametrize(
    "fields",
    [
        {"target_url": ""},
        {"auth": "basic"},
        {"auth": "header"},
        {"on_create": False, "on_update": False, "on_delete": False},
    ],
)
def test_the_database_refuses_what_clean_refuses(odoo_connection, fields):
    values = {"name": "c", "connection": odoo_connection, "odoo_model": "res.partner", "target_url": "https://e.com/h"}
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundConfiguration(**{**values, **fields}).save()


def test_a_bad_domain_is_refused(odoo_connection):
    configuration = OutboundConfiguration(
        name="c", connection=odoo_connection, odoo_model="res.partner", domain="[('a',", target_url="https://e.com"
    )
    with pytest.raises(ValidationError) as caught:
        configuration.clean()
    assert list(caught.value.message_dict) == ["domain"]


@pytest.fixture
def endpoint(odoo_connection):
    return Endpoint.objects.create(name="E", slug="e", connection=odoo_connection, odoo_model="res.partner")


def test_a_mapping_line_has_exactly_one_owner(make_outbound, endpoint):
    configuration = make_outbound(lines=[])
    both = MappingLine(outbound=configuration, endpoint=endpoint, odoo_field="name", external_key="name")
    with pytest.raises(ValidationError) as caught:
        both.clean()
    assert caught.value.message_dict["endpoint"] == [
        "A line belongs to either an endpoint or an outbound configuration."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        both.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MappingLine.objects.create(odoo_field="name", external_key="name")


def test_outbound_lines_have_unique_keys_of_their_own(make_outbound, endpoint):
    configuration = make_outbound(lines=[{"odoo_field": "name", "external_key": "name"}])
    MappingLine.objects.create(endpoint=endpoint, odoo_field="name", external_key="name")  # another owner: fine
    twin = MappingLine(outbound=configuration, odoo_field="email", external_key="name")
    with pytest.raises(ValidationError) as caught:
        twin.clean()
    assert caught.value.message_dict["external_key"] == ["Another line at this level already uses this external key."]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
