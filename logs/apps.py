"""The request log: one row per call to the hub's API."""

from django.apps import AppConfig
from django.core.signals import got_request_exception


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = "Request logs"

    def ready(self) -> None:
        from logs.middleware import note_exception

        got_request_exception.connect(note_exception, dispatch_uid="logs.note_exception")
