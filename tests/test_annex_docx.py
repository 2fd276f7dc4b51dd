"""The annex as a Word document (issue 12): read by its structure, bounded, refused clearly.

The DOCX of the 2016 annex is built here from the 2016 text, laid out as an author would in
Word: the title in the Title style, section headings in Heading 1, Heading 2 and Dutch Word's
"Kop 1", theme titles in bold (before a colon, before a line break, or as a bold paragraph of
their own), page breaks inside paragraphs, a table, a header and footer, a comment and
tracked changes.
"""

import html
import io

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from registry.annex.parser import parse_annex
from registry.models import ImportRun
from registry.services.imports import ANNEX, confirm_import, prepare_import
from registry.services.imports.docx_reader import read_docx
from registry.services.imports.files import UnreadableFile
from tests import annex_2016_expected as expected
from tests import hostile_files
from tests.admin_forms import logged_in
from tests.registry_tables import copy_tables
from tests.test_render import empty_registry, records

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:registry_theme_import")
HEADING_STYLES = ("Heading 1", "Heading 2", "Kop 1")
DELETED = "VERWIJDERDE TEKST"
IN_TABLE = "TEKST IN EEN TABEL"
IN_HEADER = "Tweede Kamer, vergaderjaar 2016–2017, 34 550 X, nr. 2"
IN_COMMENT = "OPMERKING VAN EEN COLLEGA"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """Messages in English outside a request (the admin's requests name their language)."""
    with translation.override("en"):
        yield


# The DOCX of the 2016 annex ------------------------------------------------------------------


def page_break(paragraph, *, rendered=False):
    """A page break inside the paragraph: Word's own (w:br type=page), or the mark Word leaves
    where it last broke the page (w:lastRenderedPageBreak)."""
    run = paragraph.add_run()
    if rendered:
        run._r.append(OxmlElement("w:lastRenderedPageBreak"))
    else:
        run.add_break(docx.enum.text.WD_BREAK.PAGE)


def add_wrapped(paragraph, text, *, break_at=None, rendered=False):
    """The text in runs, with a page break after the word ``break_at``."""
    if break_at and break_at in text:
        cut = text.index(break_at) + len(break_at)
        paragraph.add_run(text[:cut])
        page_break(paragraph, rendered=rendered)
        paragraph.add_run(text[cut:])
    else:
        paragraph.add_run(text)


def tracked(paragraph, text):
    """The text as a tracked insertion, after a tracked deletion of other text."""
    deletion = OxmlElement("w:del")
    deletion.set(qn("w:id"), "1")
    deletion.set(qn("w:author"), "Redactie")
    run = OxmlElement("w:r")
    deleted = OxmlElement("w:delText")
    deleted.text = DELETED
    run.append(deleted)
    deletion.append(run)
    insertion = OxmlElement("w:ins")
    insertion.set(qn("w:id"), "2")
    insertion.set(qn("w:author"), "Redactie")
    inserted = OxmlElement("w:r")
    inserted_text = OxmlElement("w:t")
    inserted_text.text = text
    inserted_text.set(qn("xml:space"), "preserve")
    inserted.append(inserted_text)
    insertion.append(inserted)
    paragraph._p.append(deletion)
    paragraph._p.append(insertion)


def annex_docx(parsed_annex):
    """The 2016 annex as an author lays it out in Word."""
    word = docx.Document()
    word.styles.add_style("Kop 1", WD_STYLE_TYPE.PARAGRAPH)
    # Dutch Word names its heading styles by id "Kop2" and by name "heading 2".
    word.styles["Heading 2"].style_id = "Kop2"
    word.sections[0].header.paragraphs[0].text = IN_HEADER
    word.sections[0].footer.paragraphs[0].text = "3"
    word.add_paragraph(parsed_annex.title, style="Title")
    for number, paragraph in enumerate(parsed_annex.introduction):
        added = word.add_paragraph()
        add_wrapped(added, paragraph, break_at="overzicht niet" if number == 0 else None)
        word.add_paragraph()  # an empty paragraph, as authors leave them
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text = IN_TABLE
    table.cell(0, 1).text = "Samenwerkingsgebieden met Atlantis"
    themes = 0
    for number, section in enumerate(parsed_annex.sections):
        word.add_paragraph(section.heading, style=HEADING_STYLES[number % len(HEADING_STYLES)])
        for paragraph in section.introduction:
            word.add_paragraph(paragraph)
        for theme in section.themes:
            themes += 1
            add_theme(word, theme, themes)
    return word


def add_theme(word, theme, number):
    """A theme in one of the ways Word documents write it, by its number."""
    title, separator, rest = _title_and_rest(theme.paragraph, theme.title)
    if separator == "\n" and number % 2:
        word.add_paragraph().add_run(title).bold = True  # the title as a paragraph of its own
        word.add_paragraph(rest)
        return
    paragraph = word.add_paragraph()
    if number % 5 == 0 and separator == ": ":
        paragraph.add_run(theme.paragraph)  # no bold: the "Title: description" of the text
        return
    if number % 7 == 0 and separator == ": ":
        paragraph.add_run(title + ":").bold = True  # the colon in bold with the title
        paragraph.add_run(" ")
    else:
        paragraph.add_run(title).bold = True
        if separator == "\n":
            paragraph.add_run().add_break()
        else:
            paragraph.add_run(separator)
    if number % 11 == 0:
        tracked(paragraph, rest)
    elif number == 1:
        comment_on(word, paragraph, rest)
    else:
        add_wrapped(paragraph, rest, break_at=" de ", rendered=number % 3 == 0)


def comment_on(word, paragraph, text):
    runs = [paragraph.add_run(text)]
    word.add_comment(runs, text=IN_COMMENT, author="Redactie")


def _title_and_rest(paragraph, title):
    for separator in ("\n", ": "):
        if paragraph.startswith(title + separator):
            return title, separator, paragraph[len(title) + len(separator) :]
    raise AssertionError(f"no title in {paragraph[:60]!r}")


def docx_bytes(word):
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def annex_2016_docx(parsed_annex):
    return docx_bytes(annex_docx(parsed_annex))


def import_docx(data, *, year=2016, name="bijlage-2-2016.docx"):
    return confirm_import(kind=ANNEX, data=data, file_name=name, edition=year, user=None)


# Reading the 2016 annex ----------------------------------------------------------------------


def test_the_docx_is_laid_out_as_the_tests_say(annex_2016_docx):
    """The document holds what the reader must leave out, and breaks inside paragraphs."""
    word = docx.Document(io.BytesIO(annex_2016_docx))
    styles = {p.style.name for p in word.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Kop 1"} <= styles
    body = word.element.body.xml
    assert '<w:pStyle w:val="Kop2"/>' in body
    assert body.count('w:type="page"') > 30
    assert body.count("w:lastRenderedPageBreak") > 15
    assert body.count("<w:del ") > 5
    assert DELETED in body
    assert IN_TABLE in body
    assert word.sections[0].header.paragraphs[0].text == IN_HEADER


def test_the_docx_reads_as_the_sections_and_themes_of_the_text(annex_2016_docx, parsed_annex):
    read = read_docx(annex_2016_docx, "bijlage.docx")
    for left_out in (DELETED, IN_TABLE, IN_HEADER, IN_COMMENT, "Atlantis"):
        assert left_out not in read.text
    assert read.encoding == "Word document (DOCX)"
    from registry.annex.parser import parse_annex

    annex = parse_annex(read.text)
    assert [s.heading for s in annex.sections] == [
        expected.SECTION_HEADINGS[key] for key in expected.SECTION_KEYS
    ]
    assert [(t.title, t.description, t.commands, t.paragraph) for t in annex.themes] == [
        (t.title, t.description, t.commands, t.paragraph) for t in parsed_annex.themes
    ]
    assert annex.warnings == parsed_annex.warnings


def test_the_docx_imported_into_an_empty_registry_gives_the_2016_records(annex_2016_docx):
    before = records()
    empty_registry()
    prepared = import_docx(annex_2016_docx)
    assert prepared.errors == []
    assert records() == before
    run = ImportRun.objects.get()
    assert (run.file_name, run.file_format) == ("bijlage-2-2016.docx", "docx")


def test_the_docx_after_the_2016_text_changes_nothing(annex_2016_docx):
    before = copy_tables()
    prepared = prepare_import(
        kind=ANNEX, data=annex_2016_docx, file_name="bijlage.docx", edition=2016
    )
    assert prepared.errors == []
    assert (len(prepared.main.created), len(prepared.main.updated)) == (0, 0)
    assert prepared.main.missing == []
    assert [(plan.created, plan.updated) for plan in prepared.plans] == [([], [])] * len(
        prepared.plans
    )
    import_docx(annex_2016_docx)
    after = copy_tables()
    after.pop(ImportRun), before.pop(ImportRun)
    changes = [model for model in after if "import" in model._meta.model_name]
    for model in changes:
        after.pop(model), before.pop(model)
    assert after == before


def test_the_docx_the_registry_renders_imports_back_as_the_same_records(tmp_path):
    path = tmp_path / "bijlage-2-2016.docx"
    call_command("render_annex", "--edition", "2016", "--format", "docx", "--output", str(path))
    before = records()
    empty_registry()
    call_command("import_annex", str(path), "--edition", "2016", verbosity=0)
    assert records() == before


# The structure of a document -----------------------------------------------------------------


def small_annex(*themes, heading="Samenwerkingsgebieden met Duitsland", style="Heading 1"):
    word = docx.Document()
    word.add_paragraph("Bijlage 2: Overzicht", style="Title")
    word.add_paragraph(heading, style=style)
    for theme in themes:
        theme(word)
    return word


def read(word):
    return read_docx(docx_bytes(word), "a.docx").text


def test_a_page_break_inside_a_paragraph_does_not_split_it():
    def theme(word):
        paragraph = word.add_paragraph()
        paragraph.add_run("Cyber").bold = True
        add_wrapped(paragraph, ": samen oefenen in de", break_at="in de")
        paragraph.add_run(" cyberruimte. (CLAS)")

    assert read(small_annex(theme)).endswith("\n\nCyber: samen oefenen in de cyberruimte. (CLAS)\n")


def test_a_line_break_or_a_bold_title_before_a_space_puts_a_title_on_its_own_line():
    def with_break(word):
        paragraph = word.add_paragraph()
        paragraph.add_run("Korps Mariniers").bold = True
        paragraph.add_run().add_break()
        paragraph.add_run("In juni is er een overeenkomst getekend. (CZSK)")

    def with_space(word):
        paragraph = word.add_paragraph()
        paragraph.add_run("Helikopters").bold = True
        paragraph.add_run(" Er is een uitwisselingsprogramma. (CLSK)")

    def without_bold(word):
        paragraph = word.add_paragraph("Lichte Brigade")
        paragraph.add_run().add_break()
        paragraph.add_run("Er wordt samen geoefend. (CLAS)")

    text = read(small_annex(with_break, without_bold, with_space))
    assert "\n\nKorps Mariniers\nIn juni is er een overeenkomst getekend. (CZSK)\n\n" in text
    assert "\n\nLichte Brigade\nEr wordt samen geoefend. (CLAS)\n\n" in text
    assert text.endswith("\n\nHelikopters\nEr is een uitwisselingsprogramma. (CLSK)\n")


def test_a_heading_style_on_a_paragraph_that_is_no_section_heading_is_refused():
    def theme(word):
        word.add_paragraph("Onderzeeboten", style="Heading 2")
        word.add_paragraph("Samen varen. (CZSK)")

    with pytest.raises(UnreadableFile) as refused:
        read(small_annex(theme))
    assert str(refused.value).startswith(
        "Paragraph 3 of “a.docx” has the heading style “Heading 2”, but “Onderzeeboten” is not "
        "a section heading of the annex"
    )


def test_tracked_changes_are_read_as_accepted():
    def theme(word):
        paragraph = word.add_paragraph("Cyber: ")
        tracked(paragraph, "samen oefenen. (CLAS)")

    text = read(small_annex(theme))
    assert text.endswith("\n\nCyber: samen oefenen. (CLAS)\n")


# Refusals ------------------------------------------------------------------------------------


def damaged():
    data = docx_bytes(small_annex())
    return data[: len(data) // 2]


def not_word():
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def macro_file():
    parts = hostile_files.word_parts()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return hostile_files.word_document_with(parts=parts)


REFUSALS = {
    "damaged": (
        damaged,
        "The file “bijlage.docx” is not a readable Word document. Save it in Word as “Word "
        "Document (.docx)” and try again.",
    ),
    "not_word": (
        not_word,
        "The file “bijlage.docx” is not a readable Word document. Save it in Word as “Word "
        "Document (.docx)” and try again.",
    ),
    "text": (
        lambda: b"Bijlage 2: Overzicht\n",
        "The file “bijlage.docx” is not a readable Word document. Save it in Word as “Word "
        "Document (.docx)” and try again.",
    ),
    "macro": (
        macro_file,
        "The file “bijlage.docx” is a .docm file renamed to .docx, which is not read. Save it "
        "in Word as “Word Document (.docx)” and try again.",
    ),
    "zip_bomb": (
        hostile_files.docx_zip_bomb,
        "The file “bijlage.docx” unpacks to 1,100 MB; a Word document that unpacks to at most "
        "100 MB can be read. Save the annex without images and try again.",
    ),
    "lying_directory": (
        hostile_files.docx_lying_directory,
        "The file “bijlage.docx” is not a readable Word document. Save it in Word as “Word "
        "Document (.docx)” and try again.",
    ),
    "doctype": (
        hostile_files.docx_entity_bomb,
        "The part “word/document.xml” of “bijlage.docx” holds a document type declaration "
        "(<!DOCTYPE>), which Word never writes; it is not read.",
    ),
}


@pytest.fixture(scope="module", params=list(REFUSALS))
def refusal(request):
    make, message = REFUSALS[request.param]
    return make(), message


def test_a_refused_docx_is_refused_in_the_admin_with_its_message_and_nothing_changed(refusal):
    data, message = refusal
    client = logged_in("beheerder")
    client.cookies["django_language"] = "en"
    before = copy_tables()
    handle = io.BytesIO(data)
    handle.name = "bijlage.docx"
    response = client.post(IMPORT, {"file": handle, "edition": 2017})
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert copy_tables() == before


def test_a_refused_docx_is_refused_on_the_command_line_with_its_message(refusal, tmp_path):
    data, message = refusal
    path = tmp_path / "bijlage.docx"
    path.write_bytes(data)
    before = copy_tables()
    with pytest.raises(CommandError):
        call_command("import_annex", str(path), "--edition", "2017", stderr=(err := io.StringIO()))
    assert message in err.getvalue()
    assert copy_tables() == before


def test_a_refused_docx_in_dutch():
    data = damaged()
    with translation.override("nl"), pytest.raises(UnreadableFile) as refused:
        read_docx(data, "bijlage.docx")
    assert str(refused.value).startswith(
        "Het bestand “bijlage.docx” is geen leesbaar Word-document."
    )


def test_a_bold_title_above_a_lower_case_description_is_a_theme():
    """Most of the annex's descriptions begin in lower case (issue 13, §6)."""

    def theme(word):
        word.add_paragraph().add_run("Gevechtsleiders luchtmacht").bold = True
        word.add_paragraph("leerlingen worden uitgewisseld bij de opleiding. (CLSK)")

    (section,) = parse_annex(read(small_annex(theme))).sections
    assert [(t.title, t.description) for t in section.themes] == [
        ("Gevechtsleiders luchtmacht", "leerlingen worden uitgewisseld bij de opleiding.")
    ]
    assert section.introduction == []
