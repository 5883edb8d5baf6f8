"""Fixtures of the request log tests."""

import pytest
from django.contrib.auth.models import Group, User

from logs.groups import INTEGRATION_ADMINS, SUPPORT


@pytest.fixture
def log_urls(settings):
    """Serve the hub plus the test views of tests/logs/urls.py."""
    settings.ROOT_URLCONF = "tests.logs.urls"
    return settings


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "pw-root-123")


@pytest.fixture
def support_user(db):
    user = User.objects.create_user("sam", "sam@example.com", "pw-sam-123", is_staff=True)
    user.groups.add(Group.objects.get(name=SUPPORT))
    return user


@pytest.fixture
def integration_admin(db):
    user = User.objects.create_user("ida", "ida@example.com", "pw-ida-123", is_staff=True)
    user.groups.add(Group.objects.get(name=INTEGRATION_ADMINS))
    return user


@pytest.fixture
def connection_row(db):
    from hub.models import OdooConnection

    return OdooConnection.objects.create(name="main", url="http://127.0.0.1:1", database="odoo18", login="admin")


@pytest.fixture
def make_endpoint(connection_row):
    from endpoints.models import Endpoint

    def make(slug="partners", log_mode="all"):
        return Endpoint.objects.create(
            name=slug.title(),
            connection=connection_row,
            odoo_model="res.partner",
            slug=slug,
            allowed_methods=["GET", "POST"],
            auth="none",
            log_mode=log_mode,
        )

    return make
