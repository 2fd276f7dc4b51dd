"""The admin's import confirm belongs to importers: a valid token does not stand in for the right.

An importer's preview hands out a signed token for the stored upload. An editor (who may add
and change themes, but not import) who gets hold of that token is refused, before the stored
file is even opened, and nothing is written.
"""

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from tablib import Dataset

from registry import admin_imports
from registry.models import ImportRun, ImportUpload, Theme
from registry.resources import RESOURCES
from registry.tabular import export_bytes
from tests.registry_tables import copy_tables
from tests.signin import SignedInClient

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:registry_theme_import")
EDITOR_PERMISSIONS = ["add_theme", "change_theme", "view_theme"]
IMPORTER_PERMISSIONS = [*EDITOR_PERMISSIONS, "import_records", "view_importrun"]
NEW_TEXT = "Samenwerking bij cyberoperaties."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def logged_in(username, codenames):
    user = User.objects.create_user(username, password="x-Secret-123", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = SignedInClient()
    client.force_login(user)
    return client


@pytest.fixture
def importer():
    return logged_in("importeur", IMPORTER_PERMISSIONS)


@pytest.fixture
def editor():
    return logged_in("redacteur", EDITOR_PERMISSIONS)


@pytest.fixture
def token(importer):
    """The token of an importer's preview of a file that changes one theme."""
    dataset = RESOURCES["themes"]().export()
    rows = [list(row) for row in dataset]
    title, section, description = (
        dataset.headers.index(name) for name in ("title", "section", "description")
    )
    for row in rows:
        if (row[section], row[title]) == ("deu", "Cyber"):
            row[description] = NEW_TEXT
    handle = io.BytesIO(export_bytes(Dataset(*rows, headers=dataset.headers), "csv"))
    handle.name = "update-2017.csv"
    response = importer.post(IMPORT, {"file": handle})
    assert response.status_code == 200
    assert response.context["counts"]["updated"] == 1
    return response.context["token"]


def cyber_text():
    return Theme.objects.get_by_natural_key("deu", "Cyber").description


def changed_tables(before):
    after = copy_tables()
    return [model._meta.db_table for model in before if after[model] != before[model]]


@pytest.fixture
def storage_reads(monkeypatch):
    """The checksums of the kept uploads that the views read."""
    opened = []
    original = admin_imports.load_upload

    def recording_load(checksum):
        opened.append(checksum)
        return original(checksum)

    monkeypatch.setattr(admin_imports, "load_upload", recording_load)
    return opened


def test_an_editor_with_an_importers_token_cannot_confirm_and_nothing_is_written(
    importer, editor, token
):
    before = copy_tables()
    response = editor.post(IMPORT, {"token": token, "confirm": "1"})
    assert response.status_code == 403
    assert changed_tables(before) == []
    assert ImportRun.objects.count() == 0
    # The token itself was good: its importer confirms it.
    response = importer.post(IMPORT, {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert ImportRun.objects.get().updated == 1
    assert cyber_text() == NEW_TEXT


def test_the_permission_is_checked_before_the_stored_upload_is_opened(
    editor, token, media_root, storage_reads
):
    assert storage_reads == []
    stored = ImportUpload.objects.get()
    assert editor.post(IMPORT, {"token": token, "confirm": "1"}).status_code == 403
    assert editor.get(IMPORT, {"token": token}).status_code == 403
    assert storage_reads == []
    # Without the kept upload the answer is still the refusal, not an error about the file.
    stored.delete()
    assert editor.post(IMPORT, {"token": token, "confirm": "1"}).status_code == 403
    assert editor.get(IMPORT, {"token": token}).status_code == 403
    assert storage_reads == []
    assert ImportRun.objects.count() == 0
    assert cyber_text() != NEW_TEXT


def test_the_storage_spy_sees_an_importers_confirm_read_the_stored_upload(
    importer, token, storage_reads
):
    """The counterpart of the test above: a confirm that is allowed does open the upload."""
    assert importer.post(IMPORT, {"token": token, "confirm": "1"}).status_code == 302
    assert storage_reads == [ImportUpload.objects.get().sha256]
