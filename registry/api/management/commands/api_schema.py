from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def api_schema_yaml():
    """The OpenAPI schema of the public API, in English, as /api/schema/?lang=en serves it.

    Generated as for a public registry (PUBLIC_LOGIN_REQUIRED off, so no security scheme),
    whatever this machine's settings, so that the committed file is the same everywhere."""
    with override_settings(PUBLIC_LOGIN_REQUIRED=False), translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        validate_schema(schema)
        return OpenApiYamlRenderer().render(schema, renderer_context={}).decode("utf-8")


class Command(BaseCommand):
    help = "Write docs/openapi.yaml, the API's OpenAPI schema (--check: fail if outdated)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check, **options):
        content = api_schema_yaml()
        if check:
            if not DOCUMENT.exists() or DOCUMENT.read_text(encoding="utf-8") != content:
                raise CommandError(
                    f"{DOCUMENT} is outdated: run `python manage.py api_schema` and commit it."
                )
            self.stdout.write(f"{DOCUMENT} is up to date.")
            return
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(content, encoding="utf-8")
        self.stdout.write(f"Wrote {DOCUMENT}.")
