"""The staff's roles, as groups: readers, editors and importers.

One definition serves the data migration that creates the groups and the post_migrate handler
that keeps them in step when a later migration adds models (and so permissions).
"""

from django.contrib.auth.management import create_permissions

READERS = "Lezers"
EDITORS = "Redacteuren"
IMPORTERS = "Importeurs"

RECORDS = ["command", "partner", "edition", "section", "theme", "agreement", "themeedition"]
LOGS = ["importrun", "importchange"]


def role_permissions():
    """Group name -> permission codenames of the registry app."""
    view = [f"view_{model}" for model in RECORDS + LOGS]
    edit = [f"{action}_{model}" for model in RECORDS for action in ("add", "change")]
    return {
        READERS: view,
        EDITORS: view + edit,
        IMPORTERS: [*view, *edit, "import_records"],
    }


def sync_roles(apps, using="default"):
    """Create the groups and give each exactly the permissions of its role."""
    registry = apps.get_app_config("registry")
    # In a migration the app config is a stub; create_permissions only needs to know that the
    # app has models.
    registry.models_module = getattr(registry, "models_module", None) or True
    create_permissions(registry, apps=apps, verbosity=0, using=using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in role_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="registry", codename__in=codenames
        )
        group.permissions.set(permissions)


def sync_roles_after_migrate(sender, apps=None, using="default", **kwargs):
    if apps is None:
        # ``flush`` sends post_migrate without the migration state: the models are those of
        # the project as it stands, so the groups come back after a flush too.
        from django.apps import apps
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # a migration state without the auth app
        return
    sync_roles(apps, using=using)
