from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Defence cooperation registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from registry import checks  # noqa: F401 (registers the system checks)
        from registry.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
