"""One historical record per edit in the admin, written once the record and its links are saved.

simple-history writes a record when a record is saved and another one for every change of a
tracked many-to-many field, so one save in the admin would leave two or three records, the
first with the links as they were before. The admin therefore saves without simple-history's
signal handlers (``skip_history_when_saving``) and then calls :func:`record_revision`, which
writes the one complete record: fields, many-to-many links and, for a theme, its commands in
order.
"""

from django.db import transaction
from django.utils import timezone

from registry.services.history import record_history, theme_command_codes

__all__ = ["history_paused", "record_revision", "theme_command_codes"]
SKIP_HISTORY = "skip_history_when_saving"  # the attribute simple-history's handlers look for


def history_paused(instance):
    """Let the next saves of this instance write no history: :func:`record_revision` will."""
    setattr(instance, SKIP_HISTORY, True)


@transaction.atomic
def record_revision(instance, *, user, history_type="~", reason=""):
    """Write the historical record of ``instance`` as it is now in the database."""
    if hasattr(instance, SKIP_HISTORY):
        delattr(instance, SKIP_HISTORY)
    model = type(instance)
    history_id = record_history(
        model,
        [(history_type, instance)],
        date=timezone.now(),
        user_id=getattr(user, "pk", None),
        reason=reason,
    )
    return model.history.get(history_id=history_id)
