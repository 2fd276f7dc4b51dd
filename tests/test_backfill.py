"""Backfilling editions: older editions brought in after newer ones end as in year order.

Three editions are made from the 2016 annex text: 2015 lacks a theme that 2016 brought, has
other texts and commands, and has two themes that 2016 no longer has (one of them comes back in
2017); 2017 changes a text, drops a theme and brings a new one. Imported in any order into an
empty registry, the editions each theme appears in, the text per edition, the current fields
and the archived flag come out the same, and so does the comparison of any two editions.
"""

from io import StringIO
from itertools import combinations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from registry.models import (
    Agreement,
    Command,
    Edition,
    ImportChange,
    ImportRun,
    Partner,
    Section,
    Theme,
    ThemeCommand,
    ThemeEdition,
)
from registry.services.editions import compare_editions
from registry.services.imports import confirm_import, prepare_import

pytestmark = pytest.mark.django_db

YEAR_ORDER = (2015, 2016, 2017)
ORDERS = [YEAR_ORDER, (2016, 2015, 2017), (2017, 2015, 2016), (2017, 2016, 2015)]

GEVECHTSLEIDERS = (
    "Gevechtsleiders luchtmacht: leerlingen worden uitgewisseld bij de opleiding \n"
    "tot gevechtsleider. (CLSK) \n \n"
)
KUSTWACHT = (
    "Kustwachtsamenwerking: de kustwachten van België en Nederland wisselen gegevens uit "
    "over het verkeer op de Noordzee. (CZSK) \n \n"
)
MIJNENVEGERS = (
    "Oude mijnenvegers: België en Nederland hebben hun laatste mijnenvegers samen "
    "uit dienst genomen. Dit project is inmiddels voltooid. (CZSK, DMO) \n \n"
)
RUIMTE = (
    "Ruimtevaart: België en Nederland onderzoeken samenwerking bij het volgen van "
    "satellieten. (CLSK) \n \n"
)
SPECIAL_FORCES = (
    "Special Forces: verdergaande samenwerking op het gebied van gereedstelling \n"
    "en inzet. Het streven is regelmatig een geïntegreerde bijdrage te leveren aan \n"
    "de snel inzetbare eenheden van EU en Navo. (CZSK, CLAS) \n \n"
)
# The paragraph after which the made-up themes stand (Benelux, after "Gevechtsleiders").
LUCHTRUIM = "Luchtruimbewaking: Vanaf 1 januari a.s."


def replaced(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


def edition_texts(text_2016):
    """The 2015, 2016 and 2017 editions, made from the 2016 text."""
    text_2015 = replaced(text_2016, GEVECHTSLEIDERS, "")
    text_2015 = replaced(text_2015, LUCHTRUIM, KUSTWACHT + MIJNENVEGERS + LUCHTRUIM)
    text_2015 = replaced(text_2015, "wordt verder uitgewerkt", "wordt onderzocht")
    text_2015 = replaced(text_2015, "Luxemburg heeft in 2016", "België heeft in 2015")
    text_2015 = replaced(text_2015, "F-16’s. (CZSK, CLSK, DMO)", "F-16’s. (CLSK, DMO)")
    text_2017 = replaced(text_2016, GEVECHTSLEIDERS, GEVECHTSLEIDERS + KUSTWACHT + RUIMTE)
    text_2017 = replaced(text_2017, "Vanaf 1 januari a.s. zijn", "Sinds 1 januari 2017 zijn")
    text_2017 = replaced(text_2017, SPECIAL_FORCES, "")
    return {2015: text_2015, 2016: text_2016, 2017: text_2017}


def empty_registry():
    Command.objects.update(parent=None)
    for model in (
        ImportChange,
        ImportRun,
        Agreement,
        ThemeEdition,
        ThemeCommand,
        Theme,
        Section,
        Edition,
        Partner,
        Command,
    ):
        model.objects.all().delete()


def import_edition(texts, year):
    prepared = confirm_import(
        kind="annex",
        data=texts[year].encode(),
        file_name=f"bijlage-2-{year}.txt",
        user=None,
        edition=year,
        archive_missing=True,
    )
    assert not prepared.errors, prepared.errors
    return prepared


def end_state():
    """Every theme: its editions, its text per edition, its current fields, its archived flag."""
    themes = Theme.objects.select_related("section").prefetch_related(
        "partners", "theme_commands__command", "theme_editions__edition"
    )
    return {
        (theme.section.key, theme.title): {
            "texts": {
                link.edition.year: (link.title, link.description, link.commands, link.paragraph)
                for link in theme.theme_editions.all()
            },
            "description": theme.description,
            "commands": [link.command.code for link in theme.theme_commands.all()],
            "partners": sorted(partner.code for partner in theme.partners.all()),
            "position": theme.position,
            "slug": theme.slug,
            "is_archived": theme.is_archived,
        }
        for theme in themes
    }


def sections_state():
    return sorted(
        (section.key, section.position, section.heading, section.introduction)
        for section in Section.objects.all()
    )


def comparisons():
    """Every pair of editions compared, older and newer both ways round."""
    editions = {edition.year: edition for edition in Edition.objects.all()}
    result = {}
    for older, newer in combinations(sorted(editions), 2):
        comparison = compare_editions(editions[older], editions[newer])
        result[(older, newer)] = {
            "new": [link.theme.title for link in comparison.new],
            "gone": [link.theme.title for link in comparison.gone],
            "changed": [(change.key, change.text_diff) for change in comparison.changed],
            "unchanged": comparison.unchanged,
        }
    return result


@pytest.fixture(scope="module")
def texts(annex_text):
    return edition_texts(annex_text)


def imported_in(texts, order):
    empty_registry()
    for year in order:
        import_edition(texts, year)
    return end_state(), sections_state(), comparisons()


def test_the_made_up_editions_differ_as_described(texts):
    state, _sections, compared = imported_in(texts, YEAR_ORDER)
    benelux = {title: value for (key, title), value in state.items() if key == "benelux"}
    assert sorted(benelux["Gevechtsleiders luchtmacht"]["texts"]) == [2016, 2017]
    assert sorted(benelux["Kustwachtsamenwerking"]["texts"]) == [2015, 2017]
    assert sorted(benelux["Oude mijnenvegers"]["texts"]) == [2015]
    assert sorted(benelux["Ruimtevaart"]["texts"]) == [2017]
    assert sorted(benelux["Special Forces"]["texts"]) == [2015, 2016]
    assert len([theme for theme in state.values() if len(theme["texts"]) == 3]) == 112
    assert compared[(2015, 2017)]["new"] == ["Gevechtsleiders luchtmacht", "Ruimtevaart"]
    assert compared[(2015, 2016)]["gone"] == ["Kustwachtsamenwerking", "Oude mijnenvegers"]


@pytest.mark.parametrize("order", ORDERS[1:], ids=lambda order: "-".join(map(str, order)))
def test_any_order_ends_as_year_order(texts, order):
    expected_state, expected_sections, expected_comparisons = imported_in(texts, YEAR_ORDER)
    state, sections, compared = imported_in(texts, order)
    differing = sorted(
        key
        for key in expected_state.keys() | state.keys()
        if expected_state.get(key) != state.get(key)
    )
    assert differing == []
    assert sections == expected_sections
    assert compared == expected_comparisons


def test_importing_any_edition_again_changes_nothing(texts):
    imported_in(texts, (2017, 2015, 2016))
    state, texts_before = end_state(), sorted(ThemeEdition.objects.values_list("pk", flat=True))
    for year in YEAR_ORDER:
        run = import_edition(texts, year).run
        assert (run.created, run.updated, run.archived) == (0, 0, 0)
    assert end_state() == state
    assert sorted(ThemeEdition.objects.values_list("pk", flat=True)) == texts_before


def test_an_older_edition_adds_its_texts_and_leaves_the_current_records(texts):
    imported_in(texts, (2016, 2017))
    current = {key: {**theme, "texts": None} for key, theme in end_state().items()}
    prepared = prepare_import(
        kind="annex",
        data=texts[2015].encode(),
        file_name="bijlage-2-2015.txt",
        edition=2015,
        archive_missing=True,
    )
    themes = prepared.main
    assert [row.key for row in themes.created] == [("benelux", "Oude mijnenvegers")]
    assert (len(themes.updated), len(themes.unchanged), themes.missing) == (0, 114, [])
    assert themes.newest_edition == 2017
    run = import_edition(texts, 2015).run
    assert (run.created, run.updated, run.archived) == (1, 0, 0)
    after = {key: {**theme, "texts": None} for key, theme in end_state().items()}
    assert after.pop(("benelux", "Oude mijnenvegers"))["is_archived"] is True
    assert after == current
    assert ThemeEdition.objects.filter(edition__year=2015).count() == 115


def test_a_middle_edition_lists_as_missing_what_the_edition_before_had(texts):
    imported_in(texts, (2015, 2017))
    prepared = import_edition(texts, 2016)
    missing = sorted(prepared.main.missing_keys())
    assert missing == [("benelux", "Kustwachtsamenwerking"), ("benelux", "Oude mijnenvegers")]
    assert prepared.run.archived == 0
    archived = Theme.objects.filter(is_archived=True).values_list("title", flat=True)
    assert sorted(archived) == ["Oude mijnenvegers", "Special Forces"]


# The admin and the command line, on the test registry with the 2016 annex loaded -------------

IMPORT = reverse("admin:registry_theme_import")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def current_records():
    return {key: {**theme, "texts": None} for key, theme in end_state().items()}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "2015 is older than 2016, the newest edition in the registry."),
        ("nl", "2015 is ouder dan 2016, de nieuwste editie in het register."),
    ],
)
def test_the_admin_preview_of_an_older_edition_says_what_it_writes(
    admin_client, media_root, settings, texts, language, expected
):
    before = current_records()
    upload = SimpleUploadedFile("bijlage-2-2015.txt", texts[2015].encode())
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = admin_client.post(IMPORT, {"file": upload, "edition": "2015"})
    assert response.status_code == 200
    assert response.context["backfill"] == {
        "edition": 2015,
        "newest_edition": 2016,
        "texts": {"created": 115, "updated": 0, "unchanged": 0},
    }
    assert expected in response.content.decode()
    assert response.context["counts"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 113,
        "missing": 0,
    }
    admin_client.post(IMPORT, {"token": response.context["token"], "confirm": "1"})
    after = current_records()
    new = {key: after.pop(key)["is_archived"] for key in after.keys() - before.keys()}
    assert new == {
        ("benelux", "Kustwachtsamenwerking"): True,
        ("benelux", "Oude mijnenvegers"): True,
    }
    assert after == before
    assert ThemeEdition.objects.filter(edition__year=2015).count() == 115


def test_import_annex_reports_what_an_older_edition_writes(tmp_path, texts):
    path = tmp_path / "bijlage-2-2015.txt"
    path.write_text(texts[2015], encoding="utf-8")
    reports = []
    for _time in range(2):
        out = StringIO()
        call_command("import_annex", str(path), "--edition", "2015", stdout=out)
        reports.append(out.getvalue())
    message = (
        "2015 is older than 2016, the newest edition in the registry: the themes a newer "
        "edition has keep their current records; texts of 2015: "
    )
    assert message + "115 new, 0 changed, 0 unchanged" in reports[0]
    assert message + "0 new, 0 changed, 115 unchanged" in reports[1]
    assert ThemeEdition.objects.filter(edition__year=2015).count() == 115


def test_the_admin_compares_any_two_editions_from_their_texts(admin_client, texts):
    imported_in(texts, (2017, 2015, 2016))
    years = {edition.year: edition.pk for edition in Edition.objects.all()}
    url = "admin:registry_edition_compare"
    pages = [
        admin_client.get(reverse(url, args=[years[2015], years[2017]])),
        admin_client.get(reverse(url, args=[years[2017], years[2015]])),
    ]
    for page in pages:
        assert page.status_code == 200
        comparison = page.context["comparison"]
        assert [link.theme.title for link in comparison.new] == [
            "Gevechtsleiders luchtmacht",
            "Ruimtevaart",
        ]
        assert [link.theme.title for link in comparison.gone] == [
            "Oude mijnenvegers",
            "Special Forces",
        ]
        assert [change.key for change in comparison.changed] == [
            ("benelux", "Helikopters"),
            ("benelux", "Luchtruimbewaking"),
        ]
    assert main_content(pages[0]) == main_content(pages[1])


def main_content(page):
    """The page's content, without the header (whose language switch names the page's URL)."""
    return page.content.decode().split('id="content"', 1)[1]
