from registry.management.importing import ImportCommand
from registry.services.imports import ANNEX


class Command(ImportCommand):
    help = (
        "Bring in an edition of the annex (Bijlage 2), as text (.txt) or as a Word document "
        "(.docx), as an annual update: new, changed, unchanged and missing themes. All or "
        "nothing; running it twice changes nothing."
    )
    edition_required = True

    def kind(self, options):
        return ANNEX
