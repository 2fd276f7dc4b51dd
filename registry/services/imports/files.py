"""Reading the file of an import: its size, its checksum, and its text or table.

Every way in (the admin's upload, ``import_records``, ``import_annex``) reads a file through
these, so the same limits and the same messages apply everywhere. An annex comes as a text
(``.txt``) or as a Word document (``.docx``, ``docx_reader.py``); ``read_annex`` reads either
into the text form that ``registry.annex.parser`` reads.
"""

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.utils.translation import gettext as _

from registry.tabular import (
    BOM,
    MAX_UPLOAD_BYTES,
    TableError,
    check_upload_size,
    decode_8_bit,
    decode_utf16,
)

ANNEX_SUFFIXES = (".txt", ".pdf", ".docx")

__all__ = [
    "ANNEX_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "AnnexText",
    "UnreadableFile",
    "check_upload_size",
    "decode_text",
    "is_annex_text",
    "read_annex",
    "read_file",
    "sha256",
]


class UnreadableFile(ValueError):
    pass


@dataclass(frozen=True)
class AnnexText:
    """An annex file read: its text in the form ``registry.annex.parser.parse_annex`` reads."""

    text: str
    # What the preview names: "utf-8", "windows-1252", "utf-16", or a label such as "PDF".
    encoding: str
    # The page of each line of ``text`` (index 0 is line 1); for a PDF only.
    pages: tuple[int, ...] | None = None

    def page_of_line(self, line):
        """The page on which the 1-based ``line`` of the text stands, or None."""
        if self.pages is None or line is None or not 0 < line <= len(self.pages):
            return None
        return self.pages[line - 1]


def read_annex(data: bytes, file_name: str) -> AnnexText:
    """An annex file (``ANNEX_SUFFIXES``) as text; ``UnreadableFile`` says why it cannot be."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".pdf":
        from registry.services.imports.pdf_reader import read_pdf  # pdfminer only when needed

        return read_pdf(data, file_name)
    if suffix == ".docx":
        from registry.services.imports.docx_reader import read_docx  # it imports this module

        return read_docx(data, file_name)
    text, encoding = decode_text(data, file_name)
    return AnnexText(text, encoding)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_annex_text(file_name):
    return PurePath(file_name).suffix.lower() in ANNEX_SUFFIXES


def read_file(path: Path) -> bytes:
    """A file given on the command line: refused by its size before it is read."""
    try:
        check_upload_size(path.stat().st_size)
        return path.read_bytes()
    except TableError as error:
        raise UnreadableFile(str(error)) from None
    except OSError as error:
        raise UnreadableFile(
            _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": error.strerror}
        ) from None


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """The text and the encoding it was read in, as for a CSV file (``registry.tabular``).

    UTF-8 (with or without BOM), else Windows-1252 when that reading is plausible, as Word and
    Excel on Windows write it; Word's "Unicode text" is UTF-16 with a BOM.
    """
    if not data.strip():
        raise UnreadableFile(_("%(file)s is empty.") % {"file": file_name})
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return decode_utf16(data, file_name).lstrip(BOM), "utf-16"
        if b"\x00" in data:
            raise UnreadableFile(
                _("%(file)s is not a text file (it contains NUL bytes).") % {"file": file_name}
            )
        text, encoding = decode_8_bit(data, file_name)
    except TableError as error:
        raise UnreadableFile(str(error)) from None
    return text.lstrip(BOM), encoding
