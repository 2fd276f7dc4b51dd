"""The admin's start page: the last imports, the latest changes, the records needing attention."""

from pathlib import Path

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.admin_dashboard import themes_with_guessed_facts
from registry.models import Agreement, ImportRun, Section, Theme
from registry.roles import EDITORS, IMPORTERS, READERS
from registry.services.imports import confirm_import
from tests.admin_forms import form_data, logged_in
from tests.signin import SignedInClient

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
THEMES = reverse("admin:registry_theme_changelist")
ANNEX = Path("fixtures/source/bijlage-2-samenwerkingsthemas-2016.txt")
POLAND = (
    "Samenwerking op het gebied van munitie",
    "Samenwerkingsgebieden met Polen \nPatriot: gezamenlijke training van de Poolse en \n"
    "Nederlandse luchtverdediging. (CLSK, DMO) \n \nSamenwerking op het gebied van munitie",
)


def attention(response):
    return {str(item.label): item for item in response.context["attention_lists"]}


def changelist_pks(client, url):
    """The ids of every record the changelist at ``url`` shows, over all its pages."""
    response = client.get(url)
    changelist = response.context["cl"]
    return set(changelist.queryset.values_list("pk", flat=True))


def cyber():
    return Theme.objects.get_by_natural_key("deu", "Cyber")


def save_in_the_form(client, theme, **changes):
    change = reverse("admin:registry_theme_change", args=[theme.pk])
    response = client.post(change, form_data(client.get(change), **changes))
    assert response.status_code == 302
    return response


# Who sees what ------------------------------------------------------------------------------


def test_staff_without_a_role_see_no_panels():
    user = User.objects.create_user("no-role", password="x-Secret-123", is_staff=True)
    client = SignedInClient()
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert response.context["attention_lists"] == []
    assert response.context["recent_imports"] is None
    assert response.context["recent_changes"] == []
    page = response.content.decode()
    assert "Vraagt aandacht" not in page
    assert "Laatste wijzigingen" not in page


@pytest.mark.parametrize("role", [READERS, EDITORS, IMPORTERS])
def test_every_role_sees_the_panels_and_the_app_list(role):
    client = logged_in(f"index-{role}", role=role)
    page = client.get(INDEX).content.decode()
    for heading in ("Vraagt aandacht", "Laatste imports", "Laatste wijzigingen"):
        assert heading in page
    assert reverse("admin:registry_theme_changelist") in page  # the app list is still there


# The records that need attention --------------------------------------------------------------


def test_each_attention_list_links_to_a_list_of_exactly_those_records():
    Theme.objects.get_by_natural_key("deu", "Cyber").partners.clear()
    Theme.objects.filter(section__key="fra").update(is_internal=True)
    Agreement.objects.filter(slug="mou-smart-2015").update(is_internal=True)
    client = logged_in("attentive", role=READERS)
    lists = attention(client.get(INDEX))

    without = lists["Thema’s zonder partners"]
    assert without.count == 1
    assert changelist_pks(client, without.url) == {cyber().pk}

    internal = lists["Interne thema’s"]
    french = set(Theme.objects.filter(section__key="fra").values_list("pk", flat=True))
    assert internal.count == len(french) > 0
    assert changelist_pks(client, internal.url) == french

    agreements = lists["Interne overeenkomsten"]
    assert agreements.count == 1
    assert changelist_pks(client, agreements.url) == {
        Agreement.objects.get(slug="mou-smart-2015").pk
    }

    guessed = lists["Thema’s met kenmerken die de regels afleidden, sindsdien niet bevestigd"]
    current = set(Theme.objects.filter(is_archived=False).values_list("pk", flat=True))
    assert guessed.count == len(current)  # the whole annex as loaded: the rules set every fact
    assert changelist_pks(client, guessed.url) == current


def test_archived_themes_need_no_attention():
    theme = cyber()
    theme.partners.clear()
    Theme.objects.filter(pk=theme.pk).update(is_archived=True)
    client = logged_in("archive-reader", role=READERS)
    lists = attention(client.get(INDEX))
    assert lists["Thema’s zonder partners"].count == 0
    assert theme.pk not in changelist_pks(client, lists["Thema’s zonder partners"].url)


def test_saving_a_theme_in_the_form_confirms_its_facts():
    client = logged_in("confirmer", role=EDITORS)
    before = themes_with_guessed_facts(Theme.objects.all()).count()
    save_in_the_form(client, cyber())
    guessed = themes_with_guessed_facts(Theme.objects.all())
    assert guessed.count() == before - 1
    assert not guessed.filter(pk=cyber().pk).exists()


def test_a_bulk_action_does_not_confirm_the_facts():
    client = logged_in("bulk-confirmer", role=EDITORS)
    before = themes_with_guessed_facts(Theme.objects.all()).count()
    client.post(
        THEMES,
        {"action": "mark_internal", helpers.ACTION_CHECKBOX_NAME: [cyber().pk], "post": "yes"},
    )
    assert cyber().is_internal
    assert themes_with_guessed_facts(Theme.objects.all()).count() == before


def test_a_theme_added_in_the_admin_has_no_guessed_facts():
    client = logged_in("adder", role=EDITORS)
    data = {
        "section": Section.objects.get(key="deu").pk,
        "title": "Nieuw thema",
        "slug": "nieuw-thema",
        "position": 99,
        "description": "Een thema dat een medewerker invoerde.",
        "status": "ongoing",
    }
    response = client.post(reverse("admin:registry_theme_add"), data)
    assert response.status_code == 302
    added = Theme.objects.get_by_natural_key("deu", "Nieuw thema")
    assert not themes_with_guessed_facts(Theme.objects.filter(pk=added.pk)).exists()


def test_a_theme_an_annex_import_brings_in_has_guessed_facts(django_user_model):
    importer = django_user_model.objects.create_user("annex-importer")
    saver = logged_in("saver", role=EDITORS)
    save_in_the_form(saver, cyber())  # confirmed before the import; an import keeps facts
    text = ANNEX.read_text(encoding="utf-8").replace(*POLAND, 1)
    result = confirm_import(
        kind="annex",
        data=text.encode(),
        file_name="bijlage-2017.txt",
        user=importer,
        edition=2017,
    )
    assert result.run is not None
    guessed = themes_with_guessed_facts(Theme.objects.all())
    assert guessed.filter(section__key="pol", title="Patriot").exists()
    assert not guessed.filter(pk=cyber().pk).exists()


# The last imports and the latest changes ------------------------------------------------------


def test_the_last_imports_show_when_who_what_and_the_counts():
    user = User.objects.create_user("import-user", first_name="Ilse", last_name="Importeur")
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.THEMES,
        user=user,
        file_name="themas-2017.xlsx",
        sha256="0" * 64,
        file_format="xlsx",
        created=3,
        updated=17,
        archived=2,
    )
    client = logged_in("import-reader", role=READERS)
    response = client.get(INDEX)
    [item] = response.context["recent_imports"]
    assert item["run"] == run
    assert item["who"] == "Ilse Importeur"
    page = response.content.decode()
    assert reverse("admin:registry_importrun_change", args=[run.pk]) in page
    assert "themas-2017.xlsx" in page
    assert '<td class="number">17</td>' in page


def test_the_latest_change_comes_first_with_the_user_and_a_link():
    editor = logged_in("latest-editor", role=EDITORS)
    save_in_the_form(editor, cyber(), description="Cyber, bijgewerkt.")
    response = logged_in("latest-reader", role=READERS).get(INDEX)
    first = response.context["recent_changes"][0]
    assert first["who"] == "latest-editor"
    assert first["label"] == "Cyber (deu)"
    assert first["url"] == reverse("admin:registry_theme_change", args=[cyber().pk])
    assert str(first["action"]) == "gewijzigd"
    assert len(response.context["recent_changes"]) == 10


def test_the_latest_changes_show_only_the_kinds_of_record_the_user_may_view():
    user = User.objects.create_user("theme-only", password="x-Secret-123", is_staff=True)
    user.user_permissions.add(
        *user._meta.apps.get_model("auth", "Permission").objects.filter(
            codename__in=["view_agreement"]
        )
    )
    client = SignedInClient()
    client.force_login(user)
    response = client.get(INDEX)
    kinds = {str(change["kind"]) for change in response.context["recent_changes"]}
    assert kinds == {"overeenkomst"}
    assert list(attention(response)) == ["Interne overeenkomsten"]
    assert response.context["recent_imports"] is None


def test_record_text_on_the_index_is_escaped():
    editor = logged_in("escaper", role=EDITORS)
    save_in_the_form(editor, cyber(), title="<script>alert(1)</script>")
    page = logged_in("escape-reader", role=READERS).get(INDEX).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# A fixed number of queries -------------------------------------------------------------------


def index_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX).status_code == 200
    return len(queries)


def test_the_index_runs_a_fixed_number_of_queries_whatever_the_registry_holds():
    client = logged_in("counted", role=IMPORTERS)
    before = index_queries(client)
    section = Section.objects.get(key="deu")
    for number in range(30):
        theme = Theme.objects.create(
            section=section,
            title=f"Extra {number}",
            slug=f"extra-{number}",
            description="Extra.",
            is_internal=number % 2 == 0,
        )
        save_in_the_form(client, theme)
    for number in range(8):
        ImportRun.objects.create(
            kind="themes", file_name=f"f{number}.csv", sha256="0" * 64, file_format="csv"
        )
    assert index_queries(client) == before == 15


def test_an_import_is_linked_only_for_those_who_may_view_import_runs(django_user_model):
    importer = django_user_model.objects.create_user("linked-importer")
    text = ANNEX.read_text(encoding="utf-8").replace(*POLAND, 1)
    run = confirm_import(
        kind="annex", data=text.encode(), file_name="bijlage-2017.txt", user=importer, edition=2017
    ).run
    run_url = reverse("admin:registry_importrun_change", args=[run.pk])
    reader = logged_in("run-reader", role=READERS).get(INDEX)
    assert reader.context["recent_changes"][0]["source"]["url"] == run_url

    user = User.objects.create_user("no-runs", password="x-Secret-123", is_staff=True)
    user.user_permissions.add(
        *user._meta.apps.get_model("auth", "Permission").objects.filter(codename="view_theme")
    )
    client = SignedInClient()
    client.force_login(user)
    response = client.get(INDEX)
    first = response.context["recent_changes"][0]
    assert str(first["source"]["label"]) == "import van bijlage-2017.txt"
    assert first["source"]["url"] is None
    assert run_url not in response.content.decode()
