"""Annual updates: read a table of records, show what it would change, and apply it.

One code path for every way in: the admin's upload (preview, then confirm), the management
commands and the tests. ``plan_import`` reads and compares and writes nothing; ``apply_plans``
writes one or more plans in a single transaction, all or nothing, and records the run.
Records are matched on natural keys. Nothing is ever deleted: records the file lacks are
listed as missing, and themes among them are archived only when the user asks for it.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry.annex.vocabulary import slugify
from registry.models import (
    Edition,
    ImportChange,
    ImportRun,
    Theme,
    ThemeCommand,
    ThemeEdition,
)
from registry.resources import (
    PRECISION_FORMATS,
    RESOURCES,
    SEPARATOR,
    Column,
    theme_reference,
)
from registry.services.themes import themes_raise_version

TRUE_WORDS = {"ja", "j", "true", "waar", "yes", "y", "1"}
FALSE_WORDS = {"nee", "n", "false", "onwaar", "no", "0", ""}
DATE_FORMS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "day"),
    (re.compile(r"^\d{4}-\d{2}$"), "month"),
    (re.compile(r"^\d{4}$"), "year"),
)
BATCH_SIZE = 1000


class ImportRefused(ValueError):
    """An import that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class CellError:
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self):
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        if self.column:
            where += ", " + _("column '%(column)s'") % {"column": self.column}
        value = f" ('{self.value[:60]}')" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass
class RowChange:
    row: int
    key: tuple
    action: str  # "created", "updated" or "unchanged"
    changes: dict = field(default_factory=dict)  # column -> (old, new) as text
    values: dict = field(default_factory=dict)
    instance: object = None

    @property
    def label(self):
        return " / ".join(str(part) for part in self.key)


@dataclass
class Plan:
    resource: type
    columns: list
    rows: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # existing instances the file lacks
    errors: list = field(default_factory=list)
    edition: int | None = None
    archive_missing: bool = False
    merge_columns: tuple = ()
    silent_columns: tuple = ()
    create_only_columns: tuple = ()
    # For an annex text: each theme's paragraph as printed, kept with the edition's text.
    paragraphs: dict = field(default_factory=dict)

    @property
    def kind(self):
        return self.resource.kind

    def rows_with(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def created(self):
        return self.rows_with("created")

    @property
    def updated(self):
        return self.rows_with("updated")

    @property
    def unchanged(self):
        return self.rows_with("unchanged")

    def missing_keys(self):
        return [self.key_of(instance) for instance in self.missing]

    def key_of(self, instance):
        return tuple(current_value(column, instance) for column in self.resource.key_columns())

    def summary(self):
        return {
            "created": [list(row.key) for row in self.created],
            "updated": [list(row.key) for row in self.updated],
            "unchanged": len(self.unchanged),
            "missing": [list(key) for key in self.missing_keys()],
            "errors": [error.as_dict() for error in self.errors],
        }


class Lookups:
    """The natural keys that exist, or that an earlier plan in the same import will create."""

    def __init__(self):
        self.known = {}

    def keys(self, model, field_name):
        cache_key = (model, field_name)
        if cache_key not in self.known:
            values = model._default_manager.values_list(field_name, flat=True)
            self.known[cache_key] = {str(value) for value in values}
        return self.known[cache_key]

    def add(self, model, field_name, values):
        self.keys(model, field_name).update(str(value) for value in values)

    def theme_references(self):
        if (Theme, "reference") not in self.known:
            pairs = Theme.objects.values_list("section__key", "title")
            self.known[(Theme, "reference")] = {theme_reference(*pair) for pair in pairs}
        return self.known[(Theme, "reference")]


def plan_import(
    *,
    kind,
    rows,
    row_numbers,
    headers,
    edition=None,
    archive_missing=False,
    lookups=None,
    merge_columns=(),
    silent_columns=(),
    create_only_columns=(),
):
    """Compare a table with the registry: what is new, changed, unchanged, missing, wrong.

    ``merge_columns`` add to a record's relations instead of replacing them;
    ``silent_columns`` are written but do not by themselves make a record "updated";
    ``create_only_columns`` are used for new records and leave existing ones alone.
    """
    resource = RESOURCES[kind]
    lookups = lookups or Lookups()
    plan = Plan(
        resource=resource,
        columns=[],
        edition=edition,
        archive_missing=archive_missing,
        merge_columns=merge_columns,
        silent_columns=silent_columns,
        create_only_columns=create_only_columns,
    )
    plan.columns = _columns_in_file(resource, headers, plan.errors)
    if plan.errors:
        return plan
    _know_own_keys(plan, rows, lookups)
    existing = _existing(resource)
    seen = {}
    for number, row in zip(row_numbers, rows, strict=True):
        values, errors = _read_row(resource.Meta.model, plan.columns, row, number, lookups)
        if errors:
            plan.errors.extend(errors)
            continue
        key = tuple(values[column.column_name] for column in resource.key_columns())
        if key in seen:
            plan.errors.append(
                CellError(
                    number,
                    ", ".join(column.column_name for column in resource.key_columns()),
                    " / ".join(str(part) for part in key),
                    _("the same record is already in row %(row)s") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        plan.rows.append(_compare(plan, number, key, values, existing.get(key)))
    _check_unique_slugs(plan, existing)
    plan.missing = [
        instance
        for key, instance in existing.items()
        if key not in seen and not getattr(instance, "is_archived", False)
    ]
    _remember_new_keys(plan, lookups)
    return plan


def refused_plan(kind, message, *, row=None):
    """A plan that cannot go ahead for one reason about the whole file (or one line of it)."""
    return Plan(resource=RESOURCES[kind], columns=[], errors=[CellError(row, "", "", message)])


def _columns_in_file(resource, headers, errors):
    by_name = {column.column_name.lower(): column for column in resource.columns()}
    columns, unknown = [], []
    for header in headers:
        column = by_name.get(header.strip().lower())
        if column is None:
            unknown.append(header)
        else:
            columns.append(column)
    if unknown:
        errors.append(
            CellError(
                1,
                ", ".join(unknown),
                "",
                _("unknown column; the columns are: %(columns)s")
                % {"columns": ", ".join(column.column_name for column in resource.columns())},
            )
        )
    present = {column.column_name for column in columns}
    for column in resource.columns():
        if column.required and column.column_name not in present:
            errors.append(
                CellError(1, column.column_name, "", _("this required column is missing"))
            )
    return columns


def _know_own_keys(plan, rows, lookups):
    """A file may refer to its own records (a command's parent is another command in it)."""
    model = plan.resource.Meta.model
    for column in plan.columns:
        if column.key and len(plan.resource.key_columns()) == 1:
            values = [row.get(column.column_name, "") for row in rows]
            lookups.add(model, column.attribute, [str(v).strip() for v in values if v])


def _existing(resource):
    return {
        tuple(current_value(column, instance) for column in resource.key_columns()): instance
        for instance in resource().get_queryset()
    }


def _read_row(model, columns, row, number, lookups):
    values, errors = {}, []
    lowered = {name.strip().lower(): value for name, value in row.items()}
    for column in columns:
        raw = lowered.get(column.column_name.lower(), "")
        raw = "" if raw is None else str(raw).strip()
        try:
            values[column.column_name] = parse_value(model, column, raw, lookups)
        except ValidationError as error:
            errors.append(CellError(number, column.column_name, raw, " ".join(error.messages)))
    return values, errors


def parse_value(model, column: Column, raw, lookups):
    """A cell's text as the value the registry keeps, or a ValidationError saying why not."""
    if not raw:
        if column.required:
            raise ValidationError(_("a value is required"))
        return _empty_value(model, column)
    if column.kind == "text":
        max_length = model._meta.get_field(column.attribute).max_length
        if max_length and len(raw) > max_length:
            raise ValidationError(
                _("longer than %(max)s characters (%(length)s)")
                % {"max": max_length, "length": len(raw)}
            )
    parse = {
        "text": lambda: raw,
        "int": lambda: _parse_int(raw),
        "bool": lambda: _parse_bool(raw),
        "choice": lambda: _parse_choice(column, raw),
        "key": lambda: _parse_keys(column, raw, lookups, single=True),
        "keys": lambda: frozenset(_parse_keys(column, raw, lookups)),
        "ordered_keys": lambda: tuple(_parse_keys(column, raw, lookups)),
        "theme": lambda: _parse_theme_references(raw, lookups, single=True),
        "themes": lambda: frozenset(_parse_theme_references(raw, lookups)),
        "date": lambda: _parse_date(raw),
    }[column.kind]
    return parse()


def _empty_value(model, column):
    if column.kind == "keys" or column.kind == "themes":
        return frozenset()
    if column.kind == "ordered_keys":
        return ()
    if column.kind == "date":
        return (None, "unknown")
    if column.kind == "bool":
        return False
    if column.kind == "choice":
        model_field = model._meta.get_field(column.attribute)
        if not model_field.blank and model_field.has_default():
            return model_field.get_default()
        return ""
    if column.kind in {"int", "key"}:
        return None
    return ""


def _parse_int(raw):
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(_("not a whole number")) from None


def _parse_bool(raw):
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("write ja or nee"))


def _parse_choice(column, raw):
    value = _choice_words(column.choices, get_language()).get(raw.lower())
    if value is None:
        raise ValidationError(
            _("unknown value; choose from: %(values)s")
            % {"values": ", ".join(str(value) for value in column.choices.values)}
        )
    return value


@cache
def _choice_words(choices, language):
    """A choice's code and its label in the active language, both as a file may write them."""
    words = {}
    for value, label in choices.choices:
        words[str(label).lower()] = value
        words[str(value).lower()] = value
    return words


def _parse_keys(column, raw, lookups, single=False):
    parts = [part.strip() for part in raw.split(SEPARATOR)] if not single else [raw.strip()]
    parts = list(dict.fromkeys(part for part in parts if part))
    known = lookups.keys(column.related, column.related_field)
    unknown = [part for part in parts if part not in known]
    if unknown:
        raise ValidationError(
            _("unknown %(kind)s: %(codes)s")
            % {"kind": column.related._meta.verbose_name, "codes": ", ".join(unknown)}
        )
    if column.related_field == "year":
        parts = [int(part) for part in parts]
    return parts[0] if single else parts


def _parse_theme_references(raw, lookups, single=False):
    references = [raw] if single else [part.strip() for part in raw.split(SEPARATOR)]
    references = [reference for reference in references if reference]
    known = lookups.theme_references()
    unknown = [reference for reference in references if reference not in known]
    if unknown:
        raise ValidationError(
            _("unknown theme (write section:title): %(themes)s") % {"themes": ", ".join(unknown)}
        )
    pairs = [tuple(reference.split(":", 1)) for reference in references]
    return pairs[0] if single else pairs


def _parse_date(raw):
    for form, precision in DATE_FORMS:
        if form.match(raw):
            try:
                pattern = PRECISION_FORMATS[precision]
                return (datetime.datetime.strptime(raw, pattern).date(), precision)
            except ValueError:
                break
    raise ValidationError(_("write a date as 2016-02-04, 2016-06 or 2016"))


def current_value(column, instance):
    """The value an existing record has for a column, in the form parse_value gives."""
    if column.kind == "keys":
        items = getattr(instance, column.attribute).all()
        return frozenset(getattr(item, column.related_field) for item in items)
    if column.kind == "ordered_keys":
        return tuple(command.code for command in instance.ordered_commands())
    if column.kind == "themes":
        return frozenset((theme.section.key, theme.title) for theme in instance.themes.all())
    if column.kind == "date":
        return (instance.date_signed, instance.date_precision)
    if column.kind == "theme":
        theme = getattr(instance, column.attribute)
        return (theme.section.key, theme.title)
    if column.kind == "key":
        related = getattr(instance, column.attribute)
        return None if related is None else getattr(related, column.related_field)
    return getattr(instance, column.attribute)


def display(column, value):
    """A value as text, for previews and the change log."""
    if value is None:
        return ""
    if column.kind == "keys":
        return SEPARATOR.join(sorted(str(item) for item in value))
    if column.kind == "ordered_keys":
        return SEPARATOR.join(value)
    if column.kind == "themes":
        return SEPARATOR.join(sorted(theme_reference(*item) for item in value))
    if column.kind == "theme":
        return theme_reference(*value)
    if column.kind == "date":
        day, precision = value
        return "" if day is None else day.strftime(PRECISION_FORMATS[precision])
    if column.kind == "bool":
        return "ja" if value else "nee"
    return str(value)


def _compare(plan, number, key, values, instance):
    if instance is None:
        return RowChange(number, key, "created", values=values)
    changes = {}
    for column in plan.columns:
        if column.key or column.column_name in plan.create_only_columns:
            continue
        old = current_value(column, instance)
        new = values[column.column_name]
        if column.column_name in plan.merge_columns:
            new = frozenset(old) | frozenset(new)
            values[column.column_name] = new
        if old != new and not (column.kind == "text" and (old or "") == (new or "")):
            changes[column.column_name] = (display(column, old), display(column, new))
    if plan.edition is not None and getattr(instance, "is_archived", False):
        changes["is_archived"] = ("ja", "nee")
        values["is_archived"] = False
    visible = {name: change for name, change in changes.items() if name not in plan.silent_columns}
    action = "updated" if visible else "unchanged"
    return RowChange(number, key, action, changes=changes, values=values, instance=instance)


def _check_unique_slugs(plan, existing):
    if plan.resource.Meta.model is not Theme:
        return
    taken = defaultdict(dict)
    for instance in existing.values():
        taken[instance.section.key][instance.slug] = instance.title
    for row in plan.rows:
        section, title = row.key
        slug = row.values.get("slug") or (row.instance.slug if row.instance else "")
        slug = slug or slugify(title)[:255] or "thema"
        owner = taken[section].get(slug)
        if owner is not None and owner != title:
            if row.values.get("slug"):
                plan.errors.append(
                    CellError(
                        row.row,
                        "slug",
                        slug,
                        _("already used by '%(title)s' in this section") % {"title": owner},
                    )
                )
                continue
            base, number = slug, 2
            while slug in taken[section]:
                slug, number = f"{base}-{number}", number + 1
        row.values["slug"] = slug
        taken[section][slug] = title


def _remember_new_keys(plan, lookups):
    """Let a later plan in the same import refer to the records this one creates."""
    model = plan.resource.Meta.model
    if model is Theme:
        lookups.theme_references().update(theme_reference(*row.key) for row in plan.created)
        return
    if len(plan.resource.key_columns()) != 1:
        return
    for column in plan.resource.key_columns():
        lookups.add(
            model, column.attribute, [row.values[column.column_name] for row in plan.created]
        )


@transaction.atomic
def apply_plans(plans, *, user, file_name, sha256, file_format, kind=None):
    """Write the plans, all or nothing, and record the run. Refuses plans with errors."""
    errors = [error for plan in plans for error in plan.errors]
    if errors:
        raise ImportRefused(_("The file has errors; nothing was changed."))
    edition = _edition(plans)
    run = ImportRun.objects.create(
        kind=kind or plans[0].kind,
        user=user if user and user.is_authenticated else None,
        file_name=file_name[:255],
        sha256=sha256,
        file_format=file_format,
        edition=edition,
    )
    changes = []
    for plan in plans:
        changes.extend(_apply(plan, edition, run))
    ImportChange.objects.bulk_create(
        [ImportChange(run=run, **change) for change in changes], batch_size=BATCH_SIZE
    )
    # The counts are those of the records the user brought in (for an annex text: the themes);
    # partners and sections that it created as well are in the change log.
    main = plans[-1]
    run.created, run.updated = len(main.created), len(main.updated)
    run.unchanged, run.missing = len(main.unchanged), len(main.missing)
    run.archived = sum(1 for change in changes if change["action"] == "archived")
    run.save()
    return run


def _edition(plans):
    years = {plan.edition for plan in plans if plan.edition is not None}
    if not years:
        return None
    (year,) = years
    edition, _created = Edition.objects.get_or_create(
        year=year, defaults={"title": "Bijlage 2: Overzicht van samenwerkingsthema’s"}
    )
    return edition


def _apply(plan, edition, run):
    model = plan.resource.Meta.model
    resolver = _Resolver()
    # Related records were checked while planning; validating them again costs a query a row.
    foreign_keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
    new_instances = []
    self_references = [c for c in plan.columns if c.kind == "key" and c.related is model]
    for row in plan.created:
        instance = model()
        for column in plan.columns:
            if column not in self_references:
                _set_scalar(instance, column, row.values[column.column_name], resolver)
        _fill_defaults(plan, instance, row)
        instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)
        row.instance = instance
        new_instances.append(instance)
    model.objects.bulk_create(new_instances, batch_size=BATCH_SIZE)
    if self_references and new_instances:
        resolver = _Resolver()
        for row in plan.created:
            for column in self_references:
                _set_scalar(row.instance, column, row.values[column.column_name], resolver)
        fields = [model._meta.get_field(c.attribute).name for c in self_references]
        model.objects.bulk_update(new_instances, fields, batch_size=BATCH_SIZE)

    changed_fields = set()
    changed_instances = []
    for row in plan.rows:
        if row.action == "created" or not row.changes:
            continue
        for column in plan.columns:
            if column.column_name in row.changes and column.kind not in {
                "keys",
                "ordered_keys",
                "themes",
            }:
                _set_scalar(row.instance, column, row.values[column.column_name], resolver)
                changed_fields.update(_model_fields(column))
        if "is_archived" in row.changes and "is_archived" not in plan.columns:
            row.instance.is_archived = row.values["is_archived"]
            changed_fields.add("is_archived")
        if "slug" in row.values and model is Theme and row.instance.slug != row.values["slug"]:
            row.instance.slug = row.values["slug"]
            changed_fields.add("slug")
        if model is Theme:
            # An import is an edit too: an editor with the theme open is told on saving.
            themes_raise_version([row.instance])
            changed_fields.add("version")
        changed_instances.append(row.instance)
    if changed_fields:
        model.objects.bulk_update(changed_instances, sorted(changed_fields), batch_size=BATCH_SIZE)

    for column in plan.columns:
        if column.kind in {"keys", "ordered_keys", "themes"}:
            _apply_relation(plan, column, resolver)
    if model is Theme and edition is not None:
        _record_edition(plan, edition)
    archived = _archive_missing(plan) if plan.archive_missing and model is Theme else []
    _record_history(plan, run, archived=[instance for instance in plan.missing if archived])
    return [*_change_log(plan), *archived]


def _record_history(plan, run, archived):
    """One historical record per created, changed or archived record, written in bulk."""
    model = plan.resource.Meta.model
    history = getattr(model, "history", None)
    if history is None:
        return
    for instance in archived:
        instance.is_archived = True
    changed = [
        *(("+", row.instance) for row in plan.created),
        *(("~", row.instance) for row in plan.updated),
        *(("~", instance) for instance in archived),
    ]
    commands = _command_codes([instance.pk for _, instance in changed]) if model is Theme else {}
    rows = []
    for action, instance in changed:
        row = history.model(
            history_date=run.started_at,
            history_user_id=run.user_id,
            history_change_reason=f"import {run.pk}",
            history_type=action,
            import_run_id=run.pk,
            **{f.attname: getattr(instance, f.attname) for f in history.model.tracked_fields},
        )
        if model is Theme:
            row.command_codes = commands.get(instance.pk, "")
        rows.append(row)
    history.model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _command_codes(theme_ids):
    codes = defaultdict(list)
    links = ThemeCommand.objects.filter(theme_id__in=theme_ids).order_by("theme_id", "position")
    for theme_id, code in links.values_list("theme_id", "command__code"):
        codes[theme_id].append(code)
    return {theme_id: SEPARATOR.join(values) for theme_id, values in codes.items()}


class _Resolver:
    """Natural keys to database ids, one query per related model."""

    def __init__(self):
        self.cache = {}

    def pk(self, model, field_name, value):
        return self.pks(model, field_name)[str(value)]

    def pks(self, model, field_name):
        if (model, field_name) not in self.cache:
            pairs = model._default_manager.values_list(field_name, "pk")
            self.cache[(model, field_name)] = {str(key): pk for key, pk in pairs}
        return self.cache[(model, field_name)]

    def theme_pks(self):
        if "themes" not in self.cache:
            rows = Theme.objects.values_list("section__key", "title", "pk")
            self.cache["themes"] = {(section, title): pk for section, title, pk in rows}
        return self.cache["themes"]


def _set_scalar(instance, column, value, resolver):
    if column.kind == "key":
        field_name = instance._meta.get_field(column.attribute).attname
        setattr(
            instance,
            field_name,
            None if value is None else resolver.pk(column.related, column.related_field, value),
        )
    elif column.kind == "date":
        instance.date_signed, instance.date_precision = value
    elif column.kind == "theme":
        instance.theme_id = resolver.theme_pks()[tuple(value)]
    elif column.kind in {"text", "int", "bool", "choice"}:
        setattr(instance, column.attribute, value)


def _model_fields(column):
    if column.kind == "date":
        return ["date_signed", "date_precision"]
    return [column.attribute]


def _fill_defaults(plan, instance, row):
    if isinstance(instance, Theme):
        instance.slug = row.values["slug"]
    has_position = any(f.name == "position" for f in instance._meta.concrete_fields)
    if has_position and row.values.get("position") is None:
        # Without a position a new record keeps the place it has in the file.
        instance.position = row.row


def _apply_relation(plan, column, resolver):
    model = plan.resource.Meta.model
    affected = [
        row
        for row in plan.rows
        if (row.action == "created" and row.values[column.column_name])
        or column.column_name in row.changes
    ]
    if not affected:
        return
    ids = [row.instance.pk for row in affected]
    if column.kind == "ordered_keys":
        ThemeCommand.objects.filter(theme_id__in=ids).delete()
        command_pks = resolver.pks(column.related, "code")
        links = [
            ThemeCommand(theme_id=row.instance.pk, command_id=command_pks[code], position=position)
            for row in affected
            for position, code in enumerate(row.values[column.column_name], start=1)
        ]
        ThemeCommand.objects.bulk_create(links, batch_size=BATCH_SIZE)
        return
    if column.kind == "keys" and column.related is Edition:
        _apply_editions(affected, column, resolver)
        return
    relation = model._meta.get_field(column.attribute)
    through = relation.remote_field.through
    source = relation.m2m_field_name() + "_id"
    target = relation.m2m_reverse_field_name() + "_id"
    through.objects.filter(**{f"{source}__in": ids}).delete()
    if column.kind == "themes":
        targets = resolver.theme_pks()
    else:
        targets = resolver.pks(column.related, column.related_field)
    links = [
        through(**{source: row.instance.pk, target: targets[item]})
        for row in affected
        for item in sorted(row.values[column.column_name], key=str)
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)


def _apply_editions(affected, column, resolver):
    ids = [row.instance.pk for row in affected]
    existing = {
        (link.theme_id, link.edition_id): link
        for link in ThemeEdition.objects.filter(theme_id__in=ids)
    }
    edition_pks = resolver.pks(Edition, "year")
    wanted = set()
    new_links = []
    for row in affected:
        for year in row.values[column.column_name]:
            pair = (row.instance.pk, edition_pks[str(year)])
            wanted.add(pair)
            if pair not in existing:
                new_links.append(_snapshot(row.instance, pair[1], row))
    stale = [link.pk for pair, link in existing.items() if pair not in wanted]
    ThemeEdition.objects.filter(pk__in=stale).delete()
    ThemeEdition.objects.bulk_create(new_links, batch_size=BATCH_SIZE)


def _snapshot(theme, edition_id, row, paragraph=""):
    commands = row.values.get("commands")
    if commands is None:
        existing = row.action != "created"
        commands = tuple(c.code for c in theme.ordered_commands()) if existing else ()
    return ThemeEdition(
        theme_id=theme.pk,
        edition_id=edition_id,
        title=theme.title,
        description=theme.description,
        commands=SEPARATOR.join(commands),
        paragraph=paragraph,
    )


def _record_edition(plan, edition):
    """Every theme in the file appears in this edition, with the text the file gives it."""
    ids = [row.instance.pk for row in plan.rows]
    ThemeEdition.objects.filter(theme_id__in=ids, edition=edition).delete()
    ThemeEdition.objects.bulk_create(
        [
            _snapshot(row.instance, edition.pk, row, plan.paragraphs.get(row.key, ""))
            for row in plan.rows
        ],
        batch_size=BATCH_SIZE,
    )


def _archive_missing(plan):
    ids = [instance.pk for instance in plan.missing]
    Theme.objects.filter(pk__in=ids).update(is_archived=True)
    return [
        {
            "model": "theme",
            "record_key": " / ".join(str(part) for part in plan.key_of(instance)),
            "action": "archived",
            "changes": {"is_archived": ["nee", "ja"]},
        }
        for instance in plan.missing
    ]


def _change_log(plan):
    model_name = plan.resource.Meta.model._meta.model_name
    for row in plan.rows:
        if row.action == "unchanged":
            continue
        changes = row.changes
        if row.action == "created":
            changes = {
                column.column_name: ["", display(column, row.values[column.column_name])]
                for column in plan.columns
                if display(column, row.values[column.column_name])
            }
        yield {
            "model": model_name,
            "record_key": row.label,
            "action": row.action,
            "changes": {name: list(change) for name, change in changes.items()},
        }
