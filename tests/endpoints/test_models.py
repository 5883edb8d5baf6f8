"""Endpoint configuration rules, the Basic password and bearer tokens (no Odoo needed)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from endpoints.models import Endpoint, EndpointToken
from hub.auth import passwords
from hub.auth import secrets as tokens
from hub.models import OdooConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection():
    return OdooConnection.objects.create(name="erp", url="http://odoo.example", database="db", login="admin")


def make(connection, **fields) -> Endpoint:
    values = {
        "name": "Customers",
        "connection": connection,
        "odoo_model": "res.partner",
        "slug": "customers",
        "allowed_methods": ["GET"],
        "auth": Endpoint.Auth.NONE,
    }
    values.update(fields)
    return Endpoint(**values)


def test_a_valid_endpoint_cleans(connection):
    make(
        connection, domain="[('customer_rank', '>', 0), '|', ('active', '=', True), ('active', '=', False)]"
    ).full_clean()


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("[('name', 'regexp', 'x')]", "operator"),
        ("[('name', '=', __import__('os'))]", "literals"),
        ("['|', ('name', '=', 'a')]", ""),
        ("not a list", ""),
    ],
)
def test_a_bad_domain_is_refused_on_the_domain_field(connection, domain, message):
    with pytest.raises(ValidationError) as caught:
        make(connection, domain=domain).full_clean()
    assert list(caught.value.message_dict) == ["domain"]
    assert message in caught.value.message_dict["domain"][0]


def test_unknown_method_is_refused(connection):
    with pytest.raises(ValidationError) as caught:
        make(connection, allowed_methods=["GET", "PATCH"]).full_clean()
    assert caught.value.message_dict == {"allowed_methods": ["Unknown methods: PATCH"]}


def test_inbound_slug_is_unique_in_clean_and_in_the_database(connection):
    make(connection).save()
    with pytest.raises(ValidationError) as caught:
        make(connection, name="Other").full_clean()
    assert caught.value.message_dict["slug"] == ["Another inbound endpoint already uses this identifier."]
    with pytest.raises(IntegrityError), transaction.atomic():
        make(connection, name="Other").save()


def test_basic_auth_needs_a_user_name_in_clean_and_in_the_database(connection):
    with pytest.raises(ValidationError) as caught:
        make(connection, auth=Endpoint.Auth.BASIC).full_clean()
    assert caught.value.message_dict["basic_username"] == ["Basic authentication needs a user name."]
    with pytest.raises(IntegrityError), transaction.atomic():
        make(connection, auth=Endpoint.Auth.BASIC).save()


def test_basic_user_name_cannot_hold_a_colon(connection):
    with pytest.raises(ValidationError) as caught:
        make(connection, auth=Endpoint.Auth.BASIC, basic_username="a:b").full_clean()
    assert caught.value.message_dict["basic_username"] == ["A Basic user name cannot contain ':'."]


def test_page_size_is_bounded(connection):
    with pytest.raises(ValidationError) as caught:
        make(connection, page_size=1001).full_clean()
    assert "page_size" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        make(connection, page_size=0).save()


def test_basic_password_is_stored_through_django_hashers(connection, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # production's
    endpoint = make(connection, auth=Endpoint.Auth.BASIC, basic_username="shop")
    endpoint.set_basic_password("s3cret-pass")
    endpoint.save()
    assert endpoint.basic_password_hash.startswith("pbkdf2_sha256$")
    assert "s3cret-pass" not in endpoint.basic_password_hash
    assert endpoint.check_basic_password("s3cret-pass")
    assert endpoint.check_basic_password("s3cret-pass")  # remembered: same answer
    assert not endpoint.check_basic_password("wrong")
    assert not endpoint.check_basic_password("")


def test_changing_the_password_forgets_the_remembered_one(connection):
    endpoint = make(connection, auth=Endpoint.Auth.BASIC, basic_username="shop")
    endpoint.set_basic_password("first-pass")
    endpoint.save()
    assert endpoint.check_basic_password("first-pass")
    endpoint.set_basic_password("second-pass")
    assert not endpoint.check_basic_password("first-pass")
    assert endpoint.check_basic_password("second-pass")
    remembered = passwords._verified[("endpoint", endpoint.pk)]
    assert "second-pass" not in repr(remembered)


def test_no_password_set_never_matches(connection):
    endpoint = make(connection, auth=Endpoint.Auth.BASIC, basic_username="shop")
    endpoint.save()
    assert not endpoint.check_basic_password("")


def test_token_is_random_shown_once_and_stored_as_digest(connection):
    endpoint = make(connection, auth=Endpoint.Auth.BEARER)
    endpoint.save()
    token = EndpointToken(endpoint=endpoint, name="webshop")
    secret = token.issue()
    token.save()
    other = EndpointToken(endpoint=endpoint, name="erp")
    assert other.issue() != secret
    stored = EndpointToken.objects.get(pk=token.pk)
    assert secret.startswith("hubt_")
    assert len(secret) > 40
    assert stored.digest == tokens.digest(secret)
    assert secret not in stored.digest
    assert stored.prefix == tokens.lookup_prefix(secret)
    assert EndpointToken.find(endpoint.pk, secret) == token


def test_token_find_refuses_wrong_revoked_expired_and_other_endpoints_tokens(connection):
    endpoint = make(connection, auth=Endpoint.Auth.BEARER)
    endpoint.save()
    other_endpoint = make(connection, slug="products", auth=Endpoint.Auth.BEARER)
    other_endpoint.save()
    token = EndpointToken(endpoint=endpoint, name="webshop")
    secret = token.issue()
    token.save()
    assert EndpointToken.find(endpoint.pk, secret + "x") is None
    assert EndpointToken.find(endpoint.pk, secret[:-1]) is None
    assert EndpointToken.find(other_endpoint.pk, secret) is None
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert EndpointToken.find(endpoint.pk, secret) is None
    token.expires_at = timezone.now() + timedelta(days=1)
    token.save()
    assert EndpointToken.find(endpoint.pk, secret) == token
    token.revoke()
    assert token.revoked_at is not None
    assert not token.is_usable
    assert EndpointToken.find(endpoint.pk, secret) is None


def test_token_names_are_unique_per_endpoint(connection):
    endpoint = make(connection)
    endpoint.save()
    first = EndpointToken(endpoint=endpoint, name="webshop")
    first.issue()
    first.save()
    second = EndpointToken(endpoint=endpoint, name="webshop")
    second.issue()
    with pytest.raises(ValidationError) as caught:
        second.full_clean()
    assert "name" in caught.value.message_dict or "__all__" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_touch_writes_last_used_at_most_once_a_minute(connection, django_assert_num_queries):
    endpoint = make(connection)
    endpoint.save()
    token = EndpointToken(endpoint=endpoint, name="webshop")
    token.issue()
    token.save()
    with django_assert_num_queries(1):
        token.touch()
    first = token.last_used_at
    with django_assert_num_queries(0):
        token.touch()
    assert token.last_used_at == first
    token.last_used_at = timezone.now() - timedelta(minutes=2)
    with django_assert_num_queries(1):
        token.touch()
    assert EndpointToken.objects.get(pk=token.pk).last_used_at == token.last_used_at


@pytest.mark.parametrize("model", ["res partner", "Res.Partner", "res.partner;", ".partner", "res..partner"])
def test_odoo_model_name_is_checked(connection, model):
    with pytest.raises(ValidationError) as caught:
        make(connection, odoo_model=model).full_clean()
    assert caught.value.message_dict == {"odoo_model": ["An Odoo model name, e.g. res.partner or x_custom.thing."]}


@pytest.mark.parametrize("model", ["res.partner", "sale.order.line", "x_vehicle", "x_custom.thing_2"])
def test_odoo_model_names_odoo_uses_are_accepted(connection, model):
    make(connection, odoo_model=model).full_clean()
