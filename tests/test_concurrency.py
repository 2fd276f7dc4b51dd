"""No lost updates: a save based on an older version of a theme is refused, with the reason."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from registry.models import Theme
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db


def form_data(page, **changes):
    """The theme's change form as a browser would submit it, with some fields changed."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("partners", "commands_in_order"):
            data[name] = [getattr(v, "pk", v) for v in value or []]
        elif name == "section":
            data[name] = getattr(value, "pk", value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return data


def editor(client, name):
    user = User.objects.create_superuser(name, password="x-Secret-123")
    client.force_login(user)
    return client


def test_the_second_of_two_editors_gets_a_conflict_that_shows_the_first_change(client):
    from django.test import Client

    first, second = editor(Client(), "eerste"), editor(Client(), "tweede")
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    url = reverse("admin:registry_theme_change", args=[theme.pk])
    first_page, second_page = first.get(url), second.get(url)

    response = first.post(url, form_data(first_page, description="Tekst van de eerste."))
    assert response.status_code == 302
    response = second.post(url, form_data(second_page, target_year="2020"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this theme" in page or "Iemand anders" in page
    assert "Tekst van de eerste." in page
    theme.refresh_from_db()
    assert theme.description == "Tekst van de eerste."
    assert theme.target_year is None
    assert theme.version == 2

    # Seen the conflict, the second editor saves again from the fresh form: now it is accepted.
    fresh = second.get(url)
    response = second.post(url, form_data(fresh, target_year="2020"))
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.target_year, theme.description, theme.version) == (
        2020,
        "Tekst van de eerste.",
        3,
    )


def test_an_import_after_opening_also_counts_as_a_change(client, tmp_path):
    from django.core.management import call_command

    editor(client, "redacteur")
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    url = reverse("admin:registry_theme_change", args=[theme.pk])
    page = client.get(url)
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    path = tmp_path / "bijlage.txt"
    path.write_text(text.replace("cyber. (Defensie", "cyberoperaties. (Defensie", 1), "utf-8")
    call_command("import_annex", str(path), "--edition", "2017", verbosity=0)
    response = client.post(url, form_data(page, target_year="2021"))
    assert response.status_code == 200
    assert "cyberoperaties" in response.content.decode()
    theme.refresh_from_db()
    assert theme.target_year is None
