"""Read-only endpoints: the same listings and details as the public pages, as JSON.

Every view reads through ``registry.selectors``, so internal records stay out exactly as they do
on the pages, and prefetches what its serializer shows, so the number of queries per request is
fixed whatever the size of the registry. The views have GET only: anything else is a 405.
"""

from django.db.models import Prefetch
from django.forms import ModelChoiceField
from django.shortcuts import get_object_or_404, render
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from registry import selectors
from registry.api.pagination import RegistryPagination
from registry.api.schema import FILTER_HELP
from registry.api.serializers import (
    AgreementSerializer,
    CommandSerializer,
    PartnerSerializer,
    SectionSerializer,
    ThemeSerializer,
)
from registry.filters import ThemeFilterSet
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


class ThemeList(generics.ListAPIView):
    """Themes, filtered with the query parameters of the public listing (``/themas/``)."""

    serializer_class = ThemeSerializer
    pagination_class = RegistryPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ThemeFilterSet

    def get_queryset(self):
        return api_themes()


class ThemeDetail(generics.RetrieveAPIView):
    serializer_class = ThemeSerializer

    def get_object(self):
        return get_object_or_404(
            api_themes(), section__key=self.kwargs["section"], slug=self.kwargs["slug"]
        )


class SectionMixin:
    serializer_class = SectionSerializer

    def get_queryset(self):
        return selectors.sections_with_counts().prefetch_related(
            Prefetch("partners", Partner.objects.order_by("code").only("code"))
        )


class SectionList(SectionMixin, generics.ListAPIView):
    pagination_class = RegistryPagination


class SectionDetail(SectionMixin, generics.RetrieveAPIView):
    lookup_field = "key"


class PartnerMixin:
    serializer_class = PartnerSerializer

    def get_queryset(self):
        return (
            selectors.partners_with_counts()
            .prefetch_related(public_agreement_slugs())
            .order_by("kind", "name_nl", "code")
        )


class PartnerList(PartnerMixin, generics.ListAPIView):
    pagination_class = RegistryPagination


class PartnerDetail(PartnerMixin, generics.RetrieveAPIView):
    lookup_field = "code"


class CommandMixin:
    serializer_class = CommandSerializer

    def get_queryset(self):
        return (
            selectors.commands_with_counts().select_related("parent").order_by("position", "code")
        )


class CommandList(CommandMixin, generics.ListAPIView):
    pagination_class = RegistryPagination


class CommandDetail(CommandMixin, generics.RetrieveAPIView):
    lookup_field = "code"


class AgreementMixin:
    serializer_class = AgreementSerializer

    def get_queryset(self):
        return selectors.agreements_in_date_order()


class AgreementList(AgreementMixin, generics.ListAPIView):
    pagination_class = RegistryPagination


class AgreementDetail(AgreementMixin, generics.RetrieveAPIView):
    lookup_field = "slug"


class ApiRoot(APIView):
    """The listings this version of the API has."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(
            {name: reverse(url_name, request=request) for name, url_name in RESOURCES.items()}
        )


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
        "parameters": list(filter_parameters(ThemeFilterSet(request=request))),
        "page_size": RegistryPagination.page_size,
        "page_parameter": RegistryPagination.page_query_param,
    }
    return render(request, "registry_api/docs.html", context)
