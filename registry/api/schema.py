"""The OpenAPI description: the theme filters, the error responses, and no security scheme.

``RegistryAutoSchema`` (the schema class of every API view) documents the errors each
operation can give (400 for a bad filter value, 404, 406; 403 only where signing in is
required) with the shape of ``registry.api.errors``, and no authentication: the API is public
unless ``PUBLIC_LOGIN_REQUIRED`` is on, and only then does the schema name the session cookie.

drf-spectacular reads the theme filter set itself, but cannot tell the type of a filter that
works through a method taking a record or a code (partner, command, edition); this extension
states them, so the schema is exact and generating it raises no warnings (which the deploy
check would report).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from registry.api.errors import ErrorSerializer
from registry.filters import ThemeFilterSet

# What a filter's value is, where the filter's choices do not list it; the docs page uses
# these too.
FILTER_HELP = {
    "q": _("words, searched for in titles and descriptions"),
    "section": _("the key of a section"),
    "partner": _("the code of a partner"),
    "command": _(
        'the code of a command, or "defence_wide" (or "defensiebreed") for themes without one'
    ),
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
            return [dict(parameter, allowEmptyValue=True)]
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        max_length = filter_field.extra.get("max_length")
        for parameter in parameters:
            # As on the themes page, whose form sends every field: empty is not filtered on.
            parameter["allowEmptyValue"] = True
            if max_length is not None:
                parameter["schema"]["maxLength"] = max_length
        return parameters


ERRORS = {
    400: "A query parameter has a value that the API does not take: an unknown value, or a "
    "code, key or year of no public record. errors holds the messages per parameter.",
    403: "Signing in is required (PUBLIC_LOGIN_REQUIRED) and the request is not signed in.",
    404: "No public record has this key, or the listing has no such page.",
    406: "The Accept header asks for something other than JSON.",
}


def error_response(status):
    return OpenApiResponse(response=ErrorSerializer, description=ERRORS[status])


class RegistryAutoSchema(AutoSchema):
    def get_auth(self):
        if settings.PUBLIC_LOGIN_REQUIRED:
            return super().get_auth()
        return []

    def get_response_serializers(self):
        responses = {200: super().get_response_serializers()}
        if getattr(self.view, "filterset_class", None) is not None:
            responses[400] = error_response(400)
        if settings.PUBLIC_LOGIN_REQUIRED:
            responses[403] = error_response(403)
        responses[404] = error_response(404)
        responses[406] = error_response(406)
        return responses
