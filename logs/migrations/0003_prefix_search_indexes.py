"""Prefix searches (request id, path) served by an index on PostgreSQL.

A plain btree index only serves ``LIKE 'x%'`` under the C collation; ``varchar_pattern_ops`` makes
it serve it under any collation. SQLite has no such operator class and needs none here.
"""

from django.db import migrations

INDEXES = {
    "logs_reqid_prefix": "request_id",
    "logs_path_prefix": "path",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON logs_requestlog ({column} varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(create, drop)]
