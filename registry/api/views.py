"""Read-only endpoints: the same listings and details as the public pages, as JSON.

Every view reads through ``registry.selectors``, so internal records stay out exactly as they do
on the pages, and prefetches what its serializer shows, so the number of queries per request is
fixed whatever the size of the registry. The views have GET only: anything else is a 405.

Every view answers in the request's language and gives its errors in the one shape of
``registry.api.errors``; an address under ``/api/`` that names no endpoint is a 404 in that
shape too, not an HTML page.
"""

from django.db.models import Prefetch
from django.forms import ModelChoiceField
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from registry import selectors
from registry.api import errors
from registry.api.filters import ApiThemeFilterSet
from registry.api.pagination import DUTCH_PAGE_PARAMETER, RegistryPagination
from registry.api.schema import FILTER_HELP, RegistryAutoSchema
from registry.api.serializers import (
    AgreementSerializer,
    CommandSerializer,
    PartnerSerializer,
    SectionSerializer,
    ThemeSerializer,
)
from registry.models import Edition, Partner
from registry.views import public

# Each listing, by the name it has in the API root, and its URL name.
RESOURCES = {
    "themes": "api:theme-list",
    "sections": "api:section-list",
    "partners": "api:partner-list",
    "commands": "api:command-list",
    "agreements": "api:agreement-list",
}


class RegistryApiView:
    """What every endpoint shares: the request's language, the errors' shape, the schema."""

    schema = RegistryAutoSchema()
    not_found_message = errors.MESSAGES["not_found"]

    def initial(self, request, *args, **kwargs):
        errors.activate_request_language(request)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return errors.exception_handler

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            # DRF's answer to ?format=xml; the record itself exists, only not in that format.
            raise exceptions.NotAcceptable() from None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def public_agreement_slugs():
    """Prefetched into ``public_agreements``: a serializer without it fails instead of leaking."""
    return Prefetch(
        "agreements",
        selectors.public_agreements().order_by("slug").only("slug"),
        to_attr="public_agreements",
    )


def api_themes():
    return selectors.public_themes().prefetch_related(
        Prefetch("editions", Edition.objects.order_by("year").only("year")),
        public_agreement_slugs(),
    )


class ThemeList(RegistryApiView, generics.ListAPIView):
    """Themes, filtered with the query parameters of the public listing (``/themas/``), which
    also take English values (``archive=all``, ``sort=-title``, ``command=defence_wide``)."""

    serializer_class = ThemeSerializer
    pagination_class = RegistryPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiThemeFilterSet

    def get_queryset(self):
        return api_themes()


class ThemeDetail(RegistryApiView, generics.RetrieveAPIView):
    """One public theme, by the key of its section and its slug."""

    serializer_class = ThemeSerializer
    not_found_message = _("There is no public theme with this section and slug.")

    def get_object(self):
        return get_object_or_404(
            api_themes(), section__key=self.kwargs["section"], slug=self.kwargs["slug"]
        )


class SectionMixin(RegistryApiView):
    serializer_class = SectionSerializer
    not_found_message = _("There is no section with this key.")

    def get_queryset(self):
        return selectors.sections_with_counts().prefetch_related(
            Prefetch("partners", Partner.objects.order_by("code").only("code"))
        )


class SectionList(SectionMixin, generics.ListAPIView):
    """The sections of the annex, in its order."""

    pagination_class = RegistryPagination


class SectionDetail(SectionMixin, generics.RetrieveAPIView):
    """One section, by its key."""

    lookup_field = "key"


class PartnerMixin(RegistryApiView):
    serializer_class = PartnerSerializer
    not_found_message = _("There is no partner with this code.")

    def get_queryset(self):
        return (
            selectors.partners_with_counts()
            .prefetch_related(public_agreement_slugs())
            .order_by("kind", "name_nl", "code")
        )


class PartnerList(PartnerMixin, generics.ListAPIView):
    """Partner countries and organisations."""

    pagination_class = RegistryPagination


class PartnerDetail(PartnerMixin, generics.RetrieveAPIView):
    """One partner, by its code (ISO 3166-1 alpha-3 for a country)."""

    lookup_field = "code"


class CommandMixin(RegistryApiView):
    serializer_class = CommandSerializer
    not_found_message = _("There is no command with this code.")

    def get_queryset(self):
        return (
            selectors.commands_with_counts().select_related("parent").order_by("position", "code")
        )


class CommandList(CommandMixin, generics.ListAPIView):
    """Commands and other parts of the defence organisation."""

    pagination_class = RegistryPagination


class CommandDetail(CommandMixin, generics.RetrieveAPIView):
    """One command, by its code."""

    lookup_field = "code"


class AgreementMixin(RegistryApiView):
    serializer_class = AgreementSerializer
    not_found_message = _("There is no public agreement with this slug.")

    def get_queryset(self):
        return selectors.agreements_in_date_order()


class AgreementList(AgreementMixin, generics.ListAPIView):
    """Public agreements, with their parties and themes."""

    pagination_class = RegistryPagination


class AgreementDetail(AgreementMixin, generics.RetrieveAPIView):
    """One public agreement, by its slug."""

    lookup_field = "slug"


class ApiRootSerializer(serializers.Serializer):
    themes = serializers.URLField()
    sections = serializers.URLField()
    partners = serializers.URLField()
    commands = serializers.URLField()
    agreements = serializers.URLField()


class ApiRoot(RegistryApiView, APIView):
    """The listings this version of the API has."""

    serializer_class = ApiRootSerializer

    def get(self, request):
        return Response(
            {name: reverse(url_name, request=request) for name, url_name in RESOURCES.items()}
        )


@extend_schema(exclude=True)
class NotFound(RegistryApiView, APIView):
    """Any other address under /api/ (ending in a slash): a 404 in the API's shape, whatever
    the method."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(errors.MESSAGES["not_found"])


def filter_parameters(filterset):
    """The query parameters of the theme listing, read from the FilterSet that defines them."""
    for name, field in filterset.form.fields.items():
        if isinstance(field, ModelChoiceField) or not hasattr(field, "choices"):
            choices = []  # records: described in words rather than listed
        else:
            choices = [(value, label) for value, label in field.choices if value]
        yield {
            "name": name,
            "label": field.label,
            "values": FILTER_HELP.get(name, ""),
            "choices": choices,
        }


@public
def api_docs(request):
    """A page on the API for people; the machine-readable description is the OpenAPI schema."""
    context = {
        "parameters": list(filter_parameters(ApiThemeFilterSet(request=request))),
        "page_size": RegistryPagination.page_size,
        "page_parameter": RegistryPagination.page_query_param,
        "dutch_page_parameter": DUTCH_PAGE_PARAMETER,
    }
    return render(request, "registry_api/docs.html", context)
