"""A preview is confirmed once: a second confirm of the same token, after the first or at the
same moment, writes nothing, says so, and answers no error."""

import threading

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from registry.models import ImportRun, Theme
from tests.signin import SignedInClient
from tests.test_admin_imports import IMPORT, rename_cyber, theme_file, upload

RUN_PAGE = "admin:registry_importrun_change"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def importer_client():
    user = User.objects.filter(username="importeur").first() or User.objects.create_superuser(
        "importeur", password="x-Secret-123"
    )
    client = SignedInClient()
    client.force_login(user)
    return client


def history_rows():
    return Theme.history.count(), Theme.history.model.partners.model.objects.count()


@pytest.mark.django_db
def test_confirming_the_same_preview_twice_imports_once():
    client = importer_client()
    token = upload(client, theme_file(change=rename_cyber), "a.csv").context["token"]
    first = client.post(IMPORT, {"token": token, "confirm": "1"})
    run = ImportRun.objects.get()
    assert first["Location"] == reverse(RUN_PAGE, args=[run.pk])
    history = history_rows()

    second = client.post(IMPORT, {"token": token, "confirm": "1"}, follow=True)
    assert second.status_code == 200
    assert second.redirect_chain == [(reverse(RUN_PAGE, args=[run.pk]), 302)]
    # The first confirm's success message is shown on this page too; the second adds a warning.
    (warning,) = [str(m) for m in second.context["messages"] if m.level_tag == "warning"]
    assert warning.startswith("Deze voorvertoning is al geïmporteerd, op ")
    assert ImportRun.objects.count() == 1
    assert history_rows() == history


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("annex_data")
def test_two_confirms_of_one_preview_at_the_same_moment_import_once():
    client = importer_client()
    token = upload(client, theme_file(change=rename_cyber), "a.csv").context["token"]
    history = history_rows()
    start = threading.Barrier(2)
    answers = []

    def confirm():
        from django.db import connection

        try:
            start.wait()
            answers.append(client.post(IMPORT, {"token": token, "confirm": "1"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]  # one to the new run, one told that it was imported already
    assert ImportRun.objects.count() == 1
    run = ImportRun.objects.get()
    assert (run.updated, run.unchanged) == (1, 113)
    assert Theme.history.count() == history[0] + 1
