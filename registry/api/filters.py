"""The public listing's filters, with English names for the values that the pages give in Dutch.

The API takes every value the themes page takes (``archive=alle``, ``sort=-titel``,
``command=defensiebreed``), so a page's query string works on the API unchanged; next to them
it takes English ones (``archive=all``, ``sort=-title``, ``command=defence_wide``), which the
OpenAPI schema names first. The page itself keeps offering the Dutch values only.
"""

import django_filters
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from registry.filters import DEFENCE_WIDE, ArchiveChoice, ThemeFilterSet, command_choices

# English value: the Dutch value the page uses, which the filter set understands.
ARCHIVE_VALUES = {
    "current": ArchiveChoice.CURRENT,
    "archived": ArchiveChoice.ARCHIVED,
    "all": ArchiveChoice.ALL,
}
SORT_VALUES = {"section": "sectie", "title": "titel", "target_year": "streefjaar"}
COMMAND_DEFENCE_WIDE = "defence_wide"


def same_as(english):
    return format_lazy(_("Dutch for {value}"), value=english)


def bilingual_choices(choices, dutch_for):
    """The English choices with the labels of their Dutch ones, then the Dutch ones."""
    labels = dict(choices)
    english = [(value, labels[dutch]) for value, dutch in dutch_for.items()]
    dutch = [(dutch, same_as(value)) for value, dutch in dutch_for.items()]
    return english + dutch


def bilingual_command_choices():
    return [
        (COMMAND_DEFENCE_WIDE, _("defence-wide")),
        (DEFENCE_WIDE, same_as(COMMAND_DEFENCE_WIDE)),
        *(choice for choice in command_choices() if choice[0] != DEFENCE_WIDE),
    ]


class BilingualOrderingFilter(django_filters.OrderingFilter):
    """The page's sort filter, which also takes the English names in ``SORT_VALUES``."""

    def __init__(self, page_filter):
        self.page_filter = page_filter
        super().__init__(
            choices=self.bilingual_choices(page_filter.extra["choices"]),
            label=page_filter.label,
            empty_label=page_filter.extra.get("empty_label"),
        )

    @staticmethod
    def bilingual_choices(page_choices):
        dutch_for = {}
        for english, dutch in SORT_VALUES.items():
            dutch_for[english] = dutch
            dutch_for[f"-{english}"] = f"-{dutch}"
        return bilingual_choices(page_choices, dutch_for)

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = param.lstrip("-")
        dutch = SORT_VALUES.get(name, name)
        return self.page_filter.get_ordering_value(f"-{dutch}" if descending else dutch)


class ApiThemeFilterSet(ThemeFilterSet):
    command = django_filters.ChoiceFilter(
        choices=bilingual_command_choices,
        method="with_command",
        label=ThemeFilterSet.declared_filters["command"].label,
    )
    archive = django_filters.ChoiceFilter(
        choices=bilingual_choices(ArchiveChoice.CHOICES, ARCHIVE_VALUES),
        method="in_archive",
        label=ThemeFilterSet.declared_filters["archive"].label,
        empty_label=None,
        null_label=None,
    )
    sort = BilingualOrderingFilter(ThemeFilterSet.declared_filters["sort"])

    class Meta(ThemeFilterSet.Meta):
        pass

    def with_command(self, queryset, name, value):
        value = DEFENCE_WIDE if value == COMMAND_DEFENCE_WIDE else value
        return super().with_command(queryset, name, value)

    def in_archive(self, queryset, name, value):
        return super().in_archive(queryset, name, ARCHIVE_VALUES.get(value, value))
