"""Complete in English: section and theme texts in the page's language, partners named and
sorted by it, the Dutch text marked as Dutch where no English one exists, and the English
texts in the admin, the imports and exports, the API and the 2016 fixture."""

import io
import re

import pytest
import yaml
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from tablib import Dataset

from registry.annex.fixture import FixtureError, build_fixture
from registry.annex.parser import parse_annex
from registry.models import ImportRun, Section, Theme
from registry.resources import RESOURCES
from registry.services.imports import plan_import
from registry.services.imports.applying import apply_plans
from registry.tabular import export_bytes
from tests.admin_forms import form_data
from tests.conftest import ANNEX_TEXT, ROOT
from tests.test_admin import save_theme

pytestmark = pytest.mark.django_db

ENGLISH_SOURCE = ROOT / "fixtures" / "source" / "annex-2016-english.yaml"
AGREEMENTS_SOURCE = ROOT / "fixtures" / "source" / "annex-2016-agreements.yaml"
# Two partners whose order differs between the languages: Duitsland before Frankrijk, but
# France before Germany. Both take part in Luchtruimbewaking (Benelux).
AIRSPACE = ("benelux", "Luchtruimbewaking")


def get(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def positions(page, *names):
    return [page.index(name) for name in names]


def in_order(page, *names):
    found = positions(page, *names)
    return found == sorted(found)


def theme_url(section, title):
    return Theme.objects.get_by_natural_key(section, title).get_absolute_url()


# Section headings and introductions ----------------------------------------------------------


def test_the_fixture_gives_every_section_an_english_heading():
    headings = dict(Section.objects.values_list("key", "heading_en"))
    assert len(headings) == 12
    assert all(headings.values()), headings
    assert headings["deu"] == "Areas of cooperation with Germany"
    assert headings["munitie"] == "Cooperation on ammunition"


def test_english_pages_show_the_english_heading_and_introduction(client):
    section = Section.objects.get(key="deu")
    english = get(client, section.get_absolute_url(), "en")
    assert "<h1>Areas of cooperation with Germany</h1>" in english
    assert "Some of the subjects listed stem from the Declaration of Intent" in english
    assert "Samenwerkingsgebieden met Duitsland" not in english
    sections = get(client, reverse("registry:section_list"), "en")
    assert "Areas of cooperation with Germany" in sections
    assert "Areas of cooperation with Germany" in get(client, theme_url("deu", "Cyber"), "en")


def test_the_overview_and_the_edition_page_name_sections_in_english(client):
    for url in (reverse("registry:overview"), reverse("registry:edition_detail", args=[2016])):
        english = get(client, url, "en")
        assert ">Areas of cooperation with Germany<" in english, url
        assert "Samenwerkingsgebieden met Duitsland" not in english, url
        assert ">Samenwerkingsgebieden met Duitsland<" in get(client, url, "nl"), url


def test_dutch_pages_show_the_dutch_heading_and_introduction(client):
    dutch = get(client, Section.objects.get(key="deu").get_absolute_url(), "nl")
    assert "<h1>Samenwerkingsgebieden met Duitsland</h1>" in dutch
    assert "Enkele van de genoemde onderwerpen" in dutch
    assert "Areas of cooperation" not in dutch


def test_a_section_without_english_shows_the_dutch_heading_marked_as_dutch(client):
    section = Section.objects.get(key="deu")
    section.heading_en = section.introduction_en = ""
    section.save()
    english = get(client, section.get_absolute_url(), "en")
    assert '<h1 lang="nl">Samenwerkingsgebieden met Duitsland</h1>' in english
    assert "This section’s introduction is available in Dutch only." in english


# Partners in the page's language -------------------------------------------------------------


def test_the_listings_partner_filter_names_and_sorts_partners_in_the_pages_language(client):
    english = get(client, reverse("registry:theme_list"), "en")
    assert '<option value="DEU">Germany</option>' in english
    assert in_order(english, '<option value="FRA">', '<option value="DEU">')
    dutch = get(client, reverse("registry:theme_list"), "nl")
    assert '<option value="DEU">Duitsland</option>' in dutch
    assert in_order(dutch, '<option value="DEU">', '<option value="FRA">')


def test_the_partner_list_sorts_by_the_pages_language(client):
    english = get(client, reverse("registry:partner_list"), "en")
    assert in_order(english, ">France<", ">Germany<", ">United States<")
    assert in_order(english, ">South Africa<", ">United States<")
    dutch = get(client, reverse("registry:partner_list"), "nl")
    assert in_order(dutch, ">Duitsland<", ">Frankrijk<", ">Verenigde Staten<")
    assert in_order(dutch, ">Verenigde Staten<", ">Zuid-Afrika<")


def test_a_themes_partners_are_sorted_by_the_pages_language(client):
    url = theme_url(*AIRSPACE)
    english = get(client, url, "en")
    assert in_order(english, ">Belgium<", ">France<", ">Germany<", ">Luxembourg<")
    dutch = get(client, url, "nl")
    assert in_order(dutch, ">België<", ">Duitsland<", ">Frankrijk<", ">Luxemburg<")


def test_theme_tables_sort_partners_by_the_pages_language(client):
    page = get(client, Section.objects.get(key="benelux").get_absolute_url(), "en")
    row = re.search(r"Luchtruimbewaking</a></th>(.*?)</tr>", page, re.S).group(1)
    assert "Belgium, France, Germany, Luxembourg" in row
    page = get(client, Section.objects.get(key="benelux").get_absolute_url(), "nl")
    row = re.search(r"Luchtruimbewaking</a></th>(.*?)</tr>", page, re.S).group(1)
    assert "België, Duitsland, Frankrijk, Luxemburg" in row


# Theme texts: English where staff gave it, else the Dutch text marked as Dutch -----------------


def test_a_theme_without_english_shows_the_dutch_text_marked_as_dutch_with_a_note(client):
    english = get(client, theme_url("deu", "Cyber"), "en")
    assert '<h1 lang="nl">Cyber</h1>' in english
    assert re.search(r'<p class="description" lang="nl">onderzoeken van', english)
    assert "This theme’s text is available in Dutch only." in english


def test_a_theme_with_english_shows_it_without_the_dutch_marking_or_note(client):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    theme.title_en = "Cyber security"
    theme.description_en = "Exploring opportunities for cooperation on cyber."
    theme.save()
    english = get(client, theme.get_absolute_url(), "en")
    assert "<h1>Cyber security</h1>" in english
    assert '<p class="description">Exploring opportunities for cooperation' in english
    assert "available in Dutch only" not in english
    # The Dutch text stays only where the page quotes the annex: the text of each edition.
    assert not re.search(r'<p class="description"[^>]*>onderzoeken van', english)
    dutch = get(client, theme.get_absolute_url(), "nl")
    assert "<h1>Cyber</h1>" in dutch
    assert "onderzoeken van samenwerkingsmogelijkheden" in dutch
    assert "Cyber security" not in dutch


def test_listing_and_siblings_show_english_titles_and_mark_dutch_ones(client):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    theme.title_en = "Cyber security"
    theme.save()
    listing = get(client, reverse("registry:theme_list") + "?section=deu", "en")
    assert f'<a href="{theme.get_absolute_url()}">Cyber security</a>' in listing
    assert re.search(r'<a href="/themas/deu/[^"]+" lang="nl">', listing)
    assert "Themes without an English title are shown with their title from the Dutch" in listing
    sibling = Theme.objects.filter(section=theme.section).exclude(pk=theme.pk).first()
    siblings = get(client, sibling.get_absolute_url(), "en")
    assert f'<a href="{theme.get_absolute_url()}">Cyber security</a>' in siblings
    assert "Themes without an English title are shown with their title" in siblings
    dutch = get(client, reverse("registry:theme_list") + "?section=deu", "nl")
    assert "Cyber security" not in dutch
    assert "Themes without an English title" not in dutch


# The admin -----------------------------------------------------------------------------------


def test_staff_edit_the_english_texts_in_the_admin(admin_client):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    form = admin_client.get(reverse("admin:registry_theme_change", args=[theme.pk]))
    page = form.content.decode()
    assert 'name="title_en"' in page
    assert 'name="description_en"' in page
    data = form_data(form, title_en="Cyber", description_en="Exploring cooperation on cyber.")
    response = save_theme(admin_client, theme, data)
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.description_en == "Exploring cooperation on cyber."
    assert theme.history.first().description_en == "Exploring cooperation on cyber."
    history = admin_client.get(reverse("admin:registry_theme_history", args=[theme.pk]))
    assert "Engelse beschrijving" in history.content.decode()

    section = Section.objects.get(key="fra")
    form = admin_client.get(reverse("admin:registry_section_change", args=[section.pk]))
    data = form_data(form, introduction_en="Cooperation with France.")
    response = admin_client.post(reverse("admin:registry_section_change", args=[section.pk]), data)
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.introduction_en == "Cooperation with France."


def test_the_admin_forms_label_the_english_fields_in_dutch(admin_client):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    page = admin_client.get(reverse("admin:registry_theme_change", args=[theme.pk]))
    assert "Engelse titel" in page.content.decode()
    section = Section.objects.get(key="fra")
    page = admin_client.get(reverse("admin:registry_section_change", args=[section.pk]))
    assert "Engelse kop" in page.content.decode()


# Import and export ---------------------------------------------------------------------------


def exported(kind):
    dataset = RESOURCES[kind]().export()
    return [dict(zip(dataset.headers, row, strict=True)) for row in dataset], list(dataset.headers)


def plan(kind, rows, headers):
    return plan_import(
        kind=kind, rows=rows, row_numbers=list(range(2, len(rows) + 2)), headers=headers
    )


def apply(result):
    return apply_plans(
        [result], user=None, file_name="test.csv", sha256="0" * 64, file_format="csv"
    )


def test_exports_carry_the_english_columns():
    rows, headers = exported("sections")
    assert {"heading_en", "introduction_en"} <= set(headers)
    assert {row["key"]: row["heading_en"] for row in rows}["nato"] == (
        "Areas of cooperation within NATO"
    )
    _, headers = exported("themes")
    assert {"title_en", "description_en"} <= set(headers)
    rows, _ = exported("partners")
    assert {row["code"]: row["name_en"] for row in rows}["DEU"] == "Germany"


def test_english_theme_texts_are_previewed_then_written_as_previewed():
    rows, headers = exported("themes")
    for row in rows:
        if (row["section"], row["title"]) == ("deu", "Cyber"):
            row.update(title_en="Cyber", description_en="Exploring cooperation on cyber.")
    preview = plan("themes", rows, headers)
    (row,) = preview.updated
    assert preview.changes_as_text(row) == {
        "title_en": ["", "Cyber"],
        "description_en": ["", "Exploring cooperation on cyber."],
    }
    assert Theme.objects.get_by_natural_key("deu", "Cyber").description_en == ""
    apply(plan("themes", rows, headers))
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    assert (theme.title_en, theme.description_en) == ("Cyber", "Exploring cooperation on cyber.")
    assert plan("themes", rows, headers).updated == []


def test_english_section_texts_are_previewed_then_written_as_previewed():
    rows, headers = exported("sections")
    for row in rows:
        if row["key"] == "fra":
            row["introduction_en"] = "Cooperation with France."
    preview = plan("sections", rows, headers)
    (row,) = preview.updated
    assert preview.changes_as_text(row) == {"introduction_en": ["", "Cooperation with France."]}
    apply(preview)
    assert Section.objects.get(key="fra").introduction_en == "Cooperation with France."


@pytest.mark.parametrize(
    ("kind", "column", "value", "message"),
    [
        ("themes", "description_en", "Bell\x07", "U+0007"),
        ("themes", "title_en", "x" * 300, "255"),
        ("sections", "heading_en", "x" * 300, "255"),
    ],
)
def test_english_texts_are_validated_by_the_model_in_the_preview(kind, column, value, message):
    rows, headers = exported(kind)
    rows[1][column] = value
    (error,) = plan(kind, rows, headers).errors
    assert (error.row, error.column, error.value) == (3, column, value)
    assert message in error.message


def test_an_import_without_the_english_columns_leaves_the_english_texts_alone():
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    theme.title_en = "Cyber"
    theme.save()
    rows, headers = exported("themes")
    headers = [name for name in headers if name not in ("title_en", "description_en")]
    rows = [{name: row[name] for name in headers} for row in rows]
    apply(plan("themes", rows, headers))
    assert Theme.objects.get_by_natural_key("deu", "Cyber").title_en == "Cyber"


@pytest.fixture
def importer(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("importeur", password="x-Secret-123", is_staff=True)
    codenames = ["import_records", "add_theme", "change_theme", "view_theme", "view_importrun"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_english_texts_uploaded_in_the_admin_are_previewed_and_confirmed(importer):
    dataset = RESOURCES["themes"]().export()
    rows = [list(row) for row in dataset]
    index = {name: dataset.headers.index(name) for name in ("section", "title", "title_en")}
    for row in rows:
        if (row[index["section"]], row[index["title"]]) == ("deu", "Cyber"):
            row[index["title_en"]] = "Cyber (in English)"
    handle = io.BytesIO(export_bytes(Dataset(*rows, headers=dataset.headers), "csv"))
    handle.name = "themes.csv"
    url = reverse("admin:registry_theme_import")
    response = importer.post(url, {"file": handle})
    assert "Cyber (in English)" in response.content.decode()
    assert Theme.objects.get_by_natural_key("deu", "Cyber").title_en == ""
    importer.post(url, {"token": response.context["token"], "confirm": "1"})
    assert ImportRun.objects.get().updated == 1
    assert Theme.objects.get_by_natural_key("deu", "Cyber").title_en == "Cyber (in English)"


# The API and the fixture -------------------------------------------------------------------


def test_the_api_gives_the_english_texts_under_stable_names(client):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    theme.title_en = "Cyber security"
    theme.save()
    data = client.get(reverse("api:theme-detail", args=["deu", theme.slug])).json()
    assert (data["title_en"], data["description_en"]) == ("Cyber security", "")
    data = client.get(reverse("api:section-detail", args=["deu"])).json()
    assert data["heading_en"] == "Areas of cooperation with Germany"
    assert data["introduction_en"].startswith("Some of the subjects")


def build(english):
    return build_fixture(
        parse_annex(ANNEX_TEXT.read_text(encoding="utf-8")),
        edition_year=2016,
        agreements=yaml.safe_load(AGREEMENTS_SOURCE.read_text(encoding="utf-8")),
        english=english,
    )


def test_the_fixture_build_refuses_a_missing_heading_or_an_unknown_section():
    english = yaml.safe_load(ENGLISH_SOURCE.read_text(encoding="utf-8"))
    assert len(english) == 12
    sections = [o for o in build(english) if o["model"] == "registry.section"]
    assert all(section["fields"]["heading_en"] for section in sections)
    without_nato = {key: texts for key, texts in english.items() if key != "nato"}
    with pytest.raises(FixtureError, match="nato"):
        build(without_nato)
    with pytest.raises(FixtureError, match="mars"):
        build({**english, "mars": {"heading": "Mars"}})
