"""An import is written all or nothing: a failure half-way leaves every table as it was.

These tests are transactional: no test transaction surrounds them, so the only transaction that
can take back the rows an import has already written is the import's own. Each test lets the
import write part of its rows and then fails it: ``registry.services.bulk.insert_rows``, which
every large write of an import goes through, writes the rows of one table and then raises;
afterwards every registry table (records, link tables, history, import runs and their changes)
must hold exactly the rows it held before.
"""

import pytest
from django.core.management import call_command
from tablib import Dataset

from registry.models import ImportChange, ImportRun, Theme, ThemeEdition
from registry.resources import RESOURCES
from registry.services import bulk
from registry.services.imports import confirm_import, prepare_import
from registry.tabular import export_bytes
from tests.conftest import ANNEX_TEXT
from tests.registry_tables import copy_tables

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("annex_data")]

EDITION = 2017

# Where the write fails: after the history of the themes, the texts of the edition, or the
# change log (the last rows an import writes) have been written.
FAILURE_POINTS = {
    "theme history": lambda: Theme.history.model,
    "edition texts": lambda: ThemeEdition,
    "change log": lambda: ImportChange,
}


class DiskFull(Exception):
    pass


class FailAfterWriting:
    """Replaces ``bulk.insert_rows``: the rows of one table are written, then the import fails."""

    def __init__(self, monkeypatch, model):
        self.model = model
        self.original = bulk.insert_rows
        self.rows_in_table = None
        monkeypatch.setattr(bulk, "insert_rows", self)

    def __call__(self, model, field_names, rows):
        self.original(model, field_names, rows)
        if model is self.model:
            # Counted in the import's own connection: the rows are there, uncommitted.
            self.rows_in_table = model._base_manager.count()
            raise DiskFull("disk full")


def fail_while_writing(monkeypatch, point):
    return FailAfterWriting(monkeypatch, FAILURE_POINTS[point]())


def themes_csv():
    """The registry's themes as exported, one changed (text, a command, a partner), one new."""
    dataset = RESOURCES["themes"]().export()
    headers = list(dataset.headers)
    rows = [dict(zip(headers, row, strict=True)) for row in dataset]
    for row in rows:
        if (row["section"], row["title"]) == ("deu", "Cyber"):
            row.update(
                description="Samenwerking bij cyberoperaties.",
                commands="DCC|CLAS",
                partners="DEU|FRA",
            )
    rows.append(
        {
            **dict.fromkeys(headers, ""),
            "section": "nor",
            "title": "Arctische training",
            "description": "Gezamenlijke training in het hoge noorden.",
            "commands": "CLAS|CZSK",
            "partners": "NOR|FIN",
        }
    )
    table = [[row[header] for header in headers] for row in rows]
    return export_bytes(Dataset(*table, headers=headers), "csv")


def annex_text():
    """The 2016 annex as a 2017 edition: one theme's text changed, one theme added."""
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    changed = text.replace("cyber. (Defensie Cyber Commando)", "cyberoperaties. (DMO)", 1)
    assert changed != text
    return changed.replace(
        "cyberoperaties. (DMO)",
        "cyberoperaties. (DMO)\n\nArctische training: gezamenlijke training met Finland in het "
        "hoge noorden. (CLAS, CZSK)\n",
        1,
    )


def prepared(data, file_name):
    """The arguments of an import whose preview shows one new and one changed theme."""
    arguments = {"kind": "themes", "data": data, "file_name": file_name, "edition": EDITION}
    result = prepare_import(**arguments)
    main = result.main
    assert result.errors == []
    assert (len(main.created), len(main.updated)) == (1, 1)
    return arguments


def changed_tables(before):
    """The tables whose rows differ from the copy ``before``."""
    after = copy_tables()
    return [model._meta.db_table for model in before if after[model] != before[model]]


def assert_failure_left_nothing(before, failure):
    assert failure.rows_in_table > len(before[failure.model])  # it did write, then failed
    assert changed_tables(before) == []
    assert ImportRun.objects.count() == 0
    assert ImportChange.objects.count() == 0


@pytest.mark.parametrize("point", FAILURE_POINTS)
def test_a_spreadsheet_import_that_fails_while_writing_writes_nothing(monkeypatch, point):
    arguments = prepared(themes_csv(), "themes-2017.csv")
    before = copy_tables()
    failure = fail_while_writing(monkeypatch, point)
    with pytest.raises(DiskFull):
        confirm_import(**arguments, user=None)
    assert_failure_left_nothing(before, failure)


@pytest.mark.parametrize("point", FAILURE_POINTS)
def test_an_annex_import_that_fails_while_writing_writes_nothing(monkeypatch, point):
    arguments = prepared(annex_text().encode(), "bijlage-2017.txt")
    before = copy_tables()
    failure = fail_while_writing(monkeypatch, point)
    with pytest.raises(DiskFull):
        confirm_import(**arguments, user=None)
    assert_failure_left_nothing(before, failure)


def test_the_import_annex_command_that_fails_while_writing_writes_nothing(monkeypatch, tmp_path):
    path = tmp_path / "bijlage-2017.txt"
    path.write_text(annex_text(), encoding="utf-8")
    before = copy_tables()
    failure = fail_while_writing(monkeypatch, "change log")
    with pytest.raises(DiskFull):
        call_command("import_annex", str(path), "--edition", str(EDITION), verbosity=0)
    assert_failure_left_nothing(before, failure)


def test_without_a_failure_the_same_imports_write_their_rows():
    """The counterpart of the tests above: these files do change the registry."""
    before = copy_tables()
    run = confirm_import(**prepared(themes_csv(), "themes-2017.csv"), user=None).run
    assert (run.created, run.updated) == (1, 1)
    after_spreadsheet = copy_tables()
    assert "registry_theme" in changed_tables(before)
    run = confirm_import(**prepared(annex_text().encode(), "bijlage-2017.txt"), user=None).run
    assert (run.created, run.updated) == (1, 1)
    assert "registry_themeedition" in changed_tables(after_spreadsheet)
    assert ImportRun.objects.count() == 2
