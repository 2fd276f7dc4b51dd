"""publiccode.yml at the repository's root: it parses, and has what the standard (0.4) requires."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "en")


def publiccode():
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_it_has_the_keys_the_standard_requires():
    code = publiccode()
    assert code["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "platforms", "developmentStatus", "softwareType"):
        assert code[key], key
    assert code["url"].startswith("https://")
    assert code["developmentStatus"] in ("concept", "development", "beta", "stable", "obsolete")
    assert code["legal"]["license"]
    assert code["maintenance"]["type"] in ("internal", "contract", "community", "none")
    assert code["maintenance"]["contacts"][0]["name"]
    assert code["localisation"]["localisationReady"] is True


def test_it_describes_the_software_in_dutch_and_english():
    code = publiccode()
    assert set(code["localisation"]["availableLanguages"]) == set(LANGUAGES)
    for language in LANGUAGES:
        description = code["description"][language]
        # The standard's limits: a short description of at most 150 characters, a long one of
        # 150 to 10,000.
        assert 0 < len(description["shortDescription"]) <= 150, language
        assert 150 <= len(description["longDescription"]) <= 10_000, language
        assert description["features"], language
    assert (
        code["description"]["nl"]["longDescription"] != code["description"]["en"]["longDescription"]
    )


def test_its_dependencies_name_the_framework_the_project_installs():
    names = [dependency["name"] for dependency in publiccode()["dependsOn"]["open"]]
    assert "Django" in names
    assert "Python" in names
