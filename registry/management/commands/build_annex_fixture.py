from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.annex.fixture import FixtureError, build_fixture, dump_fixture
from registry.annex.parser import AnnexParseError, parse_annex

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source"


class Command(BaseCommand):
    help = "Generate fixtures/annex-YEAR.json from the annex text and its agreements file."

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, default=2016)
        parser.add_argument(
            "--text", type=Path, default=SOURCE / "bijlage-2-samenwerkingsthemas-2016.txt"
        )
        parser.add_argument(
            "--agreements", type=Path, default=SOURCE / "annex-2016-agreements.yaml"
        )
        parser.add_argument(
            "--english",
            type=Path,
            default=SOURCE / "annex-2016-english.yaml",
            help="The sections' English headings and introductions, by section key.",
        )
        parser.add_argument(
            "--source",
            type=Path,
            default=SOURCE / "annex-2016-source.yaml",
            help="The parliamentary document the edition was sent with (YAML).",
        )
        parser.add_argument("--output", type=Path, default=None)
        parser.add_argument(
            "--check", action="store_true", help="Fail when the fixture on disk is outdated."
        )

    def handle(self, *args, edition, text, agreements, english, source, output, check, **options):
        output = output or Path(settings.BASE_DIR) / "fixtures" / f"annex-{edition}.json"
        try:
            annex = parse_annex(text.read_text(encoding="utf-8"))
            content = dump_fixture(
                build_fixture(
                    annex,
                    edition_year=edition,
                    agreements=yaml.safe_load(agreements.read_text(encoding="utf-8")),
                    english=yaml.safe_load(english.read_text(encoding="utf-8")),
                    source=yaml.safe_load(source.read_text(encoding="utf-8")),
                )
            )
        except (AnnexParseError, FixtureError, OSError) as error:
            raise CommandError(str(error)) from error
        if check:
            if not output.exists() or output.read_text(encoding="utf-8") != content:
                raise CommandError(f"{output} is outdated: run build_annex_fixture.")
            self.stdout.write(f"{output} is up to date.")
            return
        output.write_text(content, encoding="utf-8")
        self.stdout.write(f"Wrote {output}.")
