"""The loaded 2016 annex compared with the annex text, theme by theme."""

import re
from datetime import date

import pytest
from django.core.management import call_command

from registry.models import Agreement, Command, Edition, Partner, Section, Theme
from tests import annex_2016_expected as expected

pytestmark = pytest.mark.django_db

CODE_BY_NAME = {"Defensie Cyber Commando": "DCC"}


def codes_as_written(written):
    """ "DMO, CZSK, CLAS en CLSK" -> ["DMO", "CZSK", "CLAS", "CLSK"] (independent of the parser)."""
    if written is None:
        return []
    parts = [part.strip() for part in re.split(r",| en |/", written) if part.strip()]
    return [CODE_BY_NAME.get(part, part) for part in parts]


def test_twelve_sections_in_the_annex_order():
    sections = list(Section.objects.order_by("position"))
    assert [section.key for section in sections] == expected.SECTION_KEYS
    assert [section.heading for section in sections] == [
        expected.SECTION_HEADINGS[key] for key in expected.SECTION_KEYS
    ]


def test_section_introductions():
    for section in Section.objects.all():
        assert section.introduction == "\n\n".join(expected.SECTION_INTRODUCTIONS[section.key])


def test_number_of_themes_per_section():
    counts = {section.key: section.themes.count() for section in Section.objects.all()}
    assert counts == expected.THEME_COUNTS
    assert Theme.objects.count() == 114


def test_commands_of_every_theme():
    themes = Theme.objects.select_related("section").prefetch_related("theme_commands__command")
    found = {
        (theme.section.key, theme.title): [c.code for c in theme.ordered_commands()]
        for theme in themes
    }
    wanted = {
        (key, title): codes_as_written(written)
        for key, themes in expected.THEMES.items()
        for title, written in themes
    }
    assert found == wanted


def test_themes_without_commands_are_defence_wide():
    theme = Theme.objects.get(section__key="nato", title="Immersive Training Environment")
    assert theme.is_defence_wide
    assert not Theme.objects.get(section__key="deu", title="Cyber").is_defence_wide


@pytest.mark.parametrize(("key", "title"), list(expected.SAMPLE_DESCRIPTIONS))
def test_full_descriptions(key, title):
    theme = Theme.objects.get(section__key=key, title=title)
    assert theme.description == expected.SAMPLE_DESCRIPTIONS[(key, title)]


def test_same_title_in_different_sections_stays_distinct():
    cyber = Theme.objects.filter(title="Cyber").order_by("section__position")
    assert [theme.section.key for theme in cyber] == ["deu", "fra", "nor"]
    assert [len(theme.ordered_commands()) for theme in cyber] == [1, 0, 0]
    assert cyber[0].ordered_commands()[0].code == "DCC"


def test_every_theme_appears_in_the_2016_edition():
    edition = Edition.objects.get(year=2016)
    assert edition.themes.count() == 114
    assert edition.title == "Bijlage 2: Overzicht van samenwerkingsthema’s"
    assert edition.introduction.startswith("Deze bijlage bevat een overzicht")


def test_commands_and_their_parent():
    assert set(Command.objects.values_list("code", flat=True)) == {
        "CZSK",
        "CLAS",
        "CLSK",
        "CKMar",
        "BS",
        "DMO",
        "CDC",
        "DGO",
        "DCC",
    }
    assert Command.objects.get(code="DGO").parent.code == "CDC"


def test_partners_named_by_the_themes():
    f35 = Theme.objects.get(section__key="gbr", title="F-35")
    assert set(f35.partners.values_list("code", flat=True)) == {"GBR", "AUS", "USA"}
    assert Partner.objects.get(code="DEU").name_nl == "Duitsland"
    assert Partner.objects.get(code="DEU").name_en == "Germany"
    assert Partner.objects.get(code="NATO").kind == "organisation"
    assert Partner.objects.filter(kind="country").count() >= 33
    assert not Partner.objects.filter(code="NLD").exists()


@pytest.mark.parametrize(
    ("slug", "kind", "signed", "precision", "status", "parties"),
    [
        (
            "benelux-ministeriele-verklaring-2012",
            "ministerial_declaration",
            date(2012, 4, 18),
            "day",
            "signed",
            {"BEL", "LUX"},
        ),
        (
            "duits-nederlandse-declaration-of-intent-2013",
            "doi",
            date(2013, 5, 28),
            "day",
            "signed",
            {"DEU"},
        ),
        ("loi-seebataillon-2016", "loi", date(2016, 2, 4), "day", "signed", {"DEU"}),
        ("loi-medegebruik-jss-2016", "loi", date(2016, 2, 4), "day", "signed", {"DEU"}),
        ("loi-benelux-brigades-2016", "loi", date(2016, 1, 1), "year", "signed", {"BEL", "LUX"}),
        (
            "overeenkomst-korps-mariniers-lichte-brigade-2016",
            "agreement",
            date(2016, 6, 1),
            "month",
            "signed",
            {"BEL"},
        ),
        (
            "loi-vervanging-mijnenjagers-m-fregatten",
            "loi",
            None,
            "unknown",
            "in_preparation",
            {"BEL"},
        ),
        (
            "loi-landmachten-frankrijk-opleiding-training",
            "loi",
            None,
            "unknown",
            "drawn_up",
            {"FRA"},
        ),
        ("loi-f-35-weapon-instructor-course", "loi", None, "unknown", "signed", {"NOR"}),
        ("mou-smart-2015", "mou", date(2015, 10, 29), "day", "signed", {"NOR"}),
        (
            "mou-joint-expeditionary-force-2015",
            "mou",
            date(2015, 11, 30),
            "day",
            "signed",
            {"GBR", "DNK", "EST", "LVA", "LTU", "NOR"},
        ),
        ("joint-action-plan-migratie", "action_plan", None, "unknown", "drawn_up", {"GBR"}),
        (
            "mou-precisiegeleide-munitie-2016",
            "mou",
            date(2016, 2, 11),
            "day",
            "signed",
            {"DNK", "BEL", "GRC", "NOR", "PRT", "ESP", "CZE"},
        ),
    ],
)
def test_agreements_named_in_the_text(slug, kind, signed, precision, status, parties):
    agreement = Agreement.objects.get(slug=slug)
    assert (agreement.kind, agreement.date_signed, agreement.date_precision, agreement.status) == (
        kind,
        signed,
        precision,
        status,
    )
    assert set(agreement.parties.values_list("code", flat=True)) == parties


def test_agreements_link_to_their_themes_and_back():
    assert Agreement.objects.count() == 13
    theme = Theme.objects.get(section__key="benelux", title="Korps Mariniers en Lichte Brigade")
    assert [a.slug for a in theme.agreements.all()] == [
        "overeenkomst-korps-mariniers-lichte-brigade-2016"
    ]


def test_loading_the_fixture_again_changes_nothing():
    before = list(Theme.objects.values_list("pk", "description", "status").order_by("pk"))
    call_command("loaddata", "fixtures/annex-2016.json", verbosity=0)
    after = list(Theme.objects.values_list("pk", "description", "status").order_by("pk"))
    assert before == after


def test_fixture_is_generated_from_the_current_text_and_rules():
    call_command("build_annex_fixture", "--check")
