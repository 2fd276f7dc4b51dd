"""The uploads kept between an import's preview and its confirm: in the database, for a while.

Every server behind the site's address reads them there (``tests/test_several_servers.py``
shows two servers doing so); here: one copy per file, the retention, and what the user sees
when a preview's upload is no longer kept.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.models import ImportRun, ImportUpload
from registry.services.imports.files import sha256
from registry.services.imports.uploads import (
    RETENTION,
    UPLOAD_LIFETIME,
    clear_old_uploads,
    keep_upload,
    load_upload,
)
from tests.registry_tables import copy_tables
from tests.test_admin_imports import IMPORT, rename_cyber, theme_file, upload
from tests.test_import_confirm_once import importer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer():
    return importer_client()


def age(checksum, delta):
    ImportUpload.objects.filter(sha256=checksum).update(uploaded_at=timezone.now() - delta)


def test_an_upload_is_kept_once_and_read_back_by_its_checksum():
    first = keep_upload(b"section,title\ndeu,Cyber\n")
    again = keep_upload(b"section,title\ndeu,Cyber\n")
    assert first == again == sha256(b"section,title\ndeu,Cyber\n")
    assert ImportUpload.objects.count() == 1
    assert load_upload(first) == b"section,title\ndeu,Cyber\n"
    assert load_upload(sha256(b"another file")) is None


def test_uploading_a_file_again_starts_its_retention_again():
    checksum = keep_upload(b"a,b\n1,2\n")
    age(checksum, RETENTION - timedelta(minutes=1))
    keep_upload(b"a,b\n1,2\n")
    assert timezone.now() - ImportUpload.objects.get().uploaded_at < timedelta(minutes=1)


def test_uploads_older_than_the_retention_are_cleared_at_the_next_upload():
    old = keep_upload(b"old\n")
    recent = keep_upload(b"recent\n")
    age(old, RETENTION + timedelta(minutes=1))
    age(recent, RETENTION - timedelta(minutes=1))
    keep_upload(b"new\n")
    assert set(ImportUpload.objects.values_list("sha256", flat=True)) == {
        recent,
        sha256(b"new\n"),
    }
    # A token lives UPLOAD_LIFETIME; the retention gives it an hour more, never less.
    assert RETENTION > UPLOAD_LIFETIME
    assert clear_old_uploads(timezone.now() + RETENTION + timedelta(minutes=2)) == 2


def test_a_confirmed_import_keeps_its_record_when_its_upload_is_cleared(importer):
    token = upload(importer, theme_file(change=rename_cyber), "a.csv").context["token"]
    assert importer.post(IMPORT, {"token": token, "confirm": "1"}).status_code == 302
    run = ImportRun.objects.get()
    age(run.sha256, RETENTION + timedelta(minutes=1))
    assert clear_old_uploads() == 1
    assert not ImportUpload.objects.exists()
    assert ImportRun.objects.get().pk == run.pk
    assert run.changes.count() == 1


@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_preview_whose_upload_is_gone_asks_for_the_file_again(importer, step):
    token = upload(importer, theme_file(change=rename_cyber), "a.csv").context["token"]
    ImportUpload.objects.all().delete()
    before = copy_tables()
    if step == "confirm":
        response = importer.post(IMPORT, {"token": token, "confirm": "1"})
    else:
        response = importer.get(IMPORT, {"token": token})
    assert response.status_code == 410
    assert response.context["upload_error"] == (
        "Dit bestand wordt niet meer bewaard; upload het opnieuw."
    )
    assert copy_tables() == before
    assert ImportRun.objects.count() == 0
