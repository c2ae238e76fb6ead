"""The General Assembly moves to its own app, ``assemblies`` (step 3 of 3).

State only: ``Application.assembly`` now points to ``assemblies.GeneralAssembly`` (the same
table, renamed by 0010) and the old models leave the ``networks`` state; no table changes.

Data: the content types of the moved models change their app label from ``networks`` to
``assemblies`` and keep their ids, so the permissions given to groups and users, the admin's
log entries, the audit entries and the outbox rows that name them follow. Reversible.
"""

import django.db.models.deletion
from django.contrib.contenttypes.models import ContentType as CurrentContentType
from django.db import migrations, models

MOVED_MODELS = ["generalassembly", "agendaitem", "convocation", "attendance", "vote"]


def _relabel(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        moving = content_types.filter(app_label=source, model=model).first()
        if moving is None:
            continue  # a new database: post_migrate creates the content types afterwards
        # A content type under the target label exists only if a migrate stopped between
        # the steps and post_migrate created it afresh (its permissions too): the moving one
        # carries the history, the fresh one goes (with its permissions, by cascade).
        content_types.filter(app_label=target, model=model).delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])
    # The running process caches content types by (app label, model): forget the old ones.
    CurrentContentType.objects.clear_cache()


def content_types_to_assemblies(apps, schema_editor):
    _relabel(apps, schema_editor, source="networks", target="assemblies")


def content_types_to_networks(apps, schema_editor):
    _relabel(apps, schema_editor, source="assemblies", target="networks")


class Migration(migrations.Migration):
    dependencies = [
        ("assemblies", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("networks", "0010_assembly_tables_to_assemblies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="assembly",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="assemblies.generalassembly",
                        verbose_name="General Assembly",
                    ),
                ),
                migrations.DeleteModel(name="Vote"),
                migrations.DeleteModel(name="AgendaItem"),
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="Convocation"),
                migrations.DeleteModel(name="GeneralAssembly"),
            ],
        ),
        migrations.RunPython(content_types_to_assemblies, content_types_to_networks),
    ]
