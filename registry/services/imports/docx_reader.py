"""Reading an annex written as a Word document (.docx) into the text the annex parser reads.

The document's body is read paragraph by paragraph, each becoming one block of the text form
(``registry.annex.parser``): blocks are separated by one blank line, so the parser never takes
two paragraphs for one that a page break split, nor one for two.

- The annex's title is the first paragraph (Word's Title style, or whatever comes first).
- A paragraph in a heading style (Heading 1 to 9, Dutch Word's Kop 1 to 9, Title) is a block
  of its own; the parser knows it as a section heading by its wording ("Samenwerkingsgebieden
  met ...", "Overige ...", "Partners voor ..."). A heading-styled paragraph that is not worded
  so is refused with its place, rather than read as part of a theme.
- A theme's title in bold at the start of its paragraph: followed by ": " it is the
  "Title: description" of the text; followed by a line break, or by nothing but white space,
  it is a title on a line of its own. A paragraph entirely in bold (not a heading) directly
  above a paragraph that is not is that paragraph's title, on a line of its own.
- A line break within a paragraph is a line of the text; a page or column break, or the mark
  Word leaves where it last broke the page, is not: a paragraph broken across pages is one.
- Tracked changes are read as accepted: inserted and moved-to text is kept, deleted and
  moved-from text is left out. Field codes are left out, their results kept.
- Left out: tables, text boxes, the headers and footers of the pages, comments, footnotes and
  endnotes, and a table of contents.

Before python-docx opens it, the file is bounded as a zip package like a workbook
(``registry.tabular.check_package``), and its main part must be a Word document's: a
macro-enabled document or a template renamed to .docx is refused, and so is a damaged file.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from registry.annex.parser import is_section_heading
from registry.services.imports.files import AnnexText, UnreadableFile
from registry.tabular import PART_RULES, PartRules, TableError, ZipPackage, check_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OTHER_WORD_FILES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": ".docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": ".dotx",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ".dotm",
}
HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*[1-9]$|^(?:title|titel)$", re.IGNORECASE)
# Elements within a paragraph whose text is not part of the accepted text, or not in the body.
LEFT_OUT = {f"{W}{name}" for name in ("del", "moveFrom", "delText", "instrText", "pPr", "rPr")}
LINE_BREAKS = {f"{W}cr"}
# The main document part is large in a long document; its tags are bounded as a worksheet's.
DOCUMENT_PARTS = {**PART_RULES, b"document": PartRules(root=b"document", streamed=True)}


def read_docx(data: bytes, file_name: str) -> AnnexText:
    """The annex in a Word document, as the text the annex parser reads."""
    try:
        check_package(data, file_name, DOCUMENT)
    except TableError as error:
        raise UnreadableFile(str(error)) from None
    _check_word_document(data, file_name)
    document = _open(data, file_name)
    paragraphs = list(_paragraphs(document))
    if not paragraphs:
        raise UnreadableFile(_("The Word document “%(file)s” holds no text.") % {"file": file_name})
    blocks = _blocks(paragraphs, file_name)
    return AnnexText("\n\n".join(blocks) + "\n", _("Word document (DOCX)"))


# The package -----------------------------------------------------------------------------


def _not_a_document(file_name: str) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” is not a readable Word document. Save it in Word as "
            "“Word Document (.docx)” and try again."
        )
        % {"file": file_name}
    )


def _too_many_parts(file_name: str, count: str, limit: str) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” consists of %(count)s parts; a Word document of at most "
            "%(limit)s parts can be read."
        )
        % {"file": file_name, "count": count, "limit": limit}
    )


def _too_large(file_name: str, size: str, limit: int) -> TableError:
    return TableError(
        _(
            "The file “%(file)s” unpacks to %(size)s MB; a Word document that unpacks to at "
            "most %(limit)s MB can be read. Save the annex without images and try again."
        )
        % {"file": file_name, "size": size, "limit": limit}
    )


def _doctype(part: str, file_name: str) -> TableError:
    return TableError(
        _(
            "The part “%(part)s” of “%(file)s” holds a document type declaration "
            "(<!DOCTYPE>), which Word never writes; it is not read."
        )
        % {"part": part, "file": file_name}
    )


DOCUMENT = ZipPackage(
    part_rules=DOCUMENT_PARTS,
    unreadable=_not_a_document,
    too_many_parts=_too_many_parts,
    too_large=_too_large,
    doctype=_doctype,
)


def _check_word_document(data: bytes, file_name: str) -> None:
    """The package's main part must be a Word document's (not a macro file's, not a sheet's)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            types = ElementTree.fromstring(archive.read(CONTENT_TYPES))
        except (KeyError, ElementTree.ParseError):
            raise UnreadableFile(str(_not_a_document(file_name))) from None
    overrides = {
        override.get("ContentType", "") for override in types.iter(f"{CONTENT_TYPES_NS}Override")
    }
    if WORD_DOCUMENT in overrides:
        return
    for content_type, suffix in OTHER_WORD_FILES.items():
        if content_type in overrides:
            raise UnreadableFile(
                _(
                    "The file “%(file)s” is a %(kind)s file renamed to .docx, which is not "
                    "read. Save it in Word as “Word Document (.docx)” and try again."
                )
                % {"file": file_name, "kind": suffix}
            )
    raise UnreadableFile(str(_not_a_document(file_name)))


def _open(data: bytes, file_name: str):
    from docx import Document

    try:
        return Document(io.BytesIO(data))
    except Exception:  # python-docx reports damage as zip, XML, KeyError, ValueError and more
        raise UnreadableFile(str(_not_a_document(file_name))) from None


# The paragraphs --------------------------------------------------------------------------


class _Paragraph:
    """A paragraph of the body: its lines, its style's name, and its leading bold text."""

    def __init__(self, number, style, pieces):
        self.number = number  # 1-based, counting the body's paragraphs with text
        self.style = style
        self.lines, self.bold_title = _lines_and_title(pieces)

    @property
    def is_heading(self):
        return bool(HEADING_STYLE.match(self.style))

    @property
    def all_bold(self):
        return self.bold_title is not None and self.bold_title == " ".join(self.lines)


def _paragraphs(document):
    """The body's paragraphs with text, in order; tables and tables of contents left out."""
    styles = {style.style_id: style for style in document.styles}
    # Style names as python-docx gives them: Dutch Word's "Kop1" is named "heading 1", which
    # python-docx gives as "Heading 1".
    names = {style_id: style.name or "" for style_id, style in styles.items()}
    bold_styles = {
        style_id
        for style_id, style in styles.items()
        if getattr(style, "font", None) is not None and style.font.bold
    }
    number = 0
    for element in _body_paragraphs(document.element.body):
        pieces = list(_pieces(element, bold=False, bold_styles=bold_styles))
        if not "".join(text for text, _bold in pieces).strip():
            continue
        number += 1
        style_id = element.find(f"{W}pPr/{W}pStyle")
        style = names.get(style_id.get(f"{W}val"), "") if style_id is not None else ""
        yield _Paragraph(number, style, pieces)


def _body_paragraphs(container):
    for element in container:
        if element.tag == f"{W}p":
            yield element
        elif element.tag == f"{W}sdt" and not _is_table_of_contents(element):
            content = element.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_paragraphs(content)
        # Tables (w:tbl), the section's page settings (w:sectPr) and anything else: left out.


def _is_table_of_contents(sdt):
    gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(f"{W}val") or "").lower()


def _pieces(element, *, bold, bold_styles):
    """(text, bold) pieces of a paragraph in order; "\\n" for a line break."""
    for child in element:
        tag = child.tag
        if tag in LEFT_OUT:
            continue
        if tag == f"{W}r":
            yield from _run_pieces(child, bold_styles)
        elif tag == f"{W}t":
            yield child.text or "", bold
        else:  # hyperlinks, insertions, moved-to text, fields, smart tags, inline controls
            yield from _pieces(child, bold=bold, bold_styles=bold_styles)


def _run_pieces(run, bold_styles):
    bold = _is_bold(run, bold_styles)
    for child in run:
        tag = child.tag
        if tag == f"{W}t":
            yield child.text or "", bold
        elif tag == f"{W}tab":
            yield "\t", bold
        elif tag in LINE_BREAKS or (
            tag == f"{W}br" and child.get(f"{W}type") in (None, "textWrapping")
        ):
            yield "\n", bold
        elif tag == f"{W}noBreakHyphen":
            yield "-", bold
        # Page and column breaks, w:lastRenderedPageBreak, soft hyphens, footnote and comment
        # references, drawings and fields' marks: no text.


def _is_bold(run, bold_styles):
    """Bold set on the run, or by its character style ("Strong", Dutch Word's "Zwaar")."""
    bold = run.find(f"{W}rPr/{W}b")
    if bold is not None:
        return bold.get(f"{W}val", "true").lower() not in ("0", "false", "off")
    style = run.find(f"{W}rPr/{W}rStyle")
    return style is not None and style.get(f"{W}val") in bold_styles


def _lines_and_title(pieces):
    """The paragraph's lines (stripped, none empty), and its leading bold text, if any."""
    text = "".join(text for text, _bold in pieces)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title = ""
    for piece, bold in pieces:
        if "\n" in piece or (not bold and piece.strip()):
            break
        title += piece
    title = " ".join(title.split())
    return lines, title or None


# The blocks of text ----------------------------------------------------------------------


def _blocks(paragraphs, file_name):
    blocks, index = [], 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if index and paragraph.is_heading:
            _check_heading(paragraph, file_name)
            blocks.append(" ".join(paragraph.lines))
        elif index and _is_title_above(paragraph, following):
            blocks.append("\n".join([paragraph.bold_title, *following.lines]))
            index += 1
        else:
            blocks.append(_theme_or_paragraph(paragraph) if index else " ".join(paragraph.lines))
        index += 1
    return blocks


def _check_heading(paragraph, file_name):
    text = " ".join(paragraph.lines)
    if is_section_heading(text):
        return
    raise UnreadableFile(
        _(
            "Paragraph %(number)s of “%(file)s” has the heading style “%(style)s”, but “%(text)s” "
            "is not a section heading of the annex (such as “Samenwerkingsgebieden met "
            "Duitsland”, “Overige ...” or “Partners voor ...”). Give it the style of a normal "
            "paragraph, or word it as a section heading."
        )
        % {
            "number": paragraph.number,
            "file": file_name,
            "style": paragraph.style,
            "text": text[:80],
        }
    )


def _is_title_above(paragraph, following):
    """A paragraph all in bold, worded as a title, directly above its theme's description."""
    return (
        following is not None
        and paragraph.all_bold
        and not following.is_heading
        and following.bold_title is None
        and not paragraph.bold_title.endswith((".", ":", ";", ")"))
        and not is_section_heading(paragraph.bold_title)
    )


def _theme_or_paragraph(paragraph):
    """A paragraph's text; a bold title with no colon after it on a line of its own."""
    lines = paragraph.lines
    title = paragraph.bold_title
    text = "\n".join(lines)
    if title is None or paragraph.all_bold or not text.startswith(title):
        return text
    rest = text[len(title) :]
    if rest.startswith((":", "\n")) or title.endswith(":"):
        return text
    return f"{title}\n{rest.strip()}"
