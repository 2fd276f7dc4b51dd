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

from registry.models import Theme, ThemeCommand

COMMAND_SEPARATOR = "|"
SKIP_HISTORY = "skip_history_when_saving"  # the attribute simple-history's handlers look for


def history_paused(instance):
    """Let the next saves of this instance write no history: :func:`record_revision` will."""
    setattr(instance, SKIP_HISTORY, True)


@transaction.atomic
def record_revision(instance, *, user, history_type="~", reason=""):
    """Write the historical record of ``instance`` as it is now in the database."""
    if hasattr(instance, SKIP_HISTORY):
        delattr(instance, SKIP_HISTORY)
    model = type(instance).history.model
    fields = {field.attname: getattr(instance, field.attname) for field in model.tracked_fields}
    record = model(
        history_date=timezone.now(),
        history_type=history_type,
        history_user=user,
        history_change_reason=reason or None,
        **fields,
    )
    if isinstance(instance, Theme):
        record.command_codes = theme_command_codes(instance)
    record.save()
    _record_links(record, instance)
    return record


def theme_command_codes(theme):
    """The theme's commands in order, as a historical record keeps them: "CZSK|CLAS"."""
    links = ThemeCommand.objects.filter(theme=theme).order_by("position")
    return COMMAND_SEPARATOR.join(links.values_list("command__code", flat=True))


def _record_links(record, instance):
    """The record's copy of each tracked many-to-many field's rows."""
    for field in record._history_m2m_fields:
        link_history = getattr(type(record), field.name).model
        through = field.remote_field.through
        names = [f.attname for f in through._meta.concrete_fields]
        rows = through._default_manager.filter(**{field.m2m_field_name(): instance})
        link_history.objects.bulk_create(
            [link_history(history=record, **values) for values in rows.values(*names)]
        )
