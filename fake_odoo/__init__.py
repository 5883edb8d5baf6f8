"""An Odoo stand-in for tests, the demo and benchmarks: Odoo's RPC protocols and semantics, in memory.

Development tooling only: no product app imports it (an import-linter contract says so).
"""

from fake_odoo.stand_in import FakeOdoo

__all__ = ["FakeOdoo"]
