"""Column kinds: one small class per kind of value that an import or export file holds.

Every column of a resource (``registry/resources.py``) has a kind, and the kind knows all there
is to know about its kind of value:

- ``clean(text, lookups=...)``: a cell as the value the registry keeps, or a ValidationError
  that says why not (an unknown code, a word that is not a number);
- ``empty()``: the value of an empty cell;
- ``current(record)``: the value an existing record has, in the same form, so the two compare
  (for relations, ``current_of_many(model, ids)`` reads it for many records in one query);
- ``render(value)``: the value as a file writes it (exports, templates, the change log);
- ``human(text, names)``: that file form as a person reads it (the preview, the run page):
  choice labels, names with their codes, "—" for nothing;
- ``assign(record, value, resolver)``: put the value on a record before it is validated and
  saved. Kinds that are relations (``is_relation``) are written as links once the records have
  been saved, by ``write_links``.

Values inside the engine are plain and comparable, never model instances: a natural key
(``"DEU"``), a frozenset of keys, a tuple of keys in order, ``(section, title)`` for a theme,
``(date, precision)`` for a date.

The kinds are django-import-export widgets, so the library's export machinery writes the cells
of our exports with them. For reading we deliberately use neither the library's widgets nor its
import machinery (``Resource.import_data``): ``IntegerWidget`` turns "2018.5" into 2018,
``BooleanWidget`` reads every word it does not know (including "ja") as False, ``DateWidget``
knows no precision, ``ForeignKeyWidget`` and ``ManyToManyWidget`` query the database for every
cell, and the library validates a row only when it saves it, so its preview can look clean
while the confirm fails. ``CharWidget`` reads and writes text the way we need: the text kind is
one.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from import_export import widgets

from registry.models import (
    DATE_DISPLAY_FORMATS,
    Command,
    Edition,
    Partner,
    Section,
    Theme,
    ThemeCommand,
    ThemeEdition,
)
from registry.services import bulk

SEPARATOR = "|"
EMPTY = "—"
# How a date is written at each precision: the form of a date cell is its precision.
PRECISION_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
DATE_FORMS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "day"),
    (re.compile(r"^\d{4}-\d{2}$"), "month"),
    (re.compile(r"^\d{4}$"), "year"),
)
WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,18}$")
TRUE_WORDS = {"ja", "j", "true", "waar", "yes", "y", "1"}
FALSE_WORDS = {"nee", "n", "false", "onwaar", "no", "0"}
THEME_REFERENCE = "{section}:{title}"
BATCH_SIZE = 1000


def theme_reference(section_key, title):
    return THEME_REFERENCE.format(section=section_key, title=title)


def split_cell(text):
    """The values of a cell that holds several, in order and without repeats."""
    return list(dict.fromkeys(part.strip() for part in text.split(SEPARATOR) if part.strip()))


class Kind(widgets.Widget):
    """How one kind of value is read, compared, written and shown; see the module docstring."""

    is_relation = False
    example = gettext_lazy("text")
    # A spreadsheet writes the column's cells as numbers (see registry/exports.py).
    is_whole_number = False

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self.column_name = self.attribute = ""

    def bind(self, column_name, attribute):
        """The column that holds this kind of value, and the record's attribute it fills."""
        self.column_name, self.attribute = column_name, attribute

    # Reading a cell

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return self.empty()
        return self.parse(text, kwargs.get("lookups"))

    def parse(self, text, lookups):
        return text

    def empty(self):
        return ""

    # An existing record, and writing to one

    def current(self, record):
        return getattr(record, self.attribute)

    def current_of_many(self, model, ids):
        """The values of many records at once, by id; None where ``current`` reads the record."""
        return None

    def model_fields(self):
        """The model fields that this column's value is stored in."""
        return [self.attribute]

    def assign(self, record, value, resolver):
        setattr(record, self.attribute, value)

    # Showing a value

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

    def human(self, text, names):
        return text or EMPTY

    @property
    def is_text(self):
        """Changes to it are shown as a word diff."""
        return False


class TextKind(Kind, widgets.CharWidget):
    def __init__(self):
        Kind.__init__(self)
        self.allow_blank = True

    def clean(self, value, row=None, **kwargs):
        return widgets.CharWidget.clean(self, value, row).strip()

    def current(self, record):
        return getattr(record, self.attribute) or ""

    def render(self, value, obj=None, **kwargs):
        return widgets.CharWidget.render(self, value)

    @property
    def is_text(self):
        return True


class IntKind(Kind):
    example = gettext_lazy("a whole number")
    is_whole_number = True

    def parse(self, text, lookups):
        if not WHOLE_NUMBER.match(text):
            raise ValidationError(_("not a whole number"))
        return int(text)

    def empty(self):
        return None

    def assign(self, record, value, resolver):
        if value is None and not record._meta.get_field(self.attribute).null:
            return  # a new record keeps the field's default
        setattr(record, self.attribute, value)


class BoolKind(Kind):
    example = "ja / nee"

    def parse(self, text, lookups):
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("write ja or nee"))

    def empty(self):
        return False

    def render(self, value, obj=None, **kwargs):
        return "ja" if value else "nee"

    def human(self, text, names):
        return _("yes") if text.lower() in TRUE_WORDS else _("no")


class ChoiceKind(Kind):
    def __init__(self, choices, default=""):
        super().__init__()
        self.choices = choices
        self.default = default
        self._words = {}

    @property
    def example(self):
        return ", ".join(str(value) for value in self.choices.values)

    def parse(self, text, lookups):
        value = self.words(get_language()).get(text.lower())
        if value is None:
            raise ValidationError(
                _("unknown value; choose from: %(values)s")
                % {"values": ", ".join(str(value) for value in self.choices.values)}
            )
        return value

    def words(self, language):
        """A choice's code and its label in the language, both as a file may write them."""
        if language not in self._words:
            words = {}
            for value, label in self.choices.choices:
                words[str(label).lower()] = value
                words[str(value).lower()] = value
            self._words[language] = words
        return self._words[language]

    def empty(self):
        return self.default

    def human(self, text, names):
        if not text:
            return EMPTY
        labels = dict(self.choices.choices)
        return str(labels.get(text, text))


class KeyKind(Kind):
    """A related record by its natural key (a code, a key, a year)."""

    def __init__(self, related, field="code"):
        super().__init__()
        self.related = related
        self.field = field

    @property
    def example(self):
        return f"{self.related._meta.verbose_name}: {self.field}"

    @property
    def is_whole_number(self):
        return self.field == "year"  # an edition, by its year

    def parse(self, text, lookups):
        (key,) = self.known_keys([text], lookups)
        return key

    def known_keys(self, parts, lookups):
        known = lookups.keys(self.related, self.field)
        unknown = [part for part in parts if part not in known]
        if unknown:
            raise ValidationError(
                _("unknown %(kind)s: %(codes)s")
                % {"kind": self.related._meta.verbose_name, "codes": ", ".join(unknown)}
            )
        if self.field == "year":
            return [int(part) for part in parts]
        return parts

    def empty(self):
        return None

    def current(self, record):
        related = getattr(record, self.attribute)
        return None if related is None else getattr(related, self.field)

    def model_fields(self):
        return [self.attribute]

    def assign(self, record, value, resolver):
        """The related record's id; for a record this import creates, ``resolver.PENDING``."""
        field = record._meta.get_field(self.attribute)
        if value is None:
            setattr(record, field.attname, None)
            return
        setattr(record, field.attname, resolver.pk(self.related, self.field, value))

    def human(self, text, names):
        return names.of(self.related, text) if text else EMPTY


class KeysKind(KeyKind):
    """Several related records by their natural keys, in no order."""

    is_relation = True
    is_whole_number = False  # "2016|2017" is text

    @property
    def example(self):
        return f"{self.related._meta.verbose_name}: {self.field}" + _(" (several separated by |)")

    def parse(self, text, lookups):
        return frozenset(self.known_keys(split_cell(text), lookups))

    def empty(self):
        return frozenset()

    def current(self, record):
        return frozenset(
            getattr(item, self.field) for item in getattr(record, self.attribute).all()
        )

    def current_of_many(self, model, ids):
        relation = model._meta.get_field(self.attribute)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        return _grouped(
            through.objects.values_list(f"{source}_id", *self.target_lookups(target)),
            source,
            ids,
            frozenset,
        )

    def target_lookups(self, target):
        return [f"{target}__{self.field}"]

    def model_fields(self):
        return []

    def assign(self, record, value, resolver):
        pass

    def render(self, value, obj=None, **kwargs):
        return SEPARATOR.join(sorted(str(item) for item in value or ()))

    def human(self, text, names):
        keys = split_cell(text)
        if not keys:
            return EMPTY
        return ", ".join(sorted(names.of(self.related, key) for key in keys))

    def write_links(self, model, rows, resolver):
        """Give each record exactly the related records its row names."""
        relation = model._meta.get_field(self.attribute)
        through = relation.remote_field.through
        source = relation.m2m_field_name() + "_id"
        target = relation.m2m_reverse_field_name() + "_id"
        through.objects.filter(**{f"{source}__in": [row.instance.pk for row in rows]}).delete()
        targets = self.target_pks(resolver)
        links = (
            (row.instance.pk, targets[item])
            for row in rows
            for item in sorted(row.values[self.column_name], key=str)
        )
        bulk.insert_rows(through, [source, target], links)

    def target_pks(self, resolver):
        pks = resolver.pks(self.related, self.field)
        if self.field == "year":
            return {int(key): pk for key, pk in pks.items()}
        return pks


class OrderedKeysKind(KeysKind):
    """A theme's commands, in the order of the annex (kept in ThemeCommand.position)."""

    example = "CZSK|CLAS"

    def parse(self, text, lookups):
        return tuple(self.known_keys(split_cell(text), lookups))

    def empty(self):
        return ()

    def current(self, record):
        return tuple(command.code for command in record.ordered_commands())

    def current_of_many(self, model, ids):
        links = ThemeCommand.objects.order_by("theme_id", "position")
        return _grouped(links.values_list("theme_id", "command__code"), "theme", ids, tuple)

    def render(self, value, obj=None, **kwargs):
        return SEPARATOR.join(value or ())

    def human(self, text, names):
        keys = split_cell(text)
        if not keys:
            return _("defence-wide")
        return ", ".join(names.of(self.related, key) for key in keys)

    def write_links(self, model, rows, resolver):
        ThemeCommand.objects.filter(theme_id__in=[row.instance.pk for row in rows]).delete()
        command_pks = resolver.pks(Command, "code")
        links = (
            (row.instance.pk, command_pks[code], position)
            for row in rows
            for position, code in enumerate(row.values[self.column_name], start=1)
        )
        bulk.insert_rows(ThemeCommand, ["theme_id", "command_id", "position"], links)


class EditionsKind(KeysKind):
    """The editions a theme appears in, each with the text it gave the theme."""

    def write_links(self, model, rows, resolver, current=lambda row: ()):
        ids = [row.instance.pk for row in rows]
        existing = {
            (link.theme_id, link.edition_id): link
            for link in ThemeEdition.objects.filter(theme_id__in=ids)
        }
        edition_pks = self.target_pks(resolver)
        wanted, new_links = set(), []
        for row in rows:
            for year in row.values[self.column_name]:
                pair = (row.instance.pk, edition_pks[year])
                wanted.add(pair)
                if pair not in existing:
                    new_links.append(edition_snapshot(row, pair[1], commands=current(row)))
        stale = [link.pk for pair, link in existing.items() if pair not in wanted]
        ThemeEdition.objects.filter(pk__in=stale).delete()
        bulk.insert_rows(ThemeEdition, SNAPSHOT_FIELDS, new_links)


SNAPSHOT_FIELDS = [
    "theme_id",
    "edition_id",
    "title",
    "description",
    "commands",
    "paragraph",
    "page",
]


def edition_snapshot(row, edition_id, paragraph="", commands=(), page=None):
    """A theme as an edition gives it (``SNAPSHOT_FIELDS``): its title, text, commands and page
    as the import leaves them (``commands``: the theme's own, when the file does not give them)."""
    theme = row.instance
    commands = row.values.get("commands", commands)
    return (
        theme.pk,
        edition_id,
        theme.title,
        # The file's text: a backfilled edition leaves the theme's current text alone.
        row.values.get("description") or theme.description,
        SEPARATOR.join(commands),
        paragraph,
        page,
    )


class ThemeKind(Kind):
    """A theme by its reference ``section:title``."""

    example = "deu:Cyber"
    related = Theme

    def parse(self, text, lookups):
        (pair,) = self.known_themes([text], lookups)
        return pair

    @staticmethod
    def known_themes(references, lookups):
        known = lookups.theme_references()
        unknown = [reference for reference in references if reference not in known]
        if unknown:
            raise ValidationError(
                _("unknown theme (write section:title): %(themes)s")
                % {"themes": ", ".join(unknown)}
            )
        return [tuple(reference.split(":", 1)) for reference in references]

    def empty(self):
        return None

    def current(self, record):
        theme = getattr(record, self.attribute)
        return (theme.section.key, theme.title)

    def model_fields(self):
        return [self.attribute]

    def assign(self, record, value, resolver):
        record.theme_id = resolver.theme_pk(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else theme_reference(*value)

    def human(self, text, names):
        return names.of_theme(text) if text else EMPTY


class ThemesKind(ThemeKind, KeysKind):
    """Several themes by their references, in no order."""

    example = "deu:Medegebruik JSS|deu:Cyber"
    is_relation = True

    def __init__(self):
        KeyKind.__init__(self, Theme, field="reference")

    def parse(self, text, lookups):
        return frozenset(self.known_themes(split_cell(text), lookups))

    def empty(self):
        return frozenset()

    def current(self, record):
        return frozenset((theme.section.key, theme.title) for theme in record.themes.all())

    def target_lookups(self, target):
        return [f"{target}__section__key", f"{target}__title"]

    def model_fields(self):
        return []

    def assign(self, record, value, resolver):
        pass

    def render(self, value, obj=None, **kwargs):
        return SEPARATOR.join(sorted(theme_reference(*pair) for pair in value or ()))

    def human(self, text, names):
        references = split_cell(text)
        if not references:
            return EMPTY
        return ", ".join(sorted(names.of_theme(reference) for reference in references))

    def target_pks(self, resolver):
        return resolver.theme_pks()


class DateKind(Kind):
    """A date at the precision its source gives: the form of the cell is the precision."""

    example = "2016-02-04, 2016-06, 2016"

    def parse(self, text, lookups):
        for form, precision in DATE_FORMS:
            if form.match(text):
                try:
                    day = datetime.datetime.strptime(text, PRECISION_FORMATS[precision]).date()
                except ValueError:
                    break
                return (day, precision)
        raise ValidationError(_("write a date as 2016-02-04, 2016-06 or 2016"))

    def empty(self):
        return (None, "unknown")

    def current(self, record):
        return (record.date_signed, record.date_precision)

    def model_fields(self):
        return ["date_signed", "date_precision"]

    def assign(self, record, value, resolver):
        record.date_signed, record.date_precision = value

    def render(self, value, obj=None, **kwargs):
        day, precision = value or (None, "unknown")
        if day is None or precision not in PRECISION_FORMATS:
            return ""
        return day.strftime(PRECISION_FORMATS[precision])

    def human(self, text, names):
        if not text:
            return EMPTY
        try:
            day, precision = self.parse(text, None)
        except ValidationError:
            return text
        return date_format(day, DATE_DISPLAY_FORMATS[precision])


class DayKind(Kind):
    """A day, written as 2016-11-29 (a spreadsheet's date cell is read as its day)."""

    example = "2016-11-29"

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return super().clean(value, row, **kwargs)

    def parse(self, text, lookups):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(_("write a day as 2016-11-29")) from None

    def empty(self):
        return None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""

    def human(self, text, names):
        if not text:
            return EMPTY
        try:
            return date_format(self.parse(text, None), "j F Y")
        except ValidationError:
            return text


def _grouped(pairs, source, ids, collect):
    """``{id: collect(values)}`` from (id, value...) rows of the links of ``ids``, in batches."""
    grouped = {}
    ids = list(ids)
    for start in range(0, len(ids), 5000):
        batch = pairs.filter(**{f"{source}_id__in": ids[start : start + 5000]})
        for record_id, *value in batch:
            grouped.setdefault(record_id, []).append(value[0] if len(value) == 1 else tuple(value))
    return {record_id: collect(values) for record_id, values in grouped.items()}


class Names:
    """How records are named for people: "Duitsland (DEU)", "CZSK (Commando ...)".

    Loaded once per related model and language, so a page of a thousand changes costs one
    query per model.
    """

    def __init__(self):
        self.loaded = {}

    def of(self, model, key):
        names = self.names(model)
        return names.get(str(key), str(key))

    def of_theme(self, reference):
        section, _sep, title = reference.partition(":")
        return f"{title} ({section})"

    def names(self, model):
        if model not in self.loaded:
            self.loaded[model] = dict(self.load(model))
        return self.loaded[model]

    @staticmethod
    def load(model):
        english = (get_language() or "nl").startswith("en")
        if model is Partner:
            for code, dutch, english_name in Partner.objects.values_list(
                "code", "name_nl", "name_en"
            ):
                yield code, f"{english_name if english else dutch} ({code})"
        elif model is Command:
            for code, dutch, english_name in Command.objects.values_list(
                "code", "name_nl", "name_en"
            ):
                yield code, f"{code} ({english_name if english else dutch})"
        elif model is Section:
            for key, heading in Section.objects.values_list("key", "heading"):
                yield key, f"{heading} ({key})"
        elif model is Edition:
            for year in Edition.objects.values_list("year", flat=True):
                yield str(year), str(year)
