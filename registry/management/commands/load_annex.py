from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.models import Edition
from registry.services.history import record_history

FIXTURE = settings.BASE_DIR / "fixtures" / "annex-2016.json"
REASON = "Bijlage 2016"
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
        start_history()


def start_history():
    """Begin every record's history with its 2016 state: one complete historical record each.

    Loading a fixture writes history only here and there (for some many-to-many links), so
    that partial history is replaced by one record per record, relations included, written in
    bulk as an import writes it.
    """
    date = timezone.now()
    for name in HISTORY_MODELS:
        model = apps.get_model(name)
        model.history.all().delete()
        for relation in model.history.model._history_m2m_fields:
            getattr(model.history.model, relation.name).model.objects.all().delete()
        records = model.objects.order_by("pk")
        record_history(model, [("+", record) for record in records], date=date, reason=REASON)
