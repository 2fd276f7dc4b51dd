"""The open-data page, its DCAT-AP-NL description (JSON-LD) and the full downloads (issue 13, §4).

The sizes and checksums the page and the JSON-LD state are those of the bytes a reader
downloads; the downloads hold public records only; the figures are kept per version of the
registry, and a change makes new ones.
"""

import hashlib
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from registry import opendata
from registry.models import Agreement, Section, Theme, ThemeEdition

pytestmark = pytest.mark.django_db

MARKER = "VERTROUWELIJK-KENMERK"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def embedded_catalogue(client):
    response = client.get(reverse("registry:open_data"))
    assert response.status_code == 200
    (text,) = JSON_LD.findall(response.content.decode())
    return response, json.loads(text)


def file_distributions(document):
    (dataset,) = document["dcat:dataset"]
    return [d for d in dataset["dcat:distribution"] if "dcat:downloadURL" in d]


def local(url):
    return url.removeprefix("http://testserver")


def test_every_kind_of_record_is_a_download_in_csv_and_json(client):
    _, document = embedded_catalogue(client)
    urls = {local(d["dcat:downloadURL"]["@id"]) for d in file_distributions(document)}
    kinds = ["commands", "partners", "editions", "sections", "themes", "theme_texts", "agreements"]
    assert urls == {f"/open-data/{kind}.{fmt}" for kind in kinds for fmt in ("csv", "json")}


def test_size_and_checksum_on_the_page_are_those_of_the_downloaded_bytes(client):
    response, document = embedded_catalogue(client)
    html = response.content.decode()
    for distribution in file_distributions(document):
        url = local(distribution["dcat:downloadURL"]["@id"])
        download = client.get(url)
        assert download.status_code == 200
        body = download.content
        size = int(distribution["dcat:byteSize"]["@value"])
        checksum = distribution["spdx:checksum"]["spdx:checksumValue"]["@value"]
        assert size == len(body), url
        assert checksum == hashlib.sha256(body).hexdigest(), url
        # The table the reader sees says the same.
        assert f'href="{url}" download data-size="{size}" data-sha256="{checksum}"' in html
        assert f'<code class="checksum">{checksum}</code>' in html


def test_the_separate_json_ld_is_the_embedded_one(client):
    _, embedded = embedded_catalogue(client)
    response = client.get(reverse("registry:open_data_catalogue"))
    assert response["Content-Type"] == "application/ld+json"
    assert json.loads(response.content) == embedded


def test_the_description_has_what_dcat_ap_nl_asks_for(client):
    _, document = embedded_catalogue(client)
    assert document["@type"] == "dcat:Catalog"
    (dataset,) = document["dcat:dataset"]
    for key in ("dct:title", "dct:description"):
        languages = {text["@language"] for text in dataset[key]}
        assert languages == {"nl", "en"}, key
    titles = {text["@language"]: text["@value"] for text in dataset["dct:title"]}
    assert titles["nl"] != titles["en"]
    assert dataset["dct:publisher"]["@id"] == (
        "https://identifier.overheid.nl/tooi/id/ministerie/mnre1018"
    )
    assert dataset["dcat:contactPoint"]["vcard:hasURL"]["@id"].startswith("https://")
    assert dataset["dct:license"]["@id"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert {language["@id"][-3:] for language in dataset["dct:language"]} == {"NLD", "ENG"}
    themes = [theme["@id"] for theme in dataset["dcat:theme"]]
    assert "http://standaarden.overheid.nl/owms/terms/Defensie_(thema)" in themes
    assert any("/data-theme/" in theme for theme in themes)
    assert dataset["dct:temporal"]["dcat:startDate"]["@value"] == "2016-01-01"
    assert dataset["dct:temporal"]["dcat:endDate"]["@value"] == "2016-12-31"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dataset["dct:modified"]["@value"])
    for distribution in file_distributions(document):
        for key in ("dct:title", "dct:description", "dcat:accessURL", "dct:format", "dct:license"):
            assert distribution[key], key
        assert distribution["spdx:checksum"]["spdx:algorithm"]["@id"] == (
            "spdx:checksumAlgorithm_sha256"
        )
    (service,) = document["dcat:service"]
    assert local(service["dcat:endpointURL"]["@id"]) == reverse("api:root")
    assert local(service["dcat:endpointDescription"]["@id"]) == reverse("api-schema")
    (api,) = [d for d in dataset["dcat:distribution"] if "dcat:accessService" in d]
    assert api["dcat:accessService"]["@id"] == service["@id"]


def test_the_page_is_complete_in_english(client):
    client.cookies.load({"django_language": "en"})
    english = client.get(reverse("registry:open_data")).content.decode()
    assert "Full downloads" in english
    assert "Volledige downloads" not in english
    client.cookies.load({"django_language": "nl"})
    dutch = client.get(reverse("registry:open_data")).content.decode()
    assert "Volledige downloads" in dutch


@pytest.fixture
def internal_records():
    """An internal theme with a text per edition, and an internal agreement, both marked; a
    public agreement names the internal theme, which its themes column must leave out."""
    section = Section.objects.get(key="deu")
    theme = Theme.objects.create(
        section=section,
        title=f"{MARKER} thema",
        slug="vertrouwelijk-thema",
        description=f"{MARKER} beschrijving.",
        is_internal=True,
    )
    edition = theme.section.themes.exclude(pk=theme.pk).first().editions.first()
    ThemeEdition.objects.create(
        theme=theme, edition=edition, title=theme.title, description=theme.description
    )
    Agreement.objects.create(
        slug="vertrouwelijke-overeenkomst",
        kind=Agreement.objects.first().kind,
        title=f"{MARKER} overeenkomst",
        status=Agreement.objects.first().status,
        is_internal=True,
    )
    public = Agreement.objects.filter(is_internal=False).first()
    public.themes.add(theme)
    return theme


def test_no_full_download_holds_an_internal_record(client, internal_records):
    _, document = embedded_catalogue(client)
    checked = 0
    for distribution in file_distributions(document):
        body = client.get(local(distribution["dcat:downloadURL"]["@id"])).content.decode()
        assert MARKER not in body, distribution["@id"]
        checked += 1
    assert checked == 14
    # The public records are there: the test would see an internal one.
    themes = client.get("/open-data/themes.csv").content.decode()
    assert "Gevechtsleiders luchtmacht" in themes
    assert (
        "vertrouwelijke-overeenkomst"
        not in client.get("/open-data/agreements.json").content.decode()
    )


def test_the_figures_follow_a_change_of_the_registry(client):
    before = hashlib.sha256(client.get("/open-data/themes.csv").content).hexdigest()
    theme = Theme.objects.get(section__key="benelux", title="Helikopters")
    theme.description += " Aangevuld."
    theme.save()  # leaves a historical record, as every edit does
    _, document = embedded_catalogue(client)
    (themes,) = [
        d for d in file_distributions(document) if d["@id"].endswith("/open-data/themes.csv")
    ]
    after = client.get("/open-data/themes.csv").content
    assert "Aangevuld." in after.decode()
    assert (
        themes["spdx:checksum"]["spdx:checksumValue"]["@value"] == hashlib.sha256(after).hexdigest()
    )
    assert hashlib.sha256(after).hexdigest() != before


def test_the_files_are_made_once_per_version(client, django_assert_max_num_queries):
    client.get(reverse("registry:open_data"))
    # Made and kept: a second view reads the version and the session, not the records.
    with django_assert_max_num_queries(8):
        client.get(reverse("registry:open_data"))


def test_an_unknown_download_is_not_found(client):
    assert client.get("/open-data/users.csv").status_code == 404
    assert client.get("/open-data/themes.xlsx").status_code == 404


def test_the_footer_links_to_the_open_data_page(client):
    page = client.get(reverse("registry:overview")).content.decode()
    assert f'href="{reverse("registry:open_data")}"' in page


def test_the_kinds_on_the_page_are_the_resources_kinds():
    from registry.resources import RESOURCES

    assert list(opendata.KIND_NAMES) == list(RESOURCES)
