"""One filter set for the public listing, its downloads and the API."""

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from registry import selectors
from registry.choices import AgreementKind, DutchRole, Framework, ThemeStatus
from registry.models import Agreement, Command, Edition, Section, Theme, ThemeCommand

DEFENCE_WIDE = "defensiebreed"
SEARCH_CONFIG = "dutch"


def command_choices():
    return [(DEFENCE_WIDE, _("defence-wide")), *((c.code, c.code) for c in Command.objects.all())]


class PartnerChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, partner):
        return partner.name


class PartnerFilter(django_filters.ModelChoiceFilter):
    """Partners named and sorted in the page's language (Frankrijk after Duitsland, France
    before Germany)."""

    field_class = PartnerChoiceField


def partner_choices(request):
    # Called when the form is made, so the order follows the language of that request; only
    # partners that a public theme names are offered.
    return selectors.partners_with_public_themes().order_by(selectors.partner_name_field(), "code")


class ArchiveChoice:
    CURRENT = "actueel"
    ALL = "alle"
    ARCHIVED = "archief"
    CHOICES = [
        (CURRENT, _("current themes")),
        (ARCHIVED, _("archived themes")),
        (ALL, _("current and archived themes")),
    ]


def themes_with_command(queryset, code):
    """Themes in which the command with this code takes part; DEFENCE_WIDE: those with none."""
    links = ThemeCommand.objects.filter(theme_id=OuterRef("pk"))
    if code == DEFENCE_WIDE:
        return queryset.exclude(Exists(links))
    # By id, so that the database uses the link table's (command, theme) index.
    command = Command.objects.filter(code=code).values_list("pk", flat=True)
    return queryset.filter(Exists(links.filter(command_id=command[:1])))


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorts records without a value (no target year) last, on every database alike."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.lstrip("-")
        if value.startswith("-"):
            return F(name).desc(nulls_last=True)
        return F(name).asc(nulls_last=True)


class ThemeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=200)
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.order_by("position"),
        to_field_name="key",
        label=_("Section"),
        empty_label=_("all sections"),
    )
    partner = PartnerFilter(
        queryset=partner_choices,
        to_field_name="code",
        method="with_partner",
        label=_("Partner"),
        empty_label=_("all partners"),
    )
    command = django_filters.ChoiceFilter(
        choices=command_choices,
        method="with_command",
        label=_("Command"),
        empty_label=_("all commands"),
    )
    status = django_filters.ChoiceFilter(
        choices=ThemeStatus.choices, label=_("Status"), empty_label=_("every status")
    )
    dutch_role = django_filters.ChoiceFilter(
        choices=DutchRole.choices, label=_("Dutch role"), empty_label=_("every role")
    )
    framework = django_filters.ChoiceFilter(
        choices=Framework.choices, label=_("Framework"), empty_label=_("every framework")
    )
    agreement = django_filters.ChoiceFilter(
        choices=AgreementKind.choices,
        method="with_agreement_kind",
        label=_("Agreement kind"),
        empty_label=_("with or without agreement"),
    )
    edition = django_filters.ModelChoiceFilter(
        queryset=Edition.objects.order_by("-year"),
        to_field_name="year",
        method="in_edition",
        label=_("Edition"),
        empty_label=_("all editions"),
    )
    archive = django_filters.ChoiceFilter(
        choices=ArchiveChoice.CHOICES,
        method="in_archive",
        label=_("Current or archived"),
        empty_label=None,
        null_label=None,
    )
    sort = NullsLastOrderingFilter(
        fields=(("section__position", "sectie"), ("title", "titel"), ("target_year", "streefjaar")),
        # Every label lazy, so that it follows the page's language (the descending ones too).
        field_labels={
            "section__position": _("section order"),
            "-sectie": _("section order, reversed"),
            "title": _("title, A to Z"),
            "-titel": _("title, Z to A"),
            "target_year": _("target year, earliest first"),
            "-streefjaar": _("target year, latest first"),
        },
        label=_("Sort by"),
        empty_label=_("relevance or section order"),
    )

    class Meta:
        model = Theme
        fields = []

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("archive"):
            queryset = queryset.filter(selectors.current())
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort") and not self.form.cleaned_data.get("q"):
            queryset = queryset.order_by("section__position", "position", "title")
        return queryset

    def search(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        if connection.vendor == "postgresql":
            # The stored, GIN-indexed vector (kept by a trigger): nothing is computed per row.
            query = SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")
            queryset = queryset.filter(search_vector=query)
            if not self.form.cleaned_data.get("sort"):
                queryset = queryset.alias(rank=SearchRank(F("search_vector"), query)).order_by(
                    "-rank", "section__position", "position"
                )
            return queryset
        # SQLite has no full-text search here: every word must occur in title or description.
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by("section__position", "position")
        return queryset

    def with_partner(self, queryset, name, partner):
        links = Theme.partners.through.objects.filter(theme_id=OuterRef("pk"), partner=partner)
        return queryset.filter(Exists(links))

    def with_command(self, queryset, name, value):
        return themes_with_command(queryset, value)

    def with_agreement_kind(self, queryset, name, value):
        through = Agreement.themes.through.objects.filter(
            selectors.public("agreement__"), theme_id=OuterRef("pk"), agreement__kind=value
        )
        return queryset.filter(Exists(through))

    def in_edition(self, queryset, name, edition):
        links = Theme.editions.through.objects.filter(theme_id=OuterRef("pk"), edition=edition)
        return queryset.filter(Exists(links))

    def in_archive(self, queryset, name, value):
        if value == ArchiveChoice.ARCHIVED:
            return queryset.filter(selectors.archived())
        if value == ArchiveChoice.CURRENT:
            return queryset.filter(selectors.current())
        return queryset
