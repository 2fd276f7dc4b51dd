from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from registry.resources import RESOURCES

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "columns.md"


def columns_markdown():
    """The column documentation of every import and export, read from the resources."""
    lines = [
        "# Columns of import and export files",
        "",
        "Generated from `registry/resources.py` by `python manage.py describe_columns`; "
        "`make test` checks that it is current.",
        "",
        "Every file has the column names in its first row and one record per row. Records are "
        "matched on their key columns, never on database ids. A column left out of a file "
        "leaves that field as it is. Several values in one cell are separated by `|`. CSV may "
        "use `;` or `,`, in UTF-8 (with or without BOM) or Windows-1252.",
    ]
    with translation.override("en"):
        for kind, resource in RESOURCES.items():
            model = resource.Meta.model._meta
            lines += [
                "",
                f"## {str(model.verbose_name_plural).capitalize()} (`{kind}`)",
                "",
                "| column | required | written as | meaning |",
                "| --- | --- | --- | --- |",
            ]
            for column in resource.columns():
                required = "key" if column.key else ("yes" if column.required else "no")
                example = str(column.example).replace("|", "\\|")
                meaning = str(column.help_text).replace("|", "\\|")
                lines.append(f"| `{column.column_name}` | {required} | {example} | {meaning} |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Write docs/columns.md from the import/export resources (--check: fail if outdated)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check, **options):
        content = columns_markdown()
        if check:
            if not DOCUMENT.exists() or DOCUMENT.read_text(encoding="utf-8") != content:
                raise CommandError(f"{DOCUMENT} is outdated: run describe_columns.")
            self.stdout.write(f"{DOCUMENT} is up to date.")
            return
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(content, encoding="utf-8")
        self.stdout.write(f"Wrote {DOCUMENT}.")
