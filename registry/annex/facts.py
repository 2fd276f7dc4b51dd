"""What an annex paragraph states about a theme: partners, status, Dutch role, target year.

Each fact comes from a rule on the annex's own wording, so next year's edition gets the same
treatment. Staff correct what a rule cannot see in the admin. Pure Python, no Django.
"""

import re
from dataclasses import dataclass

from registry.annex.parser import ParsedAnnex
from registry.annex.vocabulary import partners_named, section_info


class InOrder:
    """A rule that one phrase is followed, somewhere later, by another.

    As one pattern (``first.*then``) every occurrence of the first phrase would scan the rest
    of the text, which takes quadratic time on a text that repeats it; the first occurrence is
    enough.
    """

    def __init__(self, first, then):
        self.first, self.then = re.compile(first), re.compile(then)

    def search(self, text):
        found = self.first.search(text)
        return found is not None and self.then.search(text, found.end()) is not None


STATUS_RULES = (
    ("completed", re.compile(r"\binmiddels voltooid\b|\bis voltooid\b")),
    ("interested", InOrder(r"\bneemt momenteel niet deel\b", r"\bgeïnteresseerd\b")),
)
# An exploratory theme opens with it ("onderzoeken van ...", "Nederland en Noorwegen onderzoeken
# ..."); an ongoing theme that also explores something ("het bestendigen van ... alsmede het
# onderzoeken van ...") stays ongoing.
EXPLORATORY_OPENING = re.compile(r"\bonderzoek(?:en|t)?\b|\bonderzocht\b|\bverkennen\b")
EXPLORATORY_INTEREST = re.compile(r"^\w+ heeft belangstelling voor\b")
ROLE_RULES = (
    (
        "lead_nation",
        re.compile(
            r"Nederland (?:is|als) lead nation|Nederland leidt|door Nederland geleide"
            r"|Nederland\b[^.]{0,40}\bvoortrekkersrol"
        ),
    ),
    ("framework_nation", re.compile(r"Framework Nations?,\s*Nederland|Nederland als framework")),
    ("single_contracting_nation", re.compile(r"Nederland[^.]{0,30}single contracting nation")),
    ("secretary_nation", re.compile(r"Nederland[^.]{0,60}secretary nation")),
    ("participant", re.compile(r"Nederland neemt deel aan")),
)
FRAMEWORK_RULES = (
    ("nato", re.compile(r"\bVJTF\b|\bNATO Response Force\b")),
    ("eu_eda", re.compile(r"\bEU Battlegroup\b")),
    ("nato_smart_defence", re.compile(r"\bSmart Defence\b")),
)
# A year the text sets as a goal: "in 2020 gereed", "vanaf 2019 volledig operationeel".
TARGET_WORDS = re.compile(
    r"gereed|operationeel|interoperabel|inzetbaar|aangeboden|uitgewerkt|bijdrage|voorbereiding"
)
YEAR = re.compile(r"\b(?:in|vanaf|voor|tot)\s+(20\d\d)\b")
TITLE_YEAR = re.compile(r"\b(20\d\d)\b")


@dataclass(frozen=True)
class ThemeFacts:
    section_key: str
    title: str
    description: str
    commands: tuple[str, ...]
    partners: tuple[str, ...]
    status: str
    dutch_role: str
    framework: str
    target_year: int | None
    position: int
    line: int
    paragraph: str = ""


@dataclass(frozen=True)
class SectionFacts:
    key: str
    position: int
    heading: str
    introduction: str
    partners: tuple[str, ...]
    framework: str


def annex_facts(annex: ParsedAnnex, edition_year):
    """The sections and themes of a parsed annex, with the facts its text states."""
    sections, themes = [], []
    for position, section in enumerate(annex.sections, start=1):
        info = section_info(section.heading)
        introduction = "\n\n".join(section.introduction)
        partners = info.partners
        if partners is None:
            partners = tuple(partners_named(introduction))
        sections.append(
            SectionFacts(
                key=info.key,
                position=position,
                heading=section.heading,
                introduction=introduction,
                partners=tuple(partners),
                framework=info.framework,
            )
        )
        for theme_position, theme in enumerate(section.themes, start=1):
            text = f"{theme.title}: {theme.description}"
            named = partners_named(text)
            themes.append(
                ThemeFacts(
                    section_key=info.key,
                    title=theme.title,
                    description=theme.description,
                    commands=theme.commands,
                    partners=tuple(dict.fromkeys([*partners, *named])),
                    status=theme_status(theme.description),
                    dutch_role=dutch_role(theme.description),
                    framework=framework(theme.description, info.framework),
                    target_year=target_year(theme.title, theme.description, edition_year),
                    position=theme_position,
                    line=theme.line,
                    paragraph=theme.paragraph,
                )
            )
    return sections, themes


def theme_status(description):
    for status, rule in STATUS_RULES:
        if rule.search(description):
            return status
    opening = " ".join(first_sentence(description).split()[:5])
    if EXPLORATORY_OPENING.search(opening) or EXPLORATORY_INTEREST.search(description):
        return "exploratory"
    return "ongoing"


def dutch_role(description):
    for role, rule in ROLE_RULES:
        if rule.search(description):
            return role
    return ""


def framework(description, section_framework):
    for value, rule in FRAMEWORK_RULES:
        if rule.search(description):
            return value
    return section_framework


def target_year(title, description, edition_year):
    """The first year, not before the edition's, that the text sets as a goal."""
    for match in TITLE_YEAR.finditer(title):
        if int(match.group(1)) >= edition_year:
            return int(match.group(1))
    for sentence in sentences(description):
        if not TARGET_WORDS.search(sentence):
            continue
        for match in YEAR.finditer(sentence):
            if int(match.group(1)) >= edition_year:
                return int(match.group(1))
    return None


def sentences(text):
    return [part for part in re.split(r"(?<=[.;])\s+(?=[A-Z0-9])", text) if part]


def first_sentence(text):
    parts = sentences(text)
    return parts[0] if parts else ""
