"""The annex parser, on the 2016 text (against a hand transcription) and on edge cases."""

import random
import re

import pytest

from registry.annex.parser import AnnexParseError, TooManyThemes, parse_annex
from registry.annex.renderer import escape
from tests import annex_2016_expected as expected

PAGE_BREAK = "\n\n\n \n\n \n\n"


def annex(body, heading="Samenwerkingsgebieden met Duitsland"):
    return f"Bijlage 2: Overzicht van samenwerkingsthema’s \n \nInleiding. \n \n{heading} \n{body}"


def commands_as_written(theme):
    return theme.commands_text or None


class TestThe2016Annex:
    def test_finds_the_twelve_sections_in_order(self, parsed_annex):
        headings = [section.heading for section in parsed_annex.sections]
        assert headings == [expected.SECTION_HEADINGS[key] for key in expected.SECTION_KEYS]

    def test_finds_the_114_titled_themes_in_each_section(self, parsed_annex):
        for key, section in zip(expected.SECTION_KEYS, parsed_annex.sections, strict=True):
            titles = [theme.title for theme in section.themes]
            assert titles == [title for title, _ in expected.THEMES[key]], key
        assert len(parsed_annex.themes) == 114

    def test_reads_the_commands_of_every_theme_as_written(self, parsed_annex):
        for key, section in zip(expected.SECTION_KEYS, parsed_annex.sections, strict=True):
            found = [(theme.title, commands_as_written(theme)) for theme in section.themes]
            assert found == expected.THEMES[key], key

    def test_keeps_the_untitled_paragraphs_as_section_introductions(self, parsed_annex):
        for key, section in zip(expected.SECTION_KEYS, parsed_annex.sections, strict=True):
            assert section.introduction == expected.SECTION_INTRODUCTIONS[key], key

    @pytest.mark.parametrize(("key", "title"), list(expected.SAMPLE_DESCRIPTIONS))
    def test_repairs_page_breaks_and_split_words_in_descriptions(self, parsed_annex, key, title):
        section = parsed_annex.sections[expected.SECTION_KEYS.index(key)]
        theme = next(theme for theme in section.themes if theme.title == title)
        assert theme.description == expected.SAMPLE_DESCRIPTIONS[(key, title)]

    def test_reads_the_title_and_introduction_of_the_annex(self, parsed_annex):
        assert parsed_annex.title == "Bijlage 2: Overzicht van samenwerkingsthema’s"
        assert len(parsed_annex.introduction) == 2
        assert parsed_annex.introduction[1].endswith(
            "speelt het Commando DienstenCentra (CDC) een rol."
        )
        assert parsed_annex.warnings == []

    def test_leaves_no_page_break_artefacts(self, parsed_annex):
        texts = [theme.description for theme in parsed_annex.themes]
        texts += [p for section in parsed_annex.sections for p in section.introduction]
        for text in texts:
            assert "  " not in text
            assert not re.search(r"\w- \d", text), text
            assert "\n" not in text


class TestLayoutsOfLaterEditions:
    def test_page_break_mid_sentence_continuing_with_a_capital(self):
        text = annex(
            "Opleiding: personeel wordt opgeleid bij een" + PAGE_BREAK + "Brits bedrijf. (CLAS) \n"
        )
        (theme,) = parse_annex(text).themes
        assert theme.description == "personeel wordt opgeleid bij een Brits bedrijf."
        assert theme.commands == ("CLAS",)

    def test_page_break_between_two_themes(self):
        text = annex("Eerste: tekst een. (CLAS)" + PAGE_BREAK + "Tweede: tekst twee. (CZSK) \n")
        themes = parse_annex(text).themes
        assert [theme.title for theme in themes] == ["Eerste", "Tweede"]

    def test_page_break_after_a_full_stop_inside_a_theme(self):
        text = annex("Eerste: zin een." + PAGE_BREAK + "Zin twee loopt door. (CLAS) \n")
        (theme,) = parse_annex(text).themes
        assert theme.description == "zin een. Zin twee loopt door."

    def test_word_split_at_a_line_end_is_joined(self):
        text = annex("Jachtvliegtuigen: de F-\n16 en de civiel-\nmilitaire kant. (CLSK) \n")
        (theme,) = parse_annex(text).themes
        assert theme.description == "de F-16 en de civiel-militaire kant."

    def test_elision_hyphen_at_a_line_end_keeps_its_space(self):
        text = annex("Faciliteiten: gebruik van opleidings-\nen oefenfaciliteiten. (CLAS) \n")
        (theme,) = parse_annex(text).themes
        assert theme.description == "gebruik van opleidings- en oefenfaciliteiten."

    def test_title_containing_colons(self):
        text = annex(
            "Single European Sky: Military Implementation (SES/SESAR): het project "
            "behartigt de militaire belangen. (CLSK) \n"
        )
        (theme,) = parse_annex(text).themes
        assert theme.title == "Single European Sky: Military Implementation (SES/SESAR)"
        assert theme.description == "het project behartigt de militaire belangen."

    def test_title_on_its_own_line_without_colon(self):
        text = annex(
            "Eerste: tekst. (CLAS) \n \nKorps Mariniers en Lichte Brigade \n"
            "In juni 2016 hebben de commandanten een overeenkomst getekend over de \n"
            "verdieping van de samenwerking. \n"
        )
        themes = parse_annex(text).themes
        assert themes[1].title == "Korps Mariniers en Lichte Brigade"
        assert themes[1].description.startswith("In juni 2016 hebben")
        assert themes[1].commands == ()

    def test_description_starting_with_a_capital(self):
        text = annex("Luchtruimbewaking: Vanaf 1 januari bewaken zij samen.(CLSK) \n")
        (theme,) = parse_annex(text).themes
        assert theme.title == "Luchtruimbewaking"
        assert theme.description == "Vanaf 1 januari bewaken zij samen."
        assert theme.commands == ("CLSK",)

    @pytest.mark.parametrize(
        ("written", "codes"),
        [
            ("(DMO, CZSK, CLAS en CLSK)", ("DMO", "CZSK", "CLAS", "CLSK")),
            ("(CDC/DGO, CLAS)", ("CDC", "DGO", "CLAS")),
            ("(Defensie Cyber Commando)", ("DCC",)),
            ("(CZSK, \nDMO)", ("CZSK", "DMO")),
            ("(CKMar)", ("CKMar",)),
        ],
    )
    def test_command_lists_as_written(self, written, codes):
        (theme,) = parse_annex(annex(f"Thema: tekst. {written} \n")).themes
        assert theme.commands == codes
        assert theme.description == "tekst."

    def test_command_in_the_sentence_before_the_full_stop(self):
        (theme,) = parse_annex(annex("JDEAL: voor Counter-IED activiteiten (CLAS). \n")).themes
        assert theme.commands == ("CLAS",)
        assert theme.description == "voor Counter-IED activiteiten."

    def test_abbreviation_in_brackets_is_not_a_command(self):
        text = annex("Joint: commando- en informatiesystemen (CIS). \n")
        (theme,) = parse_annex(text).themes
        assert theme.commands == ()
        assert theme.description == "commando- en informatiesystemen (CIS)."

    def test_unknown_command_code_names_the_line(self):
        text = annex("Eerste: tekst. (CLAS) \n \nTweede: tekst. (CZSK, XYZ) \n")
        with pytest.raises(AnnexParseError) as error:
            parse_annex(text)
        assert error.value.line == 8
        assert "'XYZ'" in str(error.value)
        assert "regel 8" in str(error.value)

    def test_typographic_and_straight_quotes_are_kept(self):
        text = annex("Materieel: de F-16’s en de LPD's. (DMO) \n")
        (theme,) = parse_annex(text).themes
        assert theme.description == "de F-16’s en de LPD's."

    def test_new_section_heading(self):
        text = annex(
            "Eerste: tekst. (CLAS) \n \nSamenwerkingsgebieden met Polen \nPatriot: samen "
            "oefenen. (CLSK) \n"
        )
        sections = parse_annex(text).sections
        assert [section.heading for section in sections][-1] == "Samenwerkingsgebieden met Polen"
        assert sections[-1].themes[0].title == "Patriot"

    def test_same_title_twice_in_a_section_is_an_error(self):
        text = annex("Cyber: een. (CLAS) \n \nCyber: twee. (CLAS) \n")
        with pytest.raises(AnnexParseError, match="twee keer"):
            parse_annex(text)

    def test_same_title_in_two_sections_is_fine(self):
        text = annex(
            "Cyber: een. (CLAS) \n \nSamenwerkingsgebieden met Frankrijk \nCyber: twee. \n"
        )
        assert [theme.title for theme in parse_annex(text).themes] == ["Cyber", "Cyber"]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "leeg"),
            (" \n \n\n", "leeg"),
            ("Een tekst zonder koppen. \n", "geen sectiekoppen"),
            ("\x00\x01binary", "nul-bytes"),
        ],
    )
    def test_texts_that_are_no_annex(self, text, message):
        with pytest.raises(AnnexParseError, match=message):
            parse_annex(text)


class TestEscapedParagraphs:
    """The escapes the renderer writes (registry/annex/parser.py, "Escaped paragraphs")."""

    def test_an_escaped_theme_is_read_as_written(self):
        text = annex(
            "\\Cyber\\: een: titel: description with \\(brackets\\)\\nand\\s\\stwo\\tlines"
            "\\u00a0\\\\ (CLAS, DCC)\n"
        )
        [theme] = parse_annex(text).themes
        assert theme.title == "Cyber: een"
        assert theme.description == "titel: description with (brackets)\nand  two\tlines\u00a0\\"
        assert theme.commands == ("CLAS", "DCC")
        assert theme.paragraph == ""

    def test_an_escaped_paragraph_without_a_title_is_an_introduction(self):
        text = annex("\\Samenwerkingsgebieden met Mars\\nTitel\\: geen thema\n\nCyber: ja. (DCC)\n")
        section = parse_annex(text).sections[0]
        assert section.introduction == ["Samenwerkingsgebieden met Mars\nTitel: geen thema"]
        assert [theme.title for theme in section.themes] == ["Cyber"]

    def test_an_escaped_theme_with_unknown_commands_is_refused_with_its_line(self):
        with pytest.raises(AnnexParseError) as caught:
            parse_annex(annex("\\Cyber: tekst (NAVO)\n"))
        assert caught.value.line == 6
        assert "onbekende commandocode(s) 'NAVO'" in caught.value.message

    def test_an_escaped_paragraph_does_not_continue_one_across_a_page_break(self):
        text = annex("Cyber: tekst zonder punt" + PAGE_BREAK + "\\Artillerie: meer. (CLAS)\n")
        assert [theme.title for theme in parse_annex(text).themes] == ["Cyber", "Artillerie"]


HOSTILE_CHARACTERS = ["a", "B", " ", "  ", ":", ": ", "(", ")", "\\", "\n", "\r\n", "\t", "\u00a0"]


@pytest.mark.parametrize("seed", range(200))
def test_any_text_escaped_by_the_renderer_reads_back_exactly(seed):
    generator = random.Random(seed)

    def text():
        parts = [generator.choice(HOSTILE_CHARACTERS) for _ in range(generator.randint(1, 12))]
        return "x" + "".join(parts) + "y"

    title, description = text(), text()
    written = f"\\{escape(title)}: {escape(description)} (CLAS)"
    [theme] = parse_annex(annex(written + "\n")).themes
    assert (theme.title, theme.description, theme.commands) == (title, description, ("CLAS",))
    assert "\n" not in written


# Descriptions that begin in lower case (issue 13, §6): 92 of the 2016 annex's 114 themes ----


def only_theme(body):
    (section,) = parse_annex(annex(body)).sections
    assert len(section.themes) == 1, section.introduction
    return section.themes[0]


def test_the_2016_descriptions_keep_their_lower_case_start(parsed_annex):
    theme = next(t for t in parsed_annex.themes if t.title == "Gevechtsleiders luchtmacht")
    assert theme.description.startswith("leerlingen worden uitgewisseld")
    lower = [t for t in parsed_annex.themes if t.description[:1].islower()]
    assert len(lower) == 92


def test_a_colon_in_a_lower_case_lead_sentence_is_no_end_of_the_title():
    theme = only_theme(
        "Cyber: de samenwerking richt zich op drie terreinen: training, oefening en inzet. (CLAS)"
    )
    assert theme.title == "Cyber"
    assert theme.description == (
        "de samenwerking richt zich op drie terreinen: training, oefening en inzet."
    )


def test_a_title_with_a_lower_case_word_after_its_own_colon_keeps_it():
    theme = only_theme(
        "Female Leaders in Security and Defence: a Roadmap to Provide Equal Opportunities: het "
        "opzetten van een conferentie. (BS)"
    )
    assert theme.title == (
        "Female Leaders in Security and Defence: a Roadmap to Provide Equal Opportunities"
    )
    assert theme.description == "het opzetten van een conferentie."


def test_a_title_on_its_own_line_above_a_lower_case_description():
    theme = only_theme(
        "Gevechtsleiders luchtmacht \n"
        "leerlingen worden uitgewisseld bij de opleiding tot gevechtsleider. (CLSK)"
    )
    assert theme.title == "Gevechtsleiders luchtmacht"
    assert theme.description.startswith("leerlingen worden uitgewisseld")


def test_the_short_first_line_of_a_lower_case_sentence_is_no_title():
    (section,) = parse_annex(
        annex(
            "Nederland en Duitsland werken samen \n"
            "aan de opleiding van officieren en onderofficieren in beide landen. (CLAS)"
        )
    ).sections
    assert section.themes == []
    assert section.introduction == [
        "Nederland en Duitsland werken samen aan de opleiding van officieren en onderofficieren "
        "in beide landen. (CLAS)"
    ]


class TestTheLimitOnThemes:
    """An oversized text is refused at the first theme beyond the limit, not after reading all."""

    TEXT = annex("Inleiding van de sectie.\n\nCyber: een.\n\nDoctrine: twee.\n\nOefenen: drie.\n")

    def test_stops_at_the_first_theme_beyond_the_limit_and_names_its_line(self):
        with pytest.raises(TooManyThemes) as raised:
            parse_annex(self.TEXT, max_themes=2)
        assert raised.value.limit == 2
        assert self.TEXT.splitlines()[raised.value.line - 1] == "Oefenen: drie."

    def test_reads_a_text_with_as_many_themes_as_the_limit(self):
        titles = [theme.title for theme in parse_annex(self.TEXT, max_themes=3).themes]
        assert titles == ["Cyber", "Doctrine", "Oefenen"]

    def test_counts_themes_not_the_paragraphs_of_an_introduction(self):
        text = annex("Inleiding een.\n\nInleiding twee.\n\nCyber: een.\n")
        assert [theme.title for theme in parse_annex(text, max_themes=1).themes] == ["Cyber"]
