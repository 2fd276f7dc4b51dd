"""Indexes for the admin's start page, which counts among 100,000 themes and their history.

The internal and the current (not archived) themes by partial indexes on the theme table. The
history of the themes gets two partial indexes for the list "facts the rules guessed, not
confirmed since" (``registry.admin_dashboard.themes_with_guessed_facts``): the records that
created a theme, and the saves by a person. They are written as SQL because simple-history
builds the historical model's options itself; both databases accept them.
"""

from django.db import migrations, models

HISTORY_INDEXES = [
    (
        "registry_historicaltheme_created",
        "CREATE INDEX registry_historicaltheme_created ON registry_historicaltheme "
        "(id, import_run_id, history_user_id) WHERE history_type = '+'",
    ),
    (
        "registry_historicaltheme_saved",
        "CREATE INDEX registry_historicaltheme_saved ON registry_historicaltheme "
        "(id, history_change_reason) "
        "WHERE history_type = '~' AND history_user_id IS NOT NULL AND import_run_id IS NULL",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_text_without_control_characters"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="theme",
            index=models.Index(
                condition=models.Q(("is_internal", True)), fields=["id"], name="theme_internal"
            ),
        ),
        migrations.AddIndex(
            model_name="theme",
            index=models.Index(
                condition=models.Q(("is_archived", False)), fields=["id"], name="theme_current"
            ),
        ),
        *(
            migrations.RunSQL(create, reverse_sql=f"DROP INDEX IF EXISTS {name}")
            for name, create in HISTORY_INDEXES
        ),
    ]
