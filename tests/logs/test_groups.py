"""The staff groups created by the data migration hold exactly the permissions the issue names."""

from django.contrib.auth.models import Group

from logs.groups import INTEGRATION_ADMINS, SUPPORT


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_support_views_and_replays_logs_only(db):
    assert codenames(SUPPORT) == {"logs.view_requestlog", "logs.replay_requestlog"}


def test_integration_admins_manage_configuration_and_view_logs(db):
    granted = codenames(INTEGRATION_ADMINS)
    for model in ["odooconnection", "apikey"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"hub.{action}_{model}" in granted
    for action in ["add", "change", "delete", "view"]:
        assert f"endpoints.{action}_endpoint" in granted
    assert "logs.view_requestlog" in granted
    assert "logs.replay_requestlog" not in granted
    assert "logs.delete_requestlog" not in granted
    assert not {name for name in granted if name.startswith("auth.")}
    # every model of the mappings app (mapping lines) is theirs to manage
    from django.contrib.auth.models import Permission

    mapping_permissions = {
        f"mappings.{p.codename}" for p in Permission.objects.filter(content_type__app_label="mappings")
    }
    assert mapping_permissions <= granted
    assert any(name.endswith("_mappingline") for name in mapping_permissions)
