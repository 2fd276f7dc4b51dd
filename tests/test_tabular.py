"""Reading uploaded tables and writing formula-safe exports (registry.tabular); no database."""

import codecs
import datetime
import io
import json
import zipfile

import openpyxl
import pytest
import tablib
import yaml
from django.utils import translation

from registry import tabular
from registry.tabular import (
    MAX_UPLOAD_BYTES,
    TableError,
    check_upload_size,
    export_bytes,
    neutralise,
    read_table,
    safe_dataset,
)
from tests import hostile_files

DANGEROUS_STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.fixture(autouse=True)
def english_messages():
    # The messages are translated; the assertions read the English msgids.
    with translation.override("en"):
        yield


def csv_bytes(text, encoding="utf-8"):
    return text.encode(encoding)


def xlsx_bytes(rows, extra=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra:
        extra(sheet)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def error_of(data, file_name, **kwargs):
    with pytest.raises(TableError) as caught:
        read_table(data, file_name, **kwargs)
    return str(caught.value)


# CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiter_is_detected_from_the_header_line(delimiter):
    text = delimiter.join(["code", "title"]) + "\r\n" + delimiter.join(["A1", "Een"]) + "\r\n"
    table = read_table(csv_bytes(text), "themes.csv")
    assert table.format == "csv"
    assert table.delimiter == delimiter
    assert table.headers == ("code", "title")
    assert table.rows == [{"code": "A1", "title": "Een"}]
    assert table.row_numbers == [2]


def test_csv_delimiter_inside_a_quoted_header_does_not_count():
    table = read_table(csv_bytes('"code, key";title\nA;B\n'), "t.csv")
    assert table.delimiter == ";"
    assert table.headers == ("code, key", "title")


def test_csv_with_one_column_reads_commas_as_text():
    table = read_table(csv_bytes("title\nSamenwerking, oefening\n"), "t.csv")
    assert table.rows == [{"title": "Samenwerking, oefening"}]


@pytest.mark.parametrize(("encoding", "reported"), [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_csv_in_utf8_with_and_without_bom(encoding, reported):
    table = read_table(csv_bytes("land;naam\nBEL;België\n", encoding), "t.csv")
    assert table.encoding == reported
    assert table.headers == ("land", "naam")  # no BOM left in the first header
    assert table.rows == [{"land": "BEL", "naam": "België"}]


def test_csv_in_windows_1252_is_read():
    table = read_table(csv_bytes("land;naam\nBEL;België – “Benelux”\n", "cp1252"), "t.csv")
    assert table.encoding == "cp1252"
    assert table.rows == [{"land": "BEL", "naam": "België – “Benelux”"}]


def test_csv_in_windows_1252_as_dutch_excel_writes_it_is_read():
    text = (
        "titel;beschrijving\n"
        "Café;Één “oefening” – € 5 per dag, ½ jaar, 20 °C, § 3, ’s-Hertogenbosch…\n"
        "Šiauliai;Œuvre, Ærø, Ørland, façade, naïef, coördinatie, reünie, ’t Harde\n"
    )
    table = read_table(csv_bytes(text, "cp1252"), "t.csv")
    assert table.encoding == "cp1252"
    assert table.rows[1]["titel"] == "Šiauliai"


@pytest.mark.parametrize(
    ("data", "character", "line"),
    [
        # Russian in its own code page (Windows-1251) comes out as accented Latin letters.
        pytest.param(
            "naam\nПривет, это текст на русском языке для проверки.\n".encode("cp1251"),
            "Ï",
            2,
            id="cyrillic",
        ),
        pytest.param(b"code;naam\nA;ok\nB;\xa4\xa6\xa8 \xac\xaf\n", "¤", 3, id="signs"),
    ],
)
def test_csv_that_windows_1252_reads_as_unlikely_text_is_refused(data, character, line):
    assert error_of(data, "t.csv") == (
        "The file “t.csv” is not UTF-8, and read as Windows-1252 it would hold characters "
        f"that Dutch or English text hardly has (such as “{character}” at line {line}). Save it "
        "as “CSV UTF-8” and try again."
    )


def test_utf8_csv_with_one_broken_byte_is_refused_with_its_line():
    data = "naam\nBelgië\nFrankrijk\n".encode() + b"Duitsl\xe4nd\n"
    assert error_of(data, "t.csv") == (
        "The file “t.csv” is UTF-8 text with a damaged character at line 4 (byte 30 of the "
        "file). Save it again as UTF-8 and try again."
    )


def test_windows_1252_csv_with_a_pair_that_happens_to_be_utf8_is_still_windows_1252():
    # "Ã©" is C3 A9 in Windows-1252, which is "é" in UTF-8; the five "é" (E9) are not UTF-8.
    data = "naam\nÃ© café café café café café\n".encode("cp1252")
    table = read_table(data, "t.csv")
    assert table.encoding == "cp1252"
    assert table.rows == [{"naam": "Ã© café café café café café"}]


@pytest.mark.parametrize(
    ("data", "file_name"),
    [
        (codecs.BOM_UTF8 * 2 + "code;naam\nBEL;België\n".encode(), "t.csv"),
        (codecs.BOM_UTF8 + "\ufeffcode;naam\nBEL;\ufeffBelgië\n".encode(), "t.csv"),
        (codecs.BOM_UTF8 * 2 + '[{"code": "BEL", "naam": "België"}]'.encode(), "t.json"),
        (codecs.BOM_UTF8 * 2 + "- code: BEL\n  naam: \ufeffBelgië\n".encode(), "t.yaml"),
    ],
    ids=["bom-after-bom", "bom-in-a-field", "json", "yaml"],
)
def test_a_second_bom_is_removed(data, file_name):
    table = read_table(data, file_name)
    assert table.headers == ("code", "naam")
    assert table.rows == [{"code": "BEL", "naam": "België"}]
    assert table.encoding == "utf-8-sig"


def test_csv_as_excel_unicode_text_is_read():
    table = read_table(csv_bytes("land\tnaam\r\nBEL\tBelgië\r\n", "utf-16"), "t.csv")
    assert table.encoding == "utf-16"
    assert table.rows == [{"land": "BEL", "naam": "België"}]


def test_csv_quoted_value_with_line_break_and_delimiter_is_one_row():
    text = 'code;title\r\nA;"Een;\r\ntwee ""drie"""\r\nB;Vier\r\n'
    table = read_table(csv_bytes(text), "t.csv")
    assert table.rows == [
        {"code": "A", "title": 'Een;\r\ntwee "drie"'},
        {"code": "B", "title": "Vier"},
    ]
    # The row numbers are the spreadsheet's rows, not the file's lines.
    assert table.row_numbers == [2, 3]


def test_csv_empty_rows_are_skipped_but_keep_their_row_numbers():
    table = read_table(csv_bytes("code;title\nA;Een\n\n;\nB;Twee\n"), "t.csv")
    assert [row["code"] for row in table.rows] == ["A", "B"]
    assert table.row_numbers == [2, 5]


def test_csv_values_are_trimmed_and_short_rows_padded():
    table = read_table(csv_bytes(" code ; title ;;\n  A  \n"), "t.csv")
    assert table.headers == ("code", "title")
    assert table.rows == [{"code": "A", "title": ""}]


def test_csv_empty_cells_after_the_last_column_are_ignored():
    table = read_table(csv_bytes("code;title\nA;Een;;\n"), "t.csv")
    assert table.rows == [{"code": "A", "title": "Een"}]


def test_binary_garbage_with_a_csv_name_is_refused():
    message = error_of(bytes(range(256)) * 8, "themes.csv")
    assert message.startswith("The file “themes.csv” is not a text file.")


def test_binary_garbage_without_nul_bytes_is_refused():
    message = error_of(bytes(range(1, 256)) * 8, "themes.csv")
    assert "is not a text file" in message


def test_an_excel_workbook_named_csv_is_refused_as_binary():
    message = error_of(xlsx_bytes([["code"], ["A"]]), "themes.csv")
    assert "upload the Excel workbook itself as .xlsx" in message


def test_csv_that_is_neither_utf8_nor_windows_1252_is_refused_with_its_line():
    # 0x81 is not a character in Windows-1252 and not valid UTF-8 on its own.
    message = error_of(b"code;title\nA;Een\nB;Tw\x81e\n", "themes.csv")
    assert message == (
        "The file “themes.csv” cannot be read as text: line 3 holds a character that is "
        "neither UTF-8 nor Windows-1252. Save it as “CSV UTF-8” and try again."
    )


def test_csv_with_a_bom_that_is_not_utf8_is_refused():
    message = error_of(b"\xef\xbb\xbfcode;naam\nBEL;Belgi\xeb\n", "t.csv")
    assert message == (
        "The file “t.csv” is UTF-8 text with a damaged character at line 2 (byte 20 of the "
        "file). Save it again as UTF-8 and try again."
    )


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n"])
def test_empty_file_is_refused(data):
    assert error_of(data, "t.csv") == "The file “t.csv” is empty."


def test_header_only_is_refused():
    message = error_of(b"code;title\r\n", "t.csv")
    assert message == "The file “t.csv” contains no data rows."


def test_empty_first_row_means_no_header():
    message = error_of(b";\ncode;title\nA;Een\n", "t.csv")
    assert message == "The first row of “t.csv” is empty; it must hold the column names."


def test_a_column_without_a_name_is_refused():
    message = error_of(b"code;;title\nA;;Een\n", "t.csv")
    assert message == "Column B of “t.csv” has no name in the first row."


def test_duplicate_headers_are_refused_regardless_of_case():
    message = error_of(b"Code;title;code\nA;Een;B\n", "t.csv")
    assert message.startswith("The column name “code” appears twice in “t.csv” (columns A and C)")


def test_a_row_with_more_cells_than_headers_is_refused_naming_row_column_and_value():
    long_value = "x" * 80
    message = error_of(f"code;title\nA;Een\nB;Twee;{long_value}\n".encode(), "t.csv")
    assert message.startswith(
        f"Row 3 of “t.csv” has a value in column C, which has no column name: “{'x' * 49}…”."
    )


def test_an_unclosed_quote_is_refused_instead_of_swallowing_the_rest():
    message = error_of(b'code;title\nA;"Een\nB;Twee\n', "t.csv")
    assert message.startswith("Row 2 of “t.csv” cannot be read")
    assert "quotation marks" in message


def test_more_rows_than_allowed_are_refused():
    text = "code\n" + "".join(f"C{n}\n" for n in range(3))
    assert len(read_table(text.encode(), "t.csv", max_rows=3).rows) == 3
    message = error_of(text.encode() + b"C3\n", "t.csv", max_rows=3)
    assert message == (
        "The file “t.csv” has more than 3 data rows; at most 3 rows can be imported at once. "
        "Split it into smaller files."
    )


@pytest.mark.parametrize("file_name", ["themes.txt", "themes", "themes.xls", "themes.csv.exe"])
def test_unknown_extension_is_refused_naming_it_and_the_accepted_ones(file_name):
    message = error_of(b"code\nA\n", file_name)
    assert f"“{file_name}”" in message
    assert "upload a file ending in .csv, .xlsx, .json, .yaml, .yml." in message


def test_unknown_extension_is_named():
    assert error_of(b"code\nA\n", "themes.txt") == (
        "The file “themes.txt” has the extension “.txt”, which cannot be imported; upload a "
        "file ending in .csv, .xlsx, .json, .yaml, .yml."
    )


def test_extension_is_case_insensitive():
    assert read_table(b"code\nA\n", "THEMES.CSV").format == "csv"


# XLSX ----------------------------------------------------------------------------------------


def test_xlsx_values_become_text():
    data = xlsx_bytes(
        [
            ["code", "count", "share", "signed", "at", "flag", "empty"],
            ["A1", 12, 1.5, datetime.date(2016, 3, 1), datetime.datetime(2016, 3, 1, 9, 30)],
            ["A2", 3.0, -0.25, None, None, True, None],
        ]
    )
    table = read_table(data, "t.xlsx")
    assert table.format == "xlsx"
    assert table.encoding is None
    assert table.delimiter is None
    assert table.rows == [
        {
            "code": "A1",
            "count": "12",
            "share": "1.5",
            "signed": "2016-03-01",
            "at": "2016-03-01 09:30:00",
            "flag": "",
            "empty": "",
        },
        {
            "code": "A2",
            "count": "3",
            "share": "-0.25",
            "signed": "",
            "at": "",
            "flag": "True",
            "empty": "",
        },
    ]
    assert table.row_numbers == [2, 3]


def test_xlsx_reads_the_first_worksheet_and_skips_empty_rows():
    def second_sheet_and_gap(sheet):
        sheet.parent.create_sheet("other").append(["not", "this"])
        sheet.cell(row=6, column=1, value="B")

    table = read_table(xlsx_bytes([["code"], ["A"]], second_sheet_and_gap), "t.xlsx")
    assert table.rows == [{"code": "A"}, {"code": "B"}]
    assert table.row_numbers == [2, 6]


@pytest.mark.parametrize(
    "stretch",
    [
        pytest.param(lambda sheet: sheet.cell(row=1_000_000, column=1, value=""), id="empty"),
        pytest.param(
            lambda sheet: setattr(sheet.row_dimensions[1_000_000], "height", 30), id="height"
        ),
        pytest.param(
            lambda sheet: sheet.cell(row=1_000_000, column=16_384, value=""), id="far-corner"
        ),
    ],
)
def test_xlsx_claiming_a_million_rows_gives_only_the_real_ones(stretch):
    table = read_table(xlsx_bytes([["code", "title"], ["A", "Een"]], stretch), "t.xlsx")
    assert table.rows == [{"code": "A", "title": "Een"}]
    assert table.row_numbers == [2]


def test_xlsx_with_more_rows_than_allowed_is_refused():
    data = xlsx_bytes([["code"], *([f"C{n}"] for n in range(5))])
    assert "more than 4 data rows" in error_of(data, "t.xlsx", max_rows=4)


def test_xlsx_value_in_a_column_without_a_name_is_refused():
    message = error_of(xlsx_bytes([["code", "title"], ["A", "Een", "extra"]]), "t.xlsx")
    assert message.startswith(
        "Row 2 of “t.xlsx” has a value in column C, which has no column name: “extra”."
    )


def test_xlsx_duplicate_headers_are_refused():
    assert "appears twice" in error_of(xlsx_bytes([["Code", "CODE"], ["A", "B"]]), "t.xlsx")


def test_xlsx_header_only_is_refused():
    assert "contains no data rows" in error_of(xlsx_bytes([["code", "title"]]), "t.xlsx")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"code;title\nA;Een\n", id="text"),
        pytest.param(b"PK\x03\x04 truncated", id="broken-zip"),
        pytest.param(None, id="zip-without-workbook"),
    ],
)
def test_invalid_xlsx_is_refused(data):
    if data is None:
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        data = stream.getvalue()
    message = error_of(data, "themes.xlsx")
    assert message == (
        "The file “themes.xlsx” is not a readable Excel workbook. Save it in Excel as "
        "“Excel Workbook (.xlsx)” and try again."
    )


# JSON and YAML -------------------------------------------------------------------------------


def test_json_list_of_objects():
    data = json.dumps(
        [
            {"code": "A", "count": 3, "share": 1.0, "note": None, "flag": True},
            {"code": " B ", "count": 2.5, "extra": "x"},
        ]
    ).encode()
    table = read_table(data, "t.json")
    assert table.format == "json"
    assert table.headers == ("code", "count", "share", "note", "flag", "extra")
    assert table.rows == [
        {"code": "A", "count": "3", "share": "1", "note": "", "flag": "True", "extra": ""},
        {"code": "B", "count": "2.5", "share": "", "note": "", "flag": "", "extra": "x"},
    ]
    assert table.row_numbers == [1, 2]


def test_json_rows_under_a_rows_key():
    table = read_table(b'{"rows": [{}, {"code": "A"}]}', "t.json")
    assert table.rows == [{"code": "A"}]
    assert table.row_numbers == [2]


def test_malformed_json_is_refused_with_line_and_column():
    message = error_of(b'[\n  {"code": "A",}\n]', "t.json")
    assert message.startswith("The file “t.json” is not valid JSON: ")
    assert message.endswith("at line 2, column 16.")


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2]])
def test_json_nested_value_is_refused_naming_item_and_key(value):
    data = json.dumps([{"code": "A"}, {"code": "B", "partners": value}]).encode()
    assert error_of(data, "t.json") == (
        "Item 2 of “t.json” has a list or object under “partners”; only plain values such as "
        "text and numbers can be imported."
    )


@pytest.mark.parametrize("document", [{"code": "A"}, "text", 3])
def test_json_that_is_not_a_list_is_refused(document):
    message = error_of(json.dumps(document).encode(), "t.json")
    assert message == (
        "The file “t.json” must hold a list of items (objects with keys and values)."
    )


def test_json_item_that_is_not_an_object_is_refused():
    message = error_of(b'[{"code": "A"}, "B"]', "t.json")
    assert message == "Item 2 of “t.json” is not an object with keys and values: “B”."


def test_json_empty_list_has_no_data_rows():
    assert error_of(b"[]", "t.json") == "The file “t.json” contains no data rows."


@pytest.mark.parametrize(
    "data", [b'[{"code": "A", "code": "B"}]', b'[{"code": "A"}, {"Code": "B"}]']
)
def test_json_duplicate_keys_are_refused(data):
    assert "The key “" in error_of(data, "t.json")


def test_json_too_many_rows_is_refused():
    data = json.dumps([{"code": n} for n in range(3)]).encode()
    assert "more than 2 data rows" in error_of(data, "t.json", max_rows=2)


def test_yaml_list_of_mappings_keeps_codes_as_written():
    data = "- code: NO\n  number: 0012\n  date: 2016-03-01\n  note: ~\n- {code: BEL, number: 7}\n"
    table = read_table(data.encode(), "t.yml")
    assert table.format == "yaml"
    assert table.rows == [
        {"code": "NO", "number": "0012", "date": "2016-03-01", "note": ""},
        {"code": "BEL", "number": "7", "date": "", "note": ""},
    ]


def test_yaml_rows_under_a_rows_key():
    assert read_table(b"rows:\n  - code: A\n", "t.yaml").rows == [{"code": "A"}]


def test_malformed_yaml_is_refused_with_line_and_column():
    message = error_of(b"- code: A\n- code: [B\n", "t.yaml")
    assert message.startswith("The file “t.yaml” is not valid YAML: ")
    assert "at line 3, column 1." in message


def test_yaml_nested_value_is_refused():
    message = error_of(b"- code: A\n  partners:\n    - BEL\n", "t.yaml")
    assert message.startswith("Item 1 of “t.yaml” has a list or object under “partners”")


# Upload size ---------------------------------------------------------------------------------


def test_upload_up_to_the_limit_is_accepted():
    check_upload_size(MAX_UPLOAD_BYTES)


def test_upload_over_the_limit_is_refused_naming_the_limit_in_mb():
    with pytest.raises(TableError) as caught:
        check_upload_size(MAX_UPLOAD_BYTES + 300 * 1024)
    assert str(caught.value) == "The file is 5.3 MB; files of at most 5 MB can be uploaded."


# Formula-safe export -------------------------------------------------------------------------


@pytest.mark.parametrize("start", DANGEROUS_STARTS)
def test_neutralise_prefixes_text_that_a_spreadsheet_would_run(start):
    assert neutralise(start + "HYPERLINK(1)") == "'" + start + "HYPERLINK(1)"


def test_neutralise_adds_a_quote_to_quoted_formula_text_so_the_reader_can_undo_it():
    assert neutralise("'=1+1") == "''=1+1"


@pytest.mark.parametrize(
    "value", ["Samenwerking", "'t Harde", "", "'", "a=b", " x", 5, -5, -1.5, None, True]
)
def test_neutralise_leaves_safe_values_alone(value):
    assert neutralise(value) == value


def dangerous_dataset():
    return tablib.Dataset(
        *[[start + "cmd", f"safe {n}", -n] for n, start in enumerate(DANGEROUS_STARTS)],
        headers=["=title", "text", "number"],
        title="themes",
    )


def test_safe_dataset_neutralises_every_cell_and_header_in_a_copy():
    original = dangerous_dataset()
    safe = safe_dataset(original)
    assert safe.headers == ["'=title", "text", "number"]
    assert [row[0] for row in safe] == ["'" + start + "cmd" for start in DANGEROUS_STARTS]
    assert [row[2] for row in safe] == [-n for n in range(len(DANGEROUS_STARTS))]
    assert safe.title == "themes"
    assert original[0][0] == "=cmd"


def test_csv_export_is_neutralised_utf8_with_bom_and_semicolons():
    data = export_bytes(dangerous_dataset(), "csv")
    assert data.startswith(b"\xef\xbb\xbf'=title;text;number\r\n'=cmd;safe 0;0\r\n")
    text = data.decode("utf-8-sig")
    for start in DANGEROUS_STARTS:
        assert "'" + start + "cmd" in text


def test_xlsx_export_holds_no_formulas():
    data = export_bytes(dangerous_dataset(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [sheet.cell(row=row, column=1) for row in range(2, 2 + len(DANGEROUS_STARTS))]
    # Without lxml, XML reading turns a carriage return into a line feed (with lxml, openpyxl
    # keeps it); either way the quote comes first.
    values = [cell.value.replace("\r", "\n") for cell in cells]
    assert values == ["'" + start.replace("\r", "\n") + "cmd" for start in DANGEROUS_STARTS]
    assert {cell.data_type for cell in cells} == {"s"}
    assert sheet["A1"].value == "'=title"


def test_xlsx_export_drops_characters_xml_cannot_hold_before_neutralising():
    dataset = tablib.Dataset(["Regel\x0bregel", "\x01=cmd"], headers=["a", "b"])
    sheet = openpyxl.load_workbook(io.BytesIO(export_bytes(dataset, "xlsx"))).active
    assert sheet["A2"].value == "Regel\nregel"
    assert sheet["B2"].value == "'=cmd"


@pytest.mark.parametrize("file_format", ["json", "yaml"])
def test_json_and_yaml_exports_keep_values_exactly(file_format):
    data = export_bytes(tablib.Dataset(["=cmd", "-5"], headers=["=a", "b"]), file_format)
    assert yaml.safe_load(data) == [{"=a": "=cmd", "b": "-5"}]  # YAML reads JSON too


def test_export_to_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="Cannot export to 'xls'"):
        export_bytes(tablib.Dataset(), "xls")


ROUND_TRIP_VALUES = [
    "Samenwerking",
    "Belgisch–Nederlandse “marine”; deel 1, 2",
    "regel een\nregel twee",
    "'t Harde",
    '=HYPERLINK("http://x")',
    "+31 70 123",
    "-5",
    "@SUM(A1)",
    "'=already quoted",
    "''=twice quoted",
    "",
]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json", "yaml"])
def test_export_reads_back_exactly(file_format):
    dataset = tablib.Dataset(headers=["code", "value", "number"])
    for n, value in enumerate(ROUND_TRIP_VALUES):
        dataset.append([f"C{n}", value, n])
    table = read_table(export_bytes(dataset, file_format), "export." + file_format)
    assert table.headers == ("code", "value", "number")
    assert [row["value"] for row in table.rows] == ROUND_TRIP_VALUES
    assert [row["number"] for row in table.rows] == [str(n) for n in range(len(dataset))]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formula_looking_header_reads_back_exactly(file_format):
    dataset = tablib.Dataset(["A"], headers=["=code"])
    assert read_table(export_bytes(dataset, file_format), "x." + file_format).headers == ("=code",)


def test_table_numbered_rows_pairs_row_numbers_with_rows():
    table = read_table(b"code\nA\n\nB\n", "t.csv")
    assert list(table.numbered_rows()) == [(2, {"code": "A"}), (4, {"code": "B"})]


# Bounds on what a file unpacks to (issue 10, §3; the hostile files are in test_hostile_files)


def sheet_workbook(sheet_data: bytes, after=b"") -> bytes:
    """A real workbook whose first worksheet holds the given rows (and parts after them)."""
    sheet = hostile_files.SHEET_HEAD + sheet_data + b"</sheetData>" + after + b"</worksheet>"
    return hostile_files.workbook_with(hostile_files.deflated(sheet, hostile_files.SHEET))


def inline(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def test_xlsx_tags_after_the_rows_count_towards_the_part_not_the_last_row(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_RECORD_TAGS", 50)
    merged = b"<mergeCells>" + b'<mergeCell ref="A5:B5"/>' * 100 + b"</mergeCells>"
    data = sheet_workbook(b'<row r="2">' + inline("A2", "Cyber") + b"</row>", after=merged)
    assert read_table(data, "t.xlsx").rows == [{"title": "Cyber"}]


@pytest.mark.parametrize("chunk", [3, 7, 1024 * 1024])
def test_xlsx_rows_are_counted_whatever_chunks_cut_the_tags(monkeypatch, chunk):
    monkeypatch.setattr(tabular, "SCAN_CHUNK_BYTES", chunk)
    monkeypatch.setattr(tabular, "MAX_RECORD_TAGS", 40)
    row = b'<row r="2">' + b"<c><v>1</v></c>" * 12
    message = error_of(sheet_workbook(row + b"</row>"), "t.xlsx")
    assert message == (
        "Record 2 of the part “xl/worksheets/sheet1.xml” of “t.xlsx” (a row, or a text of the "
        "shared strings) holds more than 40 XML tags; it cannot be read."
    )
    monkeypatch.setattr(tabular, "MAX_RECORD_TAGS", 60)
    assert error_of(sheet_workbook(row + b"</row>"), "t.xlsx").startswith("Row 2 of “t.xlsx”")


@pytest.mark.parametrize("chunk", [3, 1024 * 1024])
def test_xlsx_with_a_document_type_declaration_is_refused(monkeypatch, chunk):
    monkeypatch.setattr(tabular, "SCAN_CHUNK_BYTES", chunk)
    assert "holds a document type declaration (<!DOCTYPE>)" in error_of(
        hostile_files.xlsx_entity_bomb(), "t.xlsx"
    )


def test_xlsx_with_a_tag_longer_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "SCAN_CHUNK_BYTES", 1024)
    row = b'<row r="2" x="' + b"y" * (70 * 1024) + b'">' + inline("A2", "x") + b"</row>"
    assert error_of(sheet_workbook(row), "t.xlsx") == (
        "The part “xl/worksheets/sheet1.xml” of “t.xlsx” holds an XML tag of more than 64 KB; "
        "it cannot be read."
    )


def test_xlsx_rows_beyond_the_last_row_of_a_worksheet_are_refused():
    # A row numbered 1,048,576 and one after it without a number: openpyxl counts on.
    rows = b'<row r="1048576"/><row>' + inline("A1048577", "x") + b"</row>"
    assert error_of(sheet_workbook(rows), "t.xlsx") == (
        "A worksheet of “t.xlsx” has more than 1,048,576 rows, empty rows included; at most "
        "1,048,576 rows can be read. Delete the empty rows below the data, or split the file."
    )


def test_xlsx_column_cv_is_read_and_a_value_in_cw_is_refused():
    headers = [f"c{n}" for n in range(1, 101)]
    table = read_table(xlsx_bytes([headers, ["x"] * 100]), "t.xlsx")
    assert table.rows[0]["c100"] == "x"
    message = error_of(xlsx_bytes([headers, [*["x"] * 100, "too far"]]), "t.xlsx")
    assert message == (
        "Row 2 of “t.xlsx” has a value in column CW; at most 100 columns (up to CV) can be read."
    )
    message = error_of(xlsx_bytes([[*headers, "c101"], ["x"]]), "t.xlsx")
    assert message == "The file “t.xlsx” has 101 columns; at most 100 columns can be read."


def test_xlsx_with_more_parts_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_WORKBOOK_PARTS", 5)
    assert error_of(xlsx_bytes([["code"], ["A"]]), "t.xlsx").startswith(
        "The file “t.xlsx” consists of 9 parts; a workbook of at most 5 parts can be read."
    )


def test_xlsx_parts_other_than_sheets_and_strings_are_bounded(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_OTHER_PART_TAGS", 100)
    message = error_of(xlsx_bytes([["code"], ["A"]]), "t.xlsx")
    assert message.endswith("holds more than 100 XML tags; at most 100 can be read.")
    assert "“xl/theme/theme1.xml”" in message


def test_a_long_cell_and_a_long_json_value_are_refused_naming_where():
    long = "x" * 32_768
    assert read_table(f"title\n{'x' * 32_767}\n".encode(), "t.csv").rows[0]["title"]
    assert error_of(f"code;title\nA;{long}\n".encode(), "t.csv") == (
        "Row 2, column “title” of “t.csv” holds 32,768 characters; a cell holds at most "
        "32,767, as in Excel."
    )
    assert error_of(json.dumps([{"title": long}]).encode(), "t.json") == (
        "Item 1 of “t.json” holds 32,768 characters under “title”; a value holds at most "
        "32,767, as in Excel."
    )


@pytest.mark.parametrize(
    ("data", "file_name", "character"),
    [
        (b'[{"title": "a\\u0000b"}]', "t.json", "U+0000"),
        (b'[{"title": "a\\ud800b"}]', "t.json", "U+D800"),
        (b'- title: "a\\0b"\n', "t.yaml", "U+0000"),
    ],
)
def test_a_nul_or_a_lone_surrogate_in_a_value_is_refused_naming_item_and_key(
    data, file_name, character
):
    assert error_of(data, file_name) == (
        f"Item 1 of “{file_name}” holds under “title” a character that no text can store "
        f"({character}); remove it and try again."
    )


def test_a_lone_surrogate_in_a_key_is_refused_without_showing_it():
    message = error_of(b'[{"ti\\udc00tle": "x"}]', "t.json")
    assert message == (
        "Item 1 of “t.json” has a key that holds a character that no text can store (U+DC00)."
    )


def test_json_nesting_is_counted_outside_strings_and_refused_at_its_line():
    brackets = "[" * 30 + "]" * 30
    assert read_table(json.dumps([{"title": brackets}]).encode(), "t.json").rows == [
        {"title": brackets}
    ]
    deep = '[{"title": "x"},\n' + "[" * 21 + "]" * 21 + "]"
    assert error_of(deep.encode(), "t.json") == (
        "The file “t.json” nests lists or objects more than 20 levels deep (at line 2); an "
        "import file is a list of items with plain values."
    )


def test_json_numbers_of_thousands_of_digits_are_read_as_text():
    digits = "9" * 5_000
    assert read_table(f'[{{"title": {digits}}}]'.encode(), "t.json").rows == [{"title": digits}]


def test_yaml_explicit_tags_keep_their_text():
    data = "- a: !!int 0012\n  b: !!timestamp 2020-99-99\n  c: !!bool maybe\n  d: !!float 1.10\n"
    assert read_table(data.encode(), "t.yaml").rows == [
        {"a": "0012", "b": "2020-99-99", "c": "maybe", "d": "1.10"}
    ]


def test_yaml_anchor_without_alias_is_read_and_an_alias_is_refused():
    assert read_table(b"- title: &t Cyber\n", "t.yaml").rows == [{"title": "Cyber"}]
    assert error_of(b"- title: &t Cyber\n- title: *t\n", "t.yaml") == (
        "The file “t.yaml” uses a YAML alias (*t) at line 2; aliases are not read. Write the "
        "value out in full."
    )


def test_yaml_control_character_is_refused_with_line_and_column():
    data = b"- title: Cyber\n" * 10 + b"- title: a\x01b\n"
    assert error_of(data, "t.yaml") == (
        "The file “t.yaml” is not valid YAML: a control character (U+0001) at line 11, column 11."
    )


def test_item_that_is_a_list_is_described_not_written_out():
    assert error_of(b"rows: [[1, 2, 3]]\n", "t.yaml") == (
        "Item 1 of “t.yaml” is not an object with keys and values: “a list of 3 values”."
    )
