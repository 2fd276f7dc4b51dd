"""No lost updates: a theme saved from an older version, or from a form that does not say which
version it was opened from, is refused with the reason, whatever came in between: another
editor's save, an import."""

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse

from registry.models import Theme
from registry.services import themes as theme_service
from tests.admin_forms import form_data, logged_in
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db

CONFLICT = "Iemand anders heeft dit thema opgeslagen nadat u het opende"
NO_VERSION = "Dit formulier vermeldt niet van welke versie van het thema het uitging"
NOT_SAVED = "Uw wijzigingen zijn niet opgeslagen."


def cyber():
    return Theme.objects.get_by_natural_key("deu", "Cyber")


def change_url(theme):
    return reverse("admin:registry_theme_change", args=[theme.pk])


def errors(response):
    """The form's errors as the page shows them above the fields."""
    assert response.status_code == 200, "the save was accepted"
    return " ".join(response.context["adminform"].form.non_field_errors())


def saved(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_the_second_of_two_editors_gets_a_conflict_that_shows_the_first_change():
    first, second = logged_in("eerste"), logged_in("tweede")
    theme = cyber()
    url = change_url(theme)
    first_page, second_page = first.get(url), second.get(url)

    saved(first, url, form_data(first_page, description="Geschreven door de eerste."))
    message = errors(second.post(url, form_data(second_page, target_year="2020")))
    assert message.startswith(f"{CONFLICT} (versie 1, nu 2). {NOT_SAVED}")
    assert "Beschrijving: <del>" in message
    assert "<ins>Geschreven door de eerste.</ins>" in message
    theme.refresh_from_db()
    assert (theme.description, theme.target_year, theme.version) == (
        "Geschreven door de eerste.",
        None,
        2,
    )

    # Seen the conflict, the second editor saves again from the fresh form: now it is accepted.
    saved(second, url, form_data(second.get(url), target_year="2020"))
    theme.refresh_from_db()
    assert (theme.target_year, theme.description, theme.version) == (
        2020,
        "Geschreven door de eerste.",
        3,
    )


@pytest.mark.parametrize(
    "left_out",
    [["opened_version"], ["opened_values"], ["opened_version", "opened_values"]],
)
def test_a_save_without_the_version_fields_is_refused(left_out):
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    data = form_data(client.get(url), description="Zonder versie.")
    for name in left_out:
        del data[name]
    message = errors(client.post(url, data))
    assert message.startswith(NO_VERSION)
    assert NOT_SAVED in message
    theme.refresh_from_db()
    assert (theme.description, theme.version) == (cyber().description, 1)
    assert theme.description != "Zonder versie."


def test_a_save_with_an_altered_snapshot_is_refused():
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    forged = signing.dumps({"title": "Cyber"}, salt="another-salt")
    data = form_data(client.get(url), description="Vervalst.", opened_values=forged)
    assert errors(client.post(url, data)).startswith(NO_VERSION)
    theme.refresh_from_db()
    assert theme.description != "Vervalst."


def test_a_save_with_a_made_up_version_is_refused_as_stale():
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    data = form_data(client.get(url), description="Verzonnen.", opened_version="7")
    assert errors(client.post(url, data)).startswith(f"{CONFLICT} (versie 7, nu 1).")
    theme.refresh_from_db()
    assert theme.description != "Verzonnen."


def test_an_import_after_opening_also_counts_as_a_change(tmp_path):
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    page = client.get(url)
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    path = tmp_path / "bijlage.txt"
    path.write_text(text.replace("cyber. (Defensie", "cyberoperaties. (Defensie", 1), "utf-8")
    call_command("import_annex", str(path), "--edition", "2017", verbosity=0)
    message = errors(client.post(url, form_data(page, target_year="2021")))
    assert message.startswith(f"{CONFLICT} (versie 1, nu 2).")
    assert "<ins>cyberoperaties.</ins>" in message
    theme.refresh_from_db()
    assert theme.target_year is None


def test_every_save_raises_the_version_through_the_one_service(monkeypatch):
    raised = []
    original = theme_service.themes_raise_version

    def counting(themes):
        themes = list(themes)
        raised.extend(theme.pk for theme in themes)
        original(themes)

    monkeypatch.setattr("registry.admin.themes_raise_version", counting)
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    saved(client, url, form_data(client.get(url)))
    saved(client, url, form_data(client.get(url), description="Nog een keer."))
    assert raised == [theme.pk] * 2
    theme.refresh_from_db()
    assert theme.version == 3
