"""Imports: the one way records come into the registry in bulk. Read this package first.

Every way in (the admin's upload and confirm, ``import_records``, ``import_annex``, the tests)
calls the two functions defined here, with the same file checks:

- ``prepare_import(kind=, data=, file_name=, edition=, archive_missing=)`` reads the file,
  compares it with the registry and validates every row that would be written. It writes
  nothing. The admin's preview shows what it returns; the commands' ``--dry-run`` prints it.
- ``confirm_import(..., user=)`` prepares the same file again, inside one transaction and with
  imports taken one at a time, and writes it when it has no errors: all or nothing, with the
  run, the change log and the history. What the preview accepted is what confirm writes;
  confirm meets no validation error of its own.

The steps, each in its module:

- ``files.py``: the file's size, checksum and text;
- ``planning.py``: each row compared with the registry, its record built and validated;
- ``registry/columns.py`` (beside the resources that use it): one class per kind of column
  (text, number, choice, code, codes, date, ...);
- ``annex.py``: an annex text as plans for commands, partners, the edition, sections, themes;
- ``applying.py``: the plans written, with history and change log.

Records are matched on natural keys; nothing is ever deleted: records the file lacks are listed
as missing, and themes among them are archived only when the user asks for it.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import ImportRun
from registry.services.imports.annex import annex_plans
from registry.services.imports.applying import ImportRefused, apply_plans, edition_text_counts
from registry.services.imports.files import (
    ANNEX_SUFFIXES,
    UnreadableFile,
    check_upload_size,
    is_annex_text,
    read_annex,
    sha256,
)
from registry.services.imports.planning import CellError, Plan, plan_import, refused_plan
from registry.tabular import TableError, read_table

ANNEX = ImportRun.Kind.ANNEX
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 with a byte order mark"),
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
# Any number, the same for every import: PostgreSQL's advisory lock makes imports take turns.
IMPORT_LOCK = 20_16_2
__all__ = [
    "ANNEX",
    "CellError",
    "ImportRefused",
    "Plan",
    "Prepared",
    "confirm_import",
    "plan_import",
    "prepare_import",
]


@dataclass
class Prepared:
    kind: str
    file_name: str
    sha256: str
    file_format: str
    plans: list
    annex: object = None
    edition: int | None = None
    run: ImportRun | None = None  # once confirmed and written
    # When the preview was confirmed before: the run that did it (nothing was written now).
    confirmed_before: ImportRun | None = None
    encoding: str | None = None  # of a text file (CSV, JSON, YAML, the annex text)

    @property
    def encoding_label(self):
        """The encoding as the preview names it."""
        return ENCODING_LABELS.get(self.encoding, self.encoding)

    @property
    def errors(self):
        return [error for plan in self.plans for error in plan.errors]

    @property
    def main(self):
        """The plan whose records the user brought in (themes, for the annex text)."""
        return self.plans[-1]

    # For an edition older than the newest in the registry: the years, and the counts of the
    # edition's texts it adds, changes and leaves (the current records stay); see ``_backfill``.
    backfill: dict | None = None

    def summary(self):
        """As ``--json`` prints it: the main plan's records, and the errors of every plan."""
        result = self.main.summary()
        result["errors"] = [error.as_dict() for error in self.errors]
        if self.backfill is not None:
            result["backfill"] = self.backfill
        return result


def prepare_import(*, kind, data, file_name, edition=None, archive_missing=False):
    """Read the file and plan the import: nothing is written.

    ``kind`` is a kind of record (``themes``, ``partners``, ...) or ``annex``; a ``.txt`` file
    brought in as themes is read as an annex text, which needs its ``edition``.
    """
    checksum = sha256(data)
    try:
        check_upload_size(len(data))
    except TableError as error:
        return _failed(kind, file_name, checksum, str(error))
    if kind == ANNEX or (kind == "themes" and is_annex_text(file_name)):
        return _prepare_annex(data, file_name, checksum, edition, archive_missing)
    try:
        table = read_table(data, file_name)
    except TableError as error:
        return _failed(kind, file_name, checksum, str(error))
    plan = plan_import(
        kind=kind,
        rows=table.rows,
        row_numbers=table.row_numbers,
        headers=table.headers,
        edition=edition if kind == "themes" else None,
        archive_missing=archive_missing and kind == "themes",
    )
    return Prepared(
        kind,
        file_name,
        checksum,
        table.format,
        [plan],
        edition=edition,
        encoding=table.encoding,
        backfill=_backfill(plan),
    )


def confirm_import(
    *, kind, data, file_name, user, edition=None, archive_missing=False, preview=None
):
    """Prepare the file and, when it has no errors, write it: all or nothing.

    Returns the prepared import; its ``run`` is the recorded run, or None when nothing was
    written: because of errors (which ``errors`` lists, as the preview did), or because this
    ``preview`` (the id of the admin's preview) was confirmed before (``confirmed_before``).
    """
    try:
        with transaction.atomic():
            _one_import_at_a_time()
            earlier = _confirmed_before(preview)
            if earlier is not None:
                return _already_confirmed(kind, file_name, data, earlier)
            prepared = prepare_import(
                kind=kind,
                data=data,
                file_name=file_name,
                edition=edition,
                archive_missing=archive_missing,
            )
            if not prepared.errors:
                prepared.run = apply_plans(
                    prepared.plans,
                    user=user,
                    file_name=file_name,
                    sha256=prepared.sha256,
                    file_format=prepared.file_format,
                    kind=ANNEX if prepared.annex is not None else None,
                    preview=preview,
                )
    except IntegrityError:
        earlier = _confirmed_before(preview)
        if earlier is not None:  # confirmed at the same moment by a second request
            return _already_confirmed(kind, file_name, data, earlier)
        # Someone saved a record in the admin that this import also writes, at the same moment.
        return _failed(
            kind,
            file_name,
            sha256(data),
            _(
                "The registry changed while this file was being imported; nothing was "
                "changed. Show what changes again, then confirm."
            ),
        )
    return prepared


def _confirmed_before(preview):
    if preview is None:
        return None
    return ImportRun.objects.filter(preview=preview).first()


def _already_confirmed(kind, file_name, data, run):
    prepared = _failed(kind, file_name, sha256(data), _("This preview has been imported already."))
    prepared.confirmed_before = run
    return prepared


def _one_import_at_a_time():
    """Two imports confirmed at once plan one after the other, each seeing the other's writes.

    SQLite (development only) lets one connection write at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _prepare_annex(data, file_name, checksum, edition, archive_missing):
    if not is_annex_text(file_name):
        return _failed(
            "themes",
            file_name,
            checksum,
            _("%(file)s is not an annex; an annex is a file ending in %(suffixes)s.")
            % {"file": file_name, "suffixes": ", ".join(ANNEX_SUFFIXES)},
        )
    if edition is None:
        return _failed("themes", file_name, checksum, _("An annex text needs its edition's year."))
    try:
        annex_text = read_annex(data, file_name)
    except UnreadableFile as error:
        return _failed("themes", file_name, checksum, str(error))
    plans, annex = annex_plans(
        annex_text.text,
        edition_year=edition,
        archive_missing=archive_missing,
        pages=annex_text.page_of_line if annex_text.pages is not None else None,
    )
    return Prepared(
        "themes",
        file_name,
        checksum,
        PurePath(file_name).suffix.lower().lstrip("."),
        plans,
        annex=annex,
        edition=edition,
        encoding=annex_text.encoding,
        backfill=_backfill(plans[-1]),
    )


def _backfill(plan):
    """What an older edition writes, counted before it is written (confirm writes it next)."""
    if not plan.is_backfill or plan.errors:
        return None
    return {
        "edition": plan.edition,
        "newest_edition": plan.newest_edition,
        "texts": edition_text_counts(plan),
    }


def _failed(kind, file_name, checksum, message):
    kind = "themes" if kind == ANNEX else kind
    return Prepared(kind, file_name, checksum, "", [refused_plan(kind, message)])
