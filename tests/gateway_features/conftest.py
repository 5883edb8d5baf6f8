"""Fixtures of the rate-limit and idempotency tests: the REST and generic fixtures, counters in
local memory or in Redis, and a token-protected customers endpoint."""

import os
import socket

import pytest
from django.core.cache import cache

from tests.endpoints.conftest import (  # noqa: F401 - fixtures
    fresh_configuration_cache,
    issue_token,
    make_endpoint,
    rpc_calls,
    seeded,
)
from tests.endpoints.generic.conftest import api_key, cold_schema_cache, make_key, rpc  # noqa: F401 - fixtures
from tests.fixtures.cache import isolate

REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL", "")
LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def redis_cache(url: str = REDIS_URL) -> dict:
    """A Redis cache private to this test process: its clear() must not flush the other workers' keys."""
    return isolate({"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}})["default"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["local", "redis"])
def counters(request, settings):
    """The cache holding the counters: local memory, or the Redis of TEST_REDIS_URL (or REDIS_URL)."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("set TEST_REDIS_URL (or REDIS_URL) to a Redis database the tests may flush")
        settings.CACHES = {"default": redis_cache()}
    else:
        settings.CACHES = {"default": LOCAL}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def redis_counters(settings):
    """Counters in Redis only (tests of what only Redis does)."""
    if not REDIS_URL:
        pytest.skip("set TEST_REDIS_URL (or REDIS_URL) to a Redis database the tests may flush")
    settings.CACHES = {"default": redis_cache()}
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def limits(settings):
    """``limits(address="3/min", credential="0", generic_address=…, generic_credential=…)``: the settings' defaults."""

    def set_limits(address="0", credential="0", generic_address="0", generic_credential="0"):
        settings.HUB_RATE_LIMIT_PER_ADDRESS = address
        settings.HUB_RATE_LIMIT_PER_CREDENTIAL = credential
        settings.HUB_GENERIC_RATE_LIMIT_PER_ADDRESS = generic_address
        settings.HUB_GENERIC_RATE_LIMIT_PER_CREDENTIAL = generic_credential

    return set_limits
