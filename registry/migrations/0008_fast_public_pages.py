"""Indexes and a stored search vector so that the public pages stay fast at 100,000 themes.

PostgreSQL keeps ``registry_theme.search_vector`` with a trigger (title and description, Dutch
configuration) and indexes it with GIN; the expression index of migration 0003 is replaced by
it. Both databases get an index on the partner links by partner, for the partner filter.
"""

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS registry_theme_search_dutch",
    "CREATE TRIGGER registry_theme_search_vector BEFORE INSERT OR UPDATE OF title, description "
    "ON registry_theme FOR EACH ROW EXECUTE FUNCTION "
    "tsvector_update_trigger(search_vector, 'pg_catalog.dutch', title, description)",
    "UPDATE registry_theme SET search_vector = to_tsvector('pg_catalog.dutch', "
    "COALESCE(title, '') || ' ' || COALESCE(description, ''))",
    "CREATE INDEX registry_theme_search_vector ON registry_theme USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS registry_theme_search_vector",
    "DROP TRIGGER IF EXISTS registry_theme_search_vector ON registry_theme",
]
LINK_INDEX = (
    "CREATE INDEX registry_theme_partners_by_partner "
    "ON registry_theme_partners (partner_id, theme_id)"
)


def forward(apps, schema_editor):
    schema_editor.execute(LINK_INDEX)
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS registry_theme_partners_by_partner")
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='theme',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='theme',
            index=models.Index(condition=models.Q(('is_archived', False), ('is_internal', False)), fields=['section', 'position', 'title'], name='theme_public_order'),
        ),
        migrations.AddIndex(
            model_name='themecommand',
            index=models.Index(fields=['command', 'theme'], name='theme_command_by_command'),
        ),
        migrations.RunPython(forward, backward),
    ]
