# Practice attachments move to the private storage: a draft's PDF must not be reachable by URL.

from django.core.files.storage import default_storage, storages
from django.db import migrations, models

import ensie_portal.core.storage


def move_to_private(apps, schema_editor):
    """Files uploaded before this migration leave the public media folder."""
    private = storages["private"]
    for attachment in apps.get_model("practices", "Attachment").objects.all():
        name = attachment.file.name
        if name and default_storage.exists(name) and not private.exists(name):
            with default_storage.open(name, "rb") as content:
                attachment.file.name = private.save(name, content)
            attachment.save(update_fields=["file"])
            default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0004_fast_catalogue"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                storage=ensie_portal.core.storage.private_storage,
                upload_to="practices/%Y/",
                verbose_name="file",
            ),
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
