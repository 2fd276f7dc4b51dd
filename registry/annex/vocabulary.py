"""What the annex's words refer to: commands, countries, organisations and known sections."""

import gettext
import re
from dataclasses import dataclass
from functools import cache

import pycountry


@dataclass(frozen=True)
class CommandInfo:
    code: str
    name_nl: str
    name_en: str
    kind: str  # "operational" or "defence_part", as in registry.choices.CommandKind
    parent: str | None = None


COMMANDS = (
    CommandInfo("CZSK", "Commando Zeestrijdkrachten", "Royal Netherlands Navy", "operational"),
    CommandInfo("CLAS", "Commando Landstrijdkrachten", "Royal Netherlands Army", "operational"),
    CommandInfo(
        "CLSK", "Commando Luchtstrijdkrachten", "Royal Netherlands Air Force", "operational"
    ),
    CommandInfo(
        "CKMar",
        "Commando Koninklijke Marechaussee",
        "Royal Netherlands Marechaussee",
        "operational",
    ),
    CommandInfo("BS", "Bestuursstaf", "Central Staff", "defence_part"),
    CommandInfo(
        "DMO", "Defensie Materieel Organisatie", "Defence Materiel Organisation", "defence_part"
    ),
    CommandInfo("CDC", "Commando DienstenCentra", "Support Command", "defence_part"),
    CommandInfo(
        "DGO",
        "Defensie Gezondheidszorg Organisatie",
        "Defence Health Care Organisation",
        "defence_part",
        parent="CDC",
    ),
    CommandInfo("DCC", "Defensie Cyber Commando", "Defence Cyber Command", "defence_part"),
)


@dataclass(frozen=True)
class OrganisationInfo:
    code: str
    name_nl: str
    name_en: str
    aliases: tuple[str, ...]


ORGANISATIONS = (
    OrganisationInfo(
        "NATO",
        "Noord-Atlantische Verdragsorganisatie (Navo)",
        "North Atlantic Treaty Organization",
        ("Navo", "NATO"),
    ),
    OrganisationInfo("EU", "Europese Unie", "European Union", ("EU", "Europese Unie")),
    OrganisationInfo(
        "EDA",
        "Europees Defensieagentschap",
        "European Defence Agency",
        ("EDA", "Europees Defensieagentschap"),
    ),
    OrganisationInfo("UN", "Verenigde Naties", "United Nations", ("VN", "Verenigde Naties")),
    OrganisationInfo(
        "ACT",
        "Allied Command Transformation",
        "Allied Command Transformation",
        ("Allied Command Transformation",),
    ),
    OrganisationInfo(
        "MCCE",
        "Movement Coordination Centre Europe",
        "Movement Coordination Centre Europe",
        ("MCCE",),
    ),
    OrganisationInfo(
        "EATC", "European Air Transport Command", "European Air Transport Command", ("EATC",)
    ),
    OrganisationInfo(
        "SAC", "Strategic Airlift Capability", "Strategic Airlift Capability", ("SAC",)
    ),
    OrganisationInfo(
        "MSSC",
        "Multinational Sealift Steering Committee",
        "Multinational Sealift Steering Committee",
        ("MSSC",),
    ),
    OrganisationInfo(
        "NSPA",
        "NATO Support and Procurement Agency",
        "NATO Support and Procurement Agency",
        ("NSPA",),
    ),
    OrganisationInfo(
        "EUROGENDFOR",
        "European Gendarmerie Force",
        "European Gendarmerie Force",
        ("EUROGENDFOR",),
    ),
    OrganisationInfo("EAG", "European Air Group", "European Air Group", ("EAG",)),
    OrganisationInfo(
        "MNFP", "Multinational Fighter Program", "Multinational Fighter Program", ("MNFP",)
    ),
    OrganisationInfo(
        "NCGM",
        "Nordic Centre for Gender in Military Operations",
        "Nordic Centre for Gender in Military Operations",
        ("NCGM",),
    ),
    OrganisationInfo(
        "NMW-COE",
        "Naval Mine Warfare Centre of Excellence",
        "Naval Mine Warfare Centre of Excellence",
        ("NMW COE", "Naval Mine Warfare Centre of Excellence"),
    ),
    OrganisationInfo(
        "CSSM",
        "Centre for Ship Signature Management",
        "Centre for Ship Signature Management",
        ("CSSM",),
    ),
    OrganisationInfo(
        "STRATCOM-COE",
        "NATO Strategic Communications Centre of Excellence",
        "NATO Strategic Communications Centre of Excellence",
        ("STRATCOM",),
    ),
    OrganisationInfo(
        "JIATFS",
        "Joint Interagency Task Force South",
        "Joint Interagency Task Force South",
        ("JIATFS",),
    ),
)

# Ways the annex names countries besides their Dutch name: adjectives and abbreviations.
COUNTRY_ALIASES = {
    "BEL": ("Belgische", "Belgisch"),
    "LUX": ("Luxemburgse",),
    "DEU": ("Duitse", "Duits"),
    "FRA": ("Frans Guyana", "Frans-Guyana", "Franse", "Frans"),
    "NOR": ("Noorse",),
    "GBR": ("VK", "UK", "Groot-Brittannië", "Britse", "Brits"),
    "USA": ("VS", "US", "U.S.", "Amerikaanse"),
}
# The Kingdom of the Netherlands itself is never a partner.
KINGDOM = {"NLD", "ABW", "CUW", "SXM", "BES"}


@dataclass(frozen=True)
class KnownSection:
    key: str
    partners: tuple[str, ...] | None  # None: the partners its introduction names
    framework: str  # registry.choices.Framework value, "" when none applies


# The headings of the annex, as they stand in the 2016 edition.
KNOWN_SECTIONS = {
    "Samenwerkingsgebieden met België en Luxemburg": KnownSection(
        "benelux", ("BEL", "LUX"), "benelux"
    ),
    "Samenwerkingsgebieden met Duitsland": KnownSection("deu", ("DEU",), "bilateral"),
    "Samenwerkingsgebieden met Frankrijk": KnownSection("fra", ("FRA",), "bilateral"),
    "Samenwerkingsgebieden met Noorwegen": KnownSection("nor", ("NOR",), "bilateral"),
    "Samenwerkingsgebieden met het Verenigd Koninkrijk": KnownSection("gbr", ("GBR",), "bilateral"),
    "Samenwerkingsgebieden met de Verenigde Staten": KnownSection("usa", ("USA",), "bilateral"),
    "Overige Navo en EU-partners; andere partners": KnownSection(
        "overige-partners", ("AUS", "IDN", "ISR"), "bilateral"
    ),
    "Partners voor specifieke thema’s": KnownSection("specifieke-themas", None, "bilateral"),
    "Samenwerkingsgebieden in de Navo": KnownSection("nato", ("NATO",), "nato_smart_defence"),
    "Samenwerkingsgebieden in de EU": KnownSection("eu", ("EU", "EDA"), "eu_eda"),
    "Overige multilaterale samenwerkingsgebieden": KnownSection(
        "multilateraal", (), "multilateral"
    ),
    "Samenwerking op het gebied van munitie": KnownSection("munitie", None, ""),
}


@dataclass(frozen=True)
class PartnerInfo:
    code: str
    kind: str  # "country" or "organisation", as in registry.choices.PartnerKind
    name_nl: str
    name_en: str


@cache
def _dutch_country_names():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])


def country(code):
    """The country with this ISO 3166-1 alpha-3 code, named in Dutch and English."""
    record = pycountry.countries.get(alpha_3=code)
    if record is None:
        raise KeyError(code)
    english = getattr(record, "common_name", None) or record.name
    return PartnerInfo(code, "country", _dutch_country_names().gettext(record.name), english)


def partner(code):
    """A country or organisation by its code."""
    for organisation in ORGANISATIONS:
        if organisation.code == code:
            return PartnerInfo(code, "organisation", organisation.name_nl, organisation.name_en)
    return country(code)


@cache
def _partner_patterns():
    names = {}
    for record in pycountry.countries:
        if record.alpha_3 in KINGDOM:
            continue
        dutch = _dutch_country_names().gettext(record.name)
        names.setdefault(dutch, record.alpha_3)
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            names[alias] = code
    for organisation in ORGANISATIONS:
        for alias in organisation.aliases:
            names[alias] = organisation.code
    # Longest names first, so "Verenigde Arabische Emiraten" wins over shorter overlaps.
    alternatives = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(name) for name in alternatives) + r")(?![\w])"
    )
    return pattern, names


def partners_named(text):
    """The codes of the countries and organisations a text names, in order of first mention."""
    pattern, names = _partner_patterns()
    found = {}
    for match in pattern.finditer(text):
        found.setdefault(names[match.group(1)], None)
    return list(found)


def section_info(heading):
    """Key, partners and framework for a heading; a new heading gets a key from its partner."""
    normalised = " ".join(heading.replace("'", "’").split())
    if normalised in KNOWN_SECTIONS:
        return KNOWN_SECTIONS[normalised]
    named = partners_named(normalised)
    if named:
        key = "-".join(code.lower() for code in named)
        framework = "bilateral" if len(named) == 1 else "multilateral"
        return KnownSection(key, tuple(named), framework)
    subject = re.sub(
        r"^(Samenwerkingsgebieden|Samenwerking)\s+(met|in|op het gebied van)\s+(de|het)?\s*",
        "",
        normalised,
    )
    return KnownSection(slugify(subject or normalised), None, "")


def slugify(text):
    """A readable ASCII slug (the parser stays free of Django, so not django's slugify)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100]
