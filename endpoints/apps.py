"""Inbound endpoints: configurations, their authentication, the REST and generic data routes."""

from django.apps import AppConfig


class EndpointsConfig(AppConfig):
    name = "endpoints"
    verbose_name = "Endpoints"
