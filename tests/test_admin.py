"""The staff's admin: lists, filters, search, links, language, and fixed query counts."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import (
    Agreement,
    Command,
    Edition,
    Partner,
    Section,
    Theme,
)
from registry.services.themes import theme_set_commands

pytestmark = pytest.mark.django_db

MODELS = [Theme, Agreement, Partner, Command, Section, Edition]


def changelist(model):
    return reverse(f"admin:registry_{model._meta.model_name}_changelist")


def change(record):
    return reverse(f"admin:registry_{record._meta.model_name}_change", args=[record.pk])


def queries(client, url):
    """The queries one request runs, after a first request has warmed Django's caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_every_model_is_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open(admin_client, model):
    response = admin_client.get(changelist(model))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    one_row = {
        Theme: "Bergen-Hohne",
        Agreement: "JSS",
        Partner: "Noorwegen",
        Command: "DGO",
        Section: "Duitsland",
        Edition: "Bijlage",
    }[model]
    few = queries(admin_client, changelist(model) + f"?q={one_row}")
    many = queries(admin_client, changelist(model))
    assert many == few


def test_theme_changelist_query_count_is_fixed(admin_client):
    usa = Section.objects.get(key="usa")
    five = queries(admin_client, changelist(Theme) + f"?section__id__exact={usa.pk}")
    fifty = queries(admin_client, changelist(Theme))
    assert five == fifty
    assert fifty <= 12


def test_change_form_query_count_does_not_grow_with_relations(admin_client):
    small = Theme.objects.get_by_natural_key("deu", "Medegebruik JSS")
    theme_set_commands(theme=small, commands=Command.objects.filter(code="CZSK"))
    large = Theme.objects.get_by_natural_key("gbr", "Joint Expeditionary Force (JEF)")
    theme_set_commands(theme=large, commands=Command.objects.all())
    large.partners.add(*Partner.objects.all())
    large.agreements.add(*Agreement.objects.all())
    assert queries(admin_client, change(large)) == queries(admin_client, change(small))
    jss = Agreement.objects.get(slug="loi-medegebruik-jss-2016")
    jef = Agreement.objects.get(slug="mou-joint-expeditionary-force-2015")
    jef.themes.add(*Theme.objects.all()[:40])
    assert queries(admin_client, change(jef)) == queries(admin_client, change(jss))


@pytest.mark.parametrize(
    "record",
    [
        lambda: Partner.objects.get(code="BEL"),
        lambda: Command.objects.get(code="DGO"),
        lambda: Section.objects.get(key="benelux"),
        lambda: Edition.objects.get(year=2016),
    ],
)
def test_change_forms_open(admin_client, record):
    assert admin_client.get(change(record())).status_code == 200


def test_themes_without_commands_show_defence_wide(admin_client):
    response = admin_client.get(changelist(Theme) + "?q=Immersive")
    assert "defensiebreed" in response.content.decode()


def test_command_filter_has_defence_wide(admin_client):
    response = admin_client.get(changelist(Theme) + "?command=defensiebreed")
    titles = [theme.title for theme in response.context["cl"].result_list]
    assert "Immersive Training Environment" in titles
    assert all(
        not Theme.objects.get(
            section__key=theme.section.key, title=theme.title
        ).theme_commands.exists()
        for theme in response.context["cl"].result_list
    )
    response = admin_client.get(changelist(Theme) + "?command=DCC")
    assert [str(theme) for theme in response.context["cl"].result_list] == ["Cyber (deu)"]


def test_theme_filters_by_partner_status_and_year(admin_client):
    australia = Partner.objects.get(code="AUS")
    response = admin_client.get(changelist(Theme) + f"?partners__id__exact={australia.pk}")
    assert {str(t) for t in response.context["cl"].result_list} == {"F-35 (gbr)", "F-35 (usa)"}
    response = admin_client.get(changelist(Theme) + "?status__exact=completed")
    assert len(response.context["cl"].result_list) == 1
    response = admin_client.get(changelist(Theme) + "?target_year=2020")
    assert len(response.context["cl"].result_list) == 2
    response = admin_client.get(changelist(Theme) + "?editions__year=2016")
    assert response.status_code == 200


def test_agreement_filters_by_kind_and_year(admin_client):
    response = admin_client.get(changelist(Agreement) + "?kind__exact=mou&year=2015")
    slugs = {agreement.slug for agreement in response.context["cl"].result_list}
    assert slugs == {"mou-smart-2015", "mou-joint-expeditionary-force-2015"}


def test_search_finds_text_in_descriptions(admin_client):
    response = admin_client.get(changelist(Theme) + "?q=Bergen-Hohne")
    assert [str(t) for t in response.context["cl"].result_list] == [
        "Tactische oefeningen en schietseries (benelux)"
    ]


def test_agreements_are_reachable_from_their_theme_and_back(admin_client):
    theme = Theme.objects.get_by_natural_key("deu", "Medegebruik JSS")
    agreement = Agreement.objects.get(slug="loi-medegebruik-jss-2016")
    theme_page = admin_client.get(change(theme)).content.decode()
    assert agreement.title in theme_page
    agreements_page = admin_client.get(changelist(Agreement)).content.decode()
    assert change(theme) in agreements_page


def test_autocomplete_tells_same_titles_apart(admin_client):
    url = reverse("admin:autocomplete")
    response = admin_client.get(
        url,
        {
            "term": "Cyber",
            "app_label": "registry",
            "model_name": "agreement",
            "field_name": "themes",
        },
    )
    labels = {result["text"] for result in response.json()["results"]}
    assert {"Cyber (deu)", "Cyber (fra)", "Cyber (nor)"} <= labels


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("theme", "partners"), ("agreement", "parties"), ("theme", "commands")],
)
def test_autocomplete_for_partners_and_commands(admin_client, model_name, field_name):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "C", "app_label": "registry", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    assert response.json()["results"]


def test_dutch_by_default_and_english_on_request(admin_client):
    page = admin_client.get(changelist(Theme)).content.decode()
    assert "Register defensiesamenwerking" in page
    assert "Selecteer thema om te wijzigen" in page
    assert 'lang="nl"' in page
    admin_client.post(reverse("set_language"), {"language": "en", "next": changelist(Theme)})
    page = admin_client.get(changelist(Theme)).content.decode()
    assert "Defence cooperation registry" in page
    assert "Select theme to change" in page


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(changelist(Theme))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_permissions_cannot_see_or_change_themes(client):
    user = User.objects.create_user("lezer", password="x-Secret-123", is_staff=True)
    client.force_login(user)
    assert client.get(changelist(Theme)).status_code == 403
    theme = Theme.objects.first()
    response = client.post(change(theme), {"title": "Gewijzigd"})
    assert response.status_code == 403
    theme.refresh_from_db()
    assert theme.title != "Gewijzigd"


def save_theme(client, theme, data):
    """Post the theme's change form with the version fields of the form as just opened."""
    form = client.get(change(theme)).context["adminform"].form
    opened = {name: form.initial[name] for name in ("opened_version", "opened_values")}
    return client.post(change(theme), {**data, **opened})


def test_a_theme_can_be_edited_with_its_commands(admin_client):
    theme = Theme.objects.get_by_natural_key("nato", "Immersive Training Environment")
    clsk, dmo = Command.objects.get(code="CLSK"), Command.objects.get(code="DMO")
    data = {
        "section": theme.section_id,
        "title": theme.title,
        "slug": theme.slug,
        "position": theme.position,
        "description": theme.description + " Aangevuld.",
        "status": "ongoing",
        "dutch_role": "",
        "framework": theme.framework,
        "target_year": "",
        "partners": [p.pk for p in theme.partners.all()],
        "editions": [e.pk for e in theme.editions.all()],
        "commands_in_order": [clsk.pk, dmo.pk],
    }
    response = save_theme(admin_client, theme, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    theme.refresh_from_db()
    assert theme.description.endswith("Aangevuld.")
    assert [c.code for c in theme.ordered_commands()] == ["CLSK", "DMO"]
    data["commands_in_order"] = [dmo.pk]
    assert save_theme(admin_client, theme, data).status_code == 302
    assert [c.code for c in theme.ordered_commands()] == ["DMO"]
    data["commands_in_order"] = []
    assert save_theme(admin_client, theme, data).status_code == 302
    assert theme.is_defence_wide


def test_the_theme_form_shows_commands_in_the_annex_order(admin_client):
    theme = Theme.objects.get_by_natural_key("benelux", "Overig materieel")
    page = admin_client.get(change(theme)).content.decode()
    positions = [page.index(f">{code}</option>") for code in ["DMO", "CZSK", "CLAS", "CLSK"]]
    assert positions == sorted(positions)


def test_dutch_even_when_the_browser_prefers_english(admin_client):
    page = admin_client.get(changelist(Theme), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Selecteer thema om te wijzigen" in page.content.decode()
