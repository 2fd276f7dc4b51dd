"""The read-only JSON API: listings and details, the pages' filters, pages of results, internal
records left out, no writes, the OpenAPI schema, the docs page and fixed query counts."""

import json
from pathlib import Path

import polib
import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from registry.models import (
    Agreement,
    Command,
    Edition,
    Partner,
    Section,
    Theme,
    ThemeCommand,
    ThemeEdition,
)
from registry.services.themes import theme_set_commands

pytestmark = pytest.mark.django_db

THEMES = "/api/v1/themes/"
PAGE = "/themas/"
ANNEX_THEMES = 114
PAGE_SIZE = 50
THEME_FIELDS = [
    "section",
    "section_heading",
    "title",
    "title_en",
    "slug",
    "description",
    "description_en",
    "commands",
    "defence_wide",
    "partners",
    "status",
    "dutch_role",
    "framework",
    "target_year",
    "editions",
    "is_archived",
    "agreements",
    "url",
    "html_url",
]
LOCALE = Path(__file__).resolve().parent.parent / "registry" / "api" / "locale" / "nl"


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def every_result(client, url, **params):
    """The results of all pages of a listing."""
    data = get(client, url, **params)
    results = data["results"]
    while data["next"]:
        data = get(client, data["next"])
        results += data["results"]
    assert len(results) == get(client, url, **params)["count"]
    return results


def theme_keys(results):
    return [(theme["section"], theme["slug"]) for theme in results]


def page_count(client, query):
    response = client.get(f"{PAGE}?{query}")
    return response.context["page"].paginator.count


def add_themes(number, start=0):
    """More themes with partners, commands, an edition and agreements, all public."""
    section = Section.objects.get(key="nato")
    partners = list(Partner.objects.order_by("code")[:5])
    commands = list(Command.objects.order_by("code")[:3])
    edition = Edition.objects.get(year=2016)
    agreements = list(Agreement.objects.order_by("slug")[:2])
    themes = Theme.objects.bulk_create(
        Theme(section=section, title=f"Extra {index}", slug=f"extra-{index}", description="Tekst.")
        for index in range(start, start + number)
    )
    Theme.partners.through.objects.bulk_create(
        Theme.partners.through(theme=theme, partner=partner)
        for theme in themes
        for partner in partners
    )
    ThemeCommand.objects.bulk_create(
        ThemeCommand(theme=theme, command=command, position=position)
        for theme in themes
        for position, command in enumerate(commands, start=1)
    )
    ThemeEdition.objects.bulk_create(
        ThemeEdition(theme=theme, edition=edition, title=theme.title, description="Tekst.")
        for theme in themes
    )
    Agreement.themes.through.objects.bulk_create(
        Agreement.themes.through(agreement=agreement, theme=theme)
        for theme in themes
        for agreement in agreements
    )
    Agreement.parties.through.objects.bulk_create(
        (
            Agreement.parties.through(agreement=agreement, partner=partner)
            for agreement in agreements
            for partner in partners
        ),
        ignore_conflicts=True,
    )


# Listings and details


def test_theme_listing_in_section_order_with_stable_fields(client):
    data = get(client, THEMES)
    assert data["count"] == ANNEX_THEMES
    assert data["previous"] is None
    assert data["next"].endswith("/api/v1/themes/?pagina=2")
    assert len(data["results"]) == PAGE_SIZE
    theme = Theme.objects.get(section__key="benelux", slug="helikopters")
    assert data["results"][0] == {
        "section": "benelux",
        "section_heading": theme.section.heading,
        "title": "Helikopters",
        "title_en": "",
        "slug": "helikopters",
        "description": theme.description,
        "description_en": "",
        "commands": [command.code for command in theme.ordered_commands()],
        "defence_wide": theme.is_defence_wide,
        "partners": ["BEL", "LUX"],
        "status": theme.status,
        "dutch_role": theme.dutch_role,
        "framework": theme.framework,
        "target_year": theme.target_year,
        "editions": [2016],
        "is_archived": False,
        "agreements": sorted(agreement.slug for agreement in theme.agreements.all()),
        "url": "http://testserver/api/v1/themes/benelux/helikopters/",
        "html_url": "http://testserver/themas/benelux/helikopters/",
    }
    assert list(data["results"][0]) == THEME_FIELDS


def test_theme_detail_by_section_and_slug(client):
    theme = Theme.objects.get(section__key="deu", slug="medegebruik-jss")
    data = get(client, f"{THEMES}deu/medegebruik-jss/")
    assert data["title"] == "Medegebruik JSS"
    assert data["partners"] == ["DEU"]
    assert data["commands"] == [command.code for command in theme.ordered_commands()]
    assert data["defence_wide"] is (not data["commands"])
    assert data["agreements"] == ["loi-medegebruik-jss-2016"]
    assert data["html_url"] == f"http://testserver{theme.get_absolute_url()}"
    assert client.get(data["html_url"]).status_code == 200
    get(client, f"{THEMES}deu/no-such-theme/", status=404)
    get(client, f"{THEMES}fra/medegebruik-jss/", status=404)


def test_theme_commands_keep_the_annex_order(client):
    theme = Theme.objects.get(section__key="deu", slug="medegebruik-jss")
    reversed_commands = list(reversed(Command.objects.order_by("code")[:3]))
    theme_set_commands(theme=theme, commands=reversed_commands)
    data = get(client, f"{THEMES}deu/medegebruik-jss/")
    assert data["commands"] == [command.code for command in reversed_commands]
    assert data["defence_wide"] is False


def test_sections(client):
    data = get(client, "/api/v1/sections/")
    assert data["count"] == 12
    assert [section["key"] for section in data["results"]][:3] == ["benelux", "deu", "fra"]
    deu = get(client, "/api/v1/sections/deu/")
    assert deu["theme_count"] == Theme.objects.filter(section__key="deu").count()
    assert deu["html_url"] == "http://testserver/secties/deu/"
    assert deu["themes_url"] == "http://testserver/api/v1/themes/?section=deu"
    assert get(client, deu["themes_url"])["count"] == deu["theme_count"]
    get(client, "/api/v1/sections/nope/", status=404)


def test_partners(client):
    data = get(client, "/api/v1/partners/")
    assert data["count"] == Partner.objects.count()
    deu = get(client, "/api/v1/partners/DEU/")
    assert deu["name_nl"] == "Duitsland"
    assert deu["kind"] == "country"
    assert set(deu["agreements"]) == {
        "duits-nederlandse-declaration-of-intent-2013",
        "loi-seebataillon-2016",
        "loi-medegebruik-jss-2016",
    }
    assert deu["html_url"] == "http://testserver/partners/DEU/"
    assert (
        get(client, deu["themes_url"])["count"]
        == deu["theme_count"]
        == page_count(client, "partner=DEU")
    )
    get(client, "/api/v1/partners/XXX/", status=404)


def test_commands(client):
    data = get(client, "/api/v1/commands/")
    assert data["count"] == 9
    dgo = get(client, "/api/v1/commands/DGO/")
    assert dgo["parent"] == "CDC"
    assert dgo["url"] == "http://testserver/api/v1/commands/DGO/"
    assert dgo["html_url"] == "http://testserver/commandos/DGO/"
    clas = get(client, "/api/v1/commands/CLAS/")
    assert clas["parent"] is None
    assert get(client, clas["themes_url"])["count"] == clas["theme_count"]
    get(client, "/api/v1/commands/NOPE/", status=404)


def test_agreements(client):
    data = get(client, "/api/v1/agreements/")
    assert data["count"] == 13
    agreement = get(client, "/api/v1/agreements/loi-benelux-brigades-2016/")
    assert agreement["date"] == "2016-01-01"
    assert agreement["date_precision"] == "year"
    assert agreement["date_display"] == "2016"
    assert agreement["parties"] == ["BEL", "LUX"]
    assert len(agreement["themes"]) == 1
    theme = agreement["themes"][0]
    assert set(theme) == {"section", "slug", "title", "url"}
    assert get(client, theme["url"])["agreements"] == ["loi-benelux-brigades-2016"]
    undated = get(client, "/api/v1/agreements/joint-action-plan-migratie/")
    assert undated["date"] is None
    assert undated["date_display"] == ""
    get(client, "/api/v1/agreements/nope/", status=404)


def test_api_root_lists_the_listings(client):
    data = get(client, "/api/v1/")
    assert data == {
        name: f"http://testserver/api/v1/{name}/"
        for name in ["themes", "sections", "partners", "commands", "agreements"]
    }


# The pages' filters


@pytest.mark.parametrize(
    "query",
    [
        "partner=DEU&command=CLAS",
        "section=usa",
        "partner=AUS",
        "command=DCC",
        "command=defensiebreed",
        "status=completed",
        "dutch_role=lead_nation",
        "framework=eu_eda",
        "agreement=mou",
        "edition=2016",
        "archive=alle",
        "archive=archief",
        "q=helikopter",
        "q=helikopter&partner=BEL",
        "partner=DEU&command=CLAS&status=exploratory",
    ],
)
def test_filters_give_the_same_themes_as_the_page(client, query):
    api = get(client, f"{THEMES}?{query}")
    assert api["count"] == page_count(client, query)
    page = client.get(f"{PAGE}?{query}").context["page"]
    assert theme_keys(api["results"][: len(page.object_list)]) == [
        (theme.section.key, theme.slug) for theme in page.object_list
    ]


def test_defence_wide_themes_have_no_commands(client):
    results = every_result(client, THEMES, command="defensiebreed")
    expected = sum(1 for theme in Theme.objects.all() if theme.is_defence_wide)
    assert len(results) == expected > 0
    assert all(theme["defence_wide"] and theme["commands"] == [] for theme in results)


def test_search_finds_helikopters_on_either_database(client):
    titles = [theme["title"] for theme in every_result(client, THEMES, q="helikopter")]
    assert "Helikopters" in titles
    if connection.vendor == "postgresql":
        # Ranked: the theme named for helicopters comes first.
        assert titles[0] == "Helikopters"


def test_sorting_and_archive_are_the_pages(client):
    titles = [t["title"] for t in every_result(client, THEMES, sort="-titel")]
    assert titles == sorted(titles, reverse=True)
    Theme.objects.filter(slug="helikopters").update(is_archived=True)
    assert get(client, THEMES)["count"] == ANNEX_THEMES - 1
    archived = get(client, THEMES, archive="archief")["results"]
    assert [(t["slug"], t["is_archived"]) for t in archived] == [("helikopters", True)]
    assert get(client, f"{THEMES}benelux/helikopters/")["is_archived"] is True


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("partner=XXX", {"partner"}),
        ("command=NOPE", {"command"}),
        ("status=whatever", {"status"}),
        ("edition=1900", {"edition"}),
        ("edition=abc&section=nope", {"edition", "section"}),
        ("sort=prijs", {"sort"}),
        (f"q={'x' * 201}", {"q"}),
    ],
)
def test_invalid_filter_values_give_400_with_the_errors_per_field(client, query, fields):
    errors = get(client, f"{THEMES}?{query}", status=400)
    assert set(errors) == fields
    assert all(isinstance(messages, list) and messages for messages in errors.values())


# Pages of results


def test_pages_of_fifty_asked_for_with_pagina(client):
    first = get(client, THEMES)
    second = get(client, first["next"])
    third = get(client, second["next"])
    assert [len(data["results"]) for data in (first, second, third)] == [50, 50, 14]
    assert third["next"] is None
    assert "pagina=2" in third["previous"]
    assert second["previous"].endswith("/api/v1/themes/")
    keys = theme_keys(first["results"] + second["results"] + third["results"])
    assert len(set(keys)) == ANNEX_THEMES
    get(client, THEMES, status=404, pagina=4)
    get(client, THEMES, status=404, pagina="x")


def test_paging_keeps_the_filters(client):
    add_themes(60)
    first = get(client, THEMES, section="nato", sort="titel")
    assert "section=nato" in first["next"]
    assert "sort=titel" in first["next"]
    second = get(client, first["next"])
    assert second["count"] == first["count"] == page_count(client, "section=nato")
    assert {t["section"] for t in first["results"] + second["results"]} == {"nato"}


# Visibility


def test_internal_records_never_appear(client):
    theme = Theme.objects.get(section__key="deu", slug="medegebruik-jss")
    Theme.objects.filter(pk=theme.pk).update(is_internal=True)
    Agreement.objects.filter(slug="loi-seebataillon-2016").update(is_internal=True)

    themes = every_result(client, THEMES, archive="alle")
    assert len(themes) == ANNEX_THEMES - 1
    assert ("deu", "medegebruik-jss") not in theme_keys(themes)
    assert all("loi-seebataillon-2016" not in t["agreements"] for t in themes)
    get(client, f"{THEMES}deu/medegebruik-jss/", status=404)

    agreements = every_result(client, "/api/v1/agreements/")
    assert "loi-seebataillon-2016" not in [a["slug"] for a in agreements]
    get(client, "/api/v1/agreements/loi-seebataillon-2016/", status=404)
    jss = get(client, "/api/v1/agreements/loi-medegebruik-jss-2016/")
    assert jss["themes"] == []

    deu = get(client, "/api/v1/partners/DEU/")
    assert "loi-seebataillon-2016" not in deu["agreements"]
    assert deu["theme_count"] == page_count(client, "partner=DEU")
    section = get(client, "/api/v1/sections/deu/")
    assert section["theme_count"] == page_count(client, "section=deu")


def test_login_can_be_required(client, settings, django_user_model):
    settings.PUBLIC_LOGIN_REQUIRED = True
    for url in (THEMES, f"{THEMES}deu/medegebruik-jss/", "/api/v1/partners/", "/api/schema/"):
        # Session authentication only: no WWW-Authenticate challenge, so 403 rather than 401.
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("api-docs")).status_code == 302
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert get(client, THEMES)["count"] == ANNEX_THEMES
    assert client.get(reverse("api-docs")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        THEMES,
        f"{THEMES}deu/medegebruik-jss/",
        "/api/v1/sections/deu/",
        "/api/v1/partners/",
        "/api/v1/commands/CLAS/",
        "/api/v1/agreements/loi-medegebruik-jss-2016/",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_not_allowed(client, url, method):
    response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert Theme.objects.filter(title="x").count() == 0


# OpenAPI schema and documentation


def test_schema_is_valid_openapi_3_with_the_theme_filters(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/themes/"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"partner", "command", "q", "section", "edition", "sort", "pagina"} <= parameters
    assert "/api/v1/themes/{section}/{slug}/" in schema["paths"]
    assert "post" not in schema["paths"]["/api/v1/themes/"]
    assert list(schema["components"]["schemas"]["Theme"]["properties"]) == THEME_FIELDS
    as_yaml = yaml.safe_load(client.get("/api/schema/").content)
    assert as_yaml["paths"].keys() == schema["paths"].keys()


def test_schema_is_generated_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")


def test_docs_page_lists_endpoints_and_filters_and_links_the_schema(client):
    url = reverse("api-docs")
    assert url == "/api/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/api/schema/"' in html
    for name in ["partner", "command", "q", "sort", "archive", "pagina"]:
        assert f"<code>{name}</code>" in html
    assert "<code>defensiebreed</code>" in html
    assert "/api/v1/themes/" in html
    assert "<script" not in html


def test_docs_page_is_dutch_first_and_complete_in_english(client):
    assert "Open data: de API van het register" in client.get("/api/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Open data: the registry's API" in client.get("/api/").content.decode()


def test_the_api_catalogue_is_complete_and_compiled():
    catalogue = polib.pofile(LOCALE / "LC_MESSAGES" / "django.po")
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    compiled = polib.mofile(LOCALE / "LC_MESSAGES" / "django.mo")
    assert {e.msgid: e.msgstr for e in compiled if e.msgid} == {
        e.msgid: e.msgstr for e in catalogue if e.msgid
    }


# Fixed query counts


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


# Expected queries per request: count, page, and one per prefetched relation; a filter on a
# record (partner, section, edition) or on a command looks that up once to validate it.
QUERY_COUNTS = {
    THEMES: 6,
    f"{THEMES}?partner=DEU&command=CLAS": 8,
    f"{THEMES}?q=helikopter&sort=-titel": 6,
    f"{THEMES}?section=nato&edition=2016&archive=alle": 8,
    f"{THEMES}nato/extra-1/": 5,
    "/api/v1/sections/": 3,
    "/api/v1/sections/nato/": 2,
    "/api/v1/partners/": 3,
    "/api/v1/partners/DEU/": 2,
    "/api/v1/commands/": 2,
    "/api/v1/commands/CLAS/": 1,
    "/api/v1/agreements/": 4,
    "/api/v1/agreements/mou-smart-2015/": 3,
}


@pytest.mark.parametrize(("url", "expected"), QUERY_COUNTS.items())
def test_query_count_is_fixed_whatever_the_data_size(client, url, expected):
    add_themes(2)
    assert queries(client, url) == expected
    add_themes(80, start=2)
    assert queries(client, url) == expected
