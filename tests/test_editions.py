"""The editions' pages, a theme's texts per edition, the parliamentary source and its citation.

The 2016 annex is loaded for every test; ``edition_2017`` adds a second edition in which one
theme's text changed, one theme is new, one is gone, and internal themes changed, came and went.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Edition, Section, Theme, ThemeEdition

pytestmark = pytest.mark.django_db

CHANGED_TEXT = "Een geheel nieuwe zin over helikopters en vliegers."


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def add_theme(title, *, internal=False, section="benelux"):
    return Theme.objects.create(
        section=Section.objects.get(key=section),
        title=title,
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        description=f"De tekst van {title}.",
        is_internal=internal,
    )


def text_in(edition, theme, **fields):
    values = {"title": theme.title, "description": theme.description, **fields}
    return ThemeEdition.objects.create(theme=theme, edition=edition, **values)


@pytest.fixture
def edition_2017():
    """2017: every 2016 text again, except that one public theme changed its text, one public
    and one internal theme are gone, an internal theme changed, and a public and an internal
    theme are new."""
    older = Edition.objects.get(year=2016)
    newer = Edition.objects.create(
        year=2017,
        title="Bijlage 2: Overzicht van samenwerkingsthema’s",
        dossier_number="33 279",
        document_number="25",
        document_date=date(2017, 11, 1),
        appendix="Bijlage 2",
        source_url="https://zoek.officielebekendmakingen.nl/kst-33279-25.html",
    )
    benelux = list(Theme.objects.filter(section__key="benelux").order_by("position"))
    changed, gone, internal_changed, internal_gone = benelux[:4]
    Theme.objects.filter(pk__in=[internal_changed.pk, internal_gone.pk]).update(is_internal=True)
    texts = []
    for text in ThemeEdition.objects.filter(edition=older).select_related("theme"):
        if text.theme_id in (gone.pk, internal_gone.pk):
            continue
        description = text.description
        if text.theme_id in (changed.pk, internal_changed.pk):
            description = CHANGED_TEXT
        texts.append(
            ThemeEdition(
                theme=text.theme,
                edition=newer,
                title=text.title,
                description=description,
                commands=text.commands,
                page=7 if text.theme_id == changed.pk else None,
            )
        )
    ThemeEdition.objects.bulk_create(texts)
    new = add_theme("Nieuwe drone-samenwerking")
    new_internal = add_theme("Geheim nieuw project", internal=True)
    text_in(newer, new)
    text_in(newer, new_internal)
    return {
        "edition": newer,
        "changed": changed,
        "gone": gone,
        "new": new,
        "internal": [internal_changed, internal_gone, new_internal],
    }


def part(page, start, end=None):
    """The page from the heading with id ``start`` to the one with id ``end``."""
    begin = page.index(f'id="{start}"')
    return page[begin : page.index(f'id="{end}"', begin) if end else None]


def test_edition_page_shows_what_is_new_changed_and_gone(client, edition_2017):
    english(client)
    page = client.get(reverse("registry:edition_detail", args=[2017])).content.decode()

    new, changed, gone = (
        part(page, "nieuw", "gewijzigd"),
        part(page, "gewijzigd", "vervallen"),
        part(page, "vervallen"),
    )
    assert edition_2017["new"].get_absolute_url() in new
    assert edition_2017["changed"].get_absolute_url() not in new
    assert edition_2017["changed"].get_absolute_url() in changed
    assert edition_2017["gone"].get_absolute_url() in gone
    assert "New theme (1)" in new
    assert changed.count('class="edition-text"') == 1
    assert gone.count('<li><a href="/themas/') == 1
    assert "<ins>" in changed
    assert CHANGED_TEXT.split()[-1] in changed


def test_edition_page_leaves_internal_themes_out(client, edition_2017):
    page = client.get(reverse("registry:edition_detail", args=[2017])).content.decode()

    for theme in edition_2017["internal"]:
        assert theme.get_absolute_url() not in page
        assert theme.title not in page


def test_edition_page_counts_only_public_themes(client, edition_2017):
    english(client)
    page = client.get(reverse("registry:edition_detail", args=[2017])).content.decode()

    unchanged = ThemeEdition.objects.filter(edition__year=2017, theme__is_internal=False).count()
    unchanged -= 2  # the new one and the changed one
    assert f"1 new, 1 changed, 1 gone and {unchanged} unchanged" in page


def test_word_diff_tells_screen_readers_where_changes_begin_and_end(client, edition_2017):
    english(client)
    page = client.get(reverse("registry:edition_detail", args=[2017])).content.decode()

    changed = part(page, "gewijzigd", "vervallen")
    assert '<ins><span class="visually-hidden" lang="en">[added: </span>' in changed
    assert '<del><span class="visually-hidden" lang="en">[deleted: </span>' in changed
    assert '<span class="visually-hidden" lang="en"> end of addition]</span></ins>' in changed
    assert "struck-through text" in page  # the legend says what the marks mean


def test_first_edition_lists_its_public_themes(client):
    internal = Theme.objects.filter(section__key="deu").first()
    Theme.objects.filter(pk=internal.pk).update(is_internal=True)

    english(client)
    page = client.get(reverse("registry:edition_detail", args=[2016])).content.decode()

    public = ThemeEdition.objects.filter(edition__year=2016, theme__is_internal=False).count()
    assert f"it holds {public} public themes." in page
    assert len(re.findall(r'<li><a href="/themas/[^/"]+/[^/"]+/"', page)) == public
    assert internal.get_absolute_url() not in page


def test_edition_page_needs_a_fixed_number_of_queries(client, edition_2017):
    url = reverse("registry:edition_detail", args=[2017])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(10):
        text_in(edition_2017["edition"], add_theme(f"Nog een nieuw thema {number}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("Nog een nieuw thema") == 10
    assert len(many) == len(few) == 4


def test_edition_list_shows_each_edition_with_its_source(client, edition_2017):
    english(client)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("registry:edition_list")).content.decode()

    assert page.index('href="/edities/2017/"') < page.index('href="/edities/2016/"')
    assert "<cite>Kamerstuk 33 279, nr. 19, of 29 November 2016, Bijlage 2</cite>" in page
    assert "<cite>Kamerstuk 33 279, nr. 25, of 1 November 2017, Bijlage 2</cite>" in page
    assert len(queries) == 1


def test_the_2016_fixture_records_the_parliamentary_source():
    edition = Edition.objects.get(year=2016)

    assert edition.citation() == "Kamerstuk 33 279, nr. 19, van 29 november 2016, Bijlage 2"
    assert edition.source_url == "https://zoek.officielebekendmakingen.nl/kst-33279-19.html"


def test_theme_page_cites_its_source_with_the_page(client, edition_2017):
    theme = edition_2017["changed"]
    page = client.get(theme.get_absolute_url()).content.decode()

    citation = "Kamerstuk 33 279, nr. 25, van 1 november 2017, Bijlage 2, p. 7"
    assert f'<span class="source-label">Bron:</span> <cite>{citation}</cite>' in page
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-33279-25.html"' in page
    # the citation to copy, as plain text with the address
    assert f"{citation}. https://zoek.officielebekendmakingen.nl/kst-33279-25.html</p>" in page
    # and each edition's own source below its text
    assert "<cite>Kamerstuk 33 279, nr. 19, van 29 november 2016, Bijlage 2</cite>" in page


def test_theme_page_shows_its_text_in_each_edition_and_what_changed(client, edition_2017):
    theme = edition_2017["changed"]
    english(client)
    page = client.get(theme.get_absolute_url()).content.decode()

    editions = part(page, "in-de-edities")
    assert editions.index('id="editie-2017"') < editions.index('id="editie-2016"')
    assert "Changed since the edition of 2016:" in editions
    assert "<del>" in editions
    assert "<ins>" in editions
    assert ThemeEdition.objects.get(theme=theme, edition__year=2016).description.split()[0] in (
        editions
    )


def test_theme_page_says_when_its_text_did_not_change(client, edition_2017):
    unchanged = Theme.objects.filter(section__key="deu").first()
    english(client)
    page = client.get(unchanged.get_absolute_url()).content.decode()

    assert "Unchanged since the edition of 2016." in page
    assert "<ins>" not in part(page, "in-de-edities", "editie-2016")


def test_admin_edits_the_source_of_an_edition(admin_client):
    edition = Edition.objects.get(year=2016)
    page = admin_client.get(
        reverse("admin:registry_edition_change", args=[edition.pk])
    ).content.decode()

    for field in ("dossier_number", "document_number", "document_date", "appendix", "source_url"):
        assert f'name="{field}"' in page
    assert "Dossiernummer" in page


def test_navigation_links_the_editions(client):
    page = client.get(reverse("registry:overview")).content.decode()

    assert f'<a href="{reverse("registry:edition_list")}">Edities</a>' in page


def test_the_editions_spreadsheet_reads_the_document_date():
    from datetime import datetime

    from django.core.exceptions import ValidationError

    from registry.columns import DayKind

    kind = DayKind()
    assert kind.clean("2016-11-29") == date(2016, 11, 29)
    assert kind.clean(datetime(2016, 11, 29)) == date(2016, 11, 29)  # an XLSX date cell
    assert kind.clean("") is None
    assert kind.render(date(2016, 11, 29)) == "2016-11-29"
    with pytest.raises(ValidationError):
        kind.clean("29-11-2016")


def test_theme_page_reads_its_editions_in_one_query_however_many(client):
    theme = Theme.objects.filter(section__key="deu").first()
    client.get(theme.get_absolute_url())  # what the first request of a session caches
    with CaptureQueriesContext(connection) as one:
        client.get(theme.get_absolute_url())
    for year in (2017, 2018, 2019):
        text_in(Edition.objects.create(year=year, title="Bijlage 2"), theme, description=f"{year}")
    with CaptureQueriesContext(connection) as four:
        page = client.get(theme.get_absolute_url()).content.decode()

    assert page.count('class="edition-text"') == 4
    assert len(four) == len(one)
