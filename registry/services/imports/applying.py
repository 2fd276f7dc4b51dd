"""Applying plans: write what the plans say, all or nothing, and record the run.

The records were built and validated while planning (``planning.py``); this step only resolves
the ids of records that an earlier plan of the same import created, saves in bulk, writes the
links of relations, each theme's text in the edition, the history (relations included) and the
change log. It validates nothing again and so raises no validation error: what the preview
showed is what is written.
"""

from django.db import models, transaction
from django.utils.translation import gettext as _

from registry.columns import SNAPSHOT_FIELDS, edition_snapshot
from registry.models import Edition, ImportChange, ImportRun, Theme, ThemeEdition
from registry.services import bulk
from registry.services.history import record_history
from registry.services.imports import planning
from registry.services.imports.planning import Resolver
from registry.services.themes import themes_raise_version

EDITION_TITLE = "Bijlage 2: Overzicht van samenwerkingsthema’s"


class ImportRefused(ValueError):
    """An import that cannot go ahead; the message says why."""


@transaction.atomic
def apply_plans(plans, *, user, file_name, sha256, file_format, kind=None, preview=None):
    """Write the plans, all or nothing, and record the run. Refuses plans with errors."""
    if any(plan.errors for plan in plans):
        raise ImportRefused(_("The file has errors; nothing was changed."))
    run = ImportRun.objects.create(
        kind=kind or plans[0].kind,
        user=user if user and user.is_authenticated else None,
        file_name=file_name[:255],
        sha256=sha256,
        file_format=file_format,
        preview=preview,
    )
    changes, edition = [], None
    for plan in plans:
        if plan.edition is not None:
            # After the plans before it: an annex text's own edition plan may have made it.
            edition = _edition(plan.edition)
        changes.extend(_apply(plan, edition, run))
    bulk.insert_rows(
        ImportChange,
        ["run_id", "model", "record_key", "action", "changes"],
        (
            (
                run.pk,
                change["model"],
                change["record_key"][:500],
                change["action"],
                change["changes"],
            )
            for change in changes
        ),
    )
    # The counts are those of the records the user brought in (for an annex text: the themes);
    # partners and sections that it created as well are in the change log.
    main = plans[-1]
    run.created, run.updated = len(main.created), len(main.updated)
    run.unchanged, run.missing = len(main.unchanged), len(main.missing)
    run.archived = sum(1 for change in changes if change["action"] == "archived")
    run.edition = edition
    run.save()
    return run


def _edition(year):
    edition, _created = Edition.objects.get_or_create(year=year, defaults={"title": EDITION_TITLE})
    return edition


def _apply(plan, edition, run):
    # A resolver of its own: an earlier plan of this import may have created what this refers to.
    resolver = Resolver()
    _create(plan, resolver)
    _update(plan, resolver)
    for column in plan.columns:
        if column.kind.is_relation:
            rows = _rows_with_links(plan, column)
            if rows and column.column_name == "editions":
                column.kind.write_links(
                    plan.model, rows, resolver, lambda row: _commands(plan, row)
                )
            elif rows:
                column.kind.write_links(plan.model, rows, resolver)
    if plan.model is Theme and edition is not None:
        _record_edition(plan, edition)
    archived = _archive_missing(plan) if plan.archive_missing and plan.model is Theme else []
    _record_history(plan, run, archived)
    return [*_change_log(plan), *_archive_log(plan, archived)]


def _related_key_columns(plan):
    """Columns that point at another record by its key: resolved to ids just before saving."""
    return [
        column
        for column in plan.resource.columns()
        if hasattr(column.kind, "related")
        and not column.kind.is_relation
        and column.kind.related is not plan.model
    ]


def _resolve(plan, row, names, resolver):
    for column in _related_key_columns(plan):
        if column.column_name in names:
            column.kind.assign(row.instance, row.values[column.column_name], resolver)


def _create(plan, resolver):
    rows = plan.created
    if not rows:
        return
    names = [column.column_name for column in plan.columns]
    parents = {}
    for row in rows:
        _resolve(plan, row, names, resolver)
        parents[id(row)] = _detach_unsaved_parents(plan, row.instance)
    bulk.insert_records(plan.model, [row.instance for row in rows])
    reattached = [row.instance for row in rows if _reattach(row.instance, parents[id(row)])]
    if reattached:
        fields = sorted({name for row in rows for name in parents[id(row)]})
        _save_fields(plan.model, reattached, fields)


def _detach_unsaved_parents(plan, record):
    """Links to records created in the same batch are set once those have their ids."""
    detached = {}
    for model_field in record._meta.concrete_fields:
        if model_field.is_relation and model_field.related_model is plan.model:
            target = model_field.get_cached_value(record, default=None)
            if target is not None and target.pk is None:
                detached[model_field.name] = target
                setattr(record, model_field.name, None)
    return detached


def _reattach(record, detached):
    for name, target in detached.items():
        setattr(record, name, target)
    return bool(detached)


def _update(plan, resolver):
    rows = [row for row in plan.rows if row.action != "created" and row.changes]
    if not rows:
        return
    fields = set()
    for row in rows:
        _resolve(plan, row, row.changes, resolver)
        for name in row.changes:
            fields.update(plan.column(name).kind.model_fields())
    if plan.model is Theme:
        # An import is an edit too: an editor with the theme open is told on saving.
        themes_raise_version([row.instance for row in rows])
        fields.add("version")
    if fields:
        _make_room(plan, rows, fields)
        _save_fields(plan.model, [row.instance for row in rows], sorted(fields))


def _save_fields(model, records, names):
    """Write these fields of these saved records."""
    attnames = [model._meta.get_field(name).attname for name in names]
    bulk.update_rows(
        model,
        attnames,
        ((*(getattr(record, name) for name in attnames), record.pk) for record in records),
    )


def _make_room(plan, rows, fields):
    """Free the unique text values that records change, so two may swap them.

    The plan checked that the values are unique once every row is written; an UPDATE checks
    each row as it goes. So the records that change such a value hold a value no real record
    can have (``~`` and their id) until the update sets the new ones.
    """
    text_fields = [
        field
        for fields_together in planning.unique_field_sets(plan.model)
        for field in fields_together
        if field.name in fields and isinstance(field, models.CharField)
    ]
    if not text_fields:
        return
    originals = [
        (row.instance, {f.attname: getattr(row.instance, f.attname) for f in text_fields})
        for row in rows
    ]
    for record, _values in originals:
        for field in text_fields:
            setattr(record, field.attname, f"~{record.pk}")
    _save_fields(
        plan.model, [record for record, _values in originals], [f.name for f in text_fields]
    )
    for record, values in originals:
        for name, value in values.items():
            setattr(record, name, value)


def _rows_with_links(plan, column):
    name = column.column_name
    return [
        row
        for row in plan.rows
        if (row.action == "created" and row.values[name]) or name in row.changes
    ]


PARAGRAPH, PAGE = SNAPSHOT_FIELDS.index("paragraph"), SNAPSHOT_FIELDS.index("page")


def _record_edition(plan, edition):
    """Every theme in the file appears in this edition, with the text the file gives it.

    Only texts that are new or differ are written: importing the same file again writes none.
    A PDF gives the page where each theme begins; a text has no pages, so a text import keeps
    the page an earlier PDF gave only where the paragraph is unchanged (it is then the same
    paragraph on the same page), and clears it where the paragraph changed.
    """
    texts, stored = _edition_texts(plan, edition.pk)
    stale = [pk for pk, text in texts.items() if pk in stored and stored[pk] != text]
    for batch in bulk.batched(stale, 5000):
        ThemeEdition.objects.filter(edition=edition, theme_id__in=batch).delete()
    bulk.insert_rows(
        ThemeEdition,
        SNAPSHOT_FIELDS,
        (text for pk, text in texts.items() if stored.get(pk) != text),
    )


def edition_text_counts(plan):
    """How many of the edition's texts the import adds, changes and leaves: what a backfill
    writes, as its themes' current records stay as they are."""
    edition = Edition.objects.filter(year=plan.edition).first()
    created = len(plan.created)
    if edition is None:
        return {"created": len(plan.rows), "updated": 0, "unchanged": 0}
    texts, stored = _edition_texts(plan, edition.pk)
    unchanged = sum(1 for pk, text in texts.items() if stored.get(pk) == text)
    updated = sum(1 for pk, text in texts.items() if pk in stored and stored[pk] != text)
    return {
        "created": created + len(texts) - unchanged - updated,
        "updated": updated,
        "unchanged": unchanged,
    }


def _edition_texts(plan, edition_id):
    """The texts the file gives the existing themes in this edition, and those stored, by id.

    A theme this import creates has no text in any edition yet (and no id while planning).
    A PDF gives each theme's page; a text keeps the stored page where the paragraph is
    unchanged (see ``_record_edition``).
    """
    rows = [row for row in plan.rows if row.instance is not None and row.instance.pk is not None]
    stored = {}
    for batch in bulk.batched([row.instance.pk for row in rows], 5000):
        links = ThemeEdition.objects.filter(edition_id=edition_id, theme_id__in=batch)
        for values in links.values_list(*SNAPSHOT_FIELDS):
            stored[values[0]] = values
    texts = {}
    for row in rows:
        paragraph = plan.paragraphs.get(row.key, "")
        if plan.pages is not None:
            page = plan.pages.get(row.key)
        else:
            earlier = stored.get(row.instance.pk)
            page = earlier[PAGE] if earlier and earlier[PARAGRAPH] == paragraph else None
        texts[row.instance.pk] = edition_snapshot(
            row, edition_id, paragraph, commands=_commands(plan, row), page=page
        )
    return texts, stored


def _commands(plan, row):
    """A theme's commands as it has them, for an edition's text when the file names none."""
    if row.action == "created":
        return ()
    return plan.current(plan.column("commands"), row.instance)


def _archive_missing(plan):
    for instance in plan.missing:
        instance.is_archived = True
    themes_raise_version(plan.missing)
    _save_fields(Theme, plan.missing, ["is_archived", "version"])
    return plan.missing


def _record_history(plan, run, archived):
    """One complete historical record per created, changed or archived record."""
    changes = [
        *(("+", row.instance) for row in plan.created),
        *(("~", row.instance) for row in plan.updated),
        *(("~", instance) for instance in archived),
    ]
    record_history(
        plan.model,
        changes,
        date=run.started_at,
        user_id=run.user_id,
        reason=f"import {run.pk}",
        run_id=run.pk,
    )


def _change_log(plan):
    model_name = plan.model._meta.model_name
    for row in plan.rows:
        if row.action == "unchanged":
            continue
        yield {
            "model": model_name,
            "record_key": row.label,
            "action": row.action,
            "changes": plan.changes_as_text(row),
        }


def _archive_log(plan, archived):
    return [
        {
            "model": "theme",
            "record_key": " / ".join(str(part) for part in plan.key_of(instance)),
            "action": "archived",
            "changes": {"is_archived": ["nee", "ja"]},
        }
        for instance in archived
    ]
