"""The request log: one row per call to the hub's API."""

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.signals import got_request_exception
from django.db.models.signals import post_migrate


def top_up_groups(sender, using="default", apps=global_apps, **kwargs) -> None:
    """After each migrate (and flush), give the staff groups the permissions of models added since."""
    from logs.groups import sync_groups

    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    sync_groups(apps, using)


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = "Request logs"

    def ready(self) -> None:
        from logs import checks  # noqa: F401 - registers the settings checks
        from logs.middleware import note_exception

        got_request_exception.connect(note_exception, dispatch_uid="logs.note_exception")
        post_migrate.connect(top_up_groups, sender=self, dispatch_uid="logs.top_up_groups")
