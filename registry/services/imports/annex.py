"""The annex text as an annual update: parse it and plan it like any other import.

The text gives plans for five kinds of record, applied in this order: the commands and
partners it names that the registry lacks, the edition itself (its title and introduction),
the sections (headings, introductions, partners) and the themes. Each row of each plan goes
through the same reading and validation as a spreadsheet's.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from registry.annex.facts import annex_facts
from registry.annex.parser import AnnexParseError, TooManyThemes, parse_annex
from registry.annex.vocabulary import COMMANDS
from registry.annex.vocabulary import partner as partner_info
from registry.columns import SEPARATOR
from registry.models import Command, Partner, ThemeEdition
from registry.services.imports.planning import Lookups, plan_import, refused_plan
from registry.tabular import DEFAULT_MAX_ROWS, MAX_CELL_CHARS

# Facts the rules read from the text: they describe a new theme; for a theme that staff already
# keep, the registry's values stand (a rule must not undo a correction made in the admin).
CREATE_ONLY = ("status", "dutch_role", "framework", "target_year")


def annex_plans(text, *, edition_year, archive_missing=False, pages=None):
    """Plans for partners, sections and themes, in the order they must be applied.

    ``pages`` (of a PDF): the page of a 1-based line of ``text``; each theme's edition text
    keeps the page where the theme begins.
    """
    annex, refusal = parse_within_limits(text)
    if refusal is not None:
        return [refusal], None
    sections, themes = annex_facts(annex, edition_year)
    lookups = Lookups()
    plans = [
        _command_plan(themes, lookups),
        _partner_plan(sections, themes, lookups),
        _edition_plan(annex, edition_year, lookups),
        _section_plan(sections, lookups, _sections_of_newer_editions(edition_year)),
    ]
    for plan in plans:
        plan.missing = []  # only themes are an edition's content; others are not "missing"
    plans.append(_theme_plan(themes, lookups, edition_year, archive_missing, pages))
    return plans, annex


def parse_within_limits(text):
    """The parsed annex and ``None``, or ``None`` and the refused plan that says why not.

    Reading stops at the first theme beyond the limit, so an oversized text costs no more to
    refuse than the largest text that is accepted.
    """
    try:
        annex = parse_annex(text, max_themes=DEFAULT_MAX_ROWS)
    except TooManyThemes as error:
        message = _(
            "The text holds more than %(max)s themes; at most %(max)s themes can be imported at "
            "once."
        ) % {"max": number_format(error.limit, force_grouping=True)}
        return None, refused_plan("themes", message, row=error.line)
    except AnnexParseError as error:
        return None, refused_plan("themes", error.message, row=error.line)
    return annex, _beyond_limits(annex)


def _beyond_limits(annex):
    """A refused plan when the text holds longer paragraphs than a cell may.

    The same limit as a spreadsheet's cells, checked before the facts are read (the number of
    themes, as a spreadsheet's rows, is bounded while the text is parsed).
    """
    paragraphs = [(theme.line, theme.paragraph or theme.description) for theme in annex.themes]
    paragraphs += [
        (section.line, text) for section in annex.sections for text in section.introduction
    ]
    paragraphs += [(None, text) for text in annex.introduction]
    for line, text in paragraphs:
        if len(text) > MAX_CELL_CHARS:
            return refused_plan(
                "themes",
                _(
                    "A paragraph of the text holds %(length)s characters; a paragraph holds at "
                    "most %(limit)s, as a cell of Excel."
                )
                % {
                    "length": number_format(len(text), force_grouping=True),
                    "limit": number_format(MAX_CELL_CHARS, force_grouping=True),
                },
                row=line,
            )
    return None


def _edition_plan(annex, edition_year, lookups):
    rows = [
        {
            "year": str(edition_year),
            "title": annex.title,
            "introduction": "\n\n".join(annex.introduction),
        }
    ]
    return plan_import(
        kind="editions",
        rows=rows,
        row_numbers=[None],
        headers=["year", "title", "introduction"],
        lookups=lookups,
    )


def _command_plan(themes, lookups):
    """The commands of the annex's vocabulary that a theme names and the registry lacks."""
    known = set(Command.objects.values_list("code", flat=True))
    named = {code for theme in themes for code in theme.commands}
    missing = [info for info in COMMANDS if info.code in named - known]
    needed = {info.parent for info in missing if info.parent} - known
    missing += [info for info in COMMANDS if info.code in needed and info not in missing]
    rows = [
        {
            "code": info.code,
            "name_nl": info.name_nl,
            "name_en": info.name_en,
            "kind": info.kind,
            "parent": info.parent or "",
            "position": str(COMMANDS.index(info) + 1),
        }
        for info in missing
    ]
    return plan_import(
        kind="commands",
        rows=rows,
        row_numbers=[None] * len(rows),
        headers=["code", "name_nl", "name_en", "kind", "parent", "position"],
        lookups=lookups,
    )


def _partner_plan(sections, themes, lookups):
    known = set(Partner.objects.values_list("code", flat=True))
    codes = {code for item in [*sections, *themes] for code in item.partners} - known
    rows = []
    for code in sorted(codes):
        info = partner_info(code)
        rows.append(
            {"code": info.code, "kind": info.kind, "name_nl": info.name_nl, "name_en": info.name_en}
        )
    return plan_import(
        kind="partners",
        rows=rows,
        row_numbers=[None] * len(rows),
        headers=["code", "kind", "name_nl", "name_en"],
        lookups=lookups,
    )


def _sections_of_newer_editions(edition_year):
    """The sections that a newer edition has themes in: their heading, introduction and place
    follow that edition, so an older one brought in later leaves them (and adds partners)."""
    return {
        (key,)
        for key in ThemeEdition.objects.filter(edition__year__gt=edition_year)
        .values_list("theme__section__key", flat=True)
        .distinct()
    }


def _section_plan(sections, lookups, held):
    rows = [
        {
            "key": section.key,
            "position": str(section.position),
            "heading": section.heading,
            "introduction": section.introduction,
            "partners": SEPARATOR.join(section.partners),
        }
        for section in sections
    ]
    return plan_import(
        kind="sections",
        rows=rows,
        row_numbers=[None] * len(rows),
        headers=["key", "position", "heading", "introduction", "partners"],
        lookups=lookups,
        merge_columns=("partners",),
        silent_columns=("position",),
        held=held,
    )


def _theme_plan(themes, lookups, edition_year, archive_missing, pages):
    headers = [
        "section",
        "title",
        "position",
        "description",
        "commands",
        "partners",
        *CREATE_ONLY,
    ]
    rows = [
        {
            "section": theme.section_key,
            "title": theme.title,
            "position": str(theme.position),
            "description": theme.description,
            "commands": SEPARATOR.join(theme.commands),
            "partners": SEPARATOR.join(theme.partners),
            "status": theme.status,
            "dutch_role": theme.dutch_role,
            "framework": theme.framework,
            "target_year": str(theme.target_year or ""),
        }
        for theme in themes
    ]
    plan = plan_import(
        kind="themes",
        rows=rows,
        row_numbers=[theme.line for theme in themes],
        headers=headers,
        edition=edition_year,
        archive_missing=archive_missing,
        lookups=lookups,
        merge_columns=("partners",),
        silent_columns=("position",),
        create_only_columns=CREATE_ONLY,
    )
    plan.paragraphs = {(theme.section_key, theme.title): theme.paragraph for theme in themes}
    if pages is not None:
        plan.pages = {(theme.section_key, theme.title): pages(theme.line) for theme in themes}
    return plan
