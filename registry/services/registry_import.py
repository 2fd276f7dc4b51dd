"""One import, from uploaded bytes to a plan and, when confirmed, to a run.

The admin's upload and confirm steps and the ``import_records`` command both call these, so a
preview shows exactly what the confirm step will write.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.services.annex import annex_plans, apply_annex, summary
from registry.services.imports import apply_plans, plan_import, refused_plan
from registry.services.uploads import UnreadableFile, decode_text, sha256
from registry.tabular import TableError, read_table

ANNEX_SUFFIXES = (".txt",)


@dataclass
class Prepared:
    kind: str
    file_name: str
    sha256: str
    file_format: str
    plans: list
    annex: object = None
    edition: int | None = None

    @property
    def errors(self):
        return [error for plan in self.plans for error in plan.errors]

    @property
    def main(self):
        """The plan whose records the user brought in (themes, for the annex text)."""
        return self.plans[-1]

    def summary(self):
        return summary(self.plans)


def is_annex_text(file_name):
    return file_name.lower().endswith(ANNEX_SUFFIXES)


def prepare_import(*, kind, data, file_name, edition=None, archive_missing=False):
    """Read the file and plan the import: nothing is written."""
    checksum = sha256(data)
    if kind == "themes" and is_annex_text(file_name):
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
    return Prepared(kind, file_name, checksum, table.format, [plan], edition=edition)


def _prepare_annex(data, file_name, checksum, edition, archive_missing):
    if edition is None:
        return _failed("themes", file_name, checksum, _("An annex text needs its edition's year."))
    try:
        text = decode_text(data, file_name)
    except UnreadableFile as error:
        return _failed("themes", file_name, checksum, str(error))
    plans, annex = annex_plans(text, edition_year=edition, archive_missing=archive_missing)
    return Prepared("themes", file_name, checksum, "txt", plans, annex=annex, edition=edition)


def _failed(kind, file_name, checksum, message):
    return Prepared(kind, file_name, checksum, "", [refused_plan(kind, message)])


def confirm_import(prepared, *, user):
    """Write a prepared import, all or nothing, and return its run."""
    if prepared.annex is not None:
        return apply_annex(
            prepared.plans,
            prepared.annex,
            edition_year=prepared.edition,
            user=user,
            file_name=prepared.file_name,
            sha256=prepared.sha256,
        )
    return apply_plans(
        prepared.plans,
        user=user,
        file_name=prepared.file_name,
        sha256=prepared.sha256,
        file_format=prepared.file_format,
    )
