"""``/api/``: this page on the API, its OpenAPI schema, and version 1 under ``/api/v1/``.

The documentation and schema have plain URL names (``api-docs``, ``api-schema``) so that any
template can link to them; the endpoints are in the ``api`` namespace. Any other address under
``/api/`` that ends in a slash is the API's JSON 404 (without the slash, Django's
APPEND_SLASH redirects to it first).
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from registry.api import views

version_1 = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("themes/", views.ThemeList.as_view(), name="theme-list"),
    path("themes/<slug:section>/<slug:slug>/", views.ThemeDetail.as_view(), name="theme-detail"),
    path("sections/", views.SectionList.as_view(), name="section-list"),
    path("sections/<slug:key>/", views.SectionDetail.as_view(), name="section-detail"),
    path("partners/", views.PartnerList.as_view(), name="partner-list"),
    path("partners/<str:code>/", views.PartnerDetail.as_view(), name="partner-detail"),
    path("commands/", views.CommandList.as_view(), name="command-list"),
    path("commands/<str:code>/", views.CommandDetail.as_view(), name="command-detail"),
    path("agreements/", views.AgreementList.as_view(), name="agreement-list"),
    path("agreements/<slug:slug>/", views.AgreementDetail.as_view(), name="agreement-detail"),
]

urlpatterns = [
    path("", views.api_docs, name="api-docs"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/", include((version_1, "api"))),
    re_path(r"^.*/$", views.NotFound.as_view(), name="api-not-found"),
]
