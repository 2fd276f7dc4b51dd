"""Reading the file of an import: its size, its checksum, and its text or table.

Every way in (the admin's upload, ``import_records``, ``import_annex``) reads a file through
these, so the same limits and the same messages apply everywhere.
"""

import hashlib
from pathlib import Path, PurePath

from django.utils.translation import gettext as _

from registry.tabular import MAX_UPLOAD_BYTES, TableError, check_upload_size

ANNEX_SUFFIXES = (".txt",)

__all__ = [
    "ANNEX_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "UnreadableFile",
    "check_upload_size",
    "decode_text",
    "is_annex_text",
    "read_file",
    "sha256",
]


class UnreadableFile(ValueError):
    pass


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


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as Word and Excel on Windows write it."""
    if not data.strip():
        raise UnreadableFile(_("%(file)s is empty.") % {"file": file_name})
    if b"\x00" in data:
        raise UnreadableFile(
            _("%(file)s is not a text file (it contains NUL bytes).") % {"file": file_name}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _("%(file)s is neither UTF-8 nor Windows-1252 text (byte %(position)s).")
            % {"file": file_name, "position": error.start}
        ) from None
