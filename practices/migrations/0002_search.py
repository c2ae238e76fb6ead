"""Full-text search on PostgreSQL: accent-insensitive French and English configurations,
a trigger that keeps ``search_vector`` up to date, and a GIN index on it.

On SQLite (the embedded default) nothing happens: search falls back to ``icontains``.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

FORWARD = """
CREATE TEXT SEARCH CONFIGURATION ensie_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION ensie_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION ensie_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION ensie_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE FUNCTION practices_practice_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('ensie_fr', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('ensie_en', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('ensie_fr', coalesce(NEW.summary, '') || ' '
                                 || coalesce(NEW.organisation, '')), 'B')
        || setweight(to_tsvector('ensie_en', coalesce(NEW.summary, '') || ' '
                                 || coalesce(NEW.organisation, '')), 'B')
        || setweight(to_tsvector('ensie_fr', concat_ws(' ', NEW.body, NEW.context,
                     NEW.objectives, NEW.method, NEW.results, NEW.transferability,
                     NEW.region, NEW.source)), 'C')
        || setweight(to_tsvector('ensie_en', concat_ws(' ', NEW.body, NEW.context,
                     NEW.objectives, NEW.method, NEW.results, NEW.transferability,
                     NEW.region, NEW.source)), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER practices_practice_search_vector_update
    BEFORE INSERT OR UPDATE OF title, summary, organisation, body, context, objectives, method,
        results, transferability, region, source
    ON practices_practice FOR EACH ROW EXECUTE FUNCTION practices_practice_search_vector();

CREATE INDEX practice_search_vector_gin ON practices_practice USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS practice_search_vector_gin;
DROP TRIGGER IF EXISTS practices_practice_search_vector_update ON practices_practice;
DROP FUNCTION IF EXISTS practices_practice_search_vector();
DROP TEXT SEARCH CONFIGURATION IF EXISTS ensie_fr;
DROP TEXT SEARCH CONFIGURATION IF EXISTS ensie_en;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class PostgresOnlyUnaccent(UnaccentExtension):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        PostgresOnlyUnaccent(),
        migrations.RunPython(forward, backward),
    ]
