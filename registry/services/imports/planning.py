"""Planning an import: compare a table with the registry and find every error. Writes nothing.

A plan says, row by row, what the file would create, change or leave alone, and lists the
records it lacks. Every row that would create or change a record is validated here, completely,
before anything is shown:

1. each cell is read by its column's kind (``columns.py``): a number, a known code, a date;
2. the record is built as it would be saved, and goes through the model's own validation
   (``full_clean``: field validators, choices, lengths, the model's ``clean()`` and its check
   constraints);
3. what the model cannot see alone is checked over the whole registry as it would be after the
   import: a record's key appears once, other unique fields stay unique, and no command becomes
   part of itself (the parent chain is followed through the planned records).

Foreign keys are the one thing ``full_clean`` is not asked to check: the column's kind has
already looked the key up (in sets loaded once), and Django would query the database for
every row. So a plan without errors is exactly what ``applying.apply_plans`` writes: the confirm
step never meets a validation error.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _

from registry.annex.vocabulary import slugify
from registry.columns import theme_reference
from registry.models import Edition, Theme, ThemeEdition
from registry.resources import RESOURCES


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
    row: int | None
    key: tuple
    action: str  # "created", "updated" or "unchanged"
    changes: dict = field(default_factory=dict)  # column name -> (old value, new value)
    values: dict = field(default_factory=dict)  # column name -> value
    cells: dict = field(default_factory=dict)  # column name -> the cell as the file has it
    # The record as it will be saved: validated, not yet written.
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
    # For an annex PDF: the page where each theme begins; None for a text, which has no pages.
    pages: dict | None = None
    # The relations of the existing records, read in one query per relation: column -> {id: value}
    current_values: dict = field(default_factory=dict)
    # Records whose current fields a newer edition gave: only ``merge_columns`` add to them.
    held: set = field(default_factory=set)
    # For an edition older than the newest in the registry (a backfill): that newest year.
    newest_edition: int | None = None
    # A backfill's texts of the edition: "created", "updated", "unchanged" -> count.
    edition_texts: dict = field(default_factory=dict)

    @property
    def is_backfill(self):
        return self.newest_edition is not None

    @property
    def kind(self):
        return self.resource.kind

    @property
    def model(self):
        return self.resource.Meta.model

    def column(self, name):
        """A column of the resource by name, also one the file does not have."""
        return self.resource.column(name)

    def current(self, column, record):
        """The value an existing record has in a column (relations from ``current_values``)."""
        values = self.current_values.get(column.column_name)
        if values is None:
            return column.current(record)
        return values.get(record.pk, column.kind.empty())

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

    @property
    def written(self):
        """The rows whose record is saved: new ones, and changed ones (also silently)."""
        return [row for row in self.rows if row.action == "created" or row.changes]

    def missing_keys(self):
        return [self.key_of(instance) for instance in self.missing]

    def key_of(self, instance):
        return tuple(column.current(instance) for column in self.resource.key_columns())

    def changes_as_text(self, row):
        """A row's changes as the file writes the values: what the change log keeps."""
        if row.action == "created":
            return {
                column.column_name: ["", text]
                for column in self.columns
                if (text := column.render(row.values[column.column_name]))
            }
        return {
            name: [self.column(name).render(old), self.column(name).render(new)]
            for name, (old, new) in row.changes.items()
        }

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


class Resolver:
    """Natural keys to database ids, one query per related model.

    While planning, a record that an earlier plan of the same import creates has no id yet:
    ``pk`` answers None for it, and the applying step, with a resolver of its own, fills it in.
    """

    def __init__(self):
        self.cache = {}

    def pk(self, model, field_name, value):
        return self.pks(model, field_name).get(str(value))

    def pks(self, model, field_name):
        if (model, field_name) not in self.cache:
            pairs = model._default_manager.values_list(field_name, "pk")
            self.cache[(model, field_name)] = {str(key): pk for key, pk in pairs}
        return self.cache[(model, field_name)]

    def theme_pk(self, pair):
        return self.theme_pks().get(tuple(pair))

    def theme_pks(self):
        if "themes" not in self.cache:
            rows = Theme.objects.values_list("section__key", "title", "pk")
            self.cache["themes"] = {(section, title): pk for section, title, pk in rows}
        return self.cache["themes"]


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
    held=(),
):
    """Compare a table with the registry: what is new, changed, unchanged, missing, wrong.

    ``merge_columns`` add to a record's relations instead of replacing them;
    ``silent_columns`` are written but do not by themselves make a record "updated";
    ``create_only_columns`` are used for new records and leave existing ones alone;
    ``held`` are the keys of records whose other columns the file must leave alone.

    Themes of an ``edition`` older than the newest in the registry (a backfill): a theme that a
    newer edition has keeps its current fields (see ``_hold_newer_themes``).
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
        held=set(held),
    )
    plan.columns = _columns_in_file(resource, headers, plan.errors)
    if plan.errors:
        return plan
    _know_own_keys(plan, rows, lookups)
    existing = _existing(plan)
    if plan.model is Theme and edition is not None:
        _hold_newer_themes(plan, existing)
    seen = {}
    cells_of = _cell_reader(plan.columns, headers)
    for number, row in zip(row_numbers, rows, strict=True):
        values, cells, errors = _read_row(plan.columns, cells_of(row), number, lookups)
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
        plan.rows.append(_compare(plan, number, key, values, cells, existing.get(key)))
    if plan.model is Theme:
        _fill_theme_slugs(plan, existing)
    unique_owners = _unique_owners(plan, existing)
    _build_records(plan, existing)
    _validate_records(plan)
    _check_unique(plan, unique_owners)
    plan.missing = _missing(plan, existing, seen)
    _remember_new_keys(plan, lookups)
    return plan


def _hold_newer_themes(plan, existing):
    """A backfill: an edition older than the newest one the registry has.

    A theme's current fields follow the newest edition it appears in, so a theme that a newer
    edition has keeps them (the older edition adds its text in that edition, and its partners);
    the others take this edition's text. Archiving is left to the newest edition.
    """
    newest = Edition.objects.aggregate(year=Max("year"))["year"]
    if newest is None or newest <= plan.edition:
        return
    plan.newest_edition = newest
    plan.archive_missing = False
    later = set(
        ThemeEdition.objects.filter(edition__year__gt=plan.edition).values_list(
            "theme_id", flat=True
        )
    )
    plan.held.update(key for key, instance in existing.items() if instance.pk in later)


def _missing(plan, existing, seen):
    """The records the file lacks: current ones; for a backfill, those of the edition before."""
    if plan.is_backfill:
        before = ThemeEdition.objects.filter(edition__year__lt=plan.edition)
        previous = before.aggregate(year=Max("edition__year"))["year"]
        ids = set(before.filter(edition__year=previous).values_list("theme_id", flat=True))
        return [
            instance for key, instance in existing.items() if key not in seen and instance.pk in ids
        ]
    return [
        instance
        for key, instance in existing.items()
        if key not in seen and not getattr(instance, "is_archived", False)
    ]


def refused_plan(kind, message, *, row=None):
    """A plan that cannot go ahead for one reason about the whole file (or one line of it)."""
    return Plan(resource=RESOURCES[kind], columns=[], errors=[CellError(row, "", "", message)])


# Reading the rows ----------------------------------------------------------------------------


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
    for column in plan.columns:
        if column.key and len(plan.resource.key_columns()) == 1:
            values = [row.get(column.column_name, "") for row in rows]
            lookups.add(plan.model, column.attribute, [str(v).strip() for v in values if v])


def _existing(plan):
    """The records the registry has, by key; their relations are read into the plan at once."""
    resource = plan.resource
    records = resource().get_queryset().prefetch_related(None)
    existing = {
        tuple(column.current(instance) for column in resource.key_columns()): instance
        for instance in records
    }
    ids = [instance.pk for instance in existing.values()]
    for column in resource.columns():
        values = column.kind.current_of_many(plan.model, ids)
        if values is not None:
            plan.current_values[column.column_name] = values
    return existing


def _cell_reader(columns, headers):
    """A function that gives a row's cells by column name, whatever case the file's headers
    have (the headers are matched once, not for every row)."""
    by_name = {header.strip().lower(): header for header in headers}
    pairs = [(column.column_name, by_name.get(column.column_name.lower())) for column in columns]

    def cells_of(row):
        cells = {}
        for name, header in pairs:
            raw = row.get(header) if header is not None else None
            cells[name] = "" if raw is None else str(raw).strip()
        return cells

    return cells_of


def _read_row(columns, cells, number, lookups):
    values, errors = {}, []
    for column in columns:
        raw = cells[column.column_name]
        if not raw and column.required:
            errors.append(CellError(number, column.column_name, raw, _("a value is required")))
            continue
        try:
            values[column.column_name] = column.kind.clean(raw, lookups=lookups)
        except ValidationError as error:
            errors.append(CellError(number, column.column_name, raw, " ".join(error.messages)))
    return values, cells, errors


def _compare(plan, number, key, values, cells, instance):
    if instance is None:
        return RowChange(number, key, "created", values=values, cells=cells)
    changes = {}
    held = key in plan.held
    for column in plan.columns:
        if column.key or column.column_name in plan.create_only_columns:
            continue
        if held and column.column_name not in plan.merge_columns:
            continue  # the file's value is kept in ``values``: this edition's text
        old = plan.current(column, instance)
        new = values[column.column_name]
        if column.column_name in plan.merge_columns:
            new = frozenset(old) | frozenset(new)
            values[column.column_name] = new
        if new is None and not _can_be_empty(plan.model, column):
            continue  # an empty cell of a field that is never empty keeps the record's value
        if old != new:
            changes[column.column_name] = (old, new)
    if (
        plan.edition is not None
        and not plan.is_backfill
        and getattr(instance, "is_archived", False)
    ):
        changes["is_archived"] = (True, False)
        values["is_archived"] = False
    row = RowChange(number, key, "", changes=changes, values=values, cells=cells, instance=instance)
    _settle_action(plan, row)
    return row


def _can_be_empty(model, column):
    fields = column.kind.model_fields()
    return not fields or all(model._meta.get_field(name).null for name in fields)


def _settle_action(plan, row):
    if row.action == "created":
        return
    visible = [name for name in row.changes if name not in plan.silent_columns]
    row.action = "updated" if visible else "unchanged"


def _fill_theme_slugs(plan, existing):
    """A theme without a slug gets one from its title, numbered where the section has it."""
    taken = defaultdict(dict)
    for instance in existing.values():
        taken[instance.section.key][instance.slug] = instance.title
    for row in plan.rows:
        section, title = row.key
        given = row.values.get("slug")
        if not given and row.instance is not None:
            # An empty slug cell keeps the slug the theme has.
            row.changes.pop("slug", None)
            _settle_action(plan, row)
            slug = row.instance.slug
        elif given:
            slug = given
        else:
            slug = base = slugify(title)[:255] or "thema"
            number = 2
            while taken[section].get(slug, title) != title:
                slug, number = f"{base}-{number}", number + 1
        row.values["slug"] = slug
        taken[section].setdefault(slug, title)


def _remember_new_keys(plan, lookups):
    """Let a later plan in the same import refer to the records this one creates."""
    if plan.model is Theme:
        lookups.theme_references().update(theme_reference(*row.key) for row in plan.created)
        return
    if len(plan.resource.key_columns()) != 1:
        return
    for column in plan.resource.key_columns():
        lookups.add(
            plan.model, column.attribute, [row.values[column.column_name] for row in plan.created]
        )


# The records as they will be saved -----------------------------------------------------------


def _build_records(plan, existing):
    """Give every row that is written the record it will save, with the file's values set."""
    model = plan.model
    resolver = Resolver()
    planned = {}
    scalar = {
        column.column_name: column
        for column in plan.resource.columns()
        if not column.kind.is_relation and not _is_self_reference(column, model)
    }
    in_file = [name for name in _names(plan.columns) if name in scalar]
    for row in plan.written:
        record = row.instance if row.instance is not None else model()
        names = in_file if row.action == "created" else [n for n in row.changes if n in scalar]
        for name in names:
            scalar[name].kind.assign(record, row.values[name], resolver)
        if model is Theme:
            record.slug = row.values["slug"]
            if row.action == "created" and plan.is_backfill:
                # Not in the newest edition: "no longer in the latest edition of the annex".
                record.is_archived = True
        if row.action == "created":
            _fill_defaults(record, row)
        row.instance = record
        planned[row.key] = record
    _link_self_references(plan, existing, planned)


def _names(columns_or_names):
    return [getattr(item, "column_name", item) for item in columns_or_names]


def _fill_defaults(record, row):
    has_position = any(f.name == "position" for f in record._meta.concrete_fields)
    if has_position and row.values.get("position") is None:
        # Without a position a new record keeps the place it has in the file.
        record.position = row.row or 0


def _is_self_reference(column, model):
    return getattr(column.kind, "related", None) is model and not column.kind.is_relation


def _link_self_references(plan, existing, planned):
    """A record's parent as the planned record itself, so a chain is followed as it will be.

    Every record of the model (in the file or not) points at the one object that stands for
    its parent after the import; the model's ``clean()`` then follows the chain in memory.
    """
    columns = [
        column for column in plan.resource.columns() if _is_self_reference(column, plan.model)
    ]
    if not columns:
        return
    records = {key[0]: record for key, record in existing.items()}
    records.update({key[0]: record for key, record in planned.items()})
    written = {id(row.instance): row for row in plan.written}
    for column in columns:
        attribute = column.attribute
        for record in records.values():
            row = written.get(id(record))
            if row is not None and column.column_name in row.values:
                target_code = row.values[column.column_name]
            else:
                target_code = column.current(record)
            setattr(record, attribute, records.get(target_code) if target_code else None)


def _validate_records(plan):
    """The model's own validation of every record that is written; failures are cell errors."""
    model = plan.model
    # Related keys were looked up when the cells were read; Django would query for each.
    foreign_keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
    check_constraints = [
        constraint
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]
    for row in plan.written:
        try:
            row.instance.full_clean(
                exclude=foreign_keys, validate_unique=False, validate_constraints=False
            )
            for constraint in check_constraints:
                constraint.validate(model, row.instance, exclude=foreign_keys)
        except ValidationError as error:
            plan.errors.extend(_cell_errors(plan, row, error))


def _cell_errors(plan, row, error):
    by_field = {
        model_field: column
        for column in plan.resource.columns()
        for model_field in column.kind.model_fields()
    }
    errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
    for field_name, field_errors in errors.items():
        column = by_field.get(field_name)
        name = column.column_name if column is not None else ""
        if column is None and field_name != NON_FIELD_ERRORS:
            name = field_name
        messages = ValidationError(field_errors).messages
        yield CellError(row.row, name, row.cells.get(name, ""), " ".join(messages))


# Uniqueness over the registry as it will be ---------------------------------------------------


def unique_field_sets(model):
    """The sets of fields whose values must be unique together (single fields included)."""
    sets = [
        (field,) for field in model._meta.concrete_fields if field.unique and not field.primary_key
    ]
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.condition is None
        ):
            sets.append(tuple(model._meta.get_field(name) for name in constraint.fields))
    return sets


def _key_fields(plan):
    return {
        plan.model._meta.get_field(column.attribute).name for column in plan.resource.key_columns()
    }


def _checked_sets(plan):
    """Every unique set but the natural key, whose rows were matched on it."""
    key_fields = _key_fields(plan)
    return [
        fields for fields in unique_field_sets(plan.model) if {f.name for f in fields} != key_fields
    ]


def _unique_owners(plan, existing):
    """For every unique set, which record holds which values now (before the import)."""
    owners = {}
    for fields in _checked_sets(plan):
        held = {}
        for key, record in existing.items():
            value = _unique_value(plan, record, fields, None)
            if value is not None:
                held[value] = key
        owners[fields] = held
    return owners


def _check_unique(plan, owners):
    written = plan.written
    for fields, held in owners.items():
        # Records the file changes give up their old values first (two may swap slugs).
        changing = {row.key for row in written if row.action != "created"}
        held = {value: key for value, key in held.items() if key not in changing}
        for row in written:
            value = _unique_value(plan, row.instance, fields, row)
            if value is None:
                continue
            owner = held.setdefault(value, row.key)
            if owner != row.key:
                names = [_column_of(plan, field) for field in fields]
                plan.errors.append(
                    CellError(
                        row.row,
                        ", ".join(names),
                        " / ".join(row.cells.get(name, "") for name in names),
                        _("already used by %(record)s") % {"record": " / ".join(map(str, owner))},
                    )
                )


def _unique_value(plan, record, fields, row):
    values = []
    for model_field in fields:
        value = getattr(record, model_field.attname)
        if value is None and model_field.is_relation and row is not None:
            # A related record this import creates: known by its natural key until it is saved.
            value = ("new", row.values.get(_column_of(plan, model_field)))
        if value is None:
            return None  # NULL is never equal to NULL in a unique index
        values.append(value)
    return tuple(values)


def _column_of(plan, model_field):
    for column in plan.resource.columns():
        if model_field.name in column.kind.model_fields():
            return column.column_name
    return model_field.name
