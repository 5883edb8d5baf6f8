"""Fixtures of the hub tests."""

from tests.fixtures.hung_odoo import hung_odoo  # noqa: F401 - fixture
