"""The facts the rules read from the annex's wording, checked against the 2016 text."""

import pytest

from registry.annex.facts import annex_facts, dutch_role, target_year, theme_status
from registry.annex.vocabulary import partners_named, section_info


@pytest.fixture(scope="module")
def facts(parsed_annex):
    sections, themes = annex_facts(parsed_annex, 2016)
    return {section.key: section for section in sections}, {
        (theme.section_key, theme.title): theme for theme in themes
    }


def themes_where(facts, field):
    _, themes = facts
    return {key: getattr(theme, field) for key, theme in themes.items() if getattr(theme, field)}


def test_target_years_stated_in_the_text(facts):
    assert themes_where(facts, "target_year") == {
        ("benelux", "EUBG 2018"): 2018,
        ("deu", "Operationele integratie Seebataillon"): 2018,
        ("deu", "Duits-Nederlands legerkorpshoofdkwartier"): 2019,
        ("deu", "Luchtmobiele brigade"): 2019,
        ("deu", "Tanks en 43e Gemechaniseerde Brigade"): 2020,
        ("deu", "Artillerie"): 2020,
        ("nor", "VJTF"): 2019,
        ("gbr", "Joint Expeditionary Force (JEF)"): 2018,
    }


def test_dutch_roles_stated_in_the_text(facts):
    assert themes_where(facts, "dutch_role") == {
        ("benelux", "Smart Vest"): "single_contracting_nation",
        ("benelux", "EUBG 2018"): "secretary_nation",
        ("deu", "Duits-Nederlands legerkorpshoofdkwartier"): "framework_nation",
        (
            "nato",
            "Centres of Excellence (COE) as hub of Education and Individual Training",
        ): "participant",
        ("nato", "Joint Logistics Support Group capability"): "lead_nation",
        ("nato", "Biometrics"): "lead_nation",
        ("nato", "Multinational Cyber Defence Capability Development (MNCD2)"): "participant",
        ("eu", "European Multimodal Transport Hubs"): "lead_nation",
        ("eu", "JDEAL"): "lead_nation",
        ("eu", "Sharing of Spare Parts"): "lead_nation",
    }


def test_statuses_stated_in_the_text(facts):
    statuses = {
        key: status for key, status in themes_where(facts, "status").items() if status != "ongoing"
    }
    assert statuses == {
        ("benelux", "Investeringsplan"): "exploratory",
        ("deu", "Cyber"): "exploratory",
        ("deu", "Joint capaciteiten"): "exploratory",
        ("fra", "Politiemissies"): "exploratory",
        ("fra", "Cyber"): "exploratory",
        ("nor", "Onderzeeboten"): "exploratory",
        ("nor", "UK/NL Amphibious Force"): "exploratory",
        ("nor", "Cyber"): "exploratory",
        ("nato", "Pooling of Deployable Air Activation Modules"): "interested",
        (
            "nato",
            "Dismantling, Demilitarization and Disposal (DD&D) of Military Equipment",
        ): "completed",
    }


def test_theme_partners_include_those_beyond_the_section(facts):
    _, themes = facts
    assert themes[("gbr", "F-35")].partners == ("GBR", "AUS", "USA")
    assert set(themes[("gbr", "Joint Expeditionary Force (JEF)")].partners) == {
        "GBR",
        "DNK",
        "EST",
        "LVA",
        "LTU",
        "NOR",
    }
    assert set(themes[("multilateraal", "European Air Transport Command (EATC)")].partners) == {
        "EATC",
        "BEL",
        "DEU",
        "FRA",
        "ITA",
        "LUX",
        "ESP",
    }


def test_the_netherlands_is_never_its_own_partner(facts):
    sections, themes = facts
    for item in [*sections.values(), *themes.values()]:
        assert "NLD" not in item.partners


def test_frameworks_follow_section_and_wording(facts):
    _, themes = facts
    assert themes[("benelux", "Helikopters")].framework == "benelux"
    assert themes[("benelux", "EUBG 2018")].framework == "eu_eda"
    assert themes[("nor", "VJTF")].framework == "nato"
    assert themes[("nato", "Biometrics")].framework == "nato_smart_defence"
    assert themes[("eu", "RPAS")].framework == "eu_eda"
    assert themes[("deu", "Artillerie")].framework == "bilateral"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("onderzoeken van samenwerkingsmogelijkheden op het gebied van cyber.", "exploratory"),
        ("het bestendigen van de samenwerking, alsmede het onderzoeken van meer.", "ongoing"),
        ("Dit project is inmiddels voltooid.", "completed"),
        (
            "Nederland neemt momenteel niet deel aan dit project, maar is wel geïnteresseerd.",
            "interested",
        ),
        ("gezamenlijke onderzoeksprogramma’s.", "ongoing"),
    ],
)
def test_status_rules(text, expected):
    assert theme_status(text) == expected


def test_role_and_year_rules():
    assert dutch_role("Nederland is lead nation.") == "lead_nation"
    assert dutch_role("Nederland neemt momenteel niet deel.") == ""
    assert target_year("Thema", "sinds 2013 actief. In 2016 een LoI getekend.", 2016) is None
    assert target_year("Thema", "de divisie die in 2021 gereed moet zijn.", 2016) == 2021
    assert target_year("Thema", "de divisie die in 2015 gereed was.", 2016) is None


def test_partner_names_adjectives_and_organisations():
    assert partners_named("de Belgische brigade, het VK en de Navo; Frans Guyana") == [
        "BEL",
        "GBR",
        "NATO",
        "FRA",
    ]
    assert partners_named("Nederland en Curaçao") == []


def test_a_new_country_section_gets_a_readable_key():
    info = section_info("Samenwerkingsgebieden met Polen")
    assert (info.key, info.partners) == ("pol", ("POL",))
    assert section_info("Samenwerkingsgebieden in de Navo").key == "nato"
