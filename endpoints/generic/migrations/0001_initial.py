# The generic routes' models move here from the endpoints app. Their tables were created by
# endpoints.0003 and keep their names: this migration changes Django's state only, and moves the
# content types (so permissions granted on these models and admin history stay attached).

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["callablemethod", "odoosession"]


def move_content_types(apps, schema_editor, source="endpoints", target="generic"):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(app_label=source, model__in=MOVED).update(
        app_label=target
    )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="generic", target="endpoints")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("endpoints", "0003_callablemethod_odoosession"),
        ("hub", "0002_alter_apikey_expires_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CallableMethod",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("model", models.CharField(help_text="e.g. sale.order", max_length=128, verbose_name="Odoo model")),
                        ("method", models.CharField(help_text="e.g. action_confirm; names starting with _ are refused", max_length=128)),
                        ("note", models.CharField(blank=True, help_text="Why callers need it", max_length=200)),
                        ("active", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "callable method",
                        "db_table": "endpoints_callablemethod",
                        "ordering": ["model", "method"],
                        "constraints": [
                            models.UniqueConstraint(fields=("model", "method"), name="endpoints_callablemethod_unique_pair"),
                            models.CheckConstraint(
                                condition=models.Q(("method__startswith", "_"), _negated=True),
                                name="endpoints_callablemethod_not_private",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OdooSession",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("prefix", models.CharField(db_index=True, editable=False, max_length=8)),
                        ("digest", models.CharField(editable=False, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("login", models.CharField(max_length=150)),
                        ("uid", models.PositiveIntegerField(verbose_name="Odoo user id")),
                        ("password_encrypted", models.TextField(editable=False)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                        (
                            "connection",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="odoo_sessions",
                                to="hub.odooconnection",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Odoo session",
                        "db_table": "endpoints_odoosession",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
