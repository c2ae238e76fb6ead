"""InboundRequest becomes InboundEmail: the table is renamed (rows, keys and its content type
kept, so outbox rows and audit entries still point at it) and so are its permissions, so that a
group holding them keeps them."""

from django.db import migrations, models


def _rename_permissions(apps, old: str, new: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(
        content_type__app_label="sessions_app", codename__endswith=f"_{old}"
    ):
        permission.codename = permission.codename.removesuffix(old) + new
        permission.save(update_fields=["codename"])


def permissions_forwards(apps, schema_editor):
    _rename_permissions(apps, "inboundrequest", "inboundemail")


def permissions_backwards(apps, schema_editor):
    _rename_permissions(apps, "inboundemail", "inboundrequest")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions_app", "0007_session_texts_in_english_and_french"),
    ]

    operations = [
        migrations.RenameModel(old_name="InboundRequest", new_name="InboundEmail"),
        migrations.AlterField(
            model_name="inboundemail",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="inbound_emails",
                to="sessions_app.session",
                verbose_name="session",
            ),
        ),
        migrations.RunPython(permissions_forwards, permissions_backwards),
    ]
