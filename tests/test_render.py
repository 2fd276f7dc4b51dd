"""The registry writes the annex: documents of an edition, and the round trip to the text."""

import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import docx
import pytest
from django.core.management import call_command
from markdown_it import MarkdownIt

from registry.annex.parser import parse_annex
from registry.annex.renderer import (
    DocumentTheme,
    render_docx,
    render_html,
    render_markdown,
    render_text,
)
from registry.models import (
    Agreement,
    Command,
    Edition,
    ImportChange,
    ImportRun,
    Partner,
    Section,
    Theme,
    ThemeEdition,
)
from registry.services.imports import ANNEX, confirm_import
from registry.services.render import edition_document
from tests import annex_2016_expected as expected
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db

LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def document(**options):
    return edition_document(Edition.objects.get(year=2016), **options)


def flatten(text):
    """Whitespace and page breaks normalised, and words split at a line end joined."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def records():
    """Everything an annex import produces, by natural keys."""
    themes = Theme.objects.select_related("section").prefetch_related(
        "partners", "theme_commands__command", "editions"
    )
    return {
        "sections": sorted(
            (
                s.key,
                s.position,
                s.heading,
                s.introduction,
                tuple(sorted(p.code for p in s.partners.all())),
            )
            for s in Section.objects.prefetch_related("partners")
        ),
        "themes": sorted(
            (
                t.section.key,
                t.title,
                t.slug,
                t.position,
                t.description,
                tuple(c.code for c in t.ordered_commands()),
                tuple(sorted(p.code for p in t.partners.all())),
                t.status,
                t.dutch_role,
                t.framework,
                t.target_year,
                tuple(e.year for e in t.editions.all()),
            )
            for t in themes
        ),
        "texts": sorted(
            ThemeEdition.objects.values_list(
                "theme__section__key",
                "theme__title",
                "edition__year",
                "title",
                "description",
                "commands",
                "paragraph",
            )
        ),
        "edition": list(Edition.objects.values_list("year", "title", "introduction")),
        "partners": sorted(Partner.objects.values_list("code", "kind", "name_nl", "name_en")),
        "commands": sorted(Command.objects.values_list("code", "name_nl", "kind", "parent__code")),
    }


def empty_registry():
    Agreement.objects.all().delete()
    ImportChange.objects.all().delete()
    ImportRun.objects.all().delete()
    ThemeEdition.objects.all().delete()
    Theme.objects.all().delete()
    Section.objects.all().delete()
    Edition.objects.all().delete()
    Partner.objects.all().delete()
    Command.objects.update(parent=None)
    Command.objects.all().delete()


def import_text(text, year=2016):
    prepared = confirm_import(
        kind=ANNEX, data=text.encode(), file_name="x.txt", edition=year, user=None
    )
    assert prepared.errors == []


def test_every_theme_paragraph_of_the_annex_appears_in_the_rendered_text():
    rendered = flatten(render_text(document()))
    source = flatten(ANNEX_TEXT.read_text(encoding="utf-8"))
    paragraphs = [flatten(p) for p in render_text(document()).split("\n\n") if p.strip()]
    assert len(paragraphs) == 1 + 2 + 12 + 114 + 2  # title, introduction, sections, themes, and
    # the second introductions of two sections
    for paragraph in paragraphs:
        assert paragraph in source, paragraph[:80]
    for key, themes in expected.THEMES.items():
        for title, commands in themes:
            assert flatten(title) in rendered
            if commands:
                assert f"({commands})" in rendered, (key, title)


def test_rendering_the_2016_edition_and_importing_it_into_an_empty_registry_gives_the_same():
    text = render_text(document())
    before = records()
    empty_registry()
    import_text(text)
    assert records() == before


def test_the_canonical_form_also_reads_back_to_the_same_records():
    doc = document()
    for section in doc.sections:
        for theme in section.themes:
            theme.paragraph = ""
    text = render_text(doc)
    assert "(DMO, CZSK, CLAS, CLSK)" in text
    annex = parse_annex(text)
    parsed = {(t.title, t.description, t.commands) for t in annex.themes}
    stored = {
        (link.title, link.description, tuple(c for c in link.commands.split("|") if c))
        for link in ThemeEdition.objects.filter(edition__year=2016)
    }
    assert parsed == stored


def test_internal_themes_are_left_out():
    Theme.objects.filter(section__key="deu", title="Cyber").update(is_internal=True)
    text = render_text(document())
    assert (
        "Cyber: onderzoeken van samenwerkingsmogelijkheden op het gebied van cyber. (Defensie"
        not in text
    )
    assert "Cyber: onderzoeken" in text  # France and Norway keep theirs


def test_markdown_and_html_have_the_document_layout():
    markdown = render_markdown(document())
    assert markdown.startswith("# Bijlage 2: Overzicht van samenwerkingsthema’s\n")
    assert "\n## Samenwerkingsgebieden met Duitsland\n" in markdown
    assert "**Helikopters**: België en Nederland" in markdown
    page = render_html(document())
    assert '<html lang="nl">' in page
    assert "<h2>Samenwerkingsgebieden in de Navo</h2>" in page
    assert "<p><strong>Cyber</strong>: onderzoeken" in page


def test_html_escapes_record_text():
    Theme.objects.filter(section__key="usa", title="F-35").update(title="<script>x</script>")
    ThemeEdition.objects.filter(theme__title="<script>x</script>").update(
        title="<script>x</script>", paragraph=""
    )
    page = render_html(document())
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_docx_has_real_headings_and_reads_back():
    data = render_docx(document())
    word = docx.Document(io.BytesIO(data))
    styles = [(p.style.name, p.text) for p in word.paragraphs]
    assert styles[0] == ("Title", "Bijlage 2: Overzicht van samenwerkingsthema’s")
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings == [expected.SECTION_HEADINGS[key] for key in expected.SECTION_KEYS]
    helicopters = next(p for p in word.paragraphs if p.text.startswith("Helikopters:"))
    assert helicopters.runs[0].bold
    assert helicopters.runs[0].text == "Helikopters"
    text = "\n\n".join(p.text for p in word.paragraphs)
    assert "(CDC/DGO, CLAS, CLSK, CZSK)" in text


class Blocks(HTMLParser):
    """The headings and paragraphs of an HTML page, as (tag, text), in document order."""

    def __init__(self):
        super().__init__()
        self.blocks, self.open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in {"h1", "h2", "p"}:
            self.open = (tag, [])
        elif tag == "br" and self.open:
            self.open[1].append("\n")

    def handle_data(self, data):
        if self.open:
            self.open[1].append(data)

    def handle_endtag(self, tag):
        if self.open and tag == self.open[0]:
            text = "".join(self.open[1]).strip()
            if text:
                self.blocks.append((tag, text))
            self.open = None


@pytest.mark.skipif(
    LIBREOFFICE is None and not os.environ.get("CI"),
    reason="no LibreOffice (soffice): apt-get install libreoffice-writer-nogui (as .ci/run does)",
)
def test_libreoffice_opens_the_docx_with_every_heading_and_paragraph(tmp_path):
    # On a developer's machine without LibreOffice this test is skipped (and says so); CI
    # installs it (.ci/run), so there a missing LibreOffice fails the test.
    if LIBREOFFICE is None:
        pytest.fail("LibreOffice (soffice) is missing: .ci/run installs libreoffice-writer-nogui")
    path = tmp_path / "bijlage.docx"
    path.write_bytes(render_docx(document()))
    profile = (tmp_path / "profile").as_uri()  # a profile of its own: parallel runs do not lock
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "html:XHTML Writer File:UTF8",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    parser = Blocks()
    parser.feed((tmp_path / "bijlage.html").read_text(encoding="utf-8"))
    # LibreOffice's reading of the Word file: the sections as headings, and every paragraph
    # that python-docx wrote, in order, with its text.
    headings = [text for tag, text in parser.blocks if tag == "h1"]
    assert headings == [expected.SECTION_HEADINGS[key] for key in expected.SECTION_KEYS]
    written = [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]
    assert [text for _tag, text in parser.blocks] == [text for text in written if text.strip()]
    text = "\n".join(text for _tag, text in parser.blocks)
    assert text.startswith("Bijlage 2: Overzicht van samenwerkingsthema’s\n")
    for key, themes in expected.THEMES.items():
        for title, commands in themes:
            assert flatten(title) in flatten(text), (key, title)
            if commands:
                assert f"({commands})" in text, (key, title)


def test_appendix_of_changes_since_the_previous_edition(tmp_path):
    text = ANNEX_TEXT.read_text(encoding="utf-8").replace(
        "cyber. (Defensie Cyber Commando)", "cyberoperaties. (Defensie Cyber Commando)", 1
    )
    import_text(text, year=2017)
    doc = edition_document(Edition.objects.get(year=2017), with_changes=True)
    rendered = render_text(doc)
    assert "Wijzigingen ten opzichte van de editie 2016" in rendered
    assert "- Cyber (Samenwerkingsgebieden met Duitsland)" in rendered
    assert doc.changes.new == []
    assert doc.changes.gone == []


@pytest.mark.parametrize("file_format", ["txt", "md", "html", "docx"])
def test_render_annex_command(tmp_path, file_format):
    path = tmp_path / f"bijlage.{file_format}"
    call_command(
        "render_annex", "--edition", "2016", "--format", file_format, "--output", str(path)
    )
    assert path.stat().st_size > 10_000


def test_admin_downloads_of_an_edition(admin_client):
    from django.urls import reverse

    edition = Edition.objects.get(year=2016)
    page = admin_client.get(reverse("admin:registry_edition_change", args=[edition.pk]))
    for file_format in ("txt", "md", "html", "docx"):
        url = reverse("admin:registry_edition_render", args=[edition.pk, file_format])
        assert url in page.content.decode()
        response = admin_client.get(url)
        assert response.status_code == 200
        assert f"bijlage-2-{edition.year}.{file_format}" in response["Content-Disposition"]


# Hostile record text: the text and Markdown renderings keep their structure (issue 10, §4) ----

# Each wraps a theme's description ("{}"), so that what the annex's wording rules read from it
# (status, role, partners, target year) stays what it was.
HOSTILE_TEXTS = {
    ("deu", "Cyber"): "{}\n~~~\ncode?\n~~~",
    ("fra", "Cyber"): "{}\nTekst\n===\nmeer",
    ("nor", "Cyber"): "{}\n    ingesprongen regel\n\tmet een tab",
    ("usa", "F-35"): "{}\nSamenwerkingsgebieden met Mars\nOverige zaken",
    ("gbr", "F-35"): "{} eerst.\n\nTitel: een ander thema (CLAS)",
    ("deu", "Doctrine"): "twee dingen: {}",
    ("nato", "Immersive Training Environment"): "{} zie de verwijzing (ABC)",
    ("eu", "JDEAL"): "{} twee  spaties, een \\ backslash en \\n letterlijk",
    ("deu", "Artillerie"): "{}\n# kop\n- lijst\n+ plus\n1. genummerd\n> citaat\n| a | b |",
    ("fra", "Jungleschool"): "{}\r\nregel twee\u00a0met\u2003ruimte",
    ("nor", "Onderzeeboten"): "{}\nF-\n16 afgebroken\n\n\n\nna drie lege regels",
}


@pytest.fixture
def hostile_texts():
    """The hostile texts on themes and their 2016 texts, and on a section and the edition."""
    found = 0
    for (section, title), hostile in HOSTILE_TEXTS.items():
        for theme in Theme.objects.filter(section__key=section, title=title):
            found += 1
            description = hostile.format(theme.description)
            Theme.objects.filter(pk=theme.pk).update(description=description)
            ThemeEdition.objects.filter(theme=theme).update(description=description, paragraph="")
    assert found == len(HOSTILE_TEXTS)
    Section.objects.filter(key="deu").update(
        introduction="Cyber: dit is geen thema\nmaar een inleiding.\n\nSamenwerkingsgebieden "
        "met Mars\nen een regel."
    )
    edition = Edition.objects.get(year=2016)
    Edition.objects.filter(pk=edition.pk).update(
        introduction=edition.introduction + "\n\nSamenwerkingsgebieden met niemand\n(DMO)"
    )


def test_hostile_record_text_is_written_escaped_on_one_line_and_reads_back(hostile_texts):
    text = render_text(document())
    paragraphs = text.split("\n\n")
    # Every block is one paragraph: the title, the introduction, each section's heading with
    # its first introduction paragraph, the rest of the introductions, and each theme.
    sections = Section.objects.count()
    assert len(paragraphs) == 1 + 3 + sections + 3 + 114
    escaped = [line for line in text.splitlines() if line.startswith("\\")]
    # Every hostile theme but Doctrine, the edition's new paragraph and both of Germany's
    # introductions. Doctrine's description starts in lower case with a colon of its own
    # ("twee dingen: ..."): the parser ends the title at the first colon before a lower-case
    # lead sentence, so the plain paragraph reads back as the theme and needs no escape.
    assert len(escaped) == len(HOSTILE_TEXTS) - 1 + 3
    assert "\nDoctrine: twee dingen: ontwikkeling van gezamenlijke doctrines. (" in text
    assert "\\Cyber\\: dit is geen thema\\nmaar een inleiding." in text
    annex = parse_annex(text)
    assert [section.heading for section in annex.sections] == [
        expected.SECTION_HEADINGS[key] for key in expected.SECTION_KEYS
    ]
    parsed = {(t.title, t.description, t.commands) for t in annex.themes}
    stored = {
        (link.title, link.description, tuple(c for c in link.commands.split("|") if c))
        for link in ThemeEdition.objects.filter(edition__year=2016)
    }
    assert parsed == stored


def as_printed(tables):
    """The records, with each edition text's paragraph as it prints (the paragraph or, when
    the registry has none, "Title: description (CMDS)"): importing a text records the
    paragraph of every theme it could write as it is, and none of those it wrote escaped."""
    texts = []
    for section, title, year, text_title, description, commands, paragraph in tables["texts"]:
        codes = tuple(code for code in commands.split("|") if code)
        printed = paragraph or DocumentTheme(text_title, description, codes).text
        texts.append((section, title, year, text_title, description, commands, printed))
    return {**tables, "texts": texts}


def test_hostile_record_text_survives_a_round_trip_into_an_empty_registry(hostile_texts):
    text = render_text(document())
    before = records()
    empty_registry()
    import_text(text)
    assert as_printed(records()) == as_printed(before)


def test_hostile_record_text_imported_as_the_next_edition_changes_no_theme(hostile_texts):
    text = render_text(document())
    prepared = confirm_import(
        kind=ANNEX, data=text.encode(), file_name="bijlage.txt", edition=2017, user=None
    )
    assert prepared.errors == []
    assert (len(prepared.main.created), len(prepared.main.updated)) == (0, 0)
    assert prepared.main.missing == []

    def texts(year):
        return sorted(
            ThemeEdition.objects.filter(edition__year=year).values_list(
                "theme_id", "title", "description", "commands"
            )
        )

    assert texts(2017) == texts(2016)


def markdown_blocks(markdown):
    """The block tokens of a CommonMark reading of the text."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [token for token in tokens if token.block and token.type != "inline"]


def test_hostile_record_text_keeps_the_markdown_structure(hostile_texts):
    markdown = render_markdown(document())
    blocks = markdown_blocks(markdown)
    kinds = {token.type for token in blocks}
    assert kinds == {"heading_open", "heading_close", "paragraph_open", "paragraph_close"}
    headings = [token.tag for token in blocks if token.type == "heading_open"]
    assert headings == ["h1"] + ["h2"] * Section.objects.count()
    paragraphs = [token for token in blocks if token.type == "paragraph_open"]
    introductions = sum(
        len([p for p in s.introduction.split("\n\n") if p.strip()]) for s in Section.objects.all()
    )
    edition = Edition.objects.get(year=2016)
    assert len(paragraphs) == len(edition.introduction.split("\n\n")) + introductions + 114
    page = MarkdownIt("commonmark").render(markdown).replace("\xa0", "&nbsp;")
    assert "<br />\n~~~<br />\ncode?<br />\n~~~" in page
    assert "<br />\n&nbsp;&nbsp;&nbsp;&nbsp;ingesprongen regel" in page
    assert (
        "<br />\n# kop<br />\n- lijst<br />\n+ plus<br />\n1. genummerd<br />\n&gt; citaat" in page
    )


def test_the_markdown_appendix_escapes_the_theme_titles():
    text = ANNEX_TEXT.read_text(encoding="utf-8").replace(
        "cyber. (Defensie Cyber Commando)", "cyberoperaties. (Defensie Cyber Commando)", 1
    )
    import_text(text, year=2017)
    doc = edition_document(Edition.objects.get(year=2017), with_changes=True)
    doc.changes.changed.append("# F-35 *vet* (Samenwerkingsgebieden met de Verenigde Staten)")
    markdown = render_markdown(doc)
    blocks = markdown_blocks(markdown)
    assert [token.tag for token in blocks if token.type == "heading_open"].count("h1") == 1
    page = MarkdownIt("commonmark").render(markdown)
    item = "# F-35 *vet* (Samenwerkingsgebieden met de Verenigde Staten)"
    assert f"<li>\n<p>{item}</p>\n</li>" in page
