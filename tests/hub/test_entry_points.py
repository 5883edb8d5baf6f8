"""The WSGI and ASGI entry points leave what they loaded out of the garbage collector's full collections, and
collect its young generation less often (hub.garbage)."""

import os
import subprocess
import sys

import pytest

from hub import garbage
from tests.fixtures.gunicorn_hub import ROOT


@pytest.mark.parametrize("module", ["hub.wsgi", "hub.asgi"])
def test_the_loaded_application_is_frozen_and_young_objects_collected_less_often(module):
    script = f"import gc, {module}; print(gc.get_freeze_count(), gc.get_threshold()[0])"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "DEBUG": "1"}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    frozen, young_threshold = map(int, result.stdout.split())
    assert frozen > 10_000  # Django, DRF and the admin: over 100,000 objects
    assert young_threshold == garbage.YOUNG_THRESHOLD != 700  # Python's default
