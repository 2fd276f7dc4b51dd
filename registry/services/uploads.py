"""Reading an uploaded or given file: its bytes, checksum and text."""

import hashlib

from django.utils.translation import gettext as _


class UnreadableFile(ValueError):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
