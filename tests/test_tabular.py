"""Reading uploaded tables and writing formula-safe exports (registry.tabular); no database."""

import datetime
import io
import json
import zipfile

import openpyxl
import pytest
import tablib
import yaml
from django.utils import translation

from registry.tabular import (
    MAX_UPLOAD_BYTES,
    TableError,
    check_upload_size,
    export_bytes,
    neutralise,
    read_table,
    safe_dataset,
)

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
    assert "line 2 holds a character" in message


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
