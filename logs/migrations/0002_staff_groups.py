"""Create the "Integration admins" and "Support" groups with their permissions."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from logs.groups import sync_groups

    # Permissions are normally created after all migrations ran; make them now so the groups get them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    sync_groups(apps, schema_editor.connection.alias)


def remove_groups(apps, schema_editor):
    from logs.groups import INTEGRATION_ADMINS, SUPPORT

    apps.get_model("auth", "Group").objects.filter(name__in=[INTEGRATION_ADMINS, SUPPORT]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("hub", "0001_initial"),
        ("endpoints", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
