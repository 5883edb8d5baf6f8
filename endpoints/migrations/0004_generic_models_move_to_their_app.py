# CallableMethod and OdooSession now belong to the generic app (endpoints.generic, label
# "generic"), whose 0001 migration takes them over with their tables: state only here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("endpoints", "0003_callablemethod_odoosession"),
        ("generic", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CallableMethod"),
                migrations.DeleteModel(name="OdooSession"),
            ],
            database_operations=[],
        ),
    ]
