"""Fixtures shared by the whole suite; each fixture module lives in tests/fixtures/."""

from tests.fixtures.hub import *  # noqa: F403
from tests.fixtures.odoo import *  # noqa: F403
from tests.fixtures.throttle import *  # noqa: F403
