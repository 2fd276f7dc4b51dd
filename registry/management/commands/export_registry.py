from pathlib import Path

from django.core.management.base import BaseCommand

from registry.resources import RESOURCES
from registry.tabular import export_bytes


class Command(BaseCommand):
    help = (
        "Write the whole registry as one file per kind of record (commands, partners, editions, "
        "sections, themes, theme texts, agreements). Importing them in that order into an empty "
        "registry reproduces it exactly."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--format", dest="file_format", default="csv", choices=["csv", "xlsx", "json", "yaml"]
        )

    def handle(self, *args, directory, file_format, **options):
        directory.mkdir(parents=True, exist_ok=True)
        for position, (kind, resource) in enumerate(RESOURCES.items(), start=1):
            path = directory / f"{position:02d}-{kind}.{file_format}"
            dataset = resource().export()
            path.write_bytes(export_bytes(dataset, file_format))
            self.stdout.write(f"{path}: {len(dataset)} rows")
