"""The request log: one row per call to the hub's API."""

from django.apps import AppConfig


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = "Request logs"
