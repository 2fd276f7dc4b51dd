"""What ``import_records`` and ``import_annex`` share: their arguments, the service they call,
and how they report. Both read the file with the same checks as the admin's upload."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.services.imports import confirm_import, prepare_import
from registry.services.imports.files import UnreadableFile, read_file


class ImportCommand(BaseCommand):
    """An import from the command line: ``--dry-run`` shows, otherwise it writes, all or nothing."""

    edition_required = False

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--edition",
            type=int,
            required=self.edition_required,
            help="The year of the annex edition the file brings in (themes only).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show, change nothing.")
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help="Archive the themes that this edition no longer has (nothing is deleted).",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def kind(self, options):
        raise NotImplementedError

    def handle(self, *args, path, edition, dry_run, archive_missing, **options):
        try:
            data = read_file(path)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        arguments = {
            "kind": self.kind(options),
            "data": data,
            "file_name": path.name,
            "edition": edition,
            "archive_missing": archive_missing,
        }
        if dry_run:
            prepared = prepare_import(**arguments)
        else:
            prepared = confirm_import(**arguments, user=None)
        self.report(prepared.summary(), as_json=options["json"], dry_run=dry_run)
        if prepared.errors:
            raise CommandError("Nothing was changed: the file has errors.")

    def report(self, result, *, as_json, dry_run):
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for label, name in (("new", "created"), ("changed", "updated"), ("missing", "missing")):
            for key in result[name]:
                self.stdout.write(f"{label}: {' / '.join(str(part) for part in key)}")
        for error in result["errors"]:
            where = f"row {error['row']}" if error["row"] else "file"
            if error["column"]:
                where += f", column {error['column']}"
            value = f" ({error['value'][:60]!r})" if error["value"] else ""
            self.stderr.write(f"error: {where}{value}: {error['message']}")
        backfill = result.get("backfill")
        if backfill:
            texts = backfill["texts"]
            self.stdout.write(
                f"{backfill['edition']} is older than {backfill['newest_edition']}, the newest "
                "edition in the registry: the themes a newer edition has keep their current "
                f"records; texts of {backfill['edition']}: {texts['created']} new, "
                f"{texts['updated']} changed, {texts['unchanged']} unchanged"
            )
        self.stdout.write(
            f"{len(result['created'])} new, {len(result['updated'])} changed, "
            f"{result['unchanged']} unchanged, {len(result['missing'])} missing"
            + (" (dry run: nothing was changed)" if dry_run else "")
        )
