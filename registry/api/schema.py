"""The OpenAPI description of the theme filters.

drf-spectacular reads ``ThemeFilterSet`` itself, but cannot tell the type of a filter that
works through a method taking a record or a code (partner, command, edition); this extension
states them, so the schema is exact and generating it raises no warnings (which the deploy
check would report).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from registry.filters import ThemeFilterSet

# What a filter's value is, where the filter's choices do not list it; the docs page uses
# these too.
FILTER_HELP = {
    "q": _("words, searched for in titles and descriptions"),
    "section": _("the key of a section"),
    "partner": _("the code of a partner"),
    "command": _('the code of a command, or "defensiebreed" for themes without one'),
    "edition": _("the year of an edition"),
}
METHOD_FILTER_TYPES = {
    "partner": OpenApiTypes.STR,
    "command": OpenApiTypes.STR,
    "edition": OpenApiTypes.INT,
}


class ThemeFilterSetExtension(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own extension for django-filter

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if issubclass(filterset_class, ThemeFilterSet) and field_name in METHOD_FILTER_TYPES:
            schema = build_basic_type(METHOD_FILTER_TYPES[field_name])
            parameter = build_parameter_type(
                name=field_name,
                schema=schema,
                location=OpenApiParameter.QUERY,
                description=FILTER_HELP[field_name],
            )
            return [parameter]
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
