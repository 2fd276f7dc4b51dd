"""A GIN index for the Dutch full-text search of themes (PostgreSQL only).

The expression is the one ``registry.filters.SEARCH_VECTOR`` compiles to, so the planner can use
the index for ``to_tsvector(...) @@ websearch_to_tsquery(...)``. SQLite has no full-text search
here (the listing falls back to substring matching) and gets no index.
"""

from django.db import migrations

INDEX = "registry_theme_search_dutch"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_theme USING gin "
    "((to_tsvector('dutch'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, ''))))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_internal_records")]

    operations = [migrations.RunPython(create_index, drop_index)]
