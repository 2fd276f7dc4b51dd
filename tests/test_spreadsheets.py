"""Spreadsheets that open well (issue 11 §4): every XLSX export, template and public download
is a table named for its kind, with a bold frozen header row, an autofilter, widths that fit,
whole numbers as numbers, and a file name that says what and when; and it imports back."""

import csv
import datetime
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from registry.exports import FORMATS
from registry.models import Command, Partner, Theme
from registry.resources import RESOURCES
from registry.tabular import (
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    Sheet,
    SheetColumn,
    column_widths,
    read_table,
    sheet_name,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

# The kinds with an export in the admin: model, sheet in Dutch and English, file name in both.
ADMIN_KINDS = {
    "themes": ("theme", "Thema’s", "Themes", "themas", "themes"),
    "agreements": ("agreement", "Overeenkomsten", "Agreements", "overeenkomsten", "agreements"),
    "partners": ("partner", "Partners", "Partners", "partners", "partners"),
    "commands": ("command", "Commando’s", "Commands", "commandos", "commands"),
    "sections": ("section", "Secties", "Sections", "secties", "sections"),
}
EXCEL_MAX_WIDTH = 255
# 23:30 UTC on 30 November is 00:30 on 1 December in Amsterdam.
LATE_EVENING_UTC = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Calc is a package of its own (libreoffice-calc-nogui); its library lies beside the program.
HAS_CALC = bool(LIBREOFFICE) and any(Path(LIBREOFFICE).resolve().parent.glob("libsclo.*"))


def url(kind, view, *args):
    return reverse(f"admin:registry_{ADMIN_KINDS[kind][0]}_{view}", args=args)


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def only_sheet(response):
    book = workbook(response)
    assert len(book.worksheets) == 1
    return book.worksheets[0]


def headers_of(kind):
    return [column.column_name for column in RESOURCES[kind].columns()]


def assert_table(sheet, headers, rows):
    """A header row that is bold and frozen, an autofilter over it and the rows, widths that fit."""
    assert [cell.value for cell in sheet[1]] == headers
    assert all(cell.font.b for cell in sheet[1])
    assert {cell.font.name for cell in sheet[1]} == {"Calibri"}  # the cells' font, in bold
    assert sheet.max_row == rows + 1
    if rows:
        assert not any(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"  # the header on every printed page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(headers))}{rows + 1}"
    for index, column in enumerate(sheet.iter_cols(), start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        assert MIN_COLUMN_WIDTH <= width <= MAX_COLUMN_WIDTH < EXCEL_MAX_WIDTH
        longest = max(len(line) for cell in column for line in str(cell.value or "").split("\n"))
        assert width >= min(longest, MAX_COLUMN_WIDTH)


def column_values(sheet, header):
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def row_where(sheet, **values):
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if all(row[headers.index(name)].value == value for name, value in values.items()):
            return dict(zip(headers, row, strict=True))
    raise AssertionError(f"no row with {values}")


# Admin exports and templates --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ADMIN_KINDS)
def test_an_admin_export_is_a_table_named_for_its_kind(admin_client, kind):
    sheet = only_sheet(admin_client.get(url(kind, "export", "xlsx")))
    assert sheet.title == ADMIN_KINDS[kind][1]
    assert_table(sheet, headers_of(kind), RESOURCES[kind]().get_queryset().count())


def test_a_narrow_table_prints_one_page_wide_and_a_wide_one_runs_on(admin_client):
    commands = only_sheet(admin_client.get(url("commands", "export", "xlsx")))
    assert commands.sheet_properties.pageSetUpPr.fitToPage is True
    assert (commands.page_setup.fitToWidth, commands.page_setup.fitToHeight) == (1, 0)
    themes = only_sheet(admin_client.get(url("themes", "export", "xlsx")))
    assert not themes.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize("kind", ADMIN_KINDS)
def test_an_english_interface_names_the_sheet_and_the_file_in_english(admin_client, kind):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.get(url(kind, "export", "xlsx"))
    assert only_sheet(response).title == ADMIN_KINDS[kind][2]
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{ADMIN_KINDS[kind][4]}-'
    )


def test_whole_numbers_are_numbers_and_text_columns_stay_text(admin_client):
    Theme.objects.filter(section__key="deu", title="Cyber").update(title="0123", target_year=2030)
    Theme.objects.filter(section__key="nor", title="Cyber").update(title="2018")
    sheet = only_sheet(admin_client.get(url("themes", "export", "xlsx")))
    theme = Theme.objects.get(section__key="deu", title="0123")
    row = row_where(sheet, section="deu", title="0123")
    assert (row["position"].value, row["position"].data_type) == (theme.position, "n")
    assert (row["target_year"].value, row["target_year"].data_type) == (2030, "n")
    assert row["title"].data_type == "s"
    assert row_where(sheet, section="nor", title="2018")["title"].data_type == "s"
    for header in ("position", "target_year"):
        assert {type(cell.value) for cell in column_values(sheet, header)} <= {int, type(None)}
    for header in ("section", "title", "slug", "description", "editions", "is_internal"):
        assert {type(cell.value) for cell in column_values(sheet, header)} <= {str, type(None)}


def test_codes_stay_text_beside_numbers(admin_client):
    for code in ("112", "0123"):  # codes that look like numbers
        Partner.objects.create(code=code, kind="organisation", name_nl=code, name_en=code)
    Command.objects.filter(code="CLAS").update(position=7)
    partners = only_sheet(admin_client.get(url("partners", "export", "xlsx")))
    assert {cell.data_type for cell in column_values(partners, "code")} == {"s"}
    assert row_where(partners, code="112")["name_nl"].value == "112"
    assert row_where(partners, code="0123")["name_nl"].value == "0123"
    commands = only_sheet(admin_client.get(url("commands", "export", "xlsx")))
    row = row_where(commands, code="CLAS")
    assert (row["position"].value, row["position"].data_type) == (7, "n")
    assert {cell.data_type for cell in column_values(commands, "code")} == {"s"}


def test_the_xlsx_template_is_an_empty_table_with_a_sheet_that_describes_its_columns(
    admin_client,
):
    book = workbook(admin_client.get(url("themes", "template", "xlsx")))
    assert book.sheetnames == ["Thema’s", "Kolommen"]
    assert_table(book["Thema’s"], headers_of("themes"), rows=0)
    columns = book["Kolommen"]
    assert_table(
        columns, ["Kolom", "Verplicht", "Schrijfwijze", "Betekenis"], len(headers_of("themes"))
    )
    described = {row[0]: row[1:] for row in columns.iter_rows(min_row=2, values_only=True)}
    assert list(described) == headers_of("themes")
    assert described["title"] == (
        "ja (sleutel)",
        "tekst",
        "De titel van het thema zoals in de bijlage.",
    )
    assert described["position"][:2] == ("nee", "een geheel getal")


def test_a_filled_in_xlsx_template_imports(admin_client):
    book = workbook(admin_client.get(url("themes", "template", "xlsx")))
    values = {"section": "nato", "title": "Nieuw thema", "position": 40, "description": "Tekst."}
    book["Thema’s"].append([values.get(header) for header in headers_of("themes")])
    buffer = io.BytesIO()
    book.save(buffer)
    response = admin_client.post(
        url("themes", "import"), {"file": named(buffer.getvalue(), "t.xlsx")}
    )
    assert response.context["errors"] == []
    assert response.context["counts"]["created"] == 1


@pytest.mark.parametrize("kind", ADMIN_KINDS)
def test_an_xlsx_export_imports_back_unchanged(admin_client, kind):
    data = admin_client.get(url(kind, "export", "xlsx")).content
    response = admin_client.post(url(kind, "import"), {"file": named(data, "export.xlsx")})
    count = RESOURCES[kind]().get_queryset().count()
    assert response.context["errors"] == []
    assert response.context["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": count,
        "missing": 0,
    }


def named(data, name):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


# File names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_file_names_say_what_and_the_day_in_amsterdam(
    admin_client, client, monkeypatch, file_format
):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)
    export = admin_client.get(url("themes", "export", file_format))
    assert (
        export["Content-Disposition"] == f'attachment; filename="themas-2026-12-01.{file_format}"'
    )
    template = admin_client.get(url("agreements", "template", file_format))
    assert template["Content-Disposition"] == (
        f'attachment; filename="overeenkomsten-sjabloon-2026-12-01.{file_format}"'
    )
    if file_format != "yaml":  # the public downloads are CSV, XLSX and JSON
        public = client.get(reverse("registry:theme_download", args=[file_format]))
        assert public["Content-Disposition"] == (
            f'attachment; filename="themas-2026-12-01.{file_format}"'
        )


def test_english_file_names(admin_client, client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)
    admin_client.cookies["django_language"] = "en"
    client.cookies["django_language"] = "en"
    template = admin_client.get(url("commands", "template", "csv"))
    assert (
        template["Content-Disposition"] == 'attachment; filename="commands-template-2026-12-01.csv"'
    )
    public = client.get(reverse("registry:theme_download", args=["xlsx"]))
    assert public["Content-Disposition"] == 'attachment; filename="themes-2026-12-01.xlsx"'
    assert only_sheet(public).title == "Themes"


# Public downloads ---------------------------------------------------------------------------------


def test_the_public_download_is_the_same_table_of_public_themes_only(client):
    Theme.objects.filter(section__key="deu", title="Medegebruik JSS").update(is_internal=True)
    Theme.objects.filter(section__key="deu", title="Cyber").update(is_archived=True)
    response = client.get(
        reverse("registry:theme_download", args=["xlsx"]), {"section": "deu", "archive": "alle"}
    )
    sheet = only_sheet(response)
    public = Theme.objects.filter(section__key="deu", is_internal=False)
    assert public.filter(is_archived=True).exists()
    assert sheet.title == "Thema’s"
    assert_table(sheet, headers_of("themes"), public.count())
    titles = [cell.value for cell in column_values(sheet, "title")]
    assert sorted(titles) == sorted(public.values_list("title", flat=True))
    assert {cell.data_type for cell in column_values(sheet, "position")} == {"n"}


def test_the_public_xlsx_download_imports_back_unchanged(client, admin_client):
    data = client.get(reverse("registry:theme_download", args=["xlsx"]), {"section": "usa"}).content
    response = admin_client.post(url("themes", "import"), {"file": named(data, "download.xlsx")})
    assert response.context["counts"]["unchanged"] == 5
    assert response.context["counts"]["updated"] == 0
    assert response.context["errors"] == []


# The command line -------------------------------------------------------------------------------


def test_export_registry_writes_the_same_workbooks(tmp_path):
    call_command("export_registry", str(tmp_path), "--format", "xlsx", stdout=io.StringIO())
    books = {path.name: openpyxl.load_workbook(path).worksheets for path in tmp_path.glob("*.xlsx")}
    assert {name: [sheet.title for sheet in sheets] for name, sheets in books.items()} == {
        "01-commands.xlsx": ["Commando’s"],
        "02-partners.xlsx": ["Partners"],
        "03-editions.xlsx": ["Edities"],
        "04-sections.xlsx": ["Secties"],
        "05-themes.xlsx": ["Thema’s"],
        "06-theme_texts.xlsx": ["Thema’s in een editie"],
        "07-agreements.xlsx": ["Overeenkomsten"],
    }
    texts = books["06-theme_texts.xlsx"][0]
    assert_table(
        texts, headers_of("theme_texts"), RESOURCES["theme_texts"]().get_queryset().count()
    )
    assert {(cell.value, cell.data_type) for cell in column_values(texts, "edition")} == {
        (2016, "n")
    }
    editions = books["03-editions.xlsx"][0]
    assert [(cell.value, cell.data_type) for cell in column_values(editions, "year")] == [
        (2016, "n")
    ]


# The writer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Thema’s", "Thema’s"),
        ("EU/EDA: [fase 1]*?\\", "EU EDA fase 1"),
        ("'Citaat'", "Citaat"),
        ("Samenwerkingsthema’s per land en per categorie", "Samenwerkingsthema’s per land e"),
        ("", "Sheet1"),
    ],
)
def test_sheet_names_are_what_excel_accepts(title, name):
    assert sheet_name(title) == name
    assert len(sheet_name(title)) <= 31


def whole_number_sheet(rows):
    columns = [SheetColumn("getal", whole_numbers=True), SheetColumn("tekst")]
    data = write_xlsx([Sheet("Getallen", columns, rows)])
    return data, openpyxl.load_workbook(io.BytesIO(data)).active


def test_a_whole_number_column_writes_numbers_and_keeps_the_rest_text():
    rows = [
        ["12", "12"],
        ["0123", "x"],
        ["-5", "-5"],
        ["+5", "x"],
        ["2018.5", "x"],
        ["1234567890123456", "x"],  # more digits than Excel keeps
        ["", "=1+1"],
    ]
    data, sheet = whole_number_sheet(rows)
    cells = [(row[0].value, row[0].data_type) for row in sheet.iter_rows(min_row=2)]
    assert cells == [
        (12, "n"),
        ("0123", "s"),
        (-5, "n"),
        ("'+5", "s"),
        ("2018.5", "s"),
        ("1234567890123456", "s"),
        (None, "n"),
    ]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [
        "12",
        "x",
        "'-5",
        "x",
        "x",
        "x",
        "'=1+1",
    ]
    # Read back, every cell is the text it was.
    assert read_table(data, "getallen.xlsx").rows == [
        {"getal": number, "tekst": text} for number, text in rows
    ]


def test_widths_fit_the_header_and_the_longest_line_within_bounds():
    headers = ["id", "een lange kolomnaam", "tekst", "regels"]
    rows = [[1, "x", "a" * 300, "kort\n" + "b" * 30], [22222, "y", "c", "d"]]
    assert column_widths(headers, rows) == [MIN_COLUMN_WIDTH, 23, MAX_COLUMN_WIDTH, 32]


def test_a_large_export_is_streamed_with_widths_from_its_first_rows():
    rows = ([str(n), f"tekst {n}"] for n in range(1, 3001))
    _data, sheet = whole_number_sheet(rows)
    assert sheet.max_row == 3001
    assert sheet.auto_filter.ref == "A1:B3001"
    assert sheet["A3001"].value == 3000


def test_the_spreadsheet_benchmark_runs():
    # Its own processes: the figures are for the README, not checked here.
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "spreadsheet_benchmark.py"
    completed = subprocess.run(
        [sys.executable, str(script), "--rows", "50", "--chars", "100"],
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "50 rows of 14 columns, descriptions of 100 characters"
    assert [line.split("  ")[0] for line in lines[2:]] == ["tablib (before)", "write_xlsx (after)"]


# LibreOffice opens them -------------------------------------------------------------------------


@pytest.mark.skipif(
    not HAS_CALC and not os.environ.get("CI"),
    reason="no LibreOffice Calc: apt-get install libreoffice-calc-nogui (as .ci/run does)",
)
def test_libreoffice_opens_the_export_and_the_template(admin_client, tmp_path):
    # Skipped on a developer's machine without LibreOffice Calc (and says so); CI installs it,
    # so there a missing Calc fails the test.
    if not HAS_CALC:
        pytest.fail("LibreOffice Calc is missing: .ci/run installs libreoffice-calc-nogui")
    Theme.objects.filter(section__key="usa", title="F-35").update(description="=1+1")
    (tmp_path / "export.xlsx").write_bytes(
        admin_client.get(url("themes", "export", "xlsx")).content
    )
    (tmp_path / "template.xlsx").write_bytes(
        admin_client.get(url("themes", "template", "xlsx")).content
    )
    profile = (tmp_path / "profile").as_uri()  # a profile of its own: parallel runs do not lock
    # Comma, double quotes, UTF-8, text cells quoted (so numbers show as numbers), every sheet.
    options = "44,34,76,1,,0,true,true,true,false,false,-1"
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(tmp_path / "csv"),
            str(tmp_path / "export.xlsx"),
            str(tmp_path / "template.xlsx"),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    written = sorted(path.name for path in (tmp_path / "csv").iterdir())
    assert written == ["export-Thema’s.csv", "template-Kolommen.csv", "template-Thema’s.csv"]
    text = (tmp_path / "csv" / "export-Thema’s.csv").read_text(encoding="utf-8")
    theme = Theme.objects.get(section__key="usa", title="F-35")
    assert f'\n"usa","F-35","{theme.slug}",{theme.position},"\'=1+1",' in text
    # What LibreOffice shows is what our CSV export holds, cell for cell.
    csv_export = admin_client.get(url("themes", "export", "csv")).content.decode("utf-8-sig")
    assert csv_rows(text, ",") == csv_rows(csv_export, ";")
    assert len(csv_rows(text, ",")) == 1 + Theme.objects.count()
    template = (tmp_path / "csv" / "template-Kolommen.csv").read_text(encoding="utf-8")
    assert '\n"title","ja (sleutel)","tekst",' in template


def csv_rows(text, delimiter):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
