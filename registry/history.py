"""A record's history as people read it: what changed from one historical record to the next.

Fields by their labels in the interface language, values as the admin shows them (choice
labels, related records by name and code, yes/no, "—" for empty), texts in full with a word
diff, lists of links with what was removed and added. Everything that the values refer to is
loaded in bulk, once for all the records of a page.
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from registry.models import Command, Partner, Section, Theme
from registry.services.history import SEPARATOR as COMMAND_SEPARATOR
from registry.textdiff import word_diff

EMPTY = "—"
DEFENCE_WIDE = gettext_lazy("defence-wide")
COMMANDS = "commands"  # a theme's commands, kept in order in the record's ``command_codes``


@dataclass(frozen=True)
class Change:
    """One field's change: ``old`` → ``new``, or for a text the whole text as a ``diff``."""

    label: str
    old: str = ""
    new: str = ""
    diff: str = ""


def local_time(value):
    """A moment in the site's time zone, with the zone named: "3 december 2026, 10:15 CET"."""
    return date_format(timezone.localtime(value), "j F Y, H:i T")


class HistoryReader:
    """Compares historical records of one model; give it every record it will be asked about."""

    def __init__(self, model, records):
        self.model = model
        self.fields = compared_fields(model)
        self.links = _links(model, records)
        self.labels = _Labels([self.state(record) for record in records], self.fields)

    def changes(self, older, newer):
        """What changed from ``older`` to ``newer``, in the order of the record's fields."""
        before, after = self.state(older), self.state(newer)
        return [
            self._change(field, before[field.name], after[field.name])
            for field in self.fields
            if before[field.name] != after[field.name]
        ]

    def state(self, record):
        """The record's values to compare: ids for related records, sets or lists of links."""
        state = {}
        for field in self.fields:
            if field.name == COMMANDS:
                codes = record.command_codes
                state[COMMANDS] = tuple(codes.split(COMMAND_SEPARATOR)) if codes else ()
            elif field.many_to_many:
                state[field.name] = frozenset(self.links[field.name].get(record.history_id, ()))
            else:
                state[field.name] = getattr(record, field.attname)
        return state

    def _change(self, field, old, new):
        label = capfirst(field.verbose_name)
        if field.name == COMMANDS:
            old, new = self.labels.commands(old), self.labels.commands(new)
            return Change(label, *_list_diff(old, new, empty=DEFENCE_WIDE))
        if field.many_to_many:
            old, new = self.labels.many(field, old), self.labels.many(field, new)
            return Change(label, *_list_diff(old, new))
        if isinstance(field, models.TextField):
            return Change(label, diff=word_diff(old, new) or EMPTY)
        return Change(label, escape(self.display(field, old)), escape(self.display(field, new)))

    def display(self, field, value):
        if value is None or value == "":
            return EMPTY
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _("yes") if value else _("no")
        if field.many_to_one:
            return self.labels.one(field, value)
        if isinstance(field, models.DateField):
            return date_format(value)
        return str(value)


def compared_fields(model):
    """The fields people edit, in the model's order; a theme's commands among them."""
    history = model.history.model
    tracked = {field.name for field in history._history_m2m_fields}
    if model is Theme:
        tracked.add(COMMANDS)
    opts = model._meta
    fields = sorted([*opts.concrete_fields, *opts.many_to_many], key=lambda f: f.creation_counter)
    return [
        field
        for field in fields
        if field.editable
        and not field.primary_key
        and (not field.many_to_many or field.name in tracked)
    ]


def _links(model, records):
    """Per many-to-many field: historical record id -> the ids of the records it linked to."""
    ids = [record.history_id for record in records]
    links = {}
    for field in model.history.model._history_m2m_fields:
        rows = getattr(model.history.model, field.name).model.objects.filter(history_id__in=ids)
        per_record = defaultdict(set)
        target = f"{field.m2m_reverse_field_name()}_id"
        for history_id, pk in rows.values_list("history_id", target):
            per_record[history_id].add(pk)
        links[field.name] = per_record
    return links


class _Labels:
    """The names of the records that the compared values refer to, loaded once per model."""

    def __init__(self, states, fields):
        wanted = defaultdict(set)
        codes = set()
        for state in states:
            for field in fields:
                value = state[field.name]
                if field.name == COMMANDS:
                    codes.update(value)
                elif field.many_to_many:
                    wanted[field.related_model].update(value)
                elif field.many_to_one and value is not None:
                    wanted[field.related_model].add(value)
        self.records = {model: _query(model).in_bulk(pks) for model, pks in wanted.items() if pks}
        self.by_code = {command.code: command for command in Command.objects.filter(code__in=codes)}

    def one(self, field, pk):
        record = self.records.get(field.related_model, {}).get(pk)
        if record is None:
            return _("%(kind)s %(id)s, since deleted") % {
                "kind": field.related_model._meta.verbose_name,
                "id": pk,
            }
        return record_label(record)

    def many(self, field, pks):
        """The linked records by name, in alphabetical order (links have no order)."""
        return sorted((self.one(field, pk) for pk in pks), key=str.casefold)

    def commands(self, codes):
        return [
            record_label(self.by_code[code]) if code in self.by_code else code for code in codes
        ]


def _query(model):
    if model is Theme:
        return Theme.objects.select_related("section")
    return model._default_manager.all()


def record_label(record):
    """A related record by name, with its code: "Duitsland (DEU)"."""
    if isinstance(record, Partner | Command):
        english = get_language() == "en" and record.name_en
        return f"{english or record.name_nl} ({record.code})"
    if isinstance(record, Section):
        return f"{record.heading} ({record.key})"
    return str(record)


def _list_diff(old, new, empty=EMPTY):
    """Both lists in full: the old one with what was removed marked, the new one with additions."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    kept_old, kept_new = set(), set()
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            kept_old.update(range(a1, a2))
            kept_new.update(range(b1, b2))
    return (
        _join(old, kept_old, "del", empty),
        _join(new, kept_new, "ins", empty),
    )


def _join(items, kept, tag, empty):
    if not items:
        return escape(empty)
    parts = [
        escape(item) if index in kept else format_html("<{0}>{1}</{0}>", mark_safe(tag), item)
        for index, item in enumerate(items)
    ]
    return mark_safe(", ".join(parts))
