from registry.management.importing import ImportCommand
from registry.resources import RESOURCES


class Command(ImportCommand):
    help = (
        "Import a CSV, XLSX, JSON or YAML file of one kind of record (or, for themes, an annex "
        "text) with the same preview and all-or-nothing semantics as the admin's import."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--kind", required=True, choices=list(RESOURCES))

    def kind(self, options):
        return options["kind"]
