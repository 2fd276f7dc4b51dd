"""The Dutch catalogue is complete and its compiled form is current."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "registry" / "locale" / "nl" / "LC_MESSAGES"


def test_every_string_has_a_dutch_translation():
    catalogue = polib.pofile(LOCALE / "django.po")
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(LOCALE / "django.po") if e.msgid}
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(LOCALE / "django.mo") if e.msgid
    }
    assert compiled == source
