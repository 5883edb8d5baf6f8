"""Inbound endpoints: configurations, their authentication and the REST routes that serve them."""

from django.apps import AppConfig


class EndpointsConfig(AppConfig):
    name = "endpoints"
    verbose_name = "Endpoints"

    def ready(self) -> None:
        from endpoints import signals  # noqa: F401 - connects the cache invalidation receivers
