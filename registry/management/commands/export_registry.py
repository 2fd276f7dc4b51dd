from pathlib import Path

from django.core.management.base import BaseCommand

from registry.exports import FORMATS, export_records
from registry.resources import RESOURCES


class Command(BaseCommand):
    help = (
        "Write the whole registry as one file per kind of record (commands, partners, editions, "
        "sections, themes, theme texts, agreements). Importing them in that order into an empty "
        "registry reproduces it exactly."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--format", dest="file_format", default="csv", choices=FORMATS)

    def handle(self, *args, directory, file_format, **options):
        directory.mkdir(parents=True, exist_ok=True)
        for position, (kind, resource) in enumerate(RESOURCES.items(), start=1):
            # Numbered in the order of importing, and named as --kind names them.
            path = directory / f"{position:02d}-{kind}.{file_format}"
            exported = export_records(resource, resource().get_queryset(), file_format)
            path.write_bytes(exported.content)
            self.stdout.write(f"{path}: {exported.rows} rows")
