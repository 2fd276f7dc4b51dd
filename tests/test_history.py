"""History: every change by the admin or an import is kept, with who, when, and the run."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from registry.models import ImportRun, Partner, Theme
from tests.admin_forms import form_data
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("redacteur", password="x-Secret-123")
    client.force_login(user)
    client.user = user
    return client


def test_an_admin_edit_is_recorded_with_who_before_and_after(editor):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    url = reverse("admin:registry_theme_change", args=[theme.pk])
    editor.post(url, form_data(editor.get(url), description="Nieuwe tekst.", commands_in_order=[]))
    latest, previous = theme.history.order_by("-history_id")[:2]
    assert latest.history_user == editor.user
    assert latest.history_type == "~"
    assert latest.description == "Nieuwe tekst."
    assert latest.command_codes == ""
    delta = latest.diff_against(previous) if previous else None
    assert delta is None or "description" in delta.changed_fields


def test_an_import_is_recorded_with_its_run(tmp_path):
    path = tmp_path / "bijlage.txt"
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    path.write_text(text.replace("cyber. (Defensie Cyber Commando)", "cyber. (DMO)", 1), "utf-8")
    call_command("import_annex", str(path), "--edition", "2017", verbosity=0)
    run = ImportRun.objects.get()
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    record = theme.history.latest("history_id")
    assert record.import_run == run
    assert record.history_change_reason == f"import {run.pk}"
    assert record.command_codes == "DMO"
    assert Theme.history.filter(import_run=run).count() == 1


def test_a_delete_is_recorded(editor):
    partner = Partner.objects.create(code="POL", kind="country", name_nl="Polen", name_en="Poland")
    editor.post(reverse("admin:registry_partner_delete", args=[partner.pk]), {"post": "yes"})
    assert not Partner.objects.filter(code="POL").exists()
    assert Partner.history.filter(code="POL", history_type="-").exists()


def test_history_is_visible_per_record_and_a_record_can_be_reverted(editor):
    theme = Theme.objects.get_by_natural_key("usa", "F-35")
    original = theme.description
    assert theme.history.count() == 1  # the annex as loaded
    url = reverse("admin:registry_theme_change", args=[theme.pk])
    editor.post(url, form_data(editor.get(url), description="Fout ingevoerd."))
    theme.refresh_from_db()
    assert theme.description == "Fout ingevoerd."
    history_page = editor.get(reverse("admin:registry_theme_history", args=[theme.pk]))
    assert history_page.status_code == 200
    assert "redacteur" in history_page.content.decode()
    loaded = theme.history.earliest("history_id")
    revert_url = reverse("admin:registry_theme_simple_history", args=[theme.pk, loaded.pk])
    page = editor.get(revert_url)
    assert page.status_code == 200
    assert editor.post(revert_url, form_data(page)).status_code == 302
    theme.refresh_from_db()
    assert theme.description == original
    assert theme.history.count() == 3


def test_every_record_of_the_loaded_annex_starts_with_one_historical_record():
    from registry.models import Agreement, Command, Section

    for model in (Command, Partner, Section, Theme, Agreement):
        assert model.history.count() == model.objects.count(), model
