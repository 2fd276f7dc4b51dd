"""Reading uploaded tables, and writing spreadsheet exports that are safe to open.

``read_table`` turns an upload (CSV, XLSX, JSON or YAML) into a ``Table``: column names, and
rows of plain strings each with the row number the user sees in their spreadsheet. Anything it
cannot read raises a ``TableError`` whose text says what is wrong and where, in words a member
of staff can act on. ``export_bytes`` writes a tablib ``Dataset``; its CSV and XLSX go through
``safe_dataset`` so that no cell runs as a formula.

Formula-looking text and the quote prefix
-----------------------------------------
A spreadsheet runs text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a
leading tab or carriage return hides such a start (OWASP, "CSV injection"). CSV and XLSX
exports therefore prefix that text with a single quote: ``=1+1`` is written as ``'=1+1``, and
``-5`` (text, not a number) as ``'-5``.

The reader undoes exactly that, so an export imports back unchanged: from a CSV or XLSX cell
it removes one leading quote when what follows the quotes starts with a formula character.
To keep this exact, text that already starts with quotes and then a formula character gets
one more quote on export (``'=x`` is written ``''=x`` and read back as ``'=x``); other text
that starts with a quote (``'t Harde``) is written and read as it is. JSON and YAML are not
opened by spreadsheets: their values are written as they are, never prefixed.

Every cell is read back trimmed (after removing the quote), in every format; so a round trip
is exact for every value without leading or trailing whitespace, and a value that starts
with a tab comes back without it.
"""

import codecs
import csv
import datetime
import io
import json
import warnings
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
import tablib
import yaml
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Dutch Excel writes ";" (the list separator of the Dutch locale) and English Excel ",". On a
# tie ";" wins, as it does for a one-column file with no separator at all: Dutch Excel quotes
# values that contain ";" but not those that contain ",".
DELIMITERS = (";", ",", "\t")
# Dutch Excel opens a CSV with ";" in columns on a double click, and with "," as one column of
# text; our reader detects either, so exports use ";". The BOM tells Excel the file is UTF-8.
EXPORT_DELIMITER = ";"
# Control characters that never occur in a text file; tab, line breaks, vertical tab, form
# feed and the old DOS end-of-file mark (\x1a) do.
BINARY_BYTES = bytes(sorted(set(range(32)) - set(b"\t\n\r\x0b\x0c\x1a")))
BINARY_SAMPLE_BYTES = 64 * 1024
SHOWN_VALUE_CHARS = 50


class TableError(ValueError):
    """A table that cannot be read; the message is a complete sentence saying what and where."""


@dataclass(frozen=True)
class Table:
    format: str  # "csv", "xlsx", "json" or "yaml"
    headers: tuple[str, ...]
    rows: list[dict[str, str]]
    # The row as the user sees it: in a spreadsheet the header is row 1, so the first data row
    # is 2; in JSON and YAML the 1-based position of the item in the list.
    row_numbers: list[int]
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only

    def numbered_rows(self):
        """(row number, row) pairs, for messages that say where a problem is."""
        return zip(self.row_numbers, self.rows, strict=True)


# Upload size ---------------------------------------------------------------------------------


def check_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise TableError(
            _("The file is %(size)s MB; files of at most %(limit)s MB can be uploaded.")
            % {
                # number_format() cuts off a float's further decimals instead of rounding.
                "size": number_format(round(size / 1024 / 1024, 1), 1),
                "limit": MAX_UPLOAD_BYTES // (1024 * 1024),
            }
        )


# Reading -------------------------------------------------------------------------------------


def read_table(data: bytes, file_name: str, *, max_rows: int = DEFAULT_MAX_ROWS) -> Table:
    """Read an uploaded CSV, XLSX, JSON or YAML file; the format comes from the file name."""
    table_format = _format_from_name(file_name)
    if not data.strip():
        raise TableError(_("The file “%(file)s” is empty.") % {"file": file_name})
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json, "yaml": _read_yaml}
    return reader[table_format](data, file_name, max_rows)


def _format_from_name(file_name: str) -> str:
    extension = PurePath(file_name).suffix.lower()
    if extension in FORMATS:
        return FORMATS[extension]
    names = {"file": file_name, "extension": extension, "accepted": ", ".join(FORMATS)}
    if not extension:
        raise TableError(
            _("The file “%(file)s” has no extension; upload a file ending in %(accepted)s.") % names
        )
    raise TableError(
        _(
            "The file “%(file)s” has the extension “%(extension)s”, which cannot be "
            "imported; upload a file ending in %(accepted)s."
        )
        % names
    )


def _read_csv(data: bytes, file_name: str, max_rows: int) -> Table:
    text, encoding = _decode_spreadsheet_text(data, file_name)
    delimiter = _detect_delimiter(text)
    headers, rows, numbers = _collect_rows(
        _csv_records(text, delimiter, file_name), file_name, max_rows
    )
    return Table("csv", headers, rows, numbers, encoding=encoding, delimiter=delimiter)


def _decode_spreadsheet_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode as Excel writes CSV: UTF-8 (with or without BOM), else Windows-1252.

    Excel's "Unicode text" is UTF-16 with a BOM; it is recognised by that BOM before the
    binary check, which its NUL bytes would fail.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", file_name), "utf-16"
    _reject_binary(data, file_name)
    if data.startswith(codecs.BOM_UTF8):
        # A BOM promises UTF-8: a file that breaks that promise is damaged, not Windows-1252.
        return _decode(data, "utf-8-sig", file_name), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1252 decodes nearly every byte, which is why binary files are refused first.
        return _decode(data, "cp1252", file_name), "cp1252"


def _decode(data: bytes, encoding: str, file_name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise TableError(
            _(
                "The file “%(file)s” cannot be read as text: line %(line)s holds a character "
                "that is neither UTF-8 nor Windows-1252. Save it as “CSV UTF-8” and try again."
            )
            % {"file": file_name, "line": data[: error.start].count(b"\n") + 1}
        ) from None


def _reject_binary(data: bytes, file_name: str) -> None:
    sample = data[:BINARY_SAMPLE_BYTES]
    control_bytes = len(sample) - len(sample.translate(None, BINARY_BYTES))
    # One stray control character can happen in text; NUL bytes or more than 1% cannot.
    if b"\x00" in sample or control_bytes * 100 > len(sample):
        raise TableError(
            _(
                "The file “%(file)s” is not a text file. Save the spreadsheet as CSV, or "
                "upload the Excel workbook itself as .xlsx."
            )
            % {"file": file_name}
        )


def _detect_delimiter(text: str) -> str:
    """The candidate that occurs most often in the header line, outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    # max() keeps the first of equal counts: the order of DELIMITERS is the preference.
    return max(DELIMITERS, key=counts.__getitem__)


def _csv_records(text: str, delimiter: str, file_name: str):
    """(row number, cells) per CSV record; a quoted value with line breaks is one row."""
    # strict: an unclosed quote is an error instead of swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as error:
        raise TableError(
            _(
                "Row %(row)s of “%(file)s” cannot be read (%(error)s). Check the quotation "
                "marks in that row."
            )
            % {"row": number + 1, "file": file_name, "error": error}
        ) from None


def _read_xlsx(data: bytes, file_name: str, max_rows: int) -> Table:
    workbook = _open_workbook(data, file_name)
    try:
        if not workbook.worksheets:
            raise TableError(_("The file “%(file)s” is empty.") % {"file": file_name})
        sheet = workbook.worksheets[0]
        # The stored dimension may claim a million rows and thousands of columns (formatting
        # reaches that far); without it, openpyxl pads each row only to its last real cell and
        # passes over missing rows without building them.
        sheet.reset_dimensions()
        headers, rows, numbers = _collect_rows(_xlsx_records(sheet, file_name), file_name, max_rows)
    finally:
        workbook.close()
    return Table("xlsx", headers, rows, numbers)


def _open_workbook(data: bytes, file_name: str):
    try:
        # openpyxl warns about workbook features it drops (validation, styles); they do not
        # matter for reading values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl reports damage as zip, XML, KeyError, ValueError and more
        raise _not_a_workbook(file_name) from None


def _xlsx_records(sheet, file_name: str):
    """(row number, values) per worksheet row, streamed; missing rows come as empty tuples."""
    rows = sheet.iter_rows(values_only=True)
    try:
        yield from enumerate(rows, start=1)
    except Exception:  # read-only mode parses the sheet lazily, so damage shows up here
        raise _not_a_workbook(file_name) from None


def _not_a_workbook(file_name: str) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” is not a readable Excel workbook. Save it in Excel as "
            "“Excel Workbook (.xlsx)” and try again."
        )
        % {"file": file_name}
    )


def _collect_rows(records, file_name: str, max_rows: int):
    """Headers from row 1, then the non-empty rows, for CSV and XLSX alike."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        raise TableError(_("The file “%(file)s” is empty.") % {"file": file_name})
    headers = _header_names([_spreadsheet_text(value) for value in first[1]], file_name)
    rows, numbers = [], []
    for number, values in records:
        texts = [_spreadsheet_text(value) for value in values]
        if not any(texts):
            continue
        if len(rows) == max_rows:
            raise _too_many_rows(file_name, max_rows)
        _reject_values_without_header(texts, headers, number, file_name)
        rows.append({name: texts[i] if i < len(texts) else "" for i, name in enumerate(headers)})
        numbers.append(number)
    _require_rows(rows, file_name)
    return headers, rows, numbers


def _header_names(texts: list[str], file_name: str) -> tuple[str, ...]:
    # Excel writes empty cells after the last column when formatting reaches further.
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        raise TableError(
            _("The first row of “%(file)s” is empty; it must hold the column names.")
            % {"file": file_name}
        )
    seen = {}
    for index, name in enumerate(texts):
        column = get_column_letter(index + 1)
        if not name:
            raise TableError(
                _("Column %(column)s of “%(file)s” has no name in the first row.")
                % {"column": column, "file": file_name}
            )
        if name.casefold() in seen:
            raise TableError(
                _(
                    "The column name “%(name)s” appears twice in “%(file)s” (columns "
                    "%(first)s and %(second)s); column names must differ, also in upper and "
                    "lower case."
                )
                % {
                    "name": name,
                    "file": file_name,
                    "first": seen[name.casefold()],
                    "second": column,
                }
            )
        seen[name.casefold()] = column
    return tuple(texts)


def _reject_values_without_header(texts, headers, number: int, file_name: str) -> None:
    for index in range(len(headers), len(texts)):
        if texts[index]:
            raise TableError(
                _(
                    "Row %(row)s of “%(file)s” has a value in column %(column)s, which has no "
                    "column name: “%(value)s”. In a CSV file this often means a value "
                    "contains the separator without quotation marks."
                )
                % {
                    "row": number,
                    "file": file_name,
                    "column": get_column_letter(index + 1),
                    "value": _shorten(texts[index]),
                }
            )


def _read_json(data: bytes, file_name: str, max_rows: int) -> Table:
    text = _decode_utf8(data, file_name)

    def unique_keys(pairs):
        # json.loads keeps the last of two equal keys without a word; refuse instead.
        row = dict(pairs)
        if len(row) < len(pairs):
            seen = set()
            duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))
            raise _duplicate_key(file_name, duplicate)
        return row

    try:
        document = json.loads(text, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as error:
        raise _malformed(file_name, "JSON", error.msg, error.lineno, error.colno) from None
    return _read_items(document, "json", file_name, max_rows)


class _StringLoader(yaml.SafeLoader):
    """YAML's safe loader, but a plain scalar stays the text it is, apart from null.

    The default resolvers would read the country code NO as false, 0012 as 12, 010 as 8 and
    1.10 as 1.1; a table's cells are text, and a stray conversion would change a code.
    """

    yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _read_yaml(data: bytes, file_name: str, max_rows: int) -> Table:
    text = _decode_utf8(data, file_name)
    try:
        document = yaml.load(text, Loader=_StringLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context
        raise _malformed(file_name, "YAML", problem, line, column) from None
    except yaml.YAMLError as error:
        raise _malformed(file_name, "YAML", str(error), 1, 1) from None
    return _read_items(document, "yaml", file_name, max_rows)


def _decode_utf8(data: bytes, file_name: str) -> str:
    """JSON and YAML are UTF-8 by their specifications; a BOM is tolerated."""
    _reject_binary(data, file_name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            _(
                "The file “%(file)s” is not UTF-8 text: line %(line)s holds a character that "
                "cannot be read. Save it as UTF-8 and try again."
            )
            % {"file": file_name, "line": data[: error.start].count(b"\n") + 1}
        ) from None


def _malformed(file_name: str, language: str, problem, line: int, column: int) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” is not valid %(language)s: %(problem)s at line %(line)s, "
            "column %(column)s."
        )
        % {
            "file": file_name,
            "language": language,
            "problem": problem,
            "line": line,
            "column": column,
        }
    )


def _duplicate_key(file_name: str, key: str) -> TableError:
    return TableError(
        _(
            "The key “%(name)s” appears twice in one item of “%(file)s”; keys must differ, "
            "also in upper and lower case."
        )
        % {"name": _shorten(key), "file": file_name}
    )


def _read_items(document, table_format: str, file_name: str, max_rows: int) -> Table:
    """A list of objects, or {"rows": [...]}, with plain values; keys become the headers."""
    if isinstance(document, dict) and "rows" in document:
        document = document["rows"]
    if not isinstance(document, list):
        raise TableError(
            _("The file “%(file)s” must hold a list of items (objects with keys and values).")
            % {"file": file_name}
        )
    # casefold() -> the name as first written; dict order is the column order.
    names = {}
    rows, numbers = [], []
    for number, item in enumerate(document, start=1):
        row = _item_row(item, number, names, file_name)
        if not any(row.values()):
            continue
        if len(rows) == max_rows:
            raise _too_many_rows(file_name, max_rows)
        rows.append(row)
        numbers.append(number)
    _require_rows(rows, file_name)
    headers = tuple(names.values())
    rows = [{name: row.get(name, "") for name in headers} for row in rows]
    return Table(table_format, headers, rows, numbers)


def _item_row(item, number: int, names: dict, file_name: str) -> dict[str, str]:
    if not isinstance(item, dict):
        raise TableError(
            _("Item %(item)s of “%(file)s” is not an object with keys and values: “%(value)s”.")
            % {"item": number, "file": file_name, "value": _shorten(str(item))}
        )
    row = {}
    for key, value in item.items():
        name = _plain_text(key)
        if not name:
            raise TableError(
                _("Item %(item)s of “%(file)s” has an empty key.")
                % {"item": number, "file": file_name}
            )
        if isinstance(value, (dict, list)):
            raise TableError(
                _(
                    "Item %(item)s of “%(file)s” has a list or object under “%(key)s”; only "
                    "plain values such as text and numbers can be imported."
                )
                % {"item": number, "file": file_name, "key": _shorten(name)}
            )
        if names.setdefault(name.casefold(), name) != name or name in row:
            raise _duplicate_key(file_name, name)
        row[name] = _plain_text(value)
    return row


def _require_rows(rows: list, file_name: str) -> None:
    if not rows:
        raise TableError(_("The file “%(file)s” contains no data rows.") % {"file": file_name})


def _too_many_rows(file_name: str, max_rows: int) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” has more than %(max)s data rows; at most %(max)s rows can be "
            "imported at once. Split it into smaller files."
        )
        % {"file": file_name, "max": number_format(max_rows, force_grouping=True)}
    )


def _spreadsheet_text(value) -> str:
    """A CSV or XLSX cell as text, with the quote prefix of our own exports removed."""
    if isinstance(value, str) and _is_neutralised(value):
        value = value[1:]
    return _plain_text(value)


def _plain_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        # Excel keeps every date as a date and time; a date is one at midnight.
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _shorten(text: str) -> str:
    if len(text) <= SHOWN_VALUE_CHARS:
        return text
    return text[: SHOWN_VALUE_CHARS - 1] + "…"


# Writing -------------------------------------------------------------------------------------


def neutralise(value):
    """Text a spreadsheet would run as a formula, prefixed with a quote; anything else as is."""
    if isinstance(value, str) and value.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def _is_neutralised(text: str) -> bool:
    return text.startswith(QUOTE) and text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of the dataset with every cell, and every header, neutralised."""
    return _map_cells(dataset, neutralise)


def _map_cells(dataset: tablib.Dataset, function) -> tablib.Dataset:
    mapped = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        mapped.headers = [function(header) for header in dataset.headers]
    for row in dataset:
        mapped.append([function(value) for value in row])
    return mapped


def _storable_in_xlsx(value):
    """XLSX (XML) cannot hold most control characters; openpyxl refuses them.

    Word writes a line break within a paragraph as a vertical tab, so that becomes a line
    break; the others are dropped. This runs before neutralising, so that a dropped character
    cannot uncover a formula.
    """
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\x0b", "\n"))
    return value


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "yaml": "application/yaml",
}


def export_bytes(dataset: tablib.Dataset, format: str) -> bytes:
    """The dataset as a file; CSV and XLSX are neutralised, JSON and YAML kept exact."""
    if format == "csv":
        # The BOM makes Excel read UTF-8; without it Dutch Excel assumes Windows-1252.
        text = safe_dataset(dataset).export("csv", delimiter=EXPORT_DELIMITER)
        return text.encode("utf-8-sig")
    if format == "xlsx":
        return safe_dataset(_map_cells(dataset, _storable_in_xlsx)).export("xlsx")
    if format in ("json", "yaml"):
        return dataset.export(format).encode("utf-8")
    raise ValueError(f"Cannot export to {format!r}; use csv, xlsx, json or yaml.")
