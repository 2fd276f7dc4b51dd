from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from registry.models import Edition

FIXTURE = settings.BASE_DIR / "fixtures" / "annex-2016.json"
HISTORY_MODELS = [
    f"registry.{name}" for name in ("Command", "Partner", "Section", "Theme", "Agreement")
]


class Command(BaseCommand):
    help = (
        "Load the 2016 annex into an empty registry. A registry that has it already is left "
        "as it is, so edits made in the admin are never overwritten."
    )

    def handle(self, *args, **options):
        if Edition.objects.filter(year=2016).exists():
            self.stdout.write("The 2016 annex is already loaded; the records are kept as they are.")
            return
        call_command("loaddata", FIXTURE, verbosity=options["verbosity"])
        # Loading a fixture writes no history; start every record's history with its 2016 state.
        call_command(
            "populate_history",
            *HISTORY_MODELS,
            verbosity=0,
        )
