from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """An app of its own only so that its documentation page and catalogue are found."""

    name = "registry.api"
    label = "registry_api"
    verbose_name = _("Registry API")

    def ready(self):
        from registry.api import schema  # noqa: F401  (registers the schema extension)
