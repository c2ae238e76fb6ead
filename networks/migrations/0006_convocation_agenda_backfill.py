"""Convocations sent before 0005 did not record their agenda: it reads as empty, so every
assembly already convened would offer an "updated agenda" naming its whole agenda as new.

The agenda stored now is the best record there is of what such a convocation sent: it is
written into the last convocation of each assembly still to be held (convened or in
session), so that only changes made from here on are offered as an updated agenda. The
entries are those of ``assemblies.selectors.agenda_snapshot`` (written out here, as a
migration must not follow later changes to the code).
"""

from django.db import migrations

STILL_TO_BE_HELD = ["convened", "in_session"]


def _entry(item) -> dict:
    return {
        "key": (
            f"application:{item.application_id}" if item.kind == "adhesion" else f"motion:{item.pk}"
        ),
        "kind": item.kind,
        "title": item.title,
        "majority": item.majority,
    }


def record_agendas(apps, schema_editor):
    AgendaItem = apps.get_model("networks", "AgendaItem")
    Convocation = apps.get_model("networks", "Convocation")
    GeneralAssembly = apps.get_model("networks", "GeneralAssembly")
    for assembly in GeneralAssembly.objects.filter(status__in=STILL_TO_BE_HELD):
        last = Convocation.objects.filter(assembly=assembly).order_by("-pk").first()
        if last is None or last.agenda:
            continue
        items = AgendaItem.objects.filter(assembly=assembly).order_by("position", "pk")
        last.agenda = [_entry(item) for item in items]
        last.save(update_fields=["agenda"])


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0005_convocation_agenda_updates"),
    ]

    operations = [migrations.RunPython(record_agendas, migrations.RunPython.noop)]
