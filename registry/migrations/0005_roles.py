"""The groups of the staff's roles: readers, editors and importers (see registry/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from registry.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from registry.roles import EDITORS, IMPORTERS, READERS

    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[READERS, EDITORS, IMPORTERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_edition_paragraphs"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
