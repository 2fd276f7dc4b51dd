"""Hostile import files, generated in code: zip bombs, alias bombs, deep nesting, crafted text.

Used by ``tests/test_hostile_files.py`` (each file is refused within the issue's bounds) and by
``benchmarks/hostile_files.py`` (which prints how long each takes and how much memory it uses).
The generators are fast: a deflate stream of repeated content is built by compressing its
repeated chunk once and repeating the compressed bytes, so a 1.1 GB bomb takes a fraction of a
second to make.

Every workbook here is a real XLSX apart from its hostile part: it starts from one that openpyxl
writes (header ``title``, one data row), and only the named part is replaced.
"""

import io
import struct
import zlib
from dataclasses import dataclass

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
MB = 1024 * 1024


@dataclass
class Member:
    """One file of a zip archive: its name and its content as a raw deflate stream."""

    name: str
    compressed: bytes
    crc: int
    size: int
    # What the archive's directory claims the inflated size is; None: the truth.
    declared_size: int | None = None


def deflated(data: bytes, name: str) -> Member:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = compressor.compress(data) + compressor.flush()
    return Member(name, compressed, zlib.crc32(data), len(data))


def deflated_repeat(name: str, head: bytes, unit: bytes, size: int, tail: bytes) -> Member:
    """``head + unit * n + tail`` of about ``size`` bytes, deflated without inflating it here.

    Once the window (32 KB) holds nothing but the repeated chunk, every further chunk compresses
    to the same bytes (after a sync flush, which ends on a byte boundary), so those bytes are
    repeated instead of compressing the chunk again.
    """
    chunk = unit * max(1, MB // len(unit))
    count = max(3, (size - len(head) - len(tail)) // len(chunk))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head + chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    second = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    third = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert second == third, "the repeated chunk does not compress to the same bytes"
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    compressed = first + second * (count - 1) + last
    return Member(name, compressed, crc, len(head) + count * len(chunk) + len(tail))


def zip_archive(members: list[Member]) -> bytes:
    """A zip file written by hand, so that a member's directory entry can lie."""
    out, directory = io.BytesIO(), []
    for member in members:
        name = member.name.encode()
        size = member.size if member.declared_size is None else member.declared_size
        offset = out.tell()
        header = (0x04034B50, 20, 0, 8, 0, 0x21, member.crc, len(member.compressed), size)
        out.write(struct.pack("<IHHHHHIIIHH", *header, len(name), 0) + name)
        out.write(member.compressed)
        entry = (0x02014B50, 20, 20, 0, 8, 0, 0x21, member.crc, len(member.compressed), size)
        directory.append(
            struct.pack("<IHHHHHHIIIHHHHHII", *entry, len(name), 0, 0, 0, 0, 0, offset) + name
        )
    start = out.tell()
    out.write(b"".join(directory))
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), out.tell() - start, start, 0
    )
    out.write(end)
    return out.getvalue()


def workbook_parts(rows=(("title",), ("Cyber",))) -> dict[str, bytes]:
    """The parts of a small, real workbook as openpyxl writes it."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    import zipfile

    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook_with(*replaced: Member, parts=None) -> bytes:
    """A real workbook in which the given members replace (or add to) its parts."""
    parts = dict(parts or workbook_parts())
    by_name = {member.name: member for member in replaced}
    members = [by_name.pop(name, None) or deflated(data, name) for name, data in parts.items()]
    return zip_archive(members + list(by_name.values()))


def with_shared_strings(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Workbook parts whose content types and relations name a shared-strings part."""
    parts = dict(parts)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    if SHARED_STRINGS not in parts["[Content_Types].xml"].decode():
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            f'<Override PartName="/{SHARED_STRINGS}" ContentType="{kind}"/></Types>'.encode(),
        )
    rels = "xl/_rels/workbook.xml.rels"
    if b"sharedStrings" not in parts[rels]:
        relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdStrings" Type="{relation}/sharedStrings" '
            f'Target="sharedStrings.xml"/></Relationships>'.encode(),
        )
    return parts


# The workbooks -------------------------------------------------------------------------------


def xlsx_zip_bomb(size=1100 * MB) -> bytes:
    """1.7 MB that inflates to 1.1 GB: a sheet of rows with one empty cell each."""
    return workbook_with(deflated_repeat(SHEET, SHEET_HEAD, b"<row><c/></row>", size, SHEET_TAIL))


def xlsx_wide_row_bomb(size=1100 * MB) -> bytes:
    """2.2 MB that inflates to 1.1 GB: one row of tens of millions of cells."""
    head = SHEET_HEAD + b"<row>"
    return workbook_with(
        deflated_repeat(SHEET, head, b"<c><v>1</v></c>", size, b"</row>" + SHEET_TAIL)
    )


def xlsx_wide_row_within_size(size=75 * MB) -> bytes:
    """One row of five million cells, within the size a workbook may unpack to."""
    head = SHEET_HEAD + b"<row>"
    tail = b"</row>" + SHEET_TAIL
    return workbook_with(deflated_repeat(SHEET, head, b"<c><v>1</v></c>", size, tail))


def xlsx_shared_strings_bomb(size=520 * MB) -> bytes:
    """A shared-strings table of 30 million strings (520 MB inflated)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    strings = deflated_repeat(SHARED_STRINGS, head, b"<si><t>x</t></si>", size, b"</sst>")
    return workbook_with(strings, parts=with_shared_strings(workbook_parts()))


def xlsx_many_shared_strings(count=2_000_000) -> bytes:
    """Within the unpacked size, but with far more shared strings than rows could use."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    unit = b"<si><t/></si>"
    strings = deflated_repeat(SHARED_STRINGS, head, unit, count * len(unit), b"</sst>")
    return workbook_with(strings, parts=with_shared_strings(workbook_parts()))


def xlsx_lying_directory(size=1100 * MB) -> bytes:
    """The zip bomb again, but its directory says the sheet inflates to 10 KB."""
    member = deflated_repeat(SHEET, SHEET_HEAD, b"<row><c/></row>", size, SHEET_TAIL)
    member.declared_size = 10 * 1024
    return workbook_with(member)


def xlsx_far_row() -> bytes:
    """A few hundred bytes: one row numbered 1,000,000,000 (a reader fills the gap with rows)."""
    sheet = (
        SHEET_HEAD
        + b'<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>x</t></is></c></row>'
        + SHEET_TAIL
    )
    return workbook_with(deflated(sheet, SHEET))


def xlsx_far_column(rows=50_000) -> bytes:
    """Every row has its one cell in column XFD (16,384): a reader pads each row to it."""
    member = deflated_repeat(
        SHEET, SHEET_HEAD, b'<row><c r="XFD3"><v>1</v></c></row>', rows * 36, SHEET_TAIL
    )
    return workbook_with(member)


def xlsx_long_cell(size=40 * MB) -> bytes:
    """One cell of 40 million characters."""
    head = SHEET_HEAD + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row>" + SHEET_TAIL
    return workbook_with(deflated_repeat(SHEET, head, b"x" * 64, size, tail))


def xlsx_entity_bomb() -> bytes:
    """The XML "billion laughs" inside the sheet."""
    entities = b'<!ENTITY a "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([ord("a") + i + 1]), (b"&%s;" % bytes([ord("a") + i])) * 10)
        for i in range(9)
    )
    sheet = SHEET_HEAD.replace(
        b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet", 1
    ).replace(b"<sheetData>", b"<sheetData>", 1)
    sheet += b'<row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is></c></row>' + SHEET_TAIL
    return workbook_with(deflated(sheet, SHEET))


# Word documents ------------------------------------------------------------------------------

BODY_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body>"
)
BODY_TAIL = b"</w:body></w:document>"
DOCUMENT = "word/document.xml"


def word_parts() -> dict[str, bytes]:
    """The parts of a small, real Word document as python-docx writes it."""
    import zipfile

    import docx

    word = docx.Document()
    word.add_paragraph("Bijlage 2: Overzicht", style="Title")
    buffer = io.BytesIO()
    word.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def word_document_with(*replaced: Member, parts=None) -> bytes:
    """A real Word document in which the given members replace (or add to) its parts."""
    return workbook_with(*replaced, parts=parts or word_parts())


def docx_zip_bomb(size=1100 * MB) -> bytes:
    """1.6 MB that inflates to 1.1 GB: a body of empty paragraphs."""
    body = deflated_repeat(DOCUMENT, BODY_HEAD, b"<w:p/>", size, BODY_TAIL)
    return word_document_with(body)


def docx_lying_directory(size=1100 * MB) -> bytes:
    """The zip bomb again, but its directory says the body inflates to 10 KB."""
    body = deflated_repeat(DOCUMENT, BODY_HEAD, b"<w:p/>", size, BODY_TAIL)
    body.declared_size = 10 * 1024
    return word_document_with(body)


def docx_entity_bomb() -> bytes:
    """The XML "billion laughs" inside the document's body."""
    entities = b'<!ENTITY a "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([ord("a") + i + 1]), (b"&%s;" % bytes([ord("a") + i])) * 10)
        for i in range(9)
    )
    doctype = b"<!DOCTYPE w:document [" + entities + b"]><w:document"
    body = BODY_HEAD.replace(b"<w:document", doctype, 1)
    body += b"<w:p><w:r><w:t>&j;</w:t></w:r></w:p>" + BODY_TAIL
    return word_document_with(deflated(body, DOCUMENT))


# JSON and YAML --------------------------------------------------------------------------------


def yaml_alias_bomb() -> bytes:
    """The YAML "billion laughs": nine levels of nine aliases each, 9^9 "lol" in 444 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("rows: [*i]")
    return ("\n".join(lines) + "\n").encode()


def json_deep(depth=100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def json_deep_objects(depth=100_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def yaml_deep_flow(depth=100_000) -> bytes:
    return b"[" * depth + b"]" * depth + b"\n"


def yaml_deep_block(depth=100_000) -> bytes:
    """Block sequences nested on one line: ``- - - - x``."""
    return b"- " * depth + b"x\n"


# Annex texts ----------------------------------------------------------------------------------

ANNEX_HEAD = (
    "Bijlage 2: Overzicht van samenwerkingsthema’s\n\nSamenwerkingsgebieden met Duitsland\n"
)


def annex_interest_backtracking(themes=140, repeats=1_200) -> bytes:
    """Themes of 31,000 characters that repeat a phrase the facts rules search with ``.*``."""
    text = "\n\n".join(
        f"Thema {number}: " + "neemt momenteel niet deel " * repeats + "einde. (CLAS)"
        for number in range(themes)
    )
    return (ANNEX_HEAD + text + "\n").encode()


def annex_one_huge_paragraph(size=4 * MB) -> bytes:
    words = "samenwerking op het gebied van " * (size // 31)
    return (ANNEX_HEAD + "Cyber: " + words + "einde. (CLAS)\n").encode()


def annex_many_themes(count=60_000) -> bytes:
    themes = "\n\n".join(f"Thema {number}: tekst {number}. (CLAS)" for number in range(count))
    return (ANNEX_HEAD + themes + "\n").encode()


def annex_many_lines(count=1_000_000) -> bytes:
    """A paragraph of a million one-character lines."""
    return (ANNEX_HEAD + "Cyber: tekst\n" + "x\n" * count).encode()
