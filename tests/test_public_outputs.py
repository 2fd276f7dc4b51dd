"""Internal themes stay out of every public output, also when they are new, changed or gone
between two editions: the pages, the API, the downloads, the rendered annex with its appendix of
changes, and the admin's render download.

The two editions are built as staff build them: the 2016 annex is loaded, and the 2017 edition
is a themes file imported through the import service with ``edition=2017``. Beside the three
internal themes there are three public ones that are new, changed and gone in the same way, so
that every check also sees what must be there.
"""

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from registry.annex.renderer import RENDERERS
from registry.models import Agreement, Edition, Theme, ThemeEdition
from registry.resources import RESOURCES
from registry.roles import READERS
from registry.services.imports import confirm_import
from registry.tabular import export_bytes
from tests.admin_forms import logged_in

pytestmark = pytest.mark.django_db

INTERNAL_NEW = "Geheim nieuw samenwerkingsthema"
INTERNAL_CHANGED = "Lucht- en raketverdediging"
INTERNAL_GONE = "Luchtmobiele brigade"
INTERNAL_TEXT = "GEHEIM-"
PUBLIC_NEW = "Openbaar nieuw samenwerkingsthema"
PUBLIC_CHANGED = "Joint capaciteiten"
PUBLIC_GONE = "Uitwisseling van personeel"
PUBLIC_TEXT = "OPENBAAR-"
INTERNAL = [INTERNAL_NEW, INTERNAL_CHANGED, INTERNAL_GONE, INTERNAL_TEXT]
FORMATS = list(RENDERERS)


def exported_themes():
    """The themes as the export writes them: the column names, and a dict per row."""
    dataset = RESOURCES["themes"]().export()
    return dataset.headers, [dict(zip(dataset.headers, row, strict=True)) for row in dataset]


def import_themes(rows, headers, *, edition=None, archive_missing=False, user=None):
    dataset = RESOURCES["themes"]().export(Theme.objects.none())
    for row in rows:
        dataset.append([row.get(name, "") for name in headers])
    prepared = confirm_import(
        kind="themes",
        data=export_bytes(dataset, "csv"),
        file_name="themas.csv",
        edition=edition,
        archive_missing=archive_missing,
        user=user,
    )
    assert prepared.run is not None, prepared.errors
    return prepared.run


def new_row(title, text, *, internal):
    return {
        "section": "deu",
        "title": title,
        "description": f"{text}: een thema dat de editie van 2017 voor het eerst noemt.",
        "commands": "CLAS",
        "partners": "DEU",
        "status": "lopend",
        "is_internal": "ja" if internal else "nee",
    }


@pytest.fixture
def editions():
    """2016 as loaded; 2017 imported with a new, a changed and a gone theme, each internal once
    and public once. The internal ones are linked to an agreement, so that its pages could show
    them."""
    importer = logged_in("jaarlijkse-update")
    headers, rows = exported_themes()
    by_title = {row["title"]: row for row in rows if row["section"] == "deu"}
    # Before the 2017 edition, staff marked two existing themes internal.
    for title in (INTERNAL_CHANGED, INTERNAL_GONE):
        by_title[title]["is_internal"] = "ja"
    import_themes(rows, headers, user=importer.user)

    by_title[INTERNAL_CHANGED]["description"] += f" {INTERNAL_TEXT}GEWIJZIGD in 2017."
    by_title[PUBLIC_CHANGED]["description"] += f" {PUBLIC_TEXT}GEWIJZIGD in 2017."
    gone = {by_title[INTERNAL_GONE]["title"], by_title[PUBLIC_GONE]["title"]}
    rows_2017 = [row for row in rows if not (row["section"] == "deu" and row["title"] in gone)]
    rows_2017 += [
        new_row(INTERNAL_NEW, f"{INTERNAL_TEXT}NIEUW", internal=True),
        new_row(PUBLIC_NEW, f"{PUBLIC_TEXT}NIEUW", internal=False),
    ]
    import_themes(rows_2017, headers, edition=2017, archive_missing=True, user=importer.user)

    agreement = Agreement.objects.get(slug="duits-nederlandse-declaration-of-intent-2013")
    agreement.themes.add(*Theme.objects.filter(section__key="deu", is_internal=True))
    cache.clear()  # the overview's figures are kept by the newest history ids
    return Edition.objects.get(year=2016), Edition.objects.get(year=2017)


def assert_public_only(text, *expected):
    """No trace of an internal theme; the public ones that belong there are there."""
    for marker in INTERNAL:
        assert marker not in text, marker
    for marker in expected:
        assert marker in text, marker


def test_the_editions_hold_what_the_outputs_are_tested_with(editions):
    older, newer = editions

    def texts(edition):
        links = ThemeEdition.objects.filter(edition=edition, theme__section__key="deu")
        return {link.theme.title: link for link in links.select_related("theme")}

    texts_2016, texts_2017 = texts(older), texts(newer)
    for title in (INTERNAL_NEW, PUBLIC_NEW):
        assert title in texts_2017
        assert title not in texts_2016
    for title in (INTERNAL_GONE, PUBLIC_GONE):
        assert title in texts_2016
        assert title not in texts_2017
    for title in (INTERNAL_CHANGED, PUBLIC_CHANGED):
        assert texts_2016[title].description != texts_2017[title].description
    internal = set(
        Theme.objects.filter(is_internal=True, section__key="deu").values_list("title", flat=True)
    )
    assert internal == {INTERNAL_NEW, INTERNAL_CHANGED, INTERNAL_GONE}


def current_count(**lookups):
    """The number of current public themes, counted here rather than by the registry's code."""
    themes = Theme.objects.filter(is_internal=False, is_archived=False, **lookups)
    everything = Theme.objects.filter(is_archived=False, **lookups)
    assert everything.distinct().count() > themes.distinct().count()  # internal ones to leave out
    return themes.distinct().count()


def slug_of(title):
    return Theme.objects.get(section__key="deu", title=title).slug


# The public pages -------------------------------------------------------------------------------

AGREEMENT = "duits-nederlandse-declaration-of-intent-2013"
PAGES = {
    "listing": ("/themas/?section=deu", [PUBLIC_NEW, PUBLIC_CHANGED]),
    "listing with the archive": (
        "/themas/?section=deu&archive=alle",
        [PUBLIC_NEW, PUBLIC_CHANGED, PUBLIC_GONE],
    ),
    "the archive": ("/themas/?archive=archief", [PUBLIC_GONE]),
    "edition 2017": ("/themas/?edition=2017&section=deu", [PUBLIC_NEW, PUBLIC_CHANGED]),
    "edition 2016": ("/themas/?edition=2016&section=deu&archive=alle", [PUBLIC_GONE]),
    "search": ("/themas/?q=samenwerkingsthema", [PUBLIC_NEW]),
    "partner and command": ("/themas/?partner=DEU&command=CLAS", [PUBLIC_NEW]),
    "agreement kind": ("/themas/?agreement=doi&archive=alle", []),
    "section": ("/secties/deu/", [PUBLIC_NEW, PUBLIC_CHANGED]),
    "partner": ("/partners/DEU/", [PUBLIC_NEW, PUBLIC_CHANGED]),
    "command": ("/commandos/CLAS/", [PUBLIC_NEW]),
    "agreement": (f"/overeenkomsten/{AGREEMENT}/", []),
    "agreements": ("/overeenkomsten/", []),
    "agreement time line": ("/overeenkomsten/tijdlijn/", []),
    "partner map": ("/partners/kaart/", []),
    "overview": ("/", []),
    "sections": ("/secties/", []),
    "partners": ("/partners/", []),
    "commands": ("/commandos/", []),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_public_pages_show_only_public_themes(editions, client, page):
    url, expected = PAGES[page]
    response = client.get(url)
    assert response.status_code == 200
    assert_public_only(response.content.decode(), *expected)


def test_a_theme_page_lists_only_public_themes_among_the_others(editions, client):
    response = client.get(f"/themas/deu/{slug_of(PUBLIC_CHANGED)}/")
    assert [theme.title for theme in response.context["siblings"]].count(PUBLIC_NEW) == 1
    assert_public_only(response.content.decode(), PUBLIC_CHANGED, PUBLIC_NEW)


@pytest.mark.parametrize("title", [INTERNAL_NEW, INTERNAL_CHANGED, INTERNAL_GONE])
def test_an_internal_theme_has_no_page_and_no_api_detail(editions, client, title):
    slug = slug_of(title)
    assert client.get(f"/themas/deu/{slug}/").status_code == 404
    assert client.get(f"/api/v1/themes/deu/{slug}/").status_code == 404


def test_the_counts_count_only_current_public_themes(editions, client):
    cache.clear()
    overview = client.get("/").context
    sections = {section.key: section.theme_count for section in overview["sections"]}
    assert sections["deu"] == current_count(section__key="deu")
    row = next(row for row in overview["rows"] if row["partner"].code == "DEU")
    clas = next(cell["count"] for cell in row["cells"] if cell["command"].code == "CLAS")
    assert clas == current_count(partners__code="DEU", theme_commands__command__code="CLAS")

    listed = {s.key: s.theme_count for s in client.get("/secties/").context["sections"]}
    assert listed["deu"] == current_count(section__key="deu")
    partners = {p.code: p.theme_count for p in client.get("/partners/").context["partners"]}
    assert partners["DEU"] == current_count(partners__code="DEU")
    commands = {c.code: c.theme_count for c in client.get("/commandos/").context["commands"]}
    assert commands["CLAS"] == current_count(theme_commands__command__code="CLAS")


# The API ----------------------------------------------------------------------------------------

API = {
    "themes": ("/api/v1/themes/?section=deu&archive=alle", [PUBLIC_NEW, PUBLIC_GONE]),
    "themes of 2017": ("/api/v1/themes/?edition=2017", [PUBLIC_NEW, PUBLIC_CHANGED]),
    "themes with a partner": ("/api/v1/themes/?partner=DEU&command=CLAS", [PUBLIC_NEW]),
    "agreement": (f"/api/v1/agreements/{AGREEMENT}/", []),
    "agreements": ("/api/v1/agreements/", []),
}


@pytest.mark.parametrize("endpoint", list(API))
def test_the_api_shows_only_public_themes(editions, client, endpoint):
    url, expected = API[endpoint]
    response = client.get(url)
    assert response.status_code == 200
    assert_public_only(response.content.decode(), *expected)


def test_the_api_detail_of_a_public_theme_and_its_counts(editions, client):
    theme = client.get(f"/api/v1/themes/deu/{slug_of(PUBLIC_CHANGED)}/").json()
    assert f"{PUBLIC_TEXT}GEWIJZIGD" in theme["description"]
    section = client.get("/api/v1/sections/deu/").json()
    assert section["theme_count"] == current_count(section__key="deu")
    partner = client.get("/api/v1/partners/DEU/").json()
    assert partner["theme_count"] == current_count(partners__code="DEU")
    command = client.get("/api/v1/commands/CLAS/").json()
    assert command["theme_count"] == current_count(theme_commands__command__code="CLAS")


# Downloads --------------------------------------------------------------------------------------


def download_text(response, file_format):
    if file_format == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("query", ["section=deu&archive=alle", "edition=2017", "archive=archief"])
def test_downloads_hold_only_public_themes(editions, client, file_format, query):
    response = client.get(f"/themas/download.{file_format}?{query}")
    assert response.status_code == 200
    expected = {
        "section=deu&archive=alle": [PUBLIC_NEW, PUBLIC_CHANGED, PUBLIC_GONE],
        "edition=2017": [PUBLIC_NEW, f"{PUBLIC_TEXT}GEWIJZIGD"],
        "archive=archief": [PUBLIC_GONE],
    }[query]
    assert_public_only(download_text(response, file_format), *expected)


# The rendered annex -----------------------------------------------------------------------------


def rendered(*arguments, tmp_path):
    output = tmp_path / "bijlage"
    call_command("render_annex", *arguments, "--output", str(output), verbosity=0)
    return document_text(output.read_bytes())


def document_text(data):
    if data.startswith(b"PK"):  # a Word document: its text is in word/document.xml
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("word/document.xml").decode("utf-8")
    return data.decode("utf-8")


# (edition, with the appendix of changes): what the document must hold.
DOCUMENTS = {
    (2017, True): [PUBLIC_NEW, PUBLIC_CHANGED, PUBLIC_GONE, f"{PUBLIC_TEXT}GEWIJZIGD"],
    (2017, False): [PUBLIC_NEW, f"{PUBLIC_TEXT}NIEUW", f"{PUBLIC_TEXT}GEWIJZIGD"],
    (2016, True): [PUBLIC_GONE, PUBLIC_CHANGED],
    (2016, False): [PUBLIC_GONE, PUBLIC_CHANGED],
}


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(("edition", "changes"), list(DOCUMENTS))
def test_render_annex_writes_only_public_themes(editions, tmp_path, file_format, edition, changes):
    arguments = ["--edition", str(edition), "--format", file_format]
    text = rendered(*arguments, *(["--changes"] if changes else []), tmp_path=tmp_path)
    assert_public_only(text, *DOCUMENTS[(edition, changes)])
    if (edition, changes) == (2017, True):
        # The appendix names the public theme that is gone: the text of 2017 does not.
        assert text.count(PUBLIC_GONE) == 1


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(("edition", "changes"), list(DOCUMENTS))
def test_the_admins_render_download_writes_only_public_themes(
    editions, file_format, edition, changes
):
    reader = logged_in("lezer", role=READERS)
    pk = Edition.objects.get(year=edition).pk
    url = reverse("admin:registry_edition_render", args=[pk, file_format])
    response = reader.get(url + ("?changes=1" if changes else ""))
    assert response.status_code == 200
    assert_public_only(document_text(response.content), *DOCUMENTS[(edition, changes)])


def test_the_staffs_comparison_of_editions_still_shows_every_theme(editions):
    """The admin's comparison is for staff, who see internal themes everywhere in the admin."""
    reader = logged_in("lezer", role=READERS)
    older, newer = editions
    page = reader.get(reverse("admin:registry_edition_compare", args=[older.pk, newer.pk]))
    text = page.content.decode()
    for title in (INTERNAL_NEW, INTERNAL_CHANGED, INTERNAL_GONE, PUBLIC_NEW):
        assert title in text
