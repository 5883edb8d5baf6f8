"""Fixtures of the request log tests."""

import pytest


@pytest.fixture
def log_urls(settings):
    """Serve the hub plus the test views of tests/logs/urls.py."""
    settings.ROOT_URLCONF = "tests.logs.urls"
    return settings
