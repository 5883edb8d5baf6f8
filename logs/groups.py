"""The two staff groups the hub ships with, and the permissions each one holds.

Created by a data migration (logs/migrations/0002_staff_groups.py) and topped up after every
``migrate`` (post_migrate), so permissions of models added later (mapping lines…) join the
groups too. Only adds: permissions an administrator granted by hand stay.
"""

INTEGRATION_ADMINS = "Integration admins"
SUPPORT = "Support"

# app label -> model names whose add/change/delete/view permissions the group gets (None: all models)
MANAGED_BY_INTEGRATION_ADMINS: dict[str, set[str] | None] = {
    "hub": {"odooconnection", "apikey"},
    "endpoints": None,
    "generic": None,
    "mappings": None,
}


def wanted_permissions(permissions) -> dict[str, list]:
    """Group name -> the Permission rows it should hold (those that exist now), from a Permission manager."""
    admins = []
    for permission in permissions.select_related("content_type").filter(
        content_type__app_label__in=MANAGED_BY_INTEGRATION_ADMINS
    ):
        models = MANAGED_BY_INTEGRATION_ADMINS[permission.content_type.app_label]
        if models is None or permission.content_type.model in models:
            admins.append(permission)
    log_permissions = permissions.filter(content_type__app_label="logs", content_type__model="requestlog")
    view_logs = [p for p in log_permissions if p.codename == "view_requestlog"]
    replay_logs = [p for p in log_permissions if p.codename == "replay_requestlog"]
    return {INTEGRATION_ADMINS: admins + view_logs, SUPPORT: view_logs + replay_logs}


def sync_groups(apps, using: str = "default") -> None:
    """Create the groups if missing and add the permissions they lack (never removes any)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, permissions in wanted_permissions(permission_model.objects.db_manager(using)).items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions)
