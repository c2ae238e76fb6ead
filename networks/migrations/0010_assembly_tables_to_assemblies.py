"""The General Assembly moves to its own app, ``assemblies`` (step 1 of 3): its tables are
renamed ``assemblies_<model>``, rows untouched. The migration state does not change yet; it
follows in ``assemblies`` 0001 (the models created there, state only) and ``networks`` 0011
(the models removed here, state only, and their content types moved).

None of the moved models has a many-to-many field, so there is no auto-created table to rename.
"""

from django.db import migrations

MOVED_MODELS = ["generalassembly", "agendaitem", "convocation", "attendance", "vote"]


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0009_assembly_and_motion_language"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=f"assemblies_{name}")
                for name in MOVED_MODELS
            ],
            state_operations=[],
        ),
    ]
