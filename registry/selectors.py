"""Reads for the public pages, the downloads and the API: what may be published, fetched in a
fixed number of queries whatever the size of the registry."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from registry.models import (
    Agreement,
    Command,
    Partner,
    Section,
    Theme,
    ThemeCommand,
)


def public_themes():
    """Themes that may be published, with what a listing shows of them."""
    return (
        Theme.objects.filter(is_internal=False)
        .select_related("section")
        .prefetch_related(
            Prefetch("theme_commands", ThemeCommand.objects.select_related("command")),
            Prefetch("partners", Partner.objects.order_by("name_nl")),
        )
    )


def public_agreements():
    return Agreement.objects.filter(is_internal=False)


def theme_agreements(theme):
    return (
        public_agreements()
        .filter(themes=theme)
        .prefetch_related(Prefetch("parties", Partner.objects.order_by("name_nl")))
    )


def agreements_with_relations():
    return public_agreements().prefetch_related(
        Prefetch("parties", Partner.objects.order_by("name_nl")),
        Prefetch("themes", Theme.objects.filter(is_internal=False).select_related("section")),
    )


def sections_with_counts():
    return Section.objects.annotate(
        theme_count=Count("themes", filter=Q(themes__is_internal=False, themes__is_archived=False))
    ).order_by("position")


def partners_with_counts():
    current = Q(themes__is_internal=False, themes__is_archived=False)
    return Partner.objects.annotate(theme_count=Count("themes", filter=current, distinct=True))


def commands_with_counts():
    current = Q(themes__is_internal=False, themes__is_archived=False)
    return Command.objects.annotate(theme_count=Count("themes", filter=current, distinct=True))


def partner_command_matrix():
    """Themes per (partner, command), and per partner the defence-wide ones: one query each."""
    through = Theme.partners.through
    current = {"theme__is_internal": False, "theme__is_archived": False}
    links = (
        through.objects.filter(**current)
        .filter(
            Exists(ThemeCommand.objects.filter(theme_id=OuterRef("theme_id"))),
        )
        .values("partner_id", "theme__theme_commands__command_id")
        .annotate(count=Count("theme_id", distinct=True))
    )
    cells = {
        (row["partner_id"], row["theme__theme_commands__command_id"]): row["count"] for row in links
    }
    defence_wide = (
        through.objects.filter(**current)
        .exclude(Exists(ThemeCommand.objects.filter(theme_id=OuterRef("theme_id"))))
        .values("partner_id")
        .annotate(count=Count("theme_id", distinct=True))
    )
    for row in defence_wide:
        cells[(row["partner_id"], None)] = row["count"]
    return cells
