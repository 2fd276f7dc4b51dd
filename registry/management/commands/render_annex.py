from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.annex.renderer import RENDERERS
from registry.models import Edition
from registry.services.render import edition_document


class Command(BaseCommand):
    help = "Write an edition of the annex from the registry (public records only)."

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, required=True)
        parser.add_argument("--format", dest="file_format", choices=list(RENDERERS), default="txt")
        parser.add_argument("--output", type=Path, help="File to write; default standard output.")
        parser.add_argument(
            "--changes",
            action="store_true",
            help="Add an appendix of what changed since the previous edition.",
        )

    def handle(self, *args, edition, file_format, output, changes, **options):
        try:
            record = Edition.objects.get(year=edition)
        except Edition.DoesNotExist:
            raise CommandError(f"There is no edition {edition}.") from None
        content = RENDERERS[file_format](edition_document(record, with_changes=changes))
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if output:
            output.write_bytes(data)
            self.stdout.write(f"Wrote {output}.")
        elif isinstance(content, bytes):
            raise CommandError("A Word document needs --output.")
        else:
            self.stdout.write(content, ending="")
