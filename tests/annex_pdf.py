"""PDFs of the 2016 annex as a parliamentary paper, made with reportlab for the tests.

Built from the 2016 text extraction (``fixtures/source/``): its paragraphs as flowing text,
section headings and titles on a line of their own in bold, on A4 pages with a running header
("Tweede Kamer, vergaderjaar 2016–2017, 33 279, nr. 19") and a footer "Pagina N van M".
reportlab breaks a paragraph that does not fit across two pages, as Word does.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from registry.annex import parser
from tests.conftest import ANNEX_TEXT

HEADER = "Tweede Kamer, vergaderjaar 2016–2017, 33 279, nr. 19"
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=9)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontName="Helvetica-Bold", spaceBefore=6, keepWithNext=1
)


def annex_paragraphs():
    """The paragraphs of the 2016 text: (kind, lines) with kind "heading", "title" or "text"."""
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    result = []
    for lines in parser._paragraphs(parser._blocks(text)):
        lines = [line for _number, line in lines]
        if parser._is_heading(lines[0]):
            result.append(("heading", [lines[0]]))
            lines = lines[1:]
        if not lines:
            continue
        if parser._has_title_line(lines):
            result.append(("title", [parser._join(lines[:1]), parser._join(lines[1:])]))
        else:
            result.append(("text", [parser._join(lines)]))
    return result


def flowables(paragraphs):
    story = []
    for kind, lines in paragraphs:
        if kind == "heading":
            story.append(Paragraph(escape(lines[0]), HEADING))
        elif kind == "title":
            title, body = (escape(line) for line in lines)
            story.append(Paragraph(f"<b>{title}</b><br/>{body}", BODY))
        else:
            story.append(Paragraph(escape(lines[0]), BODY))
    return story


def build_pdf(make_story, *, header=HEADER, footer="Pagina {page} van {total}", encrypt=None):
    """The PDF's bytes; the footer needs the page count, so the document is laid out twice
    (each time with new flowables: reportlab changes them as it lays them out)."""
    total = _layout(make_story(), header, footer, None, encrypt)[1]
    return _layout(make_story(), header, footer, total, encrypt)[0]


def annex_pdf(**options):
    paragraphs = annex_paragraphs()
    return build_pdf(lambda: flowables(paragraphs), **options)


def _layout(story, header, footer, total, encrypt):
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
        title="Bijlage 2",
        encrypt=encrypt,
    )

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        if header:
            canvas.drawString(2.5 * cm, A4[1] - 1.5 * cm, header)
        if total:
            # A pair: one form on odd pages, another on even ones, as books set them.
            form = footer if isinstance(footer, str) else footer[(doc.page + 1) % 2]
            number = form.format(page=doc.page, total=total)
            canvas.drawCentredString(A4[0] / 2, 1.5 * cm, number)
        canvas.restoreState()

    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return output.getvalue(), document.page


def pages_pdf(count):
    """A PDF of ``count`` pages, each with one short line."""

    def story():
        flowing = []
        for number in range(count):
            if number:
                flowing.append(PageBreak())
            flowing.append(Paragraph(f"Blad {number + 1}.", BODY))
        return flowing

    return build_pdf(story, header=None)


def scanned_pdf():
    """A page holding only a picture of text, as a scanner makes it."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("L", (600, 200), 255)
    ImageDraw.Draw(picture).text((20, 80), "Bijlage 2: Overzicht", fill=0)
    data = io.BytesIO()
    picture.save(data, format="PNG")

    def story():
        return [Spacer(1, 1 * cm), Image(io.BytesIO(data.getvalue()), width=15 * cm, height=5 * cm)]

    return build_pdf(story, header=None)
