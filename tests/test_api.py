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

from registry.api.management.commands.api_schema import api_schema_yaml
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
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
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
    assert data["next"].endswith("/api/v1/themes/?page=2")
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
    ("english", "dutch"),
    [
        ("archive=all", "archive=alle"),
        ("archive=archived", "archive=archief"),
        ("archive=current", "archive=actueel"),
        ("sort=-title", "sort=-titel"),
        ("sort=title", "sort=titel"),
        ("sort=-target_year", "sort=-streefjaar"),
        ("sort=-section,title", "sort=-sectie,titel"),
        ("command=defence_wide", "command=defensiebreed"),
        (
            "command=defence_wide&archive=all&sort=-title",
            "command=defensiebreed&archive=alle&sort=-titel",
        ),
    ],
)
def test_english_values_give_what_the_dutch_ones_give(client, english, dutch):
    Theme.objects.filter(slug__in=["helikopters", "cyber"]).update(is_archived=True)
    by_english = theme_keys(every_result(client, f"{THEMES}?{english}"))
    by_dutch = theme_keys(every_result(client, f"{THEMES}?{dutch}"))
    assert by_english == by_dutch
    assert get(client, f"{THEMES}?{dutch}")["count"] == page_count(client, dutch) > 0


def test_english_sort_and_archive_values_do_what_they_say(client):
    titles = [t["title"] for t in every_result(client, THEMES, sort="-title")]
    assert titles == sorted(titles, reverse=True)
    years = [t["target_year"] for t in every_result(client, THEMES, sort="target_year")]
    known = [year for year in years if year is not None]
    assert known
    assert known == sorted(known)
    assert years[: len(known)] == known  # themes without a target year last
    Theme.objects.filter(slug="helikopters").update(is_archived=True)
    archived = every_result(client, THEMES, archive="archived")
    assert [(t["slug"], t["is_archived"]) for t in archived] == [("helikopters", True)]
    assert get(client, THEMES, archive="all")["count"] == ANNEX_THEMES
    assert get(client, THEMES, archive="current")["count"] == ANNEX_THEMES - 1


def test_the_themes_page_keeps_offering_the_dutch_values_only(client):
    form = client.get(PAGE).context["filterset"].form
    assert [value for value, _label in form.fields["archive"].choices] == [
        "actueel",
        "archief",
        "alle",
    ]
    assert "-title" not in [value for value, _label in form.fields["sort"].choices]
    assert client.get(PAGE, {"archive": "all"}).status_code == 400


def test_empty_parameters_are_not_filtered_on(client):
    query = "q=&section=&partner=&command=&status=&edition=&archive=&sort=&page="
    data = get(client, f"{THEMES}?{query}")
    assert data["count"] == ANNEX_THEMES
    assert theme_keys(data["results"]) == theme_keys(get(client, THEMES)["results"])


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
    body = get(client, f"{THEMES}?{query}", status=400)
    assert (body["status"], body["code"]) == (400, "invalid")
    assert set(body["errors"]) == fields
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())


# Pages of results


def test_pages_of_fifty_asked_for_with_page(client):
    first = get(client, THEMES)
    second = get(client, first["next"])
    third = get(client, second["next"])
    assert [len(data["results"]) for data in (first, second, third)] == [50, 50, 14]
    assert third["next"] is None
    assert "page=2" in third["previous"]
    assert second["previous"].endswith("/api/v1/themes/")
    keys = theme_keys(first["results"] + second["results"] + third["results"])
    assert len(set(keys)) == ANNEX_THEMES
    for number in (4, 0, -1, "x", "last", " 2", "2.0"):
        get(client, THEMES, status=404, page=number)
    assert get(client, THEMES, page="")["results"] == first["results"]


def test_the_dutch_pagina_still_works_and_its_links_keep_it(client):
    by_page = get(client, THEMES, page=2)
    by_pagina = get(client, THEMES, pagina=2)
    assert by_pagina["results"] == by_page["results"]
    assert by_pagina["next"].endswith("/api/v1/themes/?pagina=3")
    assert by_page["next"].endswith("/api/v1/themes/?page=3")
    get(client, THEMES, status=404, pagina=4)
    get(client, THEMES, status=404, pagina="x")
    # page wins, but a wrong pagina next to it is not silently ignored
    assert get(client, THEMES, page=2, pagina=3)["results"] == by_page["results"]
    get(client, THEMES, status=404, page=2, pagina="x")


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
    assert client.get(THEMES, HTTP_ACCEPT_LANGUAGE="en").json() == {
        "status": 403,
        "code": "not_authenticated",
        "detail": "This registry can only be read after signing in.",
        "errors": {},
    }
    assert client.get(THEMES).json()["detail"] == "Dit register is alleen te lezen na inloggen."
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


# Errors: one shape, in the language of the request

ERROR_CASES = {
    "bad filter value": (
        "get",
        f"{THEMES}?status=whatever",
        {},
        400,
        "invalid",
        {
            "nl": "Sommige queryparameters hebben waarden die de API niet kent; zie errors.",
            "en": "Some query parameters have values that the API does not know; see errors.",
        },
    ),
    "unknown record": (
        "get",
        "/api/v1/agreements/nope/",
        {},
        404,
        "not_found",
        {
            "nl": "Er is geen openbare overeenkomst met deze slug.",
            "en": "There is no public agreement with this slug.",
        },
    ),
    "unknown theme": (
        "get",
        f"{THEMES}deu/nope/",
        {},
        404,
        "not_found",
        {
            "nl": "Er is geen openbaar thema met deze sectie en slug.",
            "en": "There is no public theme with this section and slug.",
        },
    ),
    "page out of range": (
        "get",
        f"{THEMES}?page=9",
        {},
        404,
        "not_found",
        {
            "nl": "Deze lijst heeft zo’n pagina niet.",
            "en": "There is no such page in this listing.",
        },
    ),
    "unknown address": (
        "get",
        "/api/v1/nope/",
        {},
        404,
        "not_found",
        {
            "nl": "Op dit adres is niets in de API.",
            "en": "There is nothing at this address in the API.",
        },
    ),
    "writing": (
        "post",
        THEMES,
        {},
        405,
        "method_not_allowed",
        {
            "nl": "De API kan alleen gelezen worden: gebruik GET.",
            "en": "The API can only be read: use GET.",
        },
    ),
    "not JSON": (
        "get",
        THEMES,
        {"HTTP_ACCEPT": "text/html"},
        406,
        "not_acceptable",
        {
            "nl": "De API antwoordt alleen in JSON (application/json).",
            "en": "The API answers in JSON only (application/json).",
        },
    ),
}
# How a request asks for a language, and which one it gets.
LANGUAGE_REQUESTS = {
    "nothing: Dutch": ({}, {}, "nl"),
    "Accept-Language en": ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, {}, "en"),
    "Accept-Language nl": ({"HTTP_ACCEPT_LANGUAGE": "nl-NL,nl;q=0.9,en;q=0.5"}, {}, "nl"),
    "Accept-Language of no supported language: Dutch": ({"HTTP_ACCEPT_LANGUAGE": "fr"}, {}, "nl"),
    "cookie en": ({}, {"django_language": "en"}, "en"),
    "cookie nl over Accept-Language en": (
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"django_language": "nl"},
        "nl",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES)
@pytest.mark.parametrize("asked", LANGUAGE_REQUESTS)
def test_every_error_has_one_shape_in_the_language_of_the_request(client, case, asked):
    method, url, headers, status, code, details = ERROR_CASES[case]
    language_headers, cookies, language = LANGUAGE_REQUESTS[asked]
    for name, value in cookies.items():
        client.cookies[name] = value
    response = getattr(client, method)(url, **headers, **language_headers)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == language
    body = response.json()
    assert list(body) == ["status", "code", "detail", "errors"]
    assert (body["status"], body["code"], body["detail"]) == (status, code, details[language])
    if status == 400:
        expected = {
            "nl": "Selecteer een geldige keuze. whatever is geen beschikbare keuze.",
            "en": "Select a valid choice. whatever is not one of the available choices.",
        }
        assert body["errors"] == {"status": [expected[language]]}
    else:
        assert body["errors"] == {}
    if status == 405:
        assert "GET" in response["Allow"]


def test_another_format_is_not_acceptable_not_a_missing_record(client):
    assert get(client, "/api/v1/partners/DEU/", format="json")["code"] == "DEU"
    body = get(client, "/api/v1/partners/DEU/", status=406, format="xml")
    assert (body["code"], body["detail"]) == (
        "not_acceptable",
        "De API antwoordt alleen in JSON (application/json).",
    )


def test_answers_vary_on_the_language_headers(client):
    response = client.get(THEMES, HTTP_ACCEPT_LANGUAGE="en")
    vary = {name.strip() for name in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    agreement = get(client, "/api/v1/agreements/mou-smart-2015/")
    client.cookies["django_language"] = "en"
    assert (
        agreement["date_display"]
        != get(client, "/api/v1/agreements/mou-smart-2015/")["date_display"]
    )


def test_an_address_without_its_slash_is_redirected_not_refused(client):
    response = client.get("/api/v1/themes")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/themes/"


# OpenAPI schema and documentation


def test_schema_is_valid_openapi_3_with_the_theme_filters(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/themes/"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"partner", "command", "q", "section", "edition", "sort", "page", "pagina"} <= parameters
    assert "/api/v1/themes/{section}/{slug}/" in schema["paths"]
    assert "post" not in schema["paths"]["/api/v1/themes/"]
    assert list(schema["components"]["schemas"]["Theme"]["properties"]) == THEME_FIELDS
    as_yaml = yaml.safe_load(client.get("/api/schema/").content)
    assert as_yaml["paths"].keys() == schema["paths"].keys()


def test_schema_is_generated_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")


def test_schema_needs_no_authentication_and_documents_every_error(client):
    schema = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert "securitySchemes" not in schema.get("components", {})
    operations = [
        (path, operation)
        for path, methods in schema["paths"].items()
        for operation in methods.values()
    ]
    assert len(operations) == 11
    error = {"$ref": "#/components/schemas/Error"}
    for path, operation in operations:
        assert "security" not in operation, path
        expected = {"200", "404", "406"} | ({"400"} if path == THEMES else set())
        assert set(operation["responses"]) == expected, path
        for status in expected - {"200"}:
            assert operation["responses"][status]["content"]["application/json"]["schema"] == (
                error
            )
    error_schema = schema["components"]["schemas"]["Error"]
    assert set(error_schema["required"]) == {"status", "code", "detail", "errors"}
    command = schema["components"]["schemas"]["Command"]["properties"]
    assert command["parent"]["nullable"] is True
    assert get(client, "/api/v1/commands/CLAS/")["parent"] is None


def test_schema_lists_the_english_values_next_to_the_dutch_ones():
    schema = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    parameters = {
        parameter["name"]: parameter for parameter in schema["paths"][THEMES]["get"]["parameters"]
    }
    assert {"all", "archived", "current", "alle", "archief", "actueel"} == set(
        parameters["archive"]["schema"]["enum"]
    )
    assert {"-title", "title", "-titel", "section", "target_year"} <= set(
        parameters["sort"]["schema"]["items"]["enum"]
    )
    assert "defence_wide" in parameters["command"]["description"]
    assert parameters["pagina"]["deprecated"] is True
    assert "deprecated" not in parameters["page"]
    assert parameters["q"]["schema"]["maxLength"] == 200


def test_with_login_required_the_schema_names_the_session_cookie_and_403(
    client, settings, django_user_model
):
    settings.PUBLIC_LOGIN_REQUIRED = True
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"][THEMES]["get"]
    assert operation["security"] == [{"cookieAuth": []}]
    assert "403" in operation["responses"]
    assert "cookieAuth" in schema["components"]["securitySchemes"]


def test_the_committed_schema_is_the_generated_one():
    call_command("api_schema", "--check")
    assert SCHEMA_FILE.read_text(encoding="utf-8") == api_schema_yaml()


def test_docs_page_lists_endpoints_and_filters_and_links_the_schema(client):
    url = reverse("api-docs")
    assert url == "/api/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/api/schema/"' in html
    for name in ["partner", "command", "q", "sort", "archive", "page", "pagina"]:
        assert f"<code>{name}</code>" in html
    assert "<code>defensiebreed</code>" in html
    for english in ["defence_wide", "all", "-title", "target_year"]:
        assert f"<code>{english}</code>" in html
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
