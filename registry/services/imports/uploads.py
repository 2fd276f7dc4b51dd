"""Keeping an upload from its preview to its confirm, where every server sees it.

The admin's import shows a preview of an uploaded file and writes it only when the user
confirms, in a later request that another server behind the same address may answer. The file
is therefore kept in the database (``ImportUpload``, one row per checksum), which all servers
share, rather than under ``MEDIA_ROOT`` on the disk of the server that took the upload.

Why the database and not a shared file storage: the servers already share it, it needs no
further service or volume to set up, its backups and transactions cover it, and an upload is
small (at most ``MAX_UPLOAD_BYTES``, the limit every import reads files with).

Retention: a preview can be confirmed for ``UPLOAD_LIFETIME`` after its upload (the lifetime of
its signed token). An upload that has not been uploaded again for longer than that, plus an
hour's margin, can no longer be confirmed by anyone and is deleted at the next upload. What a
confirmed import wrote and its record (``ImportRun``: file name, SHA-256, counts, changes) are
never deleted; only the file's bytes are.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import ImportUpload
from registry.services.imports.files import sha256
from registry.tabular import check_upload_size

UPLOAD_LIFETIME = timedelta(hours=24)
RETENTION = UPLOAD_LIFETIME + timedelta(hours=1)


def keep_upload(data: bytes) -> str:
    """Keep ``data`` for its confirm and return its checksum, by which ``load_upload`` finds it.

    Uploading the same file again keeps one copy and starts its retention again.
    """
    check_upload_size(len(data))
    checksum = sha256(data)
    now = timezone.now()
    clear_old_uploads(now)
    updated = ImportUpload.objects.filter(sha256=checksum).update(uploaded_at=now)
    if not updated:
        try:
            with transaction.atomic():
                ImportUpload.objects.create(
                    sha256=checksum, data=data, size=len(data), uploaded_at=now
                )
        except IntegrityError:  # the same file, uploaded at the same moment on another server
            ImportUpload.objects.filter(sha256=checksum).update(uploaded_at=now)
    return checksum


def load_upload(checksum: str) -> bytes | None:
    """The bytes of the upload with this checksum, or None when it is no longer kept."""
    data = ImportUpload.objects.filter(sha256=checksum).values_list("data", flat=True).first()
    if data is None:
        return None
    data = bytes(data)  # PostgreSQL gives a memoryview
    return data if sha256(data) == checksum else None


def clear_old_uploads(now=None):
    """Delete the uploads that no preview can be confirmed with any more; their number."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _by_model = ImportUpload.objects.filter(uploaded_at__lt=cutoff).delete()
    return deleted
