"""Fixtures of the outbound tests: eager Celery, loopback allowed, configurations, a local receiver."""

import pytest

from hub.celery import app as celery_app
from mappings.models import MappingLine
from outbound.models import OutboundConfiguration
from tests.fixtures.receiver import receiver  # noqa: F401 - fixture

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in the test's own process when sent (the end-to-end test starts a real worker)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def allow_loopback(settings):
    """Deliveries may go to 127.0.0.1, where the test receivers listen."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


PARTNER_LINES = [
    {"odoo_field": "name", "external_key": "name"},
    {"odoo_field": "email", "external_key": "email"},
    {"odoo_field": "phone", "external_key": "phone"},
]


@pytest.fixture
def make_outbound(db, odoo_connection):
    """Factory: ``make_outbound(lines=PARTNER_LINES, **fields)`` saves a configuration on res.partner
    limited to partners whose name starts with 'Outbound', signed with SECRET."""

    def make(lines=None, secret=SECRET, **fields):
        values = {
            "name": "partners",
            "connection": odoo_connection,
            "odoo_model": "res.partner",
            "domain": "[('name', '=like', 'Outbound%')]",
            "target_url": "http://127.0.0.1:9/never",
            "backoff_base": 10,
            "backoff_max": 3600,
            **fields,
        }
        configuration = OutboundConfiguration(**values)
        configuration.secret = secret
        # clean() runs; the database enforces the constraints on save (see tests/endpoints/support.py).
        configuration.full_clean(validate_constraints=False)
        configuration.save()
        for sequence, line in enumerate(PARTNER_LINES if lines is None else lines):
            MappingLine.objects.create(outbound=configuration, sequence=sequence, **line)
        return configuration

    return make
