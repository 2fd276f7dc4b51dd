"""The annex as published: a PDF read into the text that ``registry.annex.parser`` reads.

pdfminer.six lays out each page's text lines in reading order, with their positions. Lines
that repeat at the top or bottom of most pages (a running header such as "Tweede Kamer,
vergaderjaar 2016–2017, 33 279, nr. 19", digits aside) and page numbers there ("12",
"- 12 -", "Pagina 12 van 40") are left out, wherever they fall in a paragraph. The text
has the parser's form: a text block of the page (a paragraph) is followed by one blank line,
a page by two, so a paragraph that runs across a page break is joined as the parser joins
one in a text extraction.

Refused, with what and where: a file that is no PDF or is damaged, one that needs a password,
a page with an image and no text (a scan: there is no OCR), more than ``MAX_PAGES`` pages, a
page whose content unpacks to more than ``MAX_PAGE_CONTENT_BYTES``, and more than
``MAX_TEXT_CHARS`` characters of text. Pages are read one at a time and reading stops at the
first refusal, so a large file is refused quickly and with little memory.
"""

import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTFigure, LTImage, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    PDFStream,
    resolve1,
)

from registry.services.imports.files import AnnexText, UnreadableFile

# What the preview names the file's reading, in the language of the page that shows it.
PDF = gettext_lazy("PDF")
MAX_PAGES = 500
# The 2016 annex is 36,000 characters: this is room for fifty such annexes.
MAX_TEXT_CHARS = 2_000_000
MAX_PAGE_CONTENT_BYTES = 20 * 1024 * 1024
# Running headers and footers are looked for among this many lines at a page's top and bottom.
EDGE_LINES = 3
PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$"
    r"|^(?:pagina|page|blz\.?|p\.)?\s*\d{1,4}\s*(?:van|of|/)\s*\d{1,4}$"
    r"|^(?:pagina|page|blz\.?|p\.)\s*\d{1,4}$",
    re.IGNORECASE,
)
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")


@dataclass
class _Line:
    text: str
    top: float


def read_pdf(data: bytes, file_name: str) -> AnnexText:
    """The text of the PDF in the parser's form, with the page of every line."""
    document = _open(data, file_name)
    pages = _pages(document, file_name)
    laparams = LAParams()
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=laparams)
    interpreter = PDFPageInterpreter(manager, device)
    page_blocks, image_pages, characters = [], [], 0
    for number, page in enumerate(pages, start=1):
        _check_content_size(page, number, file_name)
        try:
            interpreter.process_page(page)
            layout = device.get_result()
        except Exception:
            raise UnreadableFile(_damaged(file_name, number)) from None
        blocks, has_image = _blocks(layout)
        if has_image and not blocks:
            raise UnreadableFile(_scanned(file_name, number))
        characters += sum(len(line.text) for block in blocks for line in block)
        if characters > MAX_TEXT_CHARS:
            raise UnreadableFile(
                _(
                    "%(file)s holds more than %(limit)s characters of text (passed on page "
                    "%(page)s); an annex holds far less."
                )
                % {
                    "file": file_name,
                    "limit": number_format(MAX_TEXT_CHARS, force_grouping=True),
                    "page": number,
                }
            )
        page_blocks.append(blocks)
        image_pages.append(has_image)
    page_blocks = _without_running_lines(page_blocks)
    for number, (blocks, has_image) in enumerate(zip(page_blocks, image_pages, strict=True), 1):
        if has_image and not blocks:  # an image with a page number or header only
            raise UnreadableFile(_scanned(file_name, number))
    if not any(page_blocks):
        raise UnreadableFile(_("%(file)s holds no text.") % {"file": file_name})
    return _assemble(page_blocks)


def _open(data, file_name):
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise UnreadableFile(_("%(file)s is not a PDF file.") % {"file": file_name})
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise UnreadableFile(_encrypted(file_name)) from None
    except Exception:
        raise UnreadableFile(_damaged(file_name)) from None
    return document


def _pages(document, file_name):
    """The pages, counted before any is read: too many are refused at once."""
    pages = []
    try:
        for page in PDFPage.create_pages(document):
            pages.append(page)
            if len(pages) > MAX_PAGES:
                raise UnreadableFile(
                    _(
                        "%(file)s has more than %(max)s pages; an annex of at most %(max)s "
                        "pages can be imported."
                    )
                    % {"file": file_name, "max": number_format(MAX_PAGES, force_grouping=True)}
                )
    except UnreadableFile:
        raise
    except PDFPasswordIncorrect:
        raise UnreadableFile(_encrypted(file_name)) from None
    except Exception:
        raise UnreadableFile(_damaged(file_name)) from None
    if not pages:
        raise UnreadableFile(_damaged(file_name))
    return pages


def _check_content_size(page, number, file_name):
    """A page whose content would unpack to too much is refused before it is unpacked."""
    total = 0
    for stream in page.contents:
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream) or "Length" not in stream.attrs:
            raise UnreadableFile(_damaged(file_name, number))
        if stream.rawdata is None or stream.decipher is not None:
            continue
        total += _unpacked_size(stream, MAX_PAGE_CONTENT_BYTES - total + 1, file_name, number)
        if total > MAX_PAGE_CONTENT_BYTES:
            raise UnreadableFile(
                _(
                    "Page %(page)s of %(file)s unpacks to more than %(limit)s MB; the file is "
                    "refused."
                )
                % {
                    "page": number,
                    "file": file_name,
                    "limit": MAX_PAGE_CONTENT_BYTES // (1024 * 1024),
                }
            )


def _unpacked_size(stream, limit, file_name, number):
    """The stream's size once unpacked, counted up to ``limit`` (text encodings, then Flate)."""
    data = stream.rawdata
    for name, _params in stream.get_filters():
        try:
            if name in LITERALS_ASCII85_DECODE:
                data = ascii85decode(data)
            elif name in LITERALS_ASCIIHEX_DECODE:
                data = asciihexdecode(data)
            elif name in LITERALS_FLATE_DECODE:
                return len(zlib.decompressobj().decompress(data, limit))
            else:
                break
        except (zlib.error, ValueError):
            # pdfminer would read what it can of it, and the page's text would be lost.
            raise UnreadableFile(_damaged(file_name, number)) from None
    return len(data)


def _blocks(layout):
    """The page's text blocks in reading order, each a list of lines; and whether it has images."""
    blocks, has_image = [], False
    for element in layout:
        if isinstance(element, LTTextBox):
            lines = [
                _Line(SPACES.sub(" ", line.get_text()).strip(), line.y1)
                for line in element
                if isinstance(line, LTTextLine)
            ]
            lines = [line for line in lines if line.text]
            if lines:
                blocks.append(lines)
        elif isinstance(element, (LTImage, LTFigure)):
            has_image = True
    return blocks, has_image


def _without_running_lines(page_blocks):
    """Leave out page numbers and lines repeating at the top or bottom of most pages."""
    edges = [_edge_lines(blocks) for blocks in page_blocks]
    counts = Counter(key for page in edges for key in {_normalised(line.text) for line in page})
    pages_with_text = sum(1 for blocks in page_blocks if blocks)
    running = {key for key, count in counts.items() if count >= 2 and count > pages_with_text / 2}
    result = []
    for blocks, edge in zip(page_blocks, edges, strict=True):
        edge_ids = {id(line) for line in edge}
        kept = []
        for block in blocks:
            lines = [
                line
                for line in block
                if id(line) not in edge_ids
                or not (PAGE_NUMBER.match(line.text) or _normalised(line.text) in running)
            ]
            if lines:
                kept.append(lines)
        result.append(kept)
    return result


def _edge_lines(blocks):
    lines = sorted((line for block in blocks for line in block), key=lambda line: -line.top)
    return lines[:EDGE_LINES] + lines[EDGE_LINES:][-EDGE_LINES:]


def _normalised(text):
    return SPACES.sub(" ", DIGITS.sub("#", text)).strip().casefold()


def _assemble(page_blocks):
    lines, pages = [], []
    for number, blocks in enumerate(page_blocks, start=1):
        if lines:  # two blank lines: a page break, as the parser reads it
            lines += ["", ""]
            pages += [number, number]
        for index, block in enumerate(blocks):
            if index:
                lines.append("")
                pages.append(number)
            lines += [line.text for line in block]
            pages += [number] * len(block)
    return AnnexText("\n".join(lines), PDF, tuple(pages))


def _scanned(file_name, page):
    return _(
        "Page %(page)s of %(file)s has no text, only an image: it is probably scanned. Only a "
        "PDF with text can be imported (there is no text recognition); save the PDF again from "
        "the document itself."
    ) % {"page": page, "file": file_name}


def _damaged(file_name, page=None):
    if page is None:
        return _("%(file)s cannot be read as a PDF: the file is damaged.") % {"file": file_name}
    return _("Page %(page)s of %(file)s cannot be read: the PDF is damaged.") % {
        "page": page,
        "file": file_name,
    }


def _encrypted(file_name):
    return _(
        "%(file)s is protected with a password; save it without the password and import it again."
    ) % {"file": file_name}
