"""Exports and templates of the registry's records: what a downloaded file holds, and its name.

The admin's exports and templates, the public downloads and ``manage.py export_registry`` all
write their files here, from the resources (``registry/resources.py``): the columns and the
cells are the import's, so that an export imports back unchanged. XLSX is written by
``registry.tabular.write_xlsx``, streaming the records: a worksheet named for the kind of
record in the interface language ("Thema’s", "Themes"), with a bold frozen header row, an
autofilter and widths that fit; the columns whose kind is a whole number (positions, years)
hold numbers, every other column text, so that a code such as "0123" stays as it is. Dates
stay text as well ("2016-02-04", "2016-06", "2016"): a date in the registry has a precision,
and a column of such texts sorts in order and reads back exactly. A template is the header
row alone, and in XLSX a second worksheet that describes the columns (as the admin's column
page does); the import reads the first worksheet only.

A file's name says what and when, in the interface language, with the date in Amsterdam:
``themas-2026-12-01.xlsx`` (``themes-2026-12-01.xlsx`` in English), and for a template
``themas-sjabloon-2026-12-01.xlsx``.
"""

from dataclasses import dataclass

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from registry.tabular import CONTENT_TYPES, Sheet, SheetColumn, export_bytes, write_xlsx

FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    file_format: str
    file_name: str
    rows: int

    @property
    def content_type(self):
        return CONTENT_TYPES[self.file_format]

    def response(self) -> HttpResponse:
        """The file as a download under its name."""
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = content_disposition_header(True, self.file_name)
        return response


def export_records(resource_class, queryset, file_format: str) -> ExportFile:
    """The records of the queryset as a file of the resource's columns."""
    resource = resource_class()
    rows = _Counted(resource.export_resource(record) for record in resource.iter_queryset(queryset))
    content = _write(resource, rows, file_format)
    return ExportFile(content, file_format, file_name(resource_class, file_format), rows.count)


def export_template(resource_class, file_format: str) -> ExportFile:
    """An empty file with the resource's columns; in XLSX with a sheet that describes them."""
    resource = resource_class()
    if file_format == "xlsx":
        content = write_xlsx([_records_sheet(resource, ()), _columns_sheet(resource_class)])
    else:
        content = _write(resource, (), file_format)
    name = file_name(resource_class, file_format, template=True)
    return ExportFile(content, file_format, name, 0)


def kind_name(resource_class) -> str:
    """The kind of record, as a worksheet is named: "Thema’s"."""
    return capfirst(str(resource_class.Meta.model._meta.verbose_name_plural))


def file_name(resource_class, file_format: str, *, template: bool = False) -> str:
    """What and when: "themas-2026-12-01.xlsx", "themas-sjabloon-2026-12-01.csv"."""
    parts = [slugify(str(resource_class.Meta.model._meta.verbose_name_plural))]
    if template:
        parts.append(slugify(_("template")))
    parts.append(timezone.localdate().isoformat())
    return f"{'-'.join(parts)}.{file_format}"


def _write(resource, rows, file_format: str) -> bytes:
    if file_format == "xlsx":
        return write_xlsx([_records_sheet(resource, rows)])
    dataset = tablib.Dataset(headers=resource.get_export_headers())
    for row in rows:
        dataset.append(row)
    return export_bytes(dataset, file_format)


def _records_sheet(resource, rows) -> Sheet:
    columns = [
        SheetColumn(str(field.column_name), whole_numbers=_whole_numbers(field))
        for field in resource.get_export_fields()
    ]
    return Sheet(kind_name(type(resource)), columns, rows)


def _whole_numbers(field) -> bool:
    kind = getattr(field, "kind", None)
    return bool(kind is not None and kind.is_whole_number)


def _columns_sheet(resource_class) -> Sheet:
    headers = [_("Column"), _("Required"), _("Written as"), _("Meaning")]
    rows = [
        [
            column.column_name,
            _("yes (key)") if column.key else _("yes") if column.required else _("no"),
            str(column.example),
            str(column.help_text),
        ]
        for column in resource_class.columns()
    ]
    return Sheet(_("Columns"), [SheetColumn(header) for header in headers], rows)


class _Counted:
    """An iterable that counts what has been taken from it."""

    def __init__(self, iterable):
        self._iterator = iter(iterable)
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        value = next(self._iterator)
        self.count += 1
        return value
