"""Write a parsed annex as a Django fixture with natural keys (pure Python, no Django).

The fixture in ``fixtures/`` is generated from the annex text by this module, so the loaded
registry and the text cannot drift apart: a test rebuilds it and compares.
"""

import json
import re
from datetime import date

from registry.annex.facts import annex_facts
from registry.annex.vocabulary import COMMANDS, partner, slugify

DATE_FORMS = {
    re.compile(r"^\d{4}-\d{2}-\d{2}$"): "day",
    re.compile(r"^\d{4}-\d{2}$"): "month",
    re.compile(r"^\d{4}$"): "year",
}


class FixtureError(ValueError):
    pass


def build_fixture(annex, *, edition_year, agreements, english=None, source=None):
    """The Django fixture objects (a list of dicts) for one edition of the annex.

    ``english`` gives each section's English heading and introduction by section key (the
    annex is Dutch only; a person translated them): every section needs a heading there, and a
    key the annex lacks is an error, so a translation cannot be lost or go stale unnoticed.

    ``source`` names the parliamentary document the edition was sent with (the fields of
    ``Edition``: dossier_number, document_number, document_date, appendix, source_url).
    """
    sections, themes = annex_facts(annex, edition_year)
    english = _english_sections(sections, english)
    theme_keys = {(theme.section_key, theme.title) for theme in themes}
    texts = _source_texts(sections, themes)
    partner_codes = sorted(
        {code for item in [*sections, *themes] for code in item.partners}
        | {code for agreement in agreements for code in agreement["parties"]}
    )
    objects = [*_commands(), *_partners(partner_codes)]
    objects.append(
        _object(
            "edition",
            year=edition_year,
            title=annex.title,
            introduction="\n\n".join(annex.introduction),
            **_edition_source(source or {}),
        )
    )
    for section in sections:
        objects.append(
            _object(
                "section",
                key=section.key,
                position=section.position,
                heading=section.heading,
                introduction=section.introduction,
                heading_en=english.get(section.key, {}).get("heading", ""),
                introduction_en=english.get(section.key, {}).get("introduction", ""),
                partners=[[code] for code in section.partners],
            )
        )
    objects.extend(_themes(themes, edition_year))
    for agreement in agreements:
        objects.append(_agreement(agreement, theme_keys, texts))
    return objects


EDITION_SOURCE_FIELDS = (
    "dossier_number",
    "document_number",
    "document_date",
    "appendix",
    "source_url",
)


def _edition_source(source):
    unknown = set(source) - set(EDITION_SOURCE_FIELDS)
    if unknown:
        raise FixtureError(f"Unknown fields in the edition's source: {', '.join(sorted(unknown))}.")
    values = {name: source.get(name, "") for name in EDITION_SOURCE_FIELDS}
    document_date = values["document_date"]
    values["document_date"] = document_date.isoformat() if document_date else None
    values["dossier_number"] = str(values["dossier_number"])
    values["document_number"] = str(values["document_number"])
    return values


def dump_fixture(objects):
    return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"


def _commands():
    for position, command in enumerate(COMMANDS, start=1):
        yield _object(
            "command",
            code=command.code,
            name_nl=command.name_nl,
            name_en=command.name_en,
            kind=command.kind,
            parent=[command.parent] if command.parent else None,
            position=position,
        )


def _partners(codes):
    for code in codes:
        info = partner(code)
        yield _object(
            "partner", code=info.code, kind=info.kind, name_nl=info.name_nl, name_en=info.name_en
        )


def _themes(themes, edition_year):
    slugs = {}
    for theme in themes:
        slug = slugify(theme.title)
        taken = slugs.setdefault(theme.section_key, set())
        candidate, number = slug, 2
        while candidate in taken:
            candidate, number = f"{slug}-{number}", number + 1
        taken.add(candidate)
        yield _object(
            "theme",
            section=[theme.section_key],
            title=theme.title,
            slug=candidate,
            position=theme.position,
            description=theme.description,
            partners=[[code] for code in theme.partners],
            status=theme.status,
            dutch_role=theme.dutch_role,
            framework=theme.framework,
            target_year=theme.target_year,
        )
        yield _object(
            "themeedition",
            theme=[theme.section_key, theme.title],
            edition=[edition_year],
            title=theme.title,
            description=theme.description,
            commands="|".join(theme.commands),
            paragraph=theme.paragraph,
        )
        for position, code in enumerate(theme.commands, start=1):
            yield _object(
                "themecommand",
                theme=[theme.section_key, theme.title],
                command=[code],
                position=position,
            )


def _agreement(agreement, theme_keys, texts):
    slug = agreement["slug"]
    for section_key, title in agreement["themes"]:
        if (section_key, title) not in theme_keys:
            raise FixtureError(f"{slug}: no theme '{title}' in section '{section_key}'")
    source = agreement["source"]
    source_key = (source["section"], source.get("theme"))
    if agreement["evidence"] not in texts.get(source_key, ""):
        raise FixtureError(f"{slug}: the evidence is not in {source_key}")
    signed, precision = _date(agreement.get("date"), slug)
    return _object(
        "agreement",
        slug=slug,
        kind=agreement["kind"],
        title=agreement["title"],
        date_signed=signed,
        date_precision=precision,
        status=agreement["status"],
        description=agreement["evidence"],
        parties=[[code] for code in agreement["parties"]],
        themes=[list(key) for key in agreement["themes"]],
    )


def _date(value, slug):
    if value is None:
        return None, "unknown"
    for form, precision in DATE_FORMS.items():
        if form.match(str(value)):
            parts = [int(part) for part in str(value).split("-")] + [1, 1]
            return date(*parts[:3]).isoformat(), precision
    raise FixtureError(f"{slug}: date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")


def _english_sections(sections, english):
    if english is None:
        return {}
    keys = [section.key for section in sections]
    unknown = sorted(set(english) - set(keys))
    if unknown:
        raise FixtureError(f"English texts for sections the annex lacks: {', '.join(unknown)}")
    untranslated = [key for key in keys if not (english.get(key) or {}).get("heading")]
    if untranslated:
        raise FixtureError(f"No English heading for the sections: {', '.join(untranslated)}")
    for key, texts in english.items():
        extra = sorted(set(texts) - {"heading", "introduction"})
        if extra:
            raise FixtureError(f"{key}: unknown English texts: {', '.join(extra)}")
    return english


def _source_texts(sections, themes):
    texts = {(section.key, None): section.introduction for section in sections}
    texts.update({(theme.section_key, theme.title): theme.description for theme in themes})
    return texts


def _object(model, **fields):
    return {"model": f"registry.{model}", "fields": fields}
