"""What may be published, decided here and only here; the reads of every public output.

The rule:

- a theme or an agreement is public unless staff marked it internal (``is_internal``);
- a public theme is current unless it is archived (``is_archived``): listings show the current
  themes unless the reader asks for the archive, and every count counts current themes;
- the text an edition gave a theme (``ThemeEdition``) is public when its theme is, so the
  rendered annex and its appendix of what changed between editions leave the others out.

Every public output reads through this module and never filters on ``is_internal`` or
``is_archived`` itself: the pages (``registry/views.py``), the API (``registry/api/``), the
downloads, the rendered annex and its appendix (``registry/services/render.py``), the listing's
filters (``registry/filters.py``), the overview's figures, and any feed or sitemap added later.
A query that reaches themes or agreements through a relation uses ``public()`` or ``current()``
with the path to them (``current("themes__")``), so that the rule stays here.

The reads are fetched in a fixed number of queries whatever the size of the registry.
"""

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils.translation import get_language

from registry.choices import PartnerKind
from registry.models import (
    Agreement,
    Command,
    Partner,
    Section,
    Theme,
    ThemeCommand,
    ThemeEdition,
)


def public(path=""):
    """The condition for a public theme or agreement, ``path`` away from the model queried."""
    return Q(**{f"{path}is_internal": False})


def current(path=""):
    """The condition for a public theme that is not archived."""
    return public(path) & Q(**{f"{path}is_archived": False})


def archived(path=""):
    """The condition for an archived theme (public or not: combine it with ``public()``)."""
    return Q(**{f"{path}is_archived": True})


def partner_name_field():
    """The partner name field of the page's language, for ordering."""
    return "name_en" if get_language() == "en" else "name_nl"


def public_themes():
    """Themes that may be published, current and archived, with what a listing shows of them."""
    return (
        Theme.objects.filter(public())
        .select_related("section")
        .prefetch_related(
            Prefetch("theme_commands", ThemeCommand.objects.select_related("command")),
            Prefetch("partners", Partner.objects.order_by("name_nl")),
        )
    )


def current_themes():
    """Public themes that are not archived: what a section's, partner's or command's page lists."""
    return public_themes().filter(current())


def sibling_themes(theme):
    """The other current themes of a theme's section, for its page (titles and links only)."""
    return (
        Theme.objects.filter(current(), section=theme.section_id)
        .exclude(pk=theme.pk)
        .order_by("position", "title")
        .only("title", "slug", "section_id")
    )


def public_agreements():
    return Agreement.objects.filter(public())


def public_theme_texts():
    """The texts editions gave the public themes: what the rendered annex may print."""
    return ThemeEdition.objects.filter(public("theme__"))


def theme_agreements(theme):
    return (
        public_agreements()
        .filter(themes=theme)
        .prefetch_related(Prefetch("parties", Partner.objects.order_by("name_nl")))
    )


def agreements_with_relations():
    return public_agreements().prefetch_related(
        Prefetch("parties", Partner.objects.order_by("name_nl")),
        Prefetch("themes", Theme.objects.filter(public()).select_related("section")),
    )


CURRENT = current("themes__")


def sections_with_counts():
    return Section.objects.annotate(theme_count=Count("themes", filter=CURRENT)).order_by(
        "position"
    )


def partners_with_counts():
    # A theme names a partner once, so counting the links counts the themes.
    return Partner.objects.annotate(theme_count=Count("themes", filter=CURRENT))


def public_partner_countries():
    """The countries the public registry names as partners, with their number of current themes:
    in a current theme, in a section of the annex, or as a party to a public agreement."""
    in_theme = Theme.partners.through.objects.filter(current("theme__"), partner=OuterRef("pk"))
    in_section = Section.partners.through.objects.filter(partner=OuterRef("pk"))
    in_agreement = Agreement.parties.through.objects.filter(
        public("agreement__"), partner=OuterRef("pk")
    )
    return partners_with_counts().filter(
        Q(kind=PartnerKind.COUNTRY) & (Exists(in_theme) | Exists(in_section) | Exists(in_agreement))
    )


def commands_with_counts():
    return Command.objects.annotate(theme_count=Count("themes", filter=CURRENT))


def partner_command_matrix():
    """Current themes per (partner id, command id); command None counts the defence-wide ones.

    One grouped query over the partner links joined to the command links: a theme names a
    partner once and a command once, so each row is one theme.
    """
    rows = (
        Theme.partners.through.objects.filter(current("theme__"))
        .values("partner_id", "theme__theme_commands__command_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        (row["partner_id"], row["theme__theme_commands__command_id"]): row["count"] for row in rows
    }


def registry_version():
    """A marker that changes whenever a theme, partner, section, command or agreement changes.

    Every change leaves a historical record (admin edits and imports alike), so the newest
    history ids tell whether cached figures are still right.
    """
    markers = [
        model.history.aggregate(latest=Max("history_id"))["latest"] or 0
        for model in (Theme, Partner, Section, Command, Agreement)
    ]
    return "-".join(str(marker) for marker in markers)
