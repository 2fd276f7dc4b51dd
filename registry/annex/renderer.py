"""Write an edition of the annex as a document: text, Markdown, HTML or Word (pure Python).

The layout is the annex's own: the title, the introduction, then per section its heading, its
introduction and its themes as "Title: description (COMMANDS)". A theme whose paragraph the
registry has as the annex printed it is written exactly so; otherwise it is written from its
fields, in a form the annex parser reads back to the same theme.

Record text cannot change the document's structure, whatever it holds (line breaks, a blank
line, a line like a section heading, "Title:", ``===`` or ``~~~``, indentation):

- text: a paragraph that the parser would not read back exactly (``reads_back_as_theme``,
  ``reads_back_as_text``) is written escaped, on one line starting with a backslash; the
  parser's module docstring defines the escapes, and the parser undoes them;
- Markdown: every character Markdown reads is escaped, so are the starts of lines that would
  open a list, a heading underline or a code block (``-``, ``+``, ``=``, ``1.``, indentation),
  and line breaks within a paragraph are hard line breaks (``\\`` at the end of the line);
- HTML is escaped, and Word holds text as text (without what XML cannot hold).
"""

import html
import io
import re
from dataclasses import dataclass, field

from registry.annex.parser import ESCAPE, reads_back_as_text, reads_back_as_theme

COMMAND_SEPARATOR = ", "
# What XML 1.0, and so a Word document, cannot hold: the control characters below U+0020 apart
# from tab, line feed and carriage return, halves of a surrogate pair on their own, and the
# non-characters U+FFFE and U+FFFF. The models' text fields refuse them (registry/validators.py).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class DocumentTheme:
    title: str
    description: str
    commands: tuple[str, ...] = ()
    paragraph: str = ""

    @property
    def text(self):
        """The theme's paragraph: as printed when known, else "Title: description (CMDS)"."""
        return self.paragraph or self.canonical_text

    @property
    def canonical_text(self):
        text = f"{self.title}: {self.description}"
        if self.commands:
            text += f" ({COMMAND_SEPARATOR.join(self.commands)})"
        return text

    @property
    def title_and_rest(self):
        """The paragraph split after its title, for layouts that set the title in bold."""
        text = self.text
        for separator in ("\n", ": "):
            if text.startswith(self.title + separator):
                return self.title, separator, text[len(self.title) + len(separator) :]
        return "", "", text


@dataclass
class DocumentSection:
    heading: str
    introduction: list[str] = field(default_factory=list)
    themes: list[DocumentTheme] = field(default_factory=list)


@dataclass
class Changes:
    """What changed since the previous edition, for the optional appendix."""

    previous_year: int
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


@dataclass
class AnnexDocument:
    title: str
    year: int
    introduction: list[str] = field(default_factory=list)
    sections: list[DocumentSection] = field(default_factory=list)
    changes: Changes | None = None


APPENDIX = {
    "heading": "Wijzigingen ten opzichte van de editie {year}",
    "new": "Nieuwe thema’s",
    "changed": "Gewijzigde thema’s",
    "gone": "Vervallen thema’s",
    "none": "Geen.",
}


def render_text(document: AnnexDocument) -> str:
    blocks = [document.title, *(_text(paragraph) for paragraph in document.introduction)]
    for section in document.sections:
        introduction = [_text(paragraph, in_section=True) for paragraph in section.introduction]
        blocks.append("\n".join([section.heading, *introduction[:1]]))
        blocks.extend(introduction[1:])
        blocks.extend(_text_theme(theme) for theme in section.themes)
    if document.changes:
        blocks.extend(_appendix_blocks(document.changes, bullet="- "))
    return "\n\n".join(blocks) + "\n"


def _text_theme(theme):
    """The theme as printed, else "Title: description (CMDS)", else that escaped."""
    for text in (theme.paragraph, theme.canonical_text):
        if text and reads_back_as_theme(text, theme.title, theme.description, theme.commands):
            return text
    escaped = f"{ESCAPE}{escape(theme.title)}: {escape(theme.description)}"
    if theme.commands:
        escaped += f" ({COMMAND_SEPARATOR.join(theme.commands)})"
    return escaped


def _text(paragraph, *, in_section=False):
    if reads_back_as_text(paragraph, in_section=in_section):
        return paragraph
    return ESCAPE + escape(paragraph)


ESCAPES = {"\\": "\\\\", ":": "\\:", "(": "\\(", ")": "\\)", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text):
    """Text as an escaped paragraph of the annex text holds it (see registry.annex.parser)."""
    written = []
    for index, character in enumerate(text):
        if character in ESCAPES:
            written.append(ESCAPES[character])
        elif character == " ":
            # One space between other characters is read as it is; any other is a line wrap.
            alone = 0 < index < len(text) - 1 and not (
                text[index - 1].isspace() or text[index + 1].isspace()
            )
            written.append(" " if alone else "\\s")
        elif character.isspace():
            written.append(f"\\u{ord(character):04x}")
        else:
            written.append(character)
    return "".join(written)


def render_markdown(document: AnnexDocument) -> str:
    blocks = [f"# {_md(document.title)}", *map(_md, document.introduction)]
    for section in document.sections:
        blocks.append(f"## {_md(section.heading)}")
        blocks.extend(_md(paragraph) for paragraph in section.introduction)
        for theme in section.themes:
            title, separator, rest = theme.title_and_rest
            if title:
                joiner = ": " if separator == ": " else "  \n"
                blocks.append(f"**{_md(title)}**{joiner}{_md(rest)}")
            else:
                blocks.append(_md(rest))
    if document.changes:
        heading, *lines = _appendix_blocks(document.changes, bullet="")
        blocks.append(f"## {_md(heading)}")
        for line in lines:
            if line in (APPENDIX["new"], APPENDIX["changed"], APPENDIX["gone"], APPENDIX["none"]):
                blocks.append(_md(line))
            else:
                blocks.append(f"- {_md(line)}")
    return "\n\n".join(blocks) + "\n"


def render_html(document: AnnexDocument) -> str:
    escape = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="nl">',
        '<head><meta charset="utf-8">'
        f"<title>{escape(document.title)} ({document.year})</title></head>",
        "<body>",
        f"<h1>{escape(document.title)}</h1>",
        *(f"<p>{escape(paragraph)}</p>" for paragraph in document.introduction),
    ]
    for section in document.sections:
        parts.append(f"<section><h2>{escape(section.heading)}</h2>")
        parts.extend(f"<p>{escape(paragraph)}</p>" for paragraph in section.introduction)
        for theme in section.themes:
            title, separator, rest = theme.title_and_rest
            if title:
                joiner = ": " if separator == ": " else "<br>"
                parts.append(f"<p><strong>{escape(title)}</strong>{joiner}{escape(rest)}</p>")
            else:
                parts.append(f"<p>{escape(rest)}</p>")
        parts.append("</section>")
    if document.changes:
        parts.append(_appendix_html(document.changes))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def render_docx(document: AnnexDocument) -> bytes:
    """A Word document with the built-in Title and Heading styles, so it has a real outline."""
    from docx import Document
    from docx.shared import Pt

    word = Document()
    word.core_properties.title = _word(document.title)
    word.core_properties.language = "nl-NL"
    word.styles["Normal"].font.size = Pt(11)
    word.add_heading(_word(document.title), level=0)
    for paragraph in document.introduction:
        word.add_paragraph(_word(paragraph))
    for section in document.sections:
        word.add_heading(_word(section.heading), level=1)
        for paragraph in section.introduction:
            word.add_paragraph(_word(paragraph))
        for theme in section.themes:
            title, separator, rest = theme.title_and_rest
            paragraph = word.add_paragraph()
            if title:
                paragraph.add_run(_word(title)).bold = True
                if separator == "\n":
                    paragraph.add_run().add_break()
                else:
                    paragraph.add_run(separator)
            paragraph.add_run(_word(rest))
    if document.changes:
        heading, *lines = _appendix_blocks(document.changes, bullet="")
        word.add_heading(_word(heading), level=1)
        for line in lines:
            if line in (APPENDIX["new"], APPENDIX["changed"], APPENDIX["gone"]):
                word.add_heading(line, level=2)
            else:
                word.add_paragraph(_word(line), style="List Bullet")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _word(text):
    """Text as a Word document can hold it (XML 1.0).

    The models refuse characters that XML cannot hold; text stored before they did, or past
    them, must still render. Word writes a line break within a paragraph as a vertical tab, so
    that becomes a line break (python-docx writes "\\n" as one); the others are left out.
    """
    return NOT_IN_XML.sub("", text.replace("\x0b", "\n"))


RENDERERS = {
    "txt": render_text,
    "md": render_markdown,
    "html": render_html,
    "docx": render_docx,
}


def _appendix_blocks(changes, bullet):
    blocks = [APPENDIX["heading"].format(year=changes.previous_year)]
    for kind in ("new", "changed", "gone"):
        blocks.append(APPENDIX[kind])
        items = getattr(changes, kind)
        if bullet:
            blocks.append("\n".join(f"{bullet}{item}" for item in items) or APPENDIX["none"])
        else:
            blocks.extend(items or [APPENDIX["none"]])
    return blocks


def _appendix_html(changes):
    escape = html.escape
    parts = [f"<section><h2>{escape(APPENDIX['heading'].format(year=changes.previous_year))}</h2>"]
    for kind in ("new", "changed", "gone"):
        parts.append(f"<h3>{escape(APPENDIX[kind])}</h3>")
        items = getattr(changes, kind)
        if items:
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
        else:
            parts.append(f"<p>{APPENDIX['none']}</p>")
    parts.append("</section>")
    return "\n".join(parts)


MARKDOWN_CHARACTERS = "\\`*_[]<>#|~&"
# What opens a block at the start of a line: a list item, a heading underline or a thematic
# break ("-", "+", "=", also after indentation), an ordered list item ("1." or "1)").
MARKDOWN_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def _md(text):
    """Text as Markdown that shows as itself and stays one paragraph (CommonMark).

    The characters Markdown reads are escaped, and so is what opens a block at the start of a
    line; indentation is written as non-breaking spaces (which open no code block), and every
    line break is a hard line break, so a blank line in the text does not end the paragraph.
    """
    lines = []
    for line in re.split(r"\r\n|\r|\n", text):
        for character in MARKDOWN_CHARACTERS:
            line = line.replace(character, "\\" + character)
        line = MARKDOWN_LINE_START.sub(
            lambda found: (
                f"\\{found.group(1)}" if found.group(1) else f"{found.group(2)}\\{found.group(3)}"
            ),
            line,
        )
        indentation = len(line) - len(line.lstrip(" \t"))
        width = len(line[:indentation].expandtabs(4))
        lines.append("&nbsp;" * width + line[indentation:] if line.strip() else "&nbsp;")
    return "\\\n".join(lines)
