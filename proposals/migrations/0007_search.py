"""Chinese full-text search on PostgreSQL (proposals/search.py): the tokenizing functions,
the search document kept in a generated column, and its GIN index. Nothing on other
databases."""

from django.db import migrations

# Each Chinese character with the next one when that is Chinese too (供水管网 → 供水 水管
# 管网 网), then the Latin words and numbers; the title weighted A, the first 500 characters
# of the situation and of the suggestions D. PL/pgSQL, not SQL: its plans are kept for the
# session, where a SQL function called from a generated column is planned again for every
# row — a bulk load of proposals takes half the time. The functions keep the schema they
# were made in: a restore (pg_dump empties search_path) finds hcppcc_grams all the same.
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION hcppcc_grams(doc text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
  c text[] := string_to_array(lower(doc), NULL);
BEGIN
  RETURN concat_ws(' ',
    (SELECT string_agg(
              CASE WHEN c[i + 1] COLLATE "C" BETWEEN '一' AND '鿿' THEN c[i] || c[i + 1]
                   ELSE c[i] END,
              ' ' ORDER BY i)
       FROM generate_subscripts(c, 1) AS i
      WHERE c[i] COLLATE "C" BETWEEN '一' AND '鿿'),
    (SELECT string_agg(m[1], ' ') FROM regexp_matches(lower(doc), '[a-z0-9]+', 'g') AS m));
END
$$;

CREATE OR REPLACE FUNCTION hcppcc_search_document(title text, situation text, suggestions text)
RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
BEGIN
  RETURN setweight(to_tsvector('simple', hcppcc_grams(coalesce(title, ''))), 'A')
      || setweight(to_tsvector('simple', hcppcc_grams(
             left(coalesce(situation, ''), 500) || ' ' || left(coalesce(suggestions, ''), 500))),
           'D');
END
$$;
"""

COLUMN = (
    "ALTER TABLE proposals_proposal ADD COLUMN search_document tsvector "
    "GENERATED ALWAYS AS (hcppcc_search_document(title, situation, suggestions)) STORED"
)
# Serves ?q= on the proposal lists (API and pages).
INDEX = "CREATE INDEX proposal_search ON proposals_proposal USING gin (search_document)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS_SQL)
        schema_editor.execute(COLUMN)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE proposals_proposal DROP COLUMN search_document")
        schema_editor.execute("DROP FUNCTION IF EXISTS hcppcc_search_document(text, text, text)")
        schema_editor.execute("DROP FUNCTION IF EXISTS hcppcc_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_safe_files")]

    operations = [migrations.RunPython(create, drop)]
