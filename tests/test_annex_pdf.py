"""The annex as published: a PDF with running headers, page numbers and paragraphs broken across
pages, brought in through the same plan → preview → confirm path as the text."""

import io
import itertools
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pdfminer.high_level import extract_text

from registry.annex.parser import parse_annex
from registry.models import ImportRun, Theme, ThemeEdition
from registry.services.imports import ANNEX, confirm_import, pdf_reader, prepare_import
from registry.services.imports.files import UnreadableFile, read_annex
from tests import annex_pdf
from tests.conftest import ANNEX_TEXT
from tests.test_render import empty_registry, records

pytestmark = pytest.mark.django_db
TERMINAL = (".", ")", ":", ";", "!", "?")


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; ``test_the_messages_are_in_dutch`` reads one in Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def pdf():
    return annex_pdf.annex_pdf()


@pytest.fixture(scope="module")
def pdf_text(pdf):
    return read_annex(pdf, "bijlage-2-2016.pdf")


def import_pdf(data, name="bijlage-2-2016.pdf", year=2016):
    return confirm_import(kind=ANNEX, data=data, file_name=name, edition=year, user=None)


def pages_of(data):
    """Each page's text as pdfminer's plain extraction gives it: an oracle independent of ours."""
    count = len(re.findall(rb"/Type /Page\b", data))
    return [extract_text(io.BytesIO(data), page_numbers=[n]) for n in range(count)]


def test_the_pdf_has_several_pages_with_header_footer_and_a_paragraph_across_a_page_break(pdf):
    pages = pages_of(pdf)
    assert len(pages) > 5
    assert all(annex_pdf.HEADER in page for page in pages)
    assert all(f"Pagina {n} van {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_the_text_has_no_running_header_or_page_numbers(pdf_text):
    assert str(pdf_text.encoding) == "PDF"
    assert "Tweede Kamer" not in pdf_text.text
    assert "Pagina" not in pdf_text.text
    assert len(pdf_text.pages) == len(pdf_text.text.split("\n"))


def test_a_paragraph_broken_across_pages_is_joined(pdf_text):
    breaks = pdf_text.text.split("\n\n\n")
    joined = 0
    descriptions = [theme.description for theme in parse_annex(pdf_text.text).themes]
    for before, after in itertools.pairwise(breaks):
        last, first = before.split("\n")[-1], after.split("\n")[0]
        if not last.endswith(TERMINAL):
            joined += 1
            assert any(f"{last} {first}" in description for description in descriptions)
    assert joined >= 2


def test_importing_the_pdf_into_an_empty_registry_gives_the_2016_records(pdf):
    before = records()
    empty_registry()
    prepared = import_pdf(pdf)
    assert prepared.errors == []
    assert prepared.file_format == "pdf"
    assert records() == before
    assert prepared.run.file_format == "pdf"


def test_importing_the_pdf_after_the_text_changes_nothing_but_the_pages(pdf):
    before = records()
    assert not ThemeEdition.objects.exclude(page=None).exists()
    preview = prepare_import(kind=ANNEX, data=pdf, file_name="b.pdf", edition=2016)
    assert preview.errors == []
    for plan in preview.plans:
        assert (plan.created, plan.updated) == ([], []), plan.model
    import_pdf(pdf)
    assert records() == before
    assert ThemeEdition.objects.filter(edition__year=2016, page=None).count() == 0
    # and again: nothing at all is written
    stored = list(ThemeEdition.objects.values_list("pk", "page").order_by("pk"))
    import_pdf(pdf)
    assert list(ThemeEdition.objects.values_list("pk", "page").order_by("pk")) == stored


def test_each_theme_knows_the_page_where_it_begins(pdf):
    import_pdf(pdf)
    pages = [" ".join(text.split()) for text in pages_of(pdf)]
    links = ThemeEdition.objects.filter(edition__year=2016).order_by(
        "theme__section__position", "theme__position"
    )
    known = [
        links.get(theme__section__key="benelux", theme__title="Helikopters"),
        links.get(theme__section__key="gbr", theme__title="UK/NL Amphibious Force"),
        links.last(),
    ]
    for link in known:
        start = " ".join(f"{link.title}: {link.description}".split()[:8])
        where = [number for number, text in enumerate(pages, start=1) if start in text]
        assert len(where) == 1, start
        assert link.page == where[0], link
    assert [link.page for link in known][::2] == [1, len(pages)]
    assert 1 < known[1].page < len(pages)


def test_a_text_import_keeps_the_page_only_where_the_paragraph_is_unchanged(pdf):
    import_pdf(pdf)
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    changed = text.replace("leerlingen worden uitgewisseld", "leerlingen worden vaak uitgewisseld")
    assert changed != text
    prepared = confirm_import(
        kind=ANNEX, data=changed.encode(), file_name="b.txt", edition=2016, user=None
    )
    assert prepared.errors == []
    assert ThemeEdition.objects.get(theme__title="Gevechtsleiders luchtmacht").page is None
    assert ThemeEdition.objects.get(theme__title="Helikopters").page == 1
    assert ThemeEdition.objects.filter(page=None).count() == 1


@pytest.mark.parametrize(
    "footer",
    [
        "{page}",
        "- {page} -",
        "blz. {page}",
        "{page}/{total}",
        # on odd pages one form, on even pages another: neither repeats on most pages
        ("- {page} -", "Pagina {page}"),
        ("{page} van {total}", "{page}"),
    ],
)
def test_page_numbers_in_their_usual_forms_are_left_out(footer, pdf_text):
    """The footer takes no room from the text: without it the text is the same as with "Pagina"."""
    data = annex_pdf.annex_pdf(footer=footer)
    even = footer if isinstance(footer, str) else footer[1]
    assert even.format(page=2, total=11) in pages_of(data)[1]
    assert read_annex(data, "a.pdf").text == pdf_text.text


def refusal(data, name="b.pdf"):
    before = (records(), ImportRun.objects.count())
    prepared = import_pdf(data, name)
    assert prepared.run is None
    assert (records(), ImportRun.objects.count()) == before
    (error,) = prepared.errors
    return error.message


def test_a_scanned_pdf_is_refused():
    message = refusal(annex_pdf.scanned_pdf(), "scan.pdf")
    assert message.startswith("Page 1 of scan.pdf has no text, only an image")


def test_an_encrypted_pdf_is_refused():
    message = refusal(annex_pdf.annex_pdf(encrypt="geheim"), "dicht.pdf")
    assert message.startswith("dicht.pdf is protected with a password")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 3],
        lambda data: data[:2000] + bytes(5000) + data[7000:],
        lambda data: b"%PDF-1.4\n" + bytes(range(256)) * 10,
    ],
)
def test_a_damaged_pdf_is_refused(pdf, damage):
    message = refusal(damage(pdf), "kapot.pdf")
    assert "kapot.pdf" in message
    assert "damaged" in message


def test_a_file_that_is_no_pdf_is_refused():
    assert refusal(b"Bijlage 2", "tekst.pdf") == "tekst.pdf is not a PDF file."


def test_too_many_pages_are_refused_before_any_page_is_read(monkeypatch):
    data = annex_pdf.pages_pdf(pdf_reader.MAX_PAGES + 1)

    def no_page_is_read(*args, **kwargs):
        raise AssertionError("a page was read")

    monkeypatch.setattr(pdf_reader, "_blocks", no_page_is_read)
    message = refusal(data, "dik.pdf")
    assert (
        message == "dik.pdf has more than 500 pages; an annex of at most 500 pages can be imported."
    )


def test_more_text_than_an_annex_is_refused(monkeypatch, pdf):
    monkeypatch.setattr(pdf_reader, "MAX_TEXT_CHARS", 10_000)
    message = refusal(pdf)
    assert message == (
        "b.pdf holds more than 10,000 characters of text (passed on page 3); an annex holds far "
        "less."
    )


def test_a_page_that_unpacks_to_too_much_is_refused(monkeypatch, pdf):
    monkeypatch.setattr(pdf_reader, "MAX_PAGE_CONTENT_BYTES", 2000)
    with pytest.raises(UnreadableFile, match=r"^Page 1 of b\.pdf unpacks to more than 0 MB"):
        read_annex(pdf, "b.pdf")


def test_the_messages_are_in_dutch():
    with translation.override("nl"), pytest.raises(UnreadableFile) as caught:
        read_annex(annex_pdf.scanned_pdf(), "scan.pdf")
    assert str(caught.value).startswith("Pagina 1 van scan.pdf bevat geen tekst, alleen een")


def test_the_command_line_imports_the_pdf_and_refuses_a_scan(tmp_path, pdf):
    path = tmp_path / "bijlage.pdf"
    path.write_bytes(pdf)
    out = io.StringIO()
    call_command("import_annex", str(path), "--edition", "2016", stdout=out)
    assert "0 new, 0 changed, 114 unchanged, 0 missing" in out.getvalue()
    assert ThemeEdition.objects.exclude(page=None).count() == 114
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(annex_pdf.scanned_pdf())
    err = io.StringIO()
    before = ImportRun.objects.count()
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command(
            "import_annex", str(scan), "--edition", "2016", stdout=io.StringIO(), stderr=err
        )
    assert "Page 1 of scan.pdf has no text, only an image" in err.getvalue()
    assert ImportRun.objects.count() == before


def test_the_admin_previews_and_confirms_a_pdf_and_refuses_an_encrypted_one(admin_client, pdf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:registry_theme_import")
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(url)
    assert 'accept=".csv,.xlsx,.json,.yaml,.yml,.txt,.pdf,.docx"' in page.content.decode()
    response = admin_client.post(
        url,
        {"file": SimpleUploadedFile("bijlage.pdf", pdf), "edition": "2016"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The text was taken from the PDF, without its running headers" in content
    token = response.context["token"]
    admin_client.post(url, {"confirm": "1", "token": token})
    assert ImportRun.objects.filter(file_format="pdf").count() == 1
    assert ThemeEdition.objects.exclude(page=None).count() == 114
    theme = Theme.objects.get(title="Helikopters")
    change = admin_client.get(reverse("admin:registry_theme_change", args=[theme.pk]))
    assert "Edition 2016, page 1 of the PDF" in change.content.decode()

    before = records()
    locked = admin_client.post(
        url,
        {
            "file": SimpleUploadedFile("dicht.pdf", annex_pdf.annex_pdf(encrypt="x")),
            "edition": "2016",
        },
    )
    assert "dicht.pdf is protected with a password" in locked.content.decode()
    assert records() == before
    assert ImportRun.objects.count() == 1


def test_a_pdf_over_the_upload_limit_is_refused_by_its_size_before_it_is_read(
    monkeypatch, pdf, tmp_path
):
    def never(*args, **kwargs):
        raise AssertionError("the PDF was read")

    monkeypatch.setattr(pdf_reader, "read_pdf", never)
    big = pdf + b"%" + b"x" * (5 * 1024 * 1024)
    message = refusal(big, "groot.pdf")
    assert message == "The file is 5.0 MB; files of at most 5 MB can be uploaded."
    path = tmp_path / "groot.pdf"
    path.write_bytes(big)
    with pytest.raises(CommandError, match=r"^The file is 5\.0 MB"):
        call_command("import_annex", str(path), "--edition", "2016")
