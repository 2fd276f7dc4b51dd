"""Reading uploaded tables, and writing spreadsheet exports that are safe to open.

``read_table`` turns an upload (CSV, XLSX, JSON or YAML) into a ``Table``: column names, and
rows of plain strings each with the row number the user sees in their spreadsheet. Anything it
cannot read raises a ``TableError`` whose text says what is wrong and where, in words a member
of staff can act on. ``write_xlsx`` writes workbooks that open well (a bold, frozen header row,
an autofilter, widths that fit, whole numbers as numbers), streaming their rows; every XLSX
export goes through it. ``export_bytes`` writes a tablib ``Dataset`` in any format. In CSV and
XLSX no cell runs as a formula.

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
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, islice
from pathlib import PurePath

import openpyxl
import tablib
import yaml
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.fonts import DEFAULT_FONT
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

# What a file may unpack to (see "Limits" in the module docstring). An export of 20,000 themes
# with descriptions of a thousand characters is 3.4 MB as XLSX and unpacks to 35 MB in one
# worksheet of 1.5 million tags; every limit leaves room above that.
MAX_UNPACKED_MB = 100
MAX_WORKBOOK_PARTS = 1_000
MAX_SHEET_ROWS = 1_048_576  # rows of a worksheet, empty rows included: Excel's own limit
MAX_COLUMNS = 100  # up to column CV; WIDE_COLUMN below must agree
# Cells beyond column CV, which must be empty: formatting leaves such cells, and openpyxl
# fills each of their rows with empty cells up to them (16,384 for column XFD).
MAX_FAR_CELLS = 1_000
MAX_SHARED_STRINGS = 200_000
MAX_RECORD_TAGS = 10_000  # XML tags in one row, or in one text of the shared strings
MAX_STREAMED_PART_TAGS = 3_000_000  # in one worksheet, or in the shared strings
MAX_OTHER_PART_TAGS = 200_000  # in any other part (styles, workbook, relations, ...)
MAX_TAG_BYTES = 64 * 1024
MAX_CELL_CHARS = 32_767  # what a cell of Excel holds
MAX_NESTING = 20  # lists and objects within each other, in JSON and YAML
SCAN_CHUNK_BYTES = 1024 * 1024
# A cell reference beyond column CV (MAX_COLUMNS): three letters, or D..Z or CW..CZ first.
WIDE_COLUMN = re.compile(
    rb"""\sr\s*=\s*["']\$?(?:[a-z]{3}|[d-z][a-z]|c[w-z])\$?[0-9]""", re.IGNORECASE
)
# The number in a row's opening tag (the text after "<row", up to its ">").
ROW_NUMBER = re.compile(rb"""[^>]*?\sr\s*=\s*["']([^"'>]{1,40})""")
XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?([A-Za-z_][\w.-]{0,63})(?=[\s/>])")
DOCTYPE = b"<!DOCTYPE"
# Characters that no stored text can hold: NUL, and halves of a surrogate pair on their own
# (JSON's "\ud800"); they cannot even be shown in a message.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


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
    text, encoding = decode_text(data, file_name)
    delimiter = _detect_delimiter(text)
    headers, rows, numbers = _collect_rows(
        _csv_records(text, delimiter, file_name), file_name, max_rows
    )
    return Table("csv", headers, rows, numbers, encoding=encoding, delimiter=delimiter)


# Text and its encoding -----------------------------------------------------------------------

# A complete character of two to four bytes in UTF-8 (RFC 3629, without surrogates).
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
HIGH_BYTES = bytes(range(0x80, 0x100))
# What Dutch text in Windows-1252 holds besides ASCII letters: letters with diacritics, the
# euro sign, typographic quotes and dashes, and a few signs. Windows-1252 decodes nearly every
# byte, so any other file that passed the binary check would come out as text too; read that
# way, it shows characters Dutch text rarely has (ð, þ, ¤, ¬, ˆ, ...), or mostly accented
# letters (Cyrillic or Greek text in its own code page).
WINDOWS_1252_SIGNS = set("€‚„…†•‘’“”–—™°²³¹½¼¾§±×·«»©®µ\xa0")
MAX_UNUSUAL_SHARE = 0.1  # of the characters beyond ASCII
MAX_ACCENTED_SHARE = 0.3  # of the letters, once there are more than MIN_ACCENTED
MIN_ACCENTED = 20
NON_ASCII = re.compile("[^\x00-\x7f]")
NOT_ASCII_LETTERS = re.compile("[^A-Za-z]+")
BOM = "\ufeff"


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Text as Excel and Word write it, and the encoding it was read in.

    UTF-8 (with or without BOM), else Windows-1252 when reading it so gives plausible text;
    Excel's "Unicode text" is UTF-16 with a BOM, recognised by that BOM before the binary
    check, which its NUL bytes would fail. A second BOM at the start is removed as well.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = decode_utf16(data, file_name), "utf-16"
    else:
        _reject_binary(data, file_name)
        text, encoding = decode_8_bit(data, file_name)
    return text.lstrip(BOM), encoding


def decode_utf16(data: bytes, file_name: str) -> str:
    return _decode(data, "utf-16", file_name)


def decode_8_bit(data: bytes, file_name: str) -> tuple[str, str]:
    """UTF-8 (a BOM promises it), else Windows-1252 when that reading is plausible."""
    if data.startswith(codecs.BOM_UTF8):
        # A BOM promises UTF-8: a file that breaks that promise is damaged, not Windows-1252.
        return _decode(data, "utf-8-sig", file_name), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _mostly_utf8(data):
            raise _broken_utf8(data, error.start, file_name) from None
    text = _decode(data, "cp1252", file_name)
    _check_windows_1252(text, file_name)
    return text, "cp1252"


def _mostly_utf8(data: bytes) -> bool:
    """Whether the bytes beyond ASCII are mostly complete UTF-8 characters.

    In Windows-1252 text such a sequence is a capital with an accent directly followed by a
    typographic sign ("Ã©"), which Dutch text hardly ever has.
    """
    in_sequences = sum(map(len, UTF8_SEQUENCE.findall(data)))
    high = len(data) - len(data.translate(None, HIGH_BYTES))
    return in_sequences > 0 and in_sequences >= high - in_sequences


def _check_windows_1252(text: str, file_name: str) -> None:
    beyond_ascii = NON_ASCII.findall(text)
    unusual = [c for c in beyond_ascii if not c.isalpha() and c not in WINDOWS_1252_SIGNS]
    accented = [char for char in beyond_ascii if char.isalpha()]
    letters = len(accented) + len(NOT_ASCII_LETTERS.sub("", text))
    mostly_accented = len(accented) > max(MIN_ACCENTED, MAX_ACCENTED_SHARE * letters)
    if len(unusual) > MAX_UNUSUAL_SHARE * len(beyond_ascii) or mostly_accented:
        first = (unusual or accented)[0]
        raise TableError(
            _(
                "The file “%(file)s” is not UTF-8, and read as Windows-1252 it would hold "
                "characters that Dutch or English text hardly has (such as “%(character)s” "
                "at line %(line)s). Save it as “CSV UTF-8” and try again."
            )
            % {
                "file": file_name,
                "character": first,
                "line": text[: text.index(first)].count("\n") + 1,
            }
        )


def _broken_utf8(data: bytes, position: int, file_name: str) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” is UTF-8 text with a damaged character at line %(line)s "
            "(byte %(byte)s of the file). Save it again as UTF-8 and try again."
        )
        % {
            "file": file_name,
            "line": data[:position].count(b"\n") + 1,
            "byte": number_format(position + 1, force_grouping=True),
        }
    )


def _decode(data: bytes, encoding: str, file_name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding == "utf-8-sig":
            raise _broken_utf8(data, error.start, file_name) from None
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
    check_workbook(data, file_name)
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
        for number, values in enumerate(rows, start=1):
            # A row numbered far down makes openpyxl produce every row above it.
            if number > MAX_SHEET_ROWS:
                raise _too_many_sheet_rows(file_name)
            yield number, values
    except TableError:
        raise
    except Exception:  # read-only mode parses the sheet lazily, so damage shows up here
        raise _not_a_workbook(file_name) from None


# What a zip package (a workbook, a Word document) unpacks to ---------------------------------


@dataclass(frozen=True)
class ZipPackage:
    """A kind of zip package (XLSX, DOCX): how its parts are read, and how its refusals read.

    Each message is a function of the file's name (and of the part, the count or the size it
    names), so that every kind says in its own words what the file is and what to do.
    """

    part_rules: dict
    unreadable: Callable[[str], TableError]
    too_many_parts: Callable[[str, str, str], TableError]  # file, count, limit
    too_large: Callable[[str, str, int], TableError]  # file, size in MB, limit in MB
    doctype: Callable[[str, str], TableError]  # part, file


def check_package(data: bytes, file_name: str, package: ZipPackage) -> None:
    """Refuse a zip package that would unpack to more than the limits, before it is parsed.

    First by what the zip directory says (sizes, number of parts), then by reading every part
    in chunks: the tags it holds, and for parts read as records (worksheet rows, shared
    strings) the records and the tags in each. The directory cannot make the reading go
    further than it says: ``zipfile`` inflates a part only to the size the directory gives,
    and a part that holds more fails its checksum, so it is refused as damaged. A document
    type declaration (which can define entities) is refused in every part.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # not a zip file, or a damaged directory
        raise package.unreadable(file_name) from None
    with archive:
        parts = archive.infolist()
        _check_directory(parts, file_name, package)
        for part in parts:
            _scan_part(archive, part, file_name, package)


def check_workbook(data: bytes, file_name: str) -> None:
    """Refuse a workbook that would unpack to more than the limits, before openpyxl reads it.

    Besides the bounds of every package (``check_package``): per worksheet its rows, the tags
    in each row and the columns its cells name, and the texts of the shared strings.
    """
    check_package(data, file_name, WORKBOOK)


def _check_directory(parts, file_name: str, package: ZipPackage) -> None:
    if len(parts) > MAX_WORKBOOK_PARTS:
        raise package.too_many_parts(
            file_name,
            number_format(len(parts), force_grouping=True),
            number_format(MAX_WORKBOOK_PARTS, force_grouping=True),
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise package.too_large(
            file_name,
            number_format(unpacked // (1024 * 1024), force_grouping=True),
            MAX_UNPACKED_MB,
        )


def _workbook_has_too_many_parts(file_name: str, count: str, limit: str) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” consists of %(count)s parts; a workbook of at most "
            "%(limit)s parts can be read."
        )
        % {"file": file_name, "count": count, "limit": limit}
    )


def _workbook_too_large(file_name: str, size: str, limit: int) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” unpacks to %(size)s MB; a workbook that unpacks to at "
            "most %(limit)s MB can be read. Save only the sheet to import, without "
            "images or other sheets, and try again."
        )
        % {"file": file_name, "size": size, "limit": limit}
    )


def _workbook_doctype(part: str, file_name: str) -> TableError:
    return TableError(
        _(
            "The part “%(part)s” of “%(file)s” holds a document type declaration "
            "(<!DOCTYPE>), which Excel never writes; it is not read."
        )
        % {"part": part, "file": file_name}
    )


@dataclass
class PartRules:
    """How a part is read: as records (worksheet rows, shared strings) or all at once.

    The limits are looked up when they are used, so that a test can lower them.
    """

    root: bytes = b""  # b"worksheet", b"sst" or something else
    record_start: re.Pattern | None = None
    records_end: re.Pattern | None = None
    streamed: bool = False  # a large part read as a whole (a Word document's body)

    @property
    def is_worksheet(self):
        return self.root == b"worksheet"

    @property
    def max_tags(self):
        streamed = self.record_start or self.streamed
        return MAX_STREAMED_PART_TAGS if streamed else MAX_OTHER_PART_TAGS

    @property
    def max_records(self):
        return MAX_SHEET_ROWS if self.is_worksheet else MAX_SHARED_STRINGS


def _records(root: str, tag: str, container: str) -> PartRules:
    prefix = rb"(?:[A-Za-z_][\w.-]{0,31}:)?"
    return PartRules(
        root=root.encode(),
        record_start=re.compile(rb"<" + prefix + tag.encode() + rb"(?=[\s/>])"),
        records_end=re.compile(rb"</" + prefix + container.encode() + rb"\s*>"),
    )


PART_RULES = {
    b"worksheet": _records("worksheet", "row", "sheetData"),
    b"sst": _records("sst", "si", "sst"),
}
OTHER_PART = PartRules()


@dataclass
class _PartScan:
    name: str
    file_name: str
    package: ZipPackage
    rules: PartRules = None
    tags: int = 0
    records: int = 0
    record_tags: int | None = None  # of the record being read; None before the first
    records_done: bool = False
    far_cells: int = 0
    carry: bytes = b""  # a tag that the chunk cut in two


def _scan_part(archive, part, file_name: str, package: ZipPackage) -> None:
    scan = _PartScan(part.filename, file_name, package)
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(SCAN_CHUNK_BYTES):
                _scan_chunk(scan, scan.carry + chunk)
            if scan.rules is None:  # a small part without an XML root: an image, say
                scan.rules = OTHER_PART
            _scan_piece(scan, scan.carry)
    except TableError:
        raise
    except Exception:  # damaged or encrypted parts, a checksum that does not match, ...
        raise package.unreadable(file_name) from None


def _scan_chunk(scan: _PartScan, buffer: bytes) -> None:
    """Scan the buffer up to a tag it cuts in two, which is carried to the next chunk."""
    if scan.rules is None:
        root = XML_ROOT.search(buffer)
        if root is None and len(buffer) < MAX_TAG_BYTES:
            scan.carry = buffer  # the root element's name is still to come
            return
        scan.rules = scan.package.part_rules.get(root.group(1) if root else b"", OTHER_PART)
    cut = buffer.rfind(b"<")
    if cut == -1 or buffer.find(b">", cut) != -1:
        cut = len(buffer)
    elif len(buffer) - cut > MAX_TAG_BYTES:
        raise TableError(
            _(
                "The part “%(part)s” of “%(file)s” holds an XML tag of more than %(limit)s "
                "KB; it cannot be read."
            )
            % {"part": scan.name, "file": scan.file_name, "limit": MAX_TAG_BYTES // 1024}
        )
    _scan_piece(scan, buffer[:cut])
    scan.carry = buffer[cut:]


def _scan_piece(scan: _PartScan, piece: bytes) -> None:
    """Count the tags of complete tags and text; per record, when the part has records."""
    if not piece:
        return
    if DOCTYPE in piece:
        raise scan.package.doctype(scan.name, scan.file_name)
    scan.tags += piece.count(b"<")
    if scan.tags > scan.rules.max_tags:
        raise _too_many_tags(scan, scan.rules.max_tags)
    if scan.rules.record_start is None or scan.records_done:
        return
    end = scan.rules.records_end.search(piece)
    if end:
        piece, scan.records_done = piece[: end.start()], True
    _count_records(scan, piece)
    if scan.rules.is_worksheet:
        scan.far_cells += len(WIDE_COLUMN.findall(piece))
        if scan.far_cells > MAX_FAR_CELLS:
            raise TableError(
                _(
                    "The part “%(part)s” of “%(file)s” has more than %(count)s cells beyond "
                    "column %(last)s; at most %(limit)s columns can be read, and at most "
                    "%(count)s empty cells beyond them."
                )
                % {
                    "part": scan.name,
                    "file": scan.file_name,
                    "count": number_format(MAX_FAR_CELLS, force_grouping=True),
                    "last": get_column_letter(MAX_COLUMNS),
                    "limit": MAX_COLUMNS,
                }
            )


def _count_records(scan: _PartScan, piece: bytes) -> None:
    first, *records = scan.rules.record_start.split(piece)
    if scan.record_tags is not None:
        scan.record_tags += first.count(b"<")
        _check_record(scan)
    for record in records:
        scan.records += 1
        if scan.records > scan.rules.max_records:
            raise _too_many_records(scan)
        scan.record_tags = 1 + record.count(b"<")
        _check_record(scan)
        if scan.rules.is_worksheet:
            _check_row_number(scan, record)


def _check_row_number(scan: _PartScan, record: bytes) -> None:
    """A row numbered beyond the last: openpyxl would produce every empty row above it."""
    found = ROW_NUMBER.match(record)
    try:
        number = float(found.group(1)) if found else 0  # openpyxl reads "1e9" as well
    except ValueError:
        return  # openpyxl refuses it as damage
    if number > MAX_SHEET_ROWS:
        raise TableError(
            _(
                "Row %(row)s of a worksheet of “%(file)s” lies beyond row %(limit)s, the last "
                "row of a worksheet; it cannot be read."
            )
            % {
                "row": number_format(number, decimal_pos=0, force_grouping=True),
                "file": scan.file_name,
                "limit": number_format(MAX_SHEET_ROWS, force_grouping=True),
            }
        )


def _check_record(scan: _PartScan) -> None:
    if scan.record_tags > MAX_RECORD_TAGS:
        raise TableError(
            _(
                "Record %(number)s of the part “%(part)s” of “%(file)s” (a row, or a text of "
                "the shared strings) holds more than %(limit)s XML tags; it cannot be read."
            )
            % {
                "number": number_format(scan.records, force_grouping=True),
                "part": scan.name,
                "file": scan.file_name,
                "limit": number_format(MAX_RECORD_TAGS, force_grouping=True),
            }
        )


def _too_many_records(scan: _PartScan) -> TableError:
    if scan.rules.is_worksheet:
        return _too_many_sheet_rows(scan.file_name)
    return TableError(
        _(
            "The file “%(file)s” holds more than %(limit)s different texts (its shared "
            "strings); at most %(limit)s can be read. Split it into smaller files."
        )
        % {
            "file": scan.file_name,
            "limit": number_format(MAX_SHARED_STRINGS, force_grouping=True),
        }
    )


def _too_many_sheet_rows(file_name: str) -> TableError:
    return TableError(
        _(
            "A worksheet of “%(file)s” has more than %(limit)s rows, empty rows included; at "
            "most %(limit)s rows can be read. Delete the empty rows below the data, or split "
            "the file."
        )
        % {"file": file_name, "limit": number_format(MAX_SHEET_ROWS, force_grouping=True)}
    )


def _too_many_tags(scan: _PartScan, limit: int) -> TableError:
    return TableError(
        _(
            "The part “%(part)s” of “%(file)s” holds more than %(limit)s XML tags; at most "
            "%(limit)s can be read."
        )
        % {
            "part": scan.name,
            "file": scan.file_name,
            "limit": number_format(limit, force_grouping=True),
        }
    )


def _not_a_workbook(file_name: str) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” is not a readable Excel workbook. Save it in Excel as "
            "“Excel Workbook (.xlsx)” and try again."
        )
        % {"file": file_name}
    )


WORKBOOK = ZipPackage(
    part_rules=PART_RULES,
    unreadable=_not_a_workbook,
    too_many_parts=_workbook_has_too_many_parts,
    too_large=_workbook_too_large,
    doctype=_workbook_doctype,
)


def _collect_rows(records, file_name: str, max_rows: int):
    """Headers from row 1, then the non-empty rows, for CSV and XLSX alike."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        raise TableError(_("The file “%(file)s” is empty.") % {"file": file_name})
    header_values = first[1]
    if len(header_values) > MAX_COLUMNS:
        named = [index for index, value in enumerate(header_values) if value not in (None, "")]
        if named and named[-1] >= MAX_COLUMNS:
            raise _too_many_columns(file_name, named[-1] + 1)
        header_values = header_values[:MAX_COLUMNS]
    headers = _header_names([_spreadsheet_text(value) for value in header_values], file_name)
    rows, numbers = [], []
    for number, values in records:
        texts = [_spreadsheet_text(value) for value in _within_columns(values, number, file_name)]
        if not any(texts):
            continue
        if len(rows) == max_rows:
            raise _too_many_rows(file_name, max_rows)
        _reject_values_without_header(texts, headers, number, file_name)
        row = {name: texts[i] if i < len(texts) else "" for i, name in enumerate(headers)}
        _check_cells(row, number, file_name, spreadsheet=True)
        rows.append(row)
        numbers.append(number)
    _require_rows(rows, file_name)
    return headers, rows, numbers


def _within_columns(values, number: int, file_name: str):
    """The values up to column MAX_COLUMNS; those beyond must be empty (counted in C)."""
    if len(values) <= MAX_COLUMNS:
        return values
    beyond = values[MAX_COLUMNS:]
    if beyond.count(None) + beyond.count("") < len(beyond):
        index = next(i for i, value in enumerate(beyond) if value not in (None, ""))
        raise TableError(
            _(
                "Row %(row)s of “%(file)s” has a value in column %(column)s; at most "
                "%(limit)s columns (up to %(last)s) can be read."
            )
            % {
                "row": number,
                "file": file_name,
                "column": get_column_letter(MAX_COLUMNS + index + 1),
                "limit": MAX_COLUMNS,
                "last": get_column_letter(MAX_COLUMNS),
            }
        )
    return values[:MAX_COLUMNS]


def _check_cells(row: dict[str, str], number: int, file_name: str, *, spreadsheet: bool):
    """Every value storable and of a length a cell holds; the names too, once, by the caller."""
    for name, text in row.items():
        unstorable = UNSTORABLE.search(text)
        if unstorable is None and len(text) <= MAX_CELL_CHARS:
            continue
        names = {"row": number, "column": name, "file": file_name, "limit": MAX_CELL_CHARS}
        if unstorable is not None:
            names["character"] = f"U+{ord(unstorable.group()):04X}"
            message = (
                _(
                    "Row %(row)s, column “%(column)s” of “%(file)s” holds a character that no "
                    "text can store (%(character)s); remove it and try again."
                )
                if spreadsheet
                else _(
                    "Item %(row)s of “%(file)s” holds under “%(column)s” a character that no "
                    "text can store (%(character)s); remove it and try again."
                )
            )
        else:
            names["length"] = number_format(len(text), force_grouping=True)
            names["limit"] = number_format(MAX_CELL_CHARS, force_grouping=True)
            message = (
                _(
                    "Row %(row)s, column “%(column)s” of “%(file)s” holds %(length)s "
                    "characters; a cell holds at most %(limit)s, as in Excel."
                )
                if spreadsheet
                else _(
                    "Item %(row)s of “%(file)s” holds %(length)s characters under "
                    "“%(column)s”; a value holds at most %(limit)s, as in Excel."
                )
            )
        raise TableError(message % names)


def _header_names(texts: list[str], file_name: str) -> tuple[str, ...]:
    # Excel writes empty cells after the last column when formatting reaches further.
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        raise TableError(
            _("The first row of “%(file)s” is empty; it must hold the column names.")
            % {"file": file_name}
        )
    if len(texts) > MAX_COLUMNS:
        raise _too_many_columns(file_name, len(texts))
    # By column letter: a name that cannot be stored cannot be shown either.
    letters = {get_column_letter(index + 1): name for index, name in enumerate(texts)}
    _check_cells(letters, 1, file_name, spreadsheet=True)
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


def _too_many_columns(file_name: str, count: int) -> TableError:
    return TableError(
        _("The file “%(file)s” has %(count)s columns; at most %(limit)s columns can be read.")
        % {"file": file_name, "count": count, "limit": MAX_COLUMNS}
    )


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
    text, encoding = _decode_utf8(data, file_name)

    def unique_keys(pairs):
        # json.loads keeps the last of two equal keys without a word; refuse instead.
        row = dict(pairs)
        if len(row) < len(pairs):
            seen = set()
            duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))
            raise _duplicate_key(file_name, duplicate)
        return row

    _check_json_nesting(text, file_name)
    try:
        # Whole numbers stay the text they are: a cell is text, and int() refuses more than
        # 4,300 digits.
        document = json.loads(text, object_pairs_hook=unique_keys, parse_int=str)
    except json.JSONDecodeError as error:
        raise _malformed(file_name, "JSON", error.msg, error.lineno, error.colno) from None
    return _read_items(document, "json", file_name, max_rows, encoding)


JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
BRACKET_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}


def _check_json_nesting(text: str, file_name: str) -> None:
    """Refuse lists and objects nested deeper than MAX_NESTING before the parser recurses."""
    brackets = NOT_A_BRACKET.sub("", JSON_STRING.sub("", text))
    if max(accumulate(map(BRACKET_DEPTH.__getitem__, brackets)), default=0) <= MAX_NESTING:
        return
    depth = 0
    for match in re.finditer(JSON_STRING.pattern + r"|[\[\]{}]", text):
        depth += BRACKET_DEPTH.get(match.group(), 0)
        if depth > MAX_NESTING:
            raise _nested_too_deeply(file_name, text[: match.start()].count("\n") + 1)


def _nested_too_deeply(file_name: str, line: int) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” nests lists or objects more than %(limit)s levels deep (at "
            "line %(line)s); an import file is a list of items with plain values."
        )
        % {"file": file_name, "limit": MAX_NESTING, "line": line}
    )


def _plain_scalar(loader, node):
    return loader.construct_scalar(node)


class _StringLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader, but a scalar stays the text it is, apart from null.

    The default resolvers would read the country code NO as false, 0012 as 12, 010 as 8 and
    1.10 as 1.1; a table's cells are text, and a stray conversion would change a code. An
    explicit tag (``!!int``, ``!!timestamp``, ...) keeps its text as well, instead of failing
    on a value its conversion refuses. libyaml's parser (CSafeLoader) when PyYAML has it: it is
    ten times faster than the pure-Python one.
    """

    yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


for _tag in ("bool", "int", "float", "timestamp"):
    _StringLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _plain_scalar)


def _read_yaml(data: bytes, file_name: str, max_rows: int) -> Table:
    text, encoding = _decode_utf8(data, file_name)
    try:
        _check_yaml_events(text, file_name)
        document = yaml.load(text, Loader=_StringLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context
        if problem == LIBYAML_TOO_DEEP:
            raise _nested_too_deeply(file_name, line) from None
        raise _malformed(file_name, "YAML", problem, line, column) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        problem = _("a control character (U+%(code)04X)") % {"code": error.character}
        raise _malformed(file_name, "YAML", problem, line, _column(text, error.position)) from None
    except yaml.YAMLError as error:
        raise _malformed(file_name, "YAML", str(error), 1, 1) from None
    return _read_items(document, "yaml", file_name, max_rows, encoding)


# libyaml stops at 1,000 levels of flow collections ("[[[["), and can get there before the
# first events reach _check_yaml_events: it reads ahead to see whether "[" starts a key.
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _column(text: str, position: int) -> int:
    return position - (text.rfind("\n", 0, position) + 1) + 1


def _check_yaml_events(text: str, file_name: str) -> None:
    """Refuse aliases and deep nesting from the parser's events, before anything is built.

    An alias repeats a value without its text: nine aliases of nine aliases of ... make a
    file of a few hundred bytes hold billions of values. Our exports never write one.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_StringLoader):
        if isinstance(event, yaml.AliasEvent):
            raise TableError(
                _(
                    "The file “%(file)s” uses a YAML alias (*%(name)s) at line %(line)s; "
                    "aliases are not read. Write the value out in full."
                )
                % {
                    "file": file_name,
                    "name": _shorten(event.anchor),
                    "line": event.start_mark.line + 1,
                }
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise _nested_too_deeply(file_name, event.start_mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _decode_utf8(data: bytes, file_name: str) -> tuple[str, str]:
    """JSON and YAML are UTF-8 by their specifications; a BOM (even two) is tolerated."""
    _reject_binary(data, file_name)
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode(encoding).lstrip(BOM), encoding
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


def _read_items(document, table_format: str, file_name: str, max_rows: int, encoding) -> Table:
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
    return Table(table_format, headers, rows, numbers, encoding=encoding)


def _item_row(item, number: int, names: dict, file_name: str) -> dict[str, str]:
    if not isinstance(item, dict):
        raise TableError(
            _("Item %(item)s of “%(file)s” is not an object with keys and values: “%(value)s”.")
            % {"item": number, "file": file_name, "value": _describe(item)}
        )
    row = {}
    for key, value in item.items():
        name = _plain_text(key)
        if UNSTORABLE.search(name):
            raise TableError(
                _(
                    "Item %(item)s of “%(file)s” has a key that holds a character that no text "
                    "can store (%(character)s)."
                )
                % {
                    "item": number,
                    "file": file_name,
                    "character": f"U+{ord(UNSTORABLE.search(name).group()):04X}",
                }
            )
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
        if len(names) > MAX_COLUMNS:
            raise _too_many_columns(file_name, len(names))
        row[name] = _plain_text(value)
    _check_cells(row, number, file_name, spreadsheet=False)
    return row


def _describe(value) -> str:
    """A value for a message, without turning a list of lists (of aliases) into text."""
    if isinstance(value, (list, tuple)):
        return _("a list of %(count)s values") % {"count": len(value)}
    if isinstance(value, (set, frozenset)):
        return _("a set of %(count)s values") % {"count": len(value)}
    return _shorten(str(value))


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
        # A BOM at the start of a value is left over from files joined together.
        return value.strip().lstrip(BOM).strip()
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
    """A value as a message shows it: at most SHOWN_VALUE_CHARS, and only what can be shown."""
    if len(text) > SHOWN_VALUE_CHARS:
        text = text[: SHOWN_VALUE_CHARS - 1] + "…"
    return UNSTORABLE.sub("\ufffd", text)


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
    """The dataset as a file; CSV and XLSX are neutralised, JSON and YAML kept exact.

    XLSX goes through ``write_xlsx``, with the dataset's title as the sheet's name and every
    value typed as it is (the exports of records say which columns hold whole numbers, see
    ``registry/exports.py``).
    """
    if format == "csv":
        # The BOM makes Excel read UTF-8; without it Dutch Excel assumes Windows-1252.
        text = safe_dataset(dataset).export("csv", delimiter=EXPORT_DELIMITER)
        return text.encode("utf-8-sig")
    if format == "xlsx":
        columns = [SheetColumn(header) for header in dataset.headers or ()]
        return write_xlsx([Sheet(dataset.title or "", columns, dataset)])
    if format in ("json", "yaml"):
        return dataset.export(format).encode("utf-8")
    raise ValueError(f"Cannot export to {format!r}; use csv, xlsx, json or yaml.")


# Workbooks that open well ----------------------------------------------------------------------

# Excel refuses a worksheet name with one of these, longer than 31 characters, or that starts
# or ends with an apostrophe.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
DEFAULT_SHEET_NAME = "Sheet1"
# Column widths in characters of the default font, from the header and the first rows: at least
# MIN_COLUMN_WIDTH (room to type in a template), at most MAX_COLUMN_WIDTH, so that a long text
# leaves the other columns on the screen (the whole text shows in the formula bar). Excel's own
# maximum is 255.
MIN_COLUMN_WIDTH = 10
MAX_COLUMN_WIDTH = 60
HEADER_EXTRA_WIDTH = 4  # bold letters and the autofilter's button
CELL_EXTRA_WIDTH = 2
# The rows the widths are taken from; the rest is streamed to the file as it comes, so that an
# export of 100,000 records holds only these in memory (openpyxl writes text as inline strings,
# so no table of all the texts builds up either).
WIDTH_SAMPLE_ROWS = 1_000
# A whole number as a number cell: without leading zeros or a plus sign (those are text, such
# as a code "0123"), and within the 15 digits Excel keeps exactly.
NUMBER_CELL = re.compile(r"^(?:0|-?[1-9][0-9]{0,14})$")
# The workbook's own font in bold: Font(bold=True) alone names no font, and LibreOffice then
# shows the header in another typeface than the cells.
HEADER_FONT = Font(
    name=DEFAULT_FONT.name,
    sz=DEFAULT_FONT.sz,
    family=DEFAULT_FONT.family,
    scheme=DEFAULT_FONT.scheme,
    bold=True,
)
# Printed in landscape with the header on every page; a table at most this many characters
# wide is scaled to the page's width (to about 70% at most), a wider one runs on over pages.
PRINT_FIT_WIDTH = 150


@dataclass(frozen=True)
class SheetColumn:
    """A column of a worksheet: its header, and whether its cells are whole numbers.

    In a column of whole numbers (positions, years) a cell that is a whole number is written as
    a number, so that it sorts and filters as one; every other cell is text, neutralised.
    """

    header: str
    whole_numbers: bool = False


@dataclass(frozen=True)
class Sheet:
    """A worksheet to write: its name, its columns, and its rows (any iterable, read once)."""

    title: str
    columns: Sequence[SheetColumn]
    rows: Iterable[Sequence] = ()


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one worksheet per sheet, each a table that opens well.

    Each worksheet has a bold header row that stays in view (frozen) and is printed on every
    page, an autofilter over the header and the rows, column widths that fit the header and the
    first rows (within MIN_COLUMN_WIDTH and MAX_COLUMN_WIDTH), whole numbers as numbers where
    the column says so, and text neutralised (see the module docstring) and stripped of the
    characters XML cannot hold. The rows are streamed (openpyxl's write-only mode): only the
    first WIDTH_SAMPLE_ROWS are held at once.
    """
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.creator = "coopregistry"
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_name(title: str) -> str:
    """The title as a worksheet name Excel accepts."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", title)
    name = " ".join(name.split())[:MAX_SHEET_NAME].strip(QUOTE).strip()
    return name or DEFAULT_SHEET_NAME


def _write_sheet(workbook, sheet: Sheet) -> None:
    worksheet = workbook.create_sheet(sheet_name(sheet.title))
    headers = [_xlsx_text(column.header) for column in sheet.columns]
    whole_numbers = [column.whole_numbers for column in sheet.columns]
    rows = (_xlsx_row(row, whole_numbers) for row in sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    # A write-only worksheet writes its columns and its view before the first row.
    widths = column_widths(headers, sample)
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    _print_setup(worksheet, sum(widths))
    worksheet.append([_header_cell(worksheet, header) for header in headers])
    count = 0
    for row in chain(sample, rows):
        worksheet.append(row)
        count += 1
    last_column = get_column_letter(max(len(headers), 1))
    worksheet.auto_filter.ref = f"A1:{last_column}{count + 1}"


def _print_setup(worksheet, width: int) -> None:
    worksheet.print_title_rows = "1:1"
    worksheet.page_setup.orientation = "landscape"
    if width <= PRINT_FIT_WIDTH:
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0  # as many pages down as it takes


def _header_cell(worksheet, header):
    cell = WriteOnlyCell(worksheet, value=header)
    cell.font = HEADER_FONT
    return cell


def _xlsx_row(row: Sequence, whole_numbers: list[bool]) -> list:
    return [
        _xlsx_value(value, index < len(whole_numbers) and whole_numbers[index])
        for index, value in enumerate(row)
    ]


def _xlsx_value(value, whole_numbers: bool):
    if isinstance(value, str):
        if whole_numbers and NUMBER_CELL.match(value):
            return int(value)
        return _xlsx_text(value)
    return value


def _xlsx_text(value):
    """Text as a cell holds it: storable, neutralised; empty text is no cell at all."""
    value = neutralise(_storable_in_xlsx(value))
    return None if value == "" else value


def column_widths(headers: Sequence, rows: Sequence[Sequence]) -> list[int]:
    """Each column's width in characters: its header or its longest line in the rows, bounded."""
    widths = []
    for index, header in enumerate(headers):
        longest = max((_text_width(row[index]) for row in rows if index < len(row)), default=0)
        wanted = max(_text_width(header) + HEADER_EXTRA_WIDTH, longest + CELL_EXTRA_WIDTH)
        widths.append(min(MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, wanted)))
    return widths


def _text_width(value) -> int:
    if value is None:
        return 0
    return max(map(len, str(value).splitlines() or [""]))
