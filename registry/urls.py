from django.urls import path

from registry import feeds, views

app_name = "registry"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("themas/", views.theme_list, name="theme_list"),
    path("themas/download.<str:file_format>", views.theme_download, name="theme_download"),
    path("themas/<slug:section>/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("secties/", views.section_list, name="section_list"),
    path("secties/<slug:key>/", views.section_detail, name="section_detail"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/kaart/", views.partner_map, name="partner_map"),
    path("partners/<str:code>/", views.partner_detail, name="partner_detail"),
    path("partners/<str:code>/feed/", feeds.partner_changes, name="partner_feed"),
    path("commandos/", views.command_list, name="command_list"),
    path("commandos/<str:code>/", views.command_detail, name="command_detail"),
    path("overeenkomsten/", views.agreement_list, name="agreement_list"),
    path("overeenkomsten/tijdlijn/", views.agreement_timeline, name="agreement_timeline"),
    path("overeenkomsten/<slug:slug>/", views.agreement_detail, name="agreement_detail"),
    path("edities/", views.edition_list, name="edition_list"),
    path("edities/<int:year>/", views.edition_detail, name="edition_detail"),
    path("wijzigingen/feed/", feeds.changes, name="changes_feed"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/catalogus.jsonld", views.open_data_catalogue, name="open_data_catalogue"),
    path(
        "open-data/<str:kind>.<str:file_format>",
        views.open_data_download,
        name="open_data_download",
    ),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
]
