from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.services.backup import BackupError, registry_backup


class Command(BaseCommand):
    help = (
        "Write the whole registry to one file: every record with its history, the import runs "
        "and their changes, and the users and groups. A name ending in .gz is gzip-compressed; "
        "a directory gets registry-<date>.json.gz. Restore it with restore_registry."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to write, or a directory.")

    def handle(self, *args, path, **options):
        try:
            written, header = registry_backup(path=path)
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup was written: {error}") from error
        if options["verbosity"] >= 2:
            for model, count in header["counts"].items():
                self.stdout.write(f"{model}: {count}")
        size = written.stat().st_size
        self.stdout.write(
            f"Wrote {written}: {header['objects']} rows of {len(header['counts'])} tables, "
            f"{size:,} bytes, SHA-256 of the contents {header['sha256']}."
        )
