"""Bulk actions on the lists of themes and agreements: who may run which, what they write."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from registry.models import Agreement, Theme
from registry.roles import EDITORS, IMPORTERS, READERS
from registry.services.bulk_actions import bulk_action_reason
from tests.admin_forms import form_data, logged_in

pytestmark = pytest.mark.django_db

THEMES = reverse("admin:registry_theme_changelist")
AGREEMENTS = reverse("admin:registry_agreement_changelist")
ALL_ACTIONS = {"mark_internal", "mark_public", "archive", "restore"}
ALLOWED = {
    READERS: set(),
    EDITORS: {"mark_internal", "mark_public"},
    IMPORTERS: ALL_ACTIONS,
}
FLAG = {
    "mark_internal": ("is_internal", True),
    "mark_public": ("is_internal", False),
    "archive": ("is_archived", True),
    "restore": ("is_archived", False),
}


def german_themes():
    return list(Theme.objects.filter(section__key="deu").order_by("pk")[:3])


def confirm(client, url, action, records, **extra):
    return client.post(
        url,
        {
            "action": action,
            helpers.ACTION_CHECKBOX_NAME: [record.pk for record in records],
            "post": "yes",
            **extra,
        },
    )


def offered_actions(client, url):
    return set(client.get(url).context["action_form"].fields["action"].choices) - {
        ("", "---------")
    }


@pytest.mark.parametrize("role", [READERS, EDITORS, IMPORTERS])
def test_the_theme_list_offers_each_role_its_bulk_actions(role):
    client = logged_in(f"offered-{role}", role=role)
    response = client.get(THEMES)
    if not ALLOWED[role]:
        assert response.context["action_form"] is None  # no action at all: no action bar
        return
    names = {name for name, _label in offered_actions(client, THEMES)}
    assert names == ALLOWED[role]


@pytest.mark.parametrize("role", [EDITORS, IMPORTERS])
def test_the_agreement_list_offers_marking_internal_and_public(role):
    client = logged_in(f"agreements-{role}", role=role)
    names = {name for name, _label in offered_actions(client, AGREEMENTS)}
    assert names == {"mark_internal", "mark_public"}


def test_the_action_asks_for_confirmation_first_and_lists_the_records():
    client = logged_in("asker", role=IMPORTERS)
    themes = german_themes()
    response = client.post(
        THEMES, {"action": "mark_internal", helpers.ACTION_CHECKBOX_NAME: [t.pk for t in themes]}
    )
    assert response.status_code == 200
    assert response.template_name == "admin/registry/bulk_action_confirmation.html"
    page = response.content.decode()
    for theme in themes:
        assert f'value="{theme.pk}"' in page
        assert reverse("admin:registry_theme_change", args=[theme.pk]) in page
    assert response.context["will_change"] == 3
    assert not Theme.objects.filter(pk__in=[t.pk for t in themes], is_internal=True).exists()


@pytest.mark.parametrize("role", [READERS, EDITORS, IMPORTERS])
@pytest.mark.parametrize("action", sorted(ALL_ACTIONS))
def test_a_confirmed_bulk_action_changes_the_themes_only_when_the_role_may(role, action):
    field, value = FLAG[action]
    themes = german_themes()
    Theme.objects.filter(pk__in=[t.pk for t in themes]).update(**{field: not value})
    before = {t.pk: Theme.objects.get(pk=t.pk).version for t in themes}
    history_before = Theme.history.count()
    client = logged_in(f"runner-{role}", role=role)

    response = confirm(client, THEMES, action, themes)

    after = {t.pk: t for t in Theme.objects.filter(pk__in=before)}
    if action not in ALLOWED[role]:
        assert all(getattr(t, field) is (not value) for t in after.values())
        assert all(t.version == before[t.pk] for t in after.values())
        assert Theme.history.count() == history_before
        return
    assert response.status_code == 302
    assert all(getattr(t, field) is value for t in after.values())
    assert all(t.version == before[t.pk] + 1 for t in after.values())
    records = Theme.history.filter(history_id__gt=0).order_by("-history_id")[:3]
    assert Theme.history.count() == history_before + 3
    assert {r.id for r in records} == set(before)
    assert {r.history_user_id for r in records} == {client.user.pk}
    assert {r.history_change_reason for r in records} == {bulk_action_reason(action)}
    assert all(getattr(r, field) is value for r in records)


def test_a_reader_posting_an_action_changes_nothing():
    client = logged_in("reader-post", role=READERS)
    themes = german_themes()
    response = confirm(client, THEMES, "mark_internal", themes)
    assert response.status_code == 200  # the list again: readers have no actions to run
    assert not Theme.objects.filter(pk__in=[t.pk for t in themes], is_internal=True).exists()


def test_an_editor_cannot_archive_agreements_or_themes_by_posting():
    client = logged_in("editor-archive", role=EDITORS)
    themes = german_themes()
    response = confirm(client, THEMES, "archive", themes)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Geen actie geselecteerd."]
    assert not Theme.objects.filter(pk__in=[t.pk for t in themes], is_archived=True).exists()


def test_agreements_marked_internal_keep_a_history_with_the_user():
    client = logged_in("agreement-editor", role=EDITORS)
    agreements = list(Agreement.objects.order_by("pk")[:2])
    history_before = Agreement.history.count()
    response = confirm(client, AGREEMENTS, "mark_internal", agreements)
    assert response.status_code == 302
    assert (
        Agreement.objects.filter(pk__in=[a.pk for a in agreements], is_internal=True).count() == 2
    )
    records = Agreement.history.order_by("-history_id")[:2]
    assert Agreement.history.count() == history_before + 2
    assert {r.history_user_id for r in records} == {client.user.pk}
    assert all(r.is_internal for r in records)
    # The links are kept in the historical record too.
    first = next(r for r in records if r.id == agreements[0].pk)
    assert set(first.parties.values_list("partner_id", flat=True)) == set(
        agreements[0].parties.values_list("pk", flat=True)
    )


def test_records_that_already_have_the_value_are_left_alone():
    client = logged_in("already", role=EDITORS)
    themes = german_themes()
    Theme.objects.filter(pk=themes[0].pk).update(is_internal=True)
    version = Theme.objects.get(pk=themes[0].pk).version
    history_before = Theme.history.filter(id=themes[0].pk).count()
    confirm(client, THEMES, "mark_internal", themes)
    assert Theme.objects.get(pk=themes[0].pk).version == version
    assert Theme.history.filter(id=themes[0].pk).count() == history_before
    assert Theme.objects.filter(pk__in=[t.pk for t in themes], is_internal=True).count() == 3


def test_the_message_counts_what_changed():
    client = logged_in("counter", role=EDITORS)
    themes = german_themes()
    Theme.objects.filter(pk=themes[0].pk).update(is_internal=True)
    response = confirm(client, THEMES, "mark_internal", themes)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["2 gegevens intern gemaakt. 1 was dat al."]


def test_a_form_opened_before_a_bulk_action_is_refused_on_saving():
    editor = logged_in("stale-editor", role=EDITORS)
    theme = german_themes()[0]
    change = reverse("admin:registry_theme_change", args=[theme.pk])
    page = editor.get(change)
    confirm(logged_in("bulk-importer", role=IMPORTERS), THEMES, "archive", [theme])

    response = editor.post(change, form_data(page, description="Een oude versie."))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    theme.refresh_from_db()
    assert theme.description != "Een oude versie."
    assert theme.is_archived


def test_select_across_applies_to_every_record_the_filter_chooses():
    client = logged_in("across", role=EDITORS)
    german = Theme.objects.filter(section__key="deu")
    count = german.count()
    assert count > 3
    url = f"{THEMES}?section__id__exact={german.first().section_id}"
    page = client.post(
        url,
        {
            "action": "mark_internal",
            helpers.ACTION_CHECKBOX_NAME: [german.first().pk],
            "select_across": "1",
        },
    )
    assert page.context["total"] == count
    response = client.post(
        url,
        {
            "action": "mark_internal",
            helpers.ACTION_CHECKBOX_NAME: page.context["pks"],
            "select_across": "1",
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert german.filter(is_internal=True).count() == count
    assert Theme.objects.filter(is_internal=True).count() == count


def test_the_history_page_names_the_bulk_action():
    client = logged_in("historian", role=IMPORTERS)
    theme = german_themes()[0]
    confirm(client, THEMES, "archive", [theme])
    page = client.get(reverse("admin:registry_theme_history", args=[theme.pk]))
    assert "Bulkactie: gearchiveerd" in page.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("annex_data")  # the annex data is put back after the test's flush
def test_a_bulk_action_that_fails_half_way_writes_nothing(monkeypatch):
    """One transaction, proven without the test's own: the flags and versions are written
    before the history, and a failure in the history leaves both as they were."""
    from registry.services import bulk_actions

    def broken_history(*args, **kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr(bulk_actions, "record_history", broken_history)
    client = logged_in("bulk-half-way", role=IMPORTERS)
    themes = german_themes()
    before = [(theme.is_internal, theme.version) for theme in themes]
    client.raise_request_exception = True
    with pytest.raises(RuntimeError, match="history could not be written"):
        confirm(client, THEMES, "mark_internal", themes)
    after = [
        (theme.is_internal, theme.version)
        for theme in Theme.objects.filter(pk__in=[t.pk for t in themes]).order_by("pk")
    ]
    assert after == before
