"""The facet counts come from the in-memory facet index (``practices/facet_index.py``), built
from one read of the published practices: the covering index ``practice_facets`` (migration
0004) that the SQL counts scanned has no reader left. ``practice_status_year`` still serves the
year filters of the list. PostgreSQL only, like 0004.
"""

from django.db import migrations

CREATE = """
CREATE INDEX practice_facets ON practices_practice (status, year)
    INCLUDE (country, type, language, sector_ids, theme_ids);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS practice_facets")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("practices", "0005_attachments_private")]

    operations = [migrations.RunPython(forward, backward)]
