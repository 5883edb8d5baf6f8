"""The generic routes' models moved from the endpoints app to their own: their rows, tables and
content types (hence permissions) come along, whatever database runs the migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from endpoints.generic.models import CallableMethod

BEFORE = [("endpoints", "0003_callablemethod_odoosession"), ("generic", None)]


def migrate(targets):
    """Migrate the test database to ``targets``; the models as they are then."""
    return MigrationExecutor(connection).migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_rows_tables_and_permissions():
    old = migrate(BEFORE)
    old.get_model("endpoints", "CallableMethod").objects.create(model="sale.order", method="action_confirm")
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="endpoints", model="callablemethod"
    )[0]
    # the test database had them under "generic": migrating back moved them to "endpoints"
    permission = old.get_model("auth", "Permission").objects.get_or_create(
        codename="view_callablemethod", content_type_id=content_type.pk, defaults={"name": "Can view callable method"}
    )[0]
    tables_before = set(connection.introspection.table_names())

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # the move renamed no table; the only new one is the settings table of a later migration (generic.0002)
    assert set(connection.introspection.table_names()) - tables_before == {"generic_genericroutesettings"}
    assert tables_before <= set(connection.introspection.table_names())
    assert list(CallableMethod.objects.values_list("model", "method")) == [("sale.order", "action_confirm")]
    moved = new.get_model("auth", "Permission").objects.select_related("content_type").get(pk=permission.pk)
    assert (moved.content_type.app_label, moved.content_type.model) == ("generic", "callablemethod")
