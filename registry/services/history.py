"""History written in bulk: one complete historical record per record, relations included.

django-simple-history writes a record's history when the record is saved on its own (the
admin does that). Loading the annex and every import write records in bulk, so they write the
history here: per record a historical record with every tracked field, the rows of its
many-to-many relations as they are at that moment (a theme's or a section's partners, an
agreement's parties and themes) and, for a theme, its commands in order. A diff against such a
record, or a revert to it, sees the whole record as it was.

The historical records are inserted as plain rows (``bulk.insert_rows``) and their relations
copied by the database itself (INSERT ... SELECT), so history costs a few statements per
thousand records, not a model instance per link.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Max

from registry.models import Theme, ThemeCommand
from registry.services import bulk
from registry.services.bulk import batched

SEPARATOR = "|"
HISTORY_FIELDS = [
    "history_date",
    "history_user",
    "history_change_reason",
    "history_type",
    "import_run",
]


def record_history(model, changes, *, date, user_id=None, reason="", run_id=None):
    """Write a historical record for each ``(history_type, record)``: "+", "~" or "-".

    The records must be saved as they are: their values are what the history keeps. Returns
    the id of the last historical record written (the one record, when there is one).
    """
    manager = getattr(model, "history", None)
    changes = list(changes)
    if manager is None or not changes:
        return None
    historical = manager.model
    tracked = [field.attname for field in historical.tracked_fields]
    names = [*tracked, *HISTORY_FIELDS]
    commands = {}
    if model is Theme:
        names.append("command_codes")
        commands = _command_codes([record.pk for _type, record in changes])
    start = historical.objects.aggregate(last=Max("history_id"))["last"] or 0
    rows = []
    for history_type, record in changes:
        extra = [commands.get(record.pk, "")] if model is Theme else []
        rows.append(
            (
                *(getattr(record, name) for name in tracked),
                date,
                user_id,
                reason or None,
                history_type,
                run_id,
                *extra,
            )
        )
    bulk.insert_rows(historical, names, rows)
    _copy_relations(model, historical, start=start, date=date)
    return historical.objects.filter(history_id__gt=start).aggregate(last=Max("history_id"))["last"]


def _copy_relations(model, historical, *, start, date):
    """The links of each record, copied into its new historical record's own tables."""
    quote = connection.ops.quote_name
    record_column = historical._meta.get_field(model._meta.pk.attname).column
    for relation in historical._history_m2m_fields:
        m2m_history = getattr(historical, relation.name).model
        through = getattr(model, relation.name).through
        source = through._meta.get_field(relation.m2m_field_name()).column
        target = through._meta.get_field(relation.m2m_reverse_field_name()).column
        history_column = m2m_history._meta.get_field("history").column
        names = {
            "copies": quote(m2m_history._meta.db_table),
            "links": quote(through._meta.db_table),
            "history": quote(historical._meta.db_table),
            "history_column": quote(history_column),
            "record": quote(record_column),
            "source": quote(source),
            "target": quote(target),
            "id": quote("id"),
        }
        sql = (
            "INSERT INTO {copies} ({history_column}, {source}, {target}, {id}) "
            "SELECT h.history_id, l.{source}, l.{target}, l.{id} "
            "FROM {links} l JOIN {history} h ON h.{record} = l.{source} "
            "WHERE h.history_id > %s AND h.history_date = %s"
        ).format(**names)
        date_value = historical._meta.get_field("history_date").get_db_prep_save(date, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, date_value])


def theme_command_codes(theme):
    """The theme's commands in order, as a historical record keeps them: "CZSK|CLAS"."""
    return _command_codes([theme.pk]).get(theme.pk, "")


def _command_codes(theme_ids):
    codes = defaultdict(list)
    for batch in batched(theme_ids, 5000):
        links = ThemeCommand.objects.filter(theme_id__in=batch).order_by("theme_id", "position")
        for theme_id, code in links.values_list("theme_id", "command__code"):
            codes[theme_id].append(code)
    return {theme_id: SEPARATOR.join(values) for theme_id, values in codes.items()}
