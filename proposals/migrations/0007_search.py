"""Chinese full-text search on PostgreSQL (proposals/search.py): the tokenizing functions,
the search document kept in a generated column, and its GIN index. Nothing on other
databases."""

from django.db import migrations

from proposals.search import FUNCTIONS_SQL

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
