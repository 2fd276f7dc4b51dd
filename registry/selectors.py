"""What may be published, decided here and only here; the reads of every public output.

The rule:

- a theme or an agreement is public unless staff marked it internal (``is_internal``);
- a public theme is current unless it is archived (``is_archived``): listings show the current
  themes unless the reader asks for the archive, and every count counts current themes;
- the text an edition gave a theme (``ThemeEdition``) is public when its theme is, so the
  rendered annex, its appendix and the edition pages leave the others out;
- a theme's history is public from the moment the theme was public, and only while it is:
  versions recorded while it was internal are never told, and a theme that is internal now has
  no public history (``public_theme_changes``, read by the feeds).

Every public output reads through this module and never filters on ``is_internal`` or
``is_archived`` itself: the pages (``registry/views.py``), the API (``registry/api/``), the
downloads, the rendered annex and its appendix (``registry/services/render.py``), the listing's
filters (``registry/filters.py``), the overview's figures, the edition pages, the Atom feeds
(``registry/feeds.py``), the open-data downloads (``registry/opendata.py``), and any sitemap
added later.
A query that reaches themes or agreements through a relation uses ``public()`` or ``current()``
with the path to them (``current("themes__")``), so that the rule stays here.

The reads are fetched in a fixed number of queries whatever the size of the registry.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from registry.choices import PartnerKind
from registry.models import (
    Agreement,
    Command,
    Edition,
    ImportRun,
    Partner,
    Section,
    Theme,
    ThemeCommand,
    ThemeEdition,
)
from registry.services.editions import Comparison, compare_editions
from registry.textdiff import word_diff


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


def partners_by_name():
    """Partners in the alphabetical order of the page's language (Germany after France)."""
    return Partner.objects.order_by(partner_name_field(), "code")


def public_themes():
    """Themes that may be published, current and archived, with what a listing shows of them."""
    return (
        Theme.objects.filter(public())
        .select_related("section")
        .prefetch_related(
            Prefetch("theme_commands", ThemeCommand.objects.select_related("command")),
            Prefetch("partners", partners_by_name()),
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
        .only("title", "title_en", "slug", "section_id")
    )


def public_agreements():
    return Agreement.objects.filter(public())


# Agreements in date order wherever they are listed (pages, API, downloads): an agreement
# without a known date comes last, on every database alike (SQLite sorts NULL first, PostgreSQL
# last), then by title and slug so that the order is the same on every page.
AGREEMENT_ORDER = (F("date_signed").asc(nulls_last=True), "title", "slug")


def agreements_in_date_order():
    """The public agreements with their parties and themes, earliest first, undated last."""
    return agreements_with_relations().order_by(*AGREEMENT_ORDER)


def public_theme_texts():
    """The texts editions gave the public themes: what the rendered annex may print."""
    return ThemeEdition.objects.filter(public("theme__"))


def theme_texts(theme):
    """The texts the editions gave one public theme, oldest edition first, with the edition."""
    return (
        public_theme_texts().filter(theme=theme).select_related("edition").order_by("edition__year")
    )


def editions():
    """The editions of the annex, newest first. An edition is public; what it holds is read
    through ``public_theme_texts()``."""
    return Edition.objects.order_by("-year")


def editions_with_counts():
    return editions().annotate(theme_count=Count("themes", filter=public("themes__")))


def edition_comparison(edition):
    """What changed in ``edition`` since the edition before it, among the public themes.

    Returns the previous edition (None for the first, where every public theme in it is new)
    and the comparison. Three queries whatever the size.
    """
    previous = editions().filter(year__lt=edition.year).first()
    texts = public_theme_texts()
    if previous is None:
        links = texts.filter(edition=edition).select_related("theme__section")
        first = sorted(links, key=lambda link: (link.theme.section.key, link.theme.title))
        return None, Comparison(new=first, changed=[], gone=[], unchanged=0)
    return previous, compare_editions(previous, edition, texts=texts)


def theme_agreements(theme):
    return (
        public_agreements()
        .filter(themes=theme)
        .prefetch_related(Prefetch("parties", partners_by_name()))
        .order_by(*AGREEMENT_ORDER)
    )


def agreements_with_relations():
    return public_agreements().prefetch_related(
        Prefetch("parties", partners_by_name()),
        Prefetch("themes", Theme.objects.filter(public()).select_related("section")),
    )


class ChangeKind:
    ADDED = "added"
    CHANGED = "changed"
    ARCHIVED = "archived"
    RESTORED = "restored"


# What a reader sees change in a theme; a save that changes none of these is no news.
NEWS_FIELDS = (
    "title",
    "description",
    "section_id",
    "command_codes",
    "status",
    "dutch_role",
    "framework",
    "target_year",
)


@dataclass
class ThemeChange:
    """One change to a public theme, from its history: ``version`` is the historical record."""

    kind: str
    theme: Theme
    version: object
    previous: object = None

    @property
    def date(self):
        return self.version.history_date

    @property
    def description_changed(self):
        return self.previous is not None and (self.previous.description != self.version.description)

    @property
    def diff(self):
        """The description, word by word, from the public version before this one."""
        return word_diff(self.previous.description, self.version.description)


@dataclass
class EditionNews:
    edition: Edition

    kind = "edition"

    @property
    def date(self):
        document_date = self.edition.document_date
        return timezone.make_aware(datetime.combine(document_date, time()))


def public_theme_changes(*, partner=None, limit=50):
    """The latest changes to public themes, newest first, from the themes' history.

    A theme's history may only be told from the moment it was public: versions recorded while
    it was internal are left out, and the first public version counts as the theme being
    added (so a theme made public is "added" then, with its text at that moment, and nothing
    of what it said while internal). A theme that is internal now has no public history at
    all. Only versions that change what a reader sees count: the text, the section, the
    commands, the facts, and being archived or back from the archive.

    With ``partner``, the changes to the themes that name that partner now. Three queries.
    """
    versions = Theme.history.model.objects
    themes = Theme.objects.filter(public())
    if partner is not None:
        themes = themes.filter(partners=partner)
    before = versions.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    rows = list(
        versions.filter(public(), id__in=themes.values("pk"))
        .exclude(history_type="-")
        .annotate(previous_id=Subquery(before.order_by("-history_id").values("history_id")[:1]))
        .order_by("-history_date", "-history_id")[: limit * 4]
    )
    previous = versions.in_bulk([row.previous_id for row in rows if row.previous_id])
    current = Theme.objects.select_related("section").in_bulk({row.id for row in rows})
    changes = []
    for row in rows:
        earlier = previous.get(row.previous_id)
        kind = _change_kind(earlier, row)
        if kind is not None:
            shown = earlier if kind == ChangeKind.CHANGED else None
            changes.append(ThemeChange(kind, current[row.id], row, shown))
    return changes[:limit]


def _change_kind(earlier, version):
    if earlier is None or earlier.is_internal:
        return ChangeKind.ADDED
    if version.is_archived != earlier.is_archived:
        return ChangeKind.ARCHIVED if version.is_archived else ChangeKind.RESTORED
    if any(getattr(earlier, name) != getattr(version, name) for name in NEWS_FIELDS):
        return ChangeKind.CHANGED
    return None


def edition_news():
    """The editions with the date their document was sent to Parliament, newest first."""
    return [EditionNews(edition) for edition in editions().filter(document_date__isnull=False)]


CURRENT = current("themes__")


def sections_with_counts():
    return Section.objects.annotate(theme_count=Count("themes", filter=CURRENT)).order_by(
        "position"
    )


def partners_with_public_themes():
    """Partners that a public theme names (current or archived): what the listing offers."""
    links = Theme.partners.through.objects.filter(public("theme__"), partner_id=OuterRef("pk"))
    return Partner.objects.filter(Exists(links))


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


def open_data_version():
    """A marker that changes whenever anything in the open-data downloads changes.

    ``registry_version()`` (which covers the agreements too) with the import runs (editions and
    the texts they gave the themes come in through imports) and the editions themselves (a few
    rows, read whole with their sources, as staff may edit an edition in the admin).
    """
    runs = ImportRun.objects.aggregate(latest=Max("pk"))["latest"] or 0
    texts = ThemeEdition.objects.aggregate(count=Count("pk"), latest=Max("pk"))
    fields = [field.attname for field in Edition._meta.concrete_fields]
    editions = Edition.objects.order_by("year").values_list(*fields)
    digest = hashlib.sha256(repr(list(editions)).encode()).hexdigest()[:12]
    return "-".join(
        str(marker)
        for marker in (registry_version(), runs, texts["count"], texts["latest"] or 0, digest)
    )


def last_change():
    """When the registry's records last changed (the newest historical record), or None."""
    dates = [
        model.history.aggregate(latest=Max("history_date"))["latest"]
        for model in (Theme, Partner, Section, Command, Agreement)
    ]
    runs = ImportRun.objects.aggregate(latest=Max("started_at"))["latest"]
    known = [date for date in (*dates, runs) if date is not None]
    return max(known) if known else None


def edition_years():
    """The years of the editions, oldest first: the temporal coverage of the data set."""
    return list(Edition.objects.order_by("year").values_list("year", flat=True))
