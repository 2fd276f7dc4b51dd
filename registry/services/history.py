"""History written in bulk: one complete historical record per record, relations included.

django-simple-history writes a record's history when the record is saved on its own (the
admin does that). Loading the annex and every import write records in bulk, so they write the
history here: per record a historical record with every tracked field, the rows of its
many-to-many relations as they are at that moment (a theme's or a section's partners, an
agreement's parties and themes) and, for a theme, its commands in order. A diff against such a
record, or a revert to it, sees the whole record as it was.
"""

from collections import defaultdict

from registry.models import Theme, ThemeCommand

BATCH_SIZE = 1000
SEPARATOR = "|"


def record_history(model, changes, *, date, user_id=None, reason="", run_id=None):
    """Write a historical record for each ``(history_type, record)``: "+", "~" or "-"."""
    manager = getattr(model, "history", None)
    changes = list(changes)
    if manager is None or not changes:
        return []
    historical = manager.model
    commands = _command_codes([record.pk for _type, record in changes]) if model is Theme else {}
    rows = []
    for history_type, record in changes:
        row = historical(
            history_date=date,
            history_user_id=user_id,
            history_change_reason=reason,
            history_type=history_type,
            import_run_id=run_id,
            **{f.attname: getattr(record, f.attname) for f in historical.tracked_fields},
        )
        if model is Theme:
            row.command_codes = commands.get(record.pk, "")
        rows.append(row)
    rows = historical.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    _record_relations(model, historical, rows)
    return rows


def _record_relations(model, historical, rows):
    """The many-to-many links of each record, copied to its historical record's own tables."""
    by_record = {getattr(row, model._meta.pk.attname): row for row in rows}
    for relation in historical._history_m2m_fields:
        m2m_history = getattr(historical, relation.name).model
        through = getattr(model, relation.name).through
        source = relation.m2m_field_name()
        target = relation.m2m_reverse_field_name()
        links = through.objects.filter(**{f"{source}_id__in": list(by_record)}).values_list(
            "pk", f"{source}_id", f"{target}_id"
        )
        copies = [
            m2m_history(
                history=by_record[record_id],
                **{"id": pk, f"{source}_id": record_id, f"{target}_id": target_id},
            )
            for pk, record_id, target_id in links
        ]
        m2m_history.objects.bulk_create(copies, batch_size=BATCH_SIZE)


def _command_codes(theme_ids):
    codes = defaultdict(list)
    links = ThemeCommand.objects.filter(theme_id__in=theme_ids).order_by("theme_id", "position")
    for theme_id, code in links.values_list("theme_id", "command__code"):
        codes[theme_id].append(code)
    return {theme_id: SEPARATOR.join(values) for theme_id, values in codes.items()}
