"""The WSGI and ASGI entry points leave what they loaded out of the garbage collector's full collections."""

import os
import subprocess
import sys

import pytest

from tests.fixtures.gunicorn_hub import ROOT


@pytest.mark.parametrize("module", ["hub.wsgi", "hub.asgi"])
def test_the_loaded_application_is_frozen(module):
    script = f"import gc, {module}; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "DEBUG": "1"}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000  # Django, DRF and the admin: over 100,000 objects
