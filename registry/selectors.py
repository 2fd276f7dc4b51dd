"""Reads for the public pages, the downloads and the API: what may be published, fetched in a
fixed number of queries whatever the size of the registry."""

from django.db.models import Count, Max, Prefetch, Q

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


CURRENT = Q(themes__is_internal=False, themes__is_archived=False)


def sections_with_counts():
    return Section.objects.annotate(theme_count=Count("themes", filter=CURRENT)).order_by(
        "position"
    )


def partners_with_counts():
    # A theme names a partner once, so counting the links counts the themes.
    return Partner.objects.annotate(theme_count=Count("themes", filter=CURRENT))


def commands_with_counts():
    return Command.objects.annotate(theme_count=Count("themes", filter=CURRENT))


def partner_command_matrix():
    """Current themes per (partner id, command id); command None counts the defence-wide ones.

    One grouped query over the partner links joined to the command links: a theme names a
    partner once and a command once, so each row is one theme.
    """
    rows = (
        Theme.partners.through.objects.filter(theme__is_internal=False, theme__is_archived=False)
        .values("partner_id", "theme__theme_commands__command_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        (row["partner_id"], row["theme__theme_commands__command_id"]): row["count"] for row in rows
    }


def registry_version():
    """A marker that changes whenever a theme, partner, section or command changes.

    Every change leaves a historical record (admin edits and imports alike), so the newest
    history ids tell whether cached figures are still right.
    """
    markers = [
        model.history.aggregate(latest=Max("history_id"))["latest"] or 0
        for model in (Theme, Partner, Section, Command)
    ]
    return "-".join(str(marker) for marker in markers)
