import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.services.annex import annex_plans, apply_annex, summary
from registry.services.uploads import UnreadableFile, decode_text, sha256


class Command(BaseCommand):
    help = (
        "Bring in an edition of the annex text (Bijlage 2) as an annual update: new, changed, "
        "unchanged and missing themes. All or nothing; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--edition", type=int, required=True, help="The edition's year.")
        parser.add_argument("--dry-run", action="store_true", help="Show, change nothing.")
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help="Archive the themes that this edition no longer has (nothing is deleted).",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, path, edition, dry_run, archive_missing, **options):
        try:
            data = path.read_bytes()
            text = decode_text(data, path.name)
        except (OSError, UnreadableFile) as error:
            raise CommandError(str(error)) from error
        plans, annex = annex_plans(text, edition_year=edition, archive_missing=archive_missing)
        result = summary(plans)
        if not result["errors"] and not dry_run:
            apply_annex(
                plans,
                annex,
                edition_year=edition,
                user=None,
                file_name=path.name,
                sha256=sha256(data),
            )
        self.report(result, as_json=options["json"], dry_run=dry_run)
        if result["errors"]:
            raise CommandError("Nothing was changed: the annex text has errors.")

    def report(self, result, *, as_json, dry_run):
        if as_json:
            self.stdout.write(json_dumps(result))
            return
        for label, name in (("new", "created"), ("changed", "updated"), ("missing", "missing")):
            for key in result[name]:
                self.stdout.write(f"{label}: {' / '.join(str(part) for part in key)}")
        for error in result["errors"]:
            where = f"line {error['row']}: " if error["row"] else ""
            self.stderr.write(f"error: {where}{error['message']}")
        self.stdout.write(
            f"{len(result['created'])} new, {len(result['updated'])} changed, "
            f"{result['unchanged']} unchanged, {len(result['missing'])} missing"
            + (" (dry run: nothing was changed)" if dry_run else "")
        )


def json_dumps(result):
    return json.dumps(result, ensure_ascii=False, indent=2)
