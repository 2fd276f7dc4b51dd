"""No lost updates: a theme saved from an older version, or from a form that does not say which
version it was opened from, is refused with the reason, whatever came in between: another
editor's save, a revert, an import."""

import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from registry.models import Theme
from registry.services import themes as theme_service
from tests.admin_forms import form_data, logged_in
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db

CONFLICT = "Iemand anders heeft dit thema opgeslagen nadat u het opende"
NO_VERSION = "Dit formulier vermeldt niet van welke versie van het thema het uitging"
NOT_SAVED = "Uw wijzigingen zijn niet opgeslagen."


@pytest.fixture
def committed_annex(annex_data):
    """The annex in a database without the test's transaction around it (tests/conftest.py)."""


def cyber():
    return Theme.objects.get_by_natural_key("deu", "Cyber")


def change_url(theme):
    return reverse("admin:registry_theme_change", args=[theme.pk])


def revert_url(theme, version):
    return reverse("admin:registry_theme_simple_history", args=[theme.pk, version.history_id])


def errors(response):
    """The form's errors as the page shows them above the fields."""
    assert response.status_code == 200, "the save was accepted"
    return " ".join(response.context["adminform"].form.non_field_errors())


def html(response):
    return response.content.decode()


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


def test_a_revert_after_opening_counts_as_a_change():
    opener, reverter = logged_in("eerste"), logged_in("tweede")
    theme = cyber()
    url = change_url(theme)
    original = theme.description
    saved(reverter, url, form_data(reverter.get(url)))  # the version to go back to, complete
    start = theme.history.order_by("-history_id").first()
    saved(reverter, url, form_data(reverter.get(url), description="Fout ingevoerd."))

    page = opener.get(url)
    revert = revert_url(theme, start)
    saved(reverter, revert, form_data(reverter.get(revert)))
    message = errors(opener.post(url, form_data(page, target_year="2021")))
    assert message.startswith(f"{CONFLICT} (versie 3, nu 4).")
    assert "<del>Fout ingevoerd.</del>" in message
    theme.refresh_from_db()
    assert (theme.description, theme.target_year, theme.version) == (original, None, 4)


def test_a_revert_from_an_older_version_of_the_page_is_refused():
    reverter, editor = logged_in("eerste"), logged_in("tweede")
    theme = cyber()
    url = change_url(theme)
    saved(editor, url, form_data(editor.get(url)))
    start = theme.history.order_by("-history_id").first()
    revert = revert_url(theme, start)
    revert_page = reverter.get(revert)
    saved(editor, url, form_data(editor.get(url), description="Later opgeslagen."))
    message = errors(reverter.post(revert, form_data(revert_page)))
    assert message.startswith(f"{CONFLICT} (versie 2, nu 3).")
    theme.refresh_from_db()
    assert (theme.description, theme.version) == ("Later opgeslagen.", 3)


def test_a_revert_without_the_version_fields_is_refused():
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    saved(client, url, form_data(client.get(url)))
    start = theme.history.order_by("-history_id").first()
    saved(client, url, form_data(client.get(url), description="Later opgeslagen."))
    revert = revert_url(theme, start)
    data = form_data(client.get(revert))
    del data["opened_version"]
    assert errors(client.post(revert, data)).startswith(NO_VERSION)
    theme.refresh_from_db()
    assert theme.description == "Later opgeslagen."


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


def test_every_save_and_revert_raises_the_version_through_the_one_service(monkeypatch):
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
    start = theme.history.order_by("-history_id").first()
    saved(client, url, form_data(client.get(url), description="Nog een keer."))
    revert = revert_url(theme, start)
    saved(client, revert, form_data(client.get(revert)))
    assert raised == [theme.pk] * 3
    theme.refresh_from_db()
    assert theme.version == 4


@pytest.mark.django_db(transaction=True)
def test_the_version_check_runs_in_the_request_transaction_for_a_save_and_a_revert(
    monkeypatch, committed_annex
):
    """Outside the test's own transaction, as in production: the row lock needs one."""
    checked = []
    original = theme_service.check_theme_version

    def in_transaction(theme, version, token):
        checked.append(connection.in_atomic_block)
        original(theme, version, token)

    monkeypatch.setattr("registry.admin.check_theme_version", in_transaction)
    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    saved(client, url, form_data(client.get(url)))
    start = theme.history.order_by("-history_id").first()
    saved(client, url, form_data(client.get(url), description="Fout ingevoerd."))
    revert = revert_url(theme, start)
    saved(client, revert, form_data(client.get(revert)))
    # The forms are also built, without a check, when the pages are opened.
    assert checked == [True, True, True]
    theme.refresh_from_db()
    assert theme.description != "Fout ingevoerd."


def test_a_save_and_a_revert_ask_for_the_theme_row_lock_inside_their_transaction(monkeypatch):
    """On every database: the version is read with select_for_update, in the save's transaction
    (SQLite writes one transaction at a time and has no row locks to take)."""
    from django.db.models import QuerySet

    requests = []
    original = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        if queryset.model is Theme:
            requests.append(connection.in_atomic_block)
        return original(queryset, *args, **kwargs)

    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    saved(client, url, form_data(client.get(url)))
    start = theme.history.order_by("-history_id").first()
    revert = revert_url(theme, start)
    for target in (url, revert):
        data = form_data(client.get(target), description="Vergrendeld.")
        requests.clear()
        monkeypatch.setattr(QuerySet, "select_for_update", spy)
        saved(client, target, data)
        monkeypatch.setattr(QuerySet, "select_for_update", original)
        assert requests == [True], target


@pytest.mark.postgresql
def test_a_save_and_a_revert_lock_the_theme_row_before_checking():
    from django.test.utils import CaptureQueriesContext

    client = logged_in("redacteur")
    theme = cyber()
    url = change_url(theme)
    saved(client, url, form_data(client.get(url)))
    start = theme.history.order_by("-history_id").first()
    revert = revert_url(theme, start)
    for target in (url, revert):
        data = form_data(client.get(target), description="Vergrendeld.")
        with CaptureQueriesContext(connection) as queries:
            saved(client, target, data)
        locks = [q["sql"] for q in queries if q["sql"].endswith("FOR UPDATE")]
        assert len(locks) == 1, target
        assert 'FROM "registry_theme"' in locks[0]


def test_a_reader_sees_a_theme_with_its_commands_and_without_the_version_fields():
    from registry.roles import READERS

    reader = logged_in("lezer", role=READERS)
    page = reader.get(change_url(cyber()))
    fieldsets = page.context["adminform"].fieldsets
    fields = [name for _title, options in fieldsets for name in options["fields"]]
    assert "opened_version" not in fields
    assert "opened_values" not in fields
    shown = re.search(r'<label>Commando’s:</label>\s*<div class="readonly">(.*?)</div>', html(page))
    assert shown.group(1) == "DCC"
