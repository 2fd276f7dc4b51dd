"""The Dutch catalogue is complete and its compiled form is current."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "registry" / "locale" / "nl" / "LC_MESSAGES"


CATALOGUES = ["django", "djangojs"]


@pytest.mark.parametrize("domain", CATALOGUES)
def test_every_string_has_a_dutch_translation(domain):
    catalogue = polib.pofile(LOCALE / f"{domain}.po")
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("domain", CATALOGUES)
def test_the_compiled_catalogue_matches_the_source(domain):
    source = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(LOCALE / f"{domain}.po") if e.msgid
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(LOCALE / f"{domain}.mo") if e.msgid
    }
    assert compiled == source
