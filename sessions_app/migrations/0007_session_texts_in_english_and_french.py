"""Session texts in English and French (``<name>_en``, ``<name>_fr``).

The existing texts move to the English fields: every session so far was written in English
(the only language the organisers' form had), so that is the language they are marked with;
an organiser can move a French text to the French fields in the form. Speakers' roles and
biographies are marked English likewise (``Speaker.language``).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0006_inbound_request_erased_at"),
    ]

    operations = [
        migrations.RenameField(model_name="session", old_name="title", new_name="title_en"),
        migrations.RenameField(model_name="session", old_name="summary", new_name="summary_en"),
        migrations.RenameField(
            model_name="session", old_name="description", new_name="description_en"
        ),
        migrations.RenameField(
            model_name="session", old_name="discussion_points", new_name="discussion_points_en"
        ),
        migrations.RenameField(model_name="session", old_name="format", new_name="format_en"),
        migrations.RenameField(
            model_name="session", old_name="access_note", new_name="access_note_en"
        ),
        migrations.RenameField(
            model_name="session", old_name="cancellation_note", new_name="cancellation_note_en"
        ),
        migrations.RenameField(model_name="session", old_name="materials", new_name="materials_en"),
        migrations.AddField(
            model_name="session",
            name="access_note_fr",
            field=models.TextField(blank=True, verbose_name="access note (French)"),
        ),
        migrations.AddField(
            model_name="session",
            name="cancellation_note_fr",
            field=models.TextField(blank=True, verbose_name="cancellation note (French)"),
        ),
        migrations.AddField(
            model_name="session",
            name="description_fr",
            field=models.TextField(
                blank=True,
                help_text="Markdown: paragraphs, lists, links.",
                verbose_name="description (French)",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="discussion_points_fr",
            field=models.TextField(
                blank=True,
                help_text="One point per line.",
                verbose_name="points of discussion (French)",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="format_fr",
            field=models.TextField(blank=True, verbose_name="format (French)"),
        ),
        migrations.AddField(
            model_name="session",
            name="materials_fr",
            field=models.TextField(
                blank=True,
                help_text="After the event: Markdown, links to slides.",
                verbose_name="materials (French)",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="summary_fr",
            field=models.TextField(blank=True, verbose_name="summary (French)"),
        ),
        migrations.AddField(
            model_name="session",
            name="title_fr",
            field=models.CharField(blank=True, max_length=255, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="speaker",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("fr", "French")],
                default="en",
                max_length=8,
                verbose_name="language of the role and biography",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="access_note_en",
            field=models.TextField(blank=True, verbose_name="access note (English)"),
        ),
        migrations.AlterField(
            model_name="session",
            name="cancellation_note_en",
            field=models.TextField(blank=True, verbose_name="cancellation note (English)"),
        ),
        migrations.AlterField(
            model_name="session",
            name="description_en",
            field=models.TextField(
                blank=True,
                help_text="Markdown: paragraphs, lists, links.",
                verbose_name="description (English)",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="discussion_points_en",
            field=models.TextField(
                blank=True,
                help_text="One point per line.",
                verbose_name="points of discussion (English)",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="format_en",
            field=models.TextField(blank=True, verbose_name="format (English)"),
        ),
        migrations.AlterField(
            model_name="session",
            name="materials_en",
            field=models.TextField(
                blank=True,
                help_text="After the event: Markdown, links to slides.",
                verbose_name="materials (English)",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="summary_en",
            field=models.TextField(blank=True, verbose_name="summary (English)"),
        ),
        migrations.AlterField(
            model_name="session",
            name="title_en",
            field=models.CharField(blank=True, max_length=255, verbose_name="title (English)"),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("title_en", ""), _negated=True),
                    models.Q(("title_fr", ""), _negated=True),
                    _connector="OR",
                ),
                name="session_has_a_title",
            ),
        ),
    ]
