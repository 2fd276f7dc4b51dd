"""The public pages: filters, details, overview, downloads, visibility and query counts."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from registry.filters import DEFENCE_WIDE
from registry.models import Agreement, Command, Partner, Section, Theme
from registry.services.themes import theme_set_commands
from registry.tabular import read_table

pytestmark = pytest.mark.django_db

LIST = reverse("registry:theme_list")


def titles(response):
    return [str(theme) for theme in response.context["page"].object_list]


def count(response):
    return response.context["page"].paginator.count


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def add_themes(number):
    """More themes with commands and partners, to show that query counts do not grow."""
    section = Section.objects.get(key="nato")
    partners = list(Partner.objects.all()[:5])
    commands = list(Command.objects.all()[:3])
    for index in range(number):
        theme = Theme.objects.create(
            section=section, title=f"Extra {index}", slug=f"extra-{index}", description="Tekst."
        )
        theme.partners.set(partners)
        theme_set_commands(theme=theme, commands=commands)
        theme.editions.add(
            *section.themes.first().editions.all(),
            through_defaults={"title": theme.title, "description": theme.description},
        )


def test_listing_shows_the_current_themes_in_section_order(client):
    response = client.get(LIST)
    assert count(response) == 114
    assert titles(response)[:2] == ["Helikopters (benelux)", "Gevechtsleiders luchtmacht (benelux)"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=usa", 5),
        ("partner=AUS", 2),
        ("command=DCC", 1),
        ("command=defensiebreed", Theme.objects.none),
        ("status=completed", 1),
        ("dutch_role=lead_nation", 5),
        ("framework=eu_eda", 15),
        ("agreement=mou", 2),
        ("edition=2016", 114),
        ("partner=DEU&command=CLAS", 14),
        ("partner=DEU&command=CLAS&status=exploratory", 0),
    ],
)
def test_filters_combine(client, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    if callable(expected):
        expected = sum(1 for theme in Theme.objects.all() if theme.is_defence_wide)
    assert count(response) == expected


def test_search_finds_words_in_titles_and_descriptions(client):
    found = titles(client.get(f"{LIST}?q=helikopter"))
    assert "Helikopters (benelux)" in found
    assert "Gevechtsleiders luchtmacht (benelux)" not in found


def test_search_on_postgresql_is_dutch_full_text_and_ranked(client):
    found = titles(client.get(f"{LIST}?q=helikopters onderhoud"))
    assert found
    if connection.vendor == "postgresql":
        # Stemming: "onderhoud" and "helikopters" match inflected forms; best match first.
        assert found[0] == "Helikopters (benelux)"


def test_sorting(client):
    by_title = titles(client.get(f"{LIST}?sort=titel"))
    expected = Theme.objects.select_related("section").order_by("title", "pk")[:25]
    assert [theme.title for theme in expected] == [title.rsplit(" (", 1)[0] for title in by_title]
    by_year = client.get(f"{LIST}?sort=-streefjaar&section=deu").context["page"].object_list
    years = [theme.target_year for theme in by_year if theme.target_year]
    assert years == sorted(years, reverse=True)


def test_filters_are_carried_by_the_url_and_paging_keeps_them(client):
    response = client.get(f"{LIST}?command=defensiebreed&pagina=2")
    assert response.context["page"].number == 2
    assert "?command=defensiebreed&amp;pagina=1" in response.content.decode()
    response = client.get(f"{LIST}?pagina=2")
    assert response.context["page"].number == 2
    assert "pagina=3" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["section=mars", "partner=XXX", "status=klaar", "edition=1800", "sort=kleur"]
)
def test_invalid_filter_values_give_a_clear_message(client, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_detail_pages(client):
    theme = Theme.objects.get_by_natural_key("deu", "Medegebruik JSS")
    page = client.get(theme.get_absolute_url()).content.decode()
    assert theme.description in page
    assert "Letter of Intent medegebruik JSS" in page
    assert "Operationele integratie Seebataillon" in page  # the other themes of the section
    assert reverse("registry:theme_detail", args=["deu", "medegebruik-jss"]) == (
        "/themas/deu/medegebruik-jss/"
    )
    for record in [
        Partner.objects.get(code="DEU"),
        Command.objects.get(code="CLAS"),
        Agreement.objects.get(slug="mou-joint-expeditionary-force-2015"),
        Section.objects.get(key="nato"),
    ]:
        assert client.get(record.get_absolute_url()).status_code == 200
    agreement = client.get("/overeenkomsten/overeenkomst-korps-mariniers-lichte-brigade-2016/")
    assert "juni 2016" in agreement.content.decode()


def test_overview_matrix_links_to_the_filtered_listing(client):
    page = client.get(reverse("registry:overview")).content.decode()
    assert "?partner=DEU&amp;command=CLAS" in page
    rows = {row["partner"].code: row for row in client.get("/").context["rows"]}
    clas = next(cell for cell in rows["DEU"]["cells"] if cell["command"].code == "CLAS")
    assert clas["count"] == count(client.get(f"{LIST}?partner=DEU&command=CLAS"))
    defence_wide = count(client.get(f"{LIST}?partner=NATO&command=defensiebreed"))
    assert rows["NATO"]["defence_wide"] == defence_wide


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_downloads_are_exactly_what_is_filtered(client, file_format):
    url = reverse("registry:theme_download", args=[file_format]) + "?partner=DEU&command=CLAS"
    response = client.get(url)
    assert response.status_code == 200
    table = read_table(response.content, f"themas.{file_format}")
    assert len(table.rows) == 14
    assert {row["section"] for row in table.rows} <= {"benelux", "deu", "nor"}


def test_a_download_can_be_imported_again_unchanged(client, admin_client):
    data = client.get(reverse("registry:theme_download", args=["csv"]) + "?section=usa").content
    handle = io.BytesIO(data)
    handle.name = "download.csv"
    response = admin_client.post(reverse("admin:registry_theme_import"), {"file": handle})
    assert response.context["counts"]["unchanged"] == 5
    assert response.context["counts"]["updated"] == 0


def test_downloads_neutralise_formulas(client):
    Theme.objects.filter(section__key="usa", title="F-35").update(description="=1+1")
    data = client.get(reverse("registry:theme_download", args=["xlsx"]) + "?section=usa").content
    values = [
        c.value for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for c in row
    ]
    assert "'=1+1" in values


def test_internal_records_never_appear(client):
    theme = Theme.objects.get_by_natural_key("deu", "Medegebruik JSS")
    Theme.objects.filter(pk=theme.pk).update(is_internal=True)
    Agreement.objects.filter(slug="mou-smart-2015").update(is_internal=True)
    assert "Medegebruik JSS (deu)" not in titles(client.get(f"{LIST}?section=deu"))
    assert client.get(theme.get_absolute_url()).status_code == 404
    assert client.get("/overeenkomsten/mou-smart-2015/").status_code == 404
    assert "mou-smart-2015" not in client.get("/overeenkomsten/").content.decode()
    smart = Theme.objects.get_by_natural_key(
        "nor", "Strategic Mutual Assistance in Research and Technology (SMART)"
    )
    assert (
        "Memorandum of Understanding" not in client.get(smart.get_absolute_url()).content.decode()
    )
    download = client.get(reverse("registry:theme_download", args=["csv"]) + "?section=deu")
    assert "Medegebruik JSS" not in download.content.decode("utf-8-sig")
    assert "Medegebruik JSS" not in client.get("/partners/DEU/").content.decode()


def new_theme(section_key, title, *, is_internal, partners=(), commands=()):
    theme = Theme.objects.create(
        section=Section.objects.get(key=section_key),
        title=title,
        slug=slugify(title),
        description=f"{title}: tekst.",
        position=0,  # first in its section, so within every shortened list of the section
        is_internal=is_internal,
    )
    theme.partners.set(Partner.objects.filter(code__in=partners))
    theme_set_commands(theme=theme, commands=list(Command.objects.filter(code__in=commands)))
    return theme


def test_internal_themes_are_not_among_the_other_themes_on_a_theme_page(client):
    new_theme("deu", "Intern overleg", is_internal=True)
    new_theme("deu", "Openbaar overleg", is_internal=False)
    response = client.get(Theme.objects.get_by_natural_key("deu", "Cyber").get_absolute_url())
    others = [theme.title for theme in response.context["siblings"]]
    assert "Openbaar overleg" in others
    assert "Intern overleg" not in others
    assert "Intern overleg" not in response.content.decode()


def overview_figures(client):
    """The matrix of the overview: (partner, command or DEFENCE_WIDE) to the number shown."""
    cache.clear()  # the figures are cached by the newest history ids, which a rollback reuses
    figures = {}
    for row in client.get(reverse("registry:overview")).context["rows"]:
        for cell in row["cells"]:
            figures[(row["partner"].code, cell["command"].code)] = cell["count"]
        figures[(row["partner"].code, DEFENCE_WIDE)] = row["defence_wide"]
    return figures


def test_internal_themes_are_not_counted_in_the_overview_matrix(client):
    before = overview_figures(client)
    assert before[("DEU", "CLAS")] > 0
    new_theme("deu", "Intern A", is_internal=True, partners=["DEU"], commands=["CLAS"])
    new_theme("nato", "Intern B", is_internal=True, partners=["NATO"])  # defence-wide
    new_theme("nato", "Intern C", is_internal=True, partners=["JOR"], commands=["CZSK", "DCC"])
    assert overview_figures(client) == before
    # The same themes made public are counted: the figures above could have changed.
    Theme.objects.filter(title__startswith="Intern ").update(is_internal=False)
    after = overview_figures(client)
    assert after[("DEU", "CLAS")] == before[("DEU", "CLAS")] + 1
    assert after[("NATO", DEFENCE_WIDE)] == before[("NATO", DEFENCE_WIDE)] + 1
    assert after[("JOR", "DCC")] == before.get(("JOR", "DCC"), 0) + 1


def test_the_agreement_kind_filter_leaves_out_internal_agreements(client):
    def with_mou():
        return titles(client.get(f"{LIST}?agreement=mou"))

    before = with_mou()
    assert "Cyber (deu)" not in before
    assert "Cyber (fra)" not in before
    for section, is_internal in (("deu", True), ("fra", False)):
        agreement = Agreement.objects.create(
            slug=f"mou-cyber-{section}",
            kind="mou",
            title=f"MoU cyber {section}",
            status="signed",
            is_internal=is_internal,
        )
        agreement.themes.add(Theme.objects.get_by_natural_key(section, "Cyber"))
    after = with_mou()
    assert "Cyber (fra)" in after
    assert "Cyber (deu)" not in after
    assert len(after) == len(before) + 1


def test_archived_themes_only_on_request(client):
    Theme.objects.filter(section__key="usa").update(is_archived=True)
    assert count(client.get(f"{LIST}?section=usa")) == 0
    assert count(client.get(f"{LIST}?section=usa&archive=archief")) == 5
    assert count(client.get(f"{LIST}?archive=alle")) == 114


def test_login_can_be_required(client, settings, admin_client):
    settings.PUBLIC_LOGIN_REQUIRED = True
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert admin_client.get(LIST).status_code == 200


def test_english_is_complete_on_request(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(LIST).content.decode()
    assert '<html lang="en">' in page
    assert "Themes" in page
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(LIST).content.decode()
    assert '<html lang="nl">' in page
    assert "Thema’s" in page
    assert "Toegankelijkheidsverklaring" in page


PAGES = [
    "/",
    LIST,
    f"{LIST}?partner=DEU&command=CLAS&q=samenwerking",
    "/themas/deu/medegebruik-jss/",
    "/secties/",
    "/secties/nato/",
    "/partners/",
    "/partners/NATO/",
    "/commandos/",
    "/commandos/CLSK/",
    "/overeenkomsten/",
    "/overeenkomsten/mou-joint-expeditionary-force-2015/",
]


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_data(client, url):
    before = queries(client, url)
    add_themes(30)
    assert queries(client, url) == before
    assert before <= 12
