import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.resources import RESOURCES
from registry.services.registry_import import confirm_import, prepare_import
from registry.tabular import TableError, check_upload_size


class Command(BaseCommand):
    help = (
        "Import a CSV, XLSX, JSON or YAML file of one kind of record (or, for themes, an annex "
        "text) with the same preview and all-or-nothing semantics as the admin's import."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", required=True, choices=list(RESOURCES))
        parser.add_argument("--edition", type=int, help="The annex edition (themes only).")
        parser.add_argument("--dry-run", action="store_true", help="Show, change nothing.")
        parser.add_argument("--archive-missing", action="store_true")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, path, kind, edition, dry_run, archive_missing, **options):
        try:
            check_upload_size(path.stat().st_size)
            data = path.read_bytes()
        except (OSError, TableError) as error:
            raise CommandError(str(error)) from error
        prepared = prepare_import(
            kind=kind,
            data=data,
            file_name=path.name,
            edition=edition,
            archive_missing=archive_missing,
        )
        result = prepared.summary()
        if not prepared.errors and not dry_run:
            confirm_import(prepared, user=None)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"{len(result['created'])} new, {len(result['updated'])} changed, "
                f"{result['unchanged']} unchanged, {len(result['missing'])} missing"
                + (" (dry run: nothing was changed)" if dry_run else "")
            )
            for error in prepared.errors:
                self.stderr.write(f"error: {error}")
        if prepared.errors:
            raise CommandError("Nothing was changed: the file has errors.")
