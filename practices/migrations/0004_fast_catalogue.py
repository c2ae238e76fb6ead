"""A faster catalogue on PostgreSQL (see ``selectors.practice_counts`` and ``practice_sorted``).

- ``rank_vector``: title (weight A) and summary (weight B) only, kept by its own trigger; the
  relevance order ranks this small vector rather than the whole ``search_vector`` (body too).
- ``sector_ids`` and ``theme_ids``: the practice's terms as sorted integer arrays, kept up to
  date by statement-level triggers on the two many-to-many tables (whoever writes them: the
  services, the admin, a bulk COPY). Unknown to Django (raw SQL columns with a default): only the
  facet-count statement reads them, so SQLite needs nothing.
- A covering index over the columns the facet counts read (dropped by 0006: the counts now
  come from the in-memory facet index): without a text query, all five
  facets and the total are counted in one index-only scan.
- ``toast_tuple_target = 128``: the long texts (summary, body, sections, search vector) are
  stored out of line, so the table's main heap stays narrow (about 200 bytes a row) and a scan
  of every matching row for the counts reads a few MB, not the whole 400+ MB table. The title
  and the term arrays stay inline (storage MAIN): the title order and the counts read them.

On SQLite only the ``rank_vector`` column is added (never filled; search falls back to icontains).
"""

import django.contrib.postgres.search
from django.db import migrations

FORWARD = """
CREATE FUNCTION practices_practice_rank_vector() RETURNS trigger AS $$
BEGIN
    NEW.rank_vector :=
        setweight(to_tsvector('ensie_fr', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('ensie_en', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('ensie_fr', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('ensie_en', coalesce(NEW.summary, '')), 'B');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER practices_practice_rank_vector_update
    BEFORE INSERT OR UPDATE OF title, summary
    ON practices_practice FOR EACH ROW EXECUTE FUNCTION practices_practice_rank_vector();

ALTER TABLE practices_practice
    ADD COLUMN sector_ids integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN theme_ids integer[] NOT NULL DEFAULT '{}',
    ALTER COLUMN sector_ids SET STORAGE MAIN,
    ALTER COLUMN theme_ids SET STORAGE MAIN,
    ALTER COLUMN title SET STORAGE MAIN,
    SET (toast_tuple_target = 128);

"""

# Recomputes the array of the practices whose rows in the many-to-many table changed.
SYNC_FUNCTION = """
CREATE FUNCTION practices_practice_sync_{kind}_ids() RETURNS trigger AS $$
BEGIN
    UPDATE practices_practice p SET {kind}_ids = coalesce(
        (SELECT array_agg(t.{kind}_id ORDER BY t.{kind}_id)
         FROM practices_practice_{kind}s t WHERE t.practice_id = p.id), '{{}}')
    WHERE p.id IN (SELECT practice_id FROM changed);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

# PostgreSQL allows a transition table only on a trigger for one event: three each.
TRIGGERS = [
    (table, kind, event, table_name)
    for table, kind in (("sectors", "sector"), ("themes", "theme"))
    for event, table_name in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE", "NEW"))
]

BACKFILL = """
UPDATE practices_practice p SET
    sector_ids = coalesce((SELECT array_agg(t.sector_id ORDER BY t.sector_id)
                           FROM practices_practice_sectors t WHERE t.practice_id = p.id), '{}'),
    theme_ids = coalesce((SELECT array_agg(t.theme_id ORDER BY t.theme_id)
                          FROM practices_practice_themes t WHERE t.practice_id = p.id), '{}'),
    title = title;  -- fires the rank-vector trigger

CREATE INDEX practice_facets ON practices_practice (status, year)
    INCLUDE (country, type, language, sector_ids, theme_ids);
"""

BACKWARD = """
DROP INDEX IF EXISTS practice_facets;
DROP FUNCTION IF EXISTS practices_practice_rank_vector() CASCADE;
DROP FUNCTION IF EXISTS practices_practice_sync_sector_ids() CASCADE;
DROP FUNCTION IF EXISTS practices_practice_sync_theme_ids() CASCADE;
ALTER TABLE practices_practice
    DROP COLUMN IF EXISTS sector_ids,
    DROP COLUMN IF EXISTS theme_ids,
    ALTER COLUMN title SET STORAGE EXTENDED,
    RESET (toast_tuple_target);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORWARD)
    for kind in ("sector", "theme"):
        schema_editor.execute(SYNC_FUNCTION.format(kind=kind))
    for table, kind, event, table_name in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER practices_{kind}_ids_{event.lower()}"
            f" AFTER {event} ON practices_practice_{table}"
            f" REFERENCING {table_name} TABLE AS changed FOR EACH STATEMENT"
            f" EXECUTE FUNCTION practices_practice_sync_{kind}_ids()"
        )
    schema_editor.execute(BACKFILL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_editors_group")]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
