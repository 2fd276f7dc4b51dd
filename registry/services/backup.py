"""Backup and restore of the whole registry as one file.

``registry_backup`` writes every model of the ``registry`` app (records, their link and M2M
tables, import runs and their changes, and the history of every record) together with the
users and groups (roles) to one JSON document, gzip-compressed when the name ends in ``.gz``.
``registry_restore`` loads such a file into an empty registry, in one transaction, so that the
registry is identical to the one that was backed up: same rows, same ids.

The document is ``{"header": {...}, "objects": [...]}``. The objects are Django's serialized
form, with one difference from ``dumpdata``: every registry row keeps its primary key and refers
to other registry rows by primary key. Natural keys would not do here: a historical record keeps
the id of its record as a plain number and may refer to records that have since been deleted.
Users and groups, which another database numbers differently, are written and referred to by
their natural keys (username, group name; permissions as codename, app and model). A user that
exists already in the database restored into is matched by username and takes the backup's
values. Timestamps keep their microseconds (``dumpdata``'s JSON drops them).

The header holds the format and its version, when and from what the backup was written, the
registry's latest migration, the number of rows per model and the SHA-256 of the objects (of
their canonical JSON: sorted keys, no spaces), which restore checks before it writes anything.
"""

import datetime
import gzip
import hashlib
import json
import os
import tempfile
import zlib
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

APP_LABEL = "registry"
FORMAT = "coopregistry-backup"
FORMAT_VERSION = 1
GZIP_MAGIC = b"\x1f\x8b"


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why."""


# Which models, in which order


def registry_models():
    """Every model of the registry app with a table of its own, auto-created M2M tables and the
    historical models included, in an order where a row comes after the rows it refers to."""
    models = [
        model
        for model in apps.get_app_config(APP_LABEL).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return _dependency_order(models)


def _dependency_order(models):
    remaining = {
        model: {
            field.remote_field.model
            for field in model._meta.concrete_fields
            if field.remote_field and field.remote_field.model is not model
        }
        & set(models)
        for model in models
    }
    ordered = []
    while remaining:
        ready = [model for model, deps in remaining.items() if not deps - set(ordered)]
        # A cycle (none today): foreign keys are checked at the end of the transaction anyway.
        for model in ready or [min(remaining, key=lambda m: len(remaining[m] - set(ordered)))]:
            ordered.append(model)
            del remaining[model]
    return ordered


def auth_models():
    return [Group, get_user_model()]


def _in_registry(model):
    return model._meta.app_label == APP_LABEL


# Writing


class _Serializer(PythonSerializer):
    """Registry rows keep their ids and refer to each other by id; the rest by natural key."""

    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        if _in_registry(type(obj)) and "pk" not in data:
            data = {"model": data["model"], "pk": obj.pk, "fields": data["fields"]}
        return data

    def handle_fk_field(self, obj, field):
        if _in_registry(field.remote_field.model):
            # By id: a historical record may refer to a record that no longer exists.
            self._current[field.name] = self._value_from_field(obj, field)
        else:
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        # The registry's M2M tables are written as tables of their own, with their ids.
        if not _in_registry(field.remote_field.through):
            super().handle_m2m_field(obj, field)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _canonical(objects):
    return json.dumps(objects, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def payload_sha256(objects):
    return hashlib.sha256(_canonical(objects).encode("utf-8")).hexdigest()


def _serialize(using):
    objects = []
    for model in [*auth_models(), *registry_models()]:
        queryset = model._base_manager.using(using).order_by("pk")
        if model is get_user_model():
            queryset = queryset.prefetch_related("groups", "user_permissions")
        elif model is Group:
            queryset = queryset.prefetch_related("permissions")
        objects.extend(
            _Serializer().serialize(
                queryset.iterator(chunk_size=2000),
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
        )
    # Through JSON and back: what is hashed is exactly what restore reads.
    return json.loads(json.dumps(objects, cls=_Encoder, ensure_ascii=False))


@contextmanager
def _consistent_read(using):
    """One transaction, so that every table is read as it was at the same moment."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # SQLite's read transaction is a snapshot already; PostgreSQL's default is not.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def latest_migration(using=DEFAULT_DB_ALIAS):
    recorder = MigrationRecorder(connections[using])
    names = recorder.migration_qs.filter(app=APP_LABEL).values_list("name", flat=True)
    return max(names, default=None)


def default_file_name(now=None):
    return f"registry-{timezone.localdate(now or timezone.now()):%Y-%m-%d}.json.gz"


def registry_backup(*, path, using=DEFAULT_DB_ALIAS):
    """Write the whole registry to ``path`` (a directory gets ``registry-<date>.json.gz``).

    Returns the path written and the header. The file is written next to its final name and
    moved into place, so a failed backup never leaves half a file under that name.
    """
    path = Path(path)
    if path.is_dir():
        path = path / default_file_name()
    with _consistent_read(using):
        objects = _serialize(using)
        migration = latest_migration(using)
    counts = Counter(obj["model"] for obj in objects)
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "database": connections[using].vendor,
        "migration": {APP_LABEL: migration},
        "counts": dict(sorted(counts.items())),
        "objects": len(objects),
        "sha256": payload_sha256(objects),
    }
    # One object a line, so that ``zcat`` shows something a person can read.
    lines = ",\n".join(json.dumps(obj, ensure_ascii=False, sort_keys=True) for obj in objects)
    document = (
        '{"header": ' + json.dumps(header, ensure_ascii=False, indent=1) + ',\n"objects": [\n'
    )
    data = (document + lines + "\n]}\n").encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    _write_atomically(path, data)
    return path, header


def _write_atomically(path, data):
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Reading and restoring


def read_backup(path):
    """The header and objects of a backup file, checked; ``BackupError`` says what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror or error}.") from None
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as error:
            raise BackupError(
                f"{path.name} is damaged or incomplete: it does not decompress ({error})."
            ) from None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BackupError(
            f"{path.name} is damaged or incomplete, or not a registry backup: "
            f"it is not a JSON document ({error})."
        ) from None
    header = document.get("header") if isinstance(document, dict) else None
    objects = document.get("objects") if isinstance(document, dict) else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path.name} is not a registry backup (no {FORMAT} header).")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path.name} is a registry backup of format version {header.get('version')!r}; "
            f"this version of the registry reads version {FORMAT_VERSION} only."
        )
    if not isinstance(objects, list) or payload_sha256(objects) != header.get("sha256"):
        raise BackupError(
            f"{path.name} is damaged: its contents do not match the SHA-256 checksum in its header."
        )
    counts = Counter(obj.get("model") for obj in objects if isinstance(obj, dict))
    if dict(counts) != header.get("counts") or len(objects) != header.get("objects"):
        raise BackupError(f"{path.name} is damaged: its counts do not match its header.")
    return header, objects


def nonempty_tables(using=DEFAULT_DB_ALIAS):
    """``(table, rows)`` for every registry table that holds rows."""
    return [
        (model._meta.db_table, count)
        for model in registry_models()
        if (count := model._base_manager.using(using).count())
    ]


@transaction.atomic
def registry_restore(*, path):
    """Restore a backup into an empty registry: all of it, or nothing.

    Returns the header and a dict with the rows restored per model and the usernames of users
    that existed already and took the backup's values.
    """
    using = DEFAULT_DB_ALIAS
    connection = connections[using]
    header, objects = read_backup(path)
    known = {model._meta.label_lower for model in [*auth_models(), *registry_models()]}
    unknown = sorted({obj["model"] for obj in objects} - known)
    if unknown:
        raise BackupError(
            f"{Path(path).name} holds records of {', '.join(unknown)}, which this registry "
            "does not have or does not restore. Nothing was changed."
        )
    migration = latest_migration(using)
    backup_migration = (header.get("migration") or {}).get(APP_LABEL)
    if backup_migration != migration:
        raise BackupError(
            f"The backup was written by a registry at migration {backup_migration}; this "
            f"database is at {migration}. Restore it with the version of the registry that "
            "wrote it, into a database migrated to that point, then upgrade it with migrate. "
            "Nothing was changed."
        )
    if tables := nonempty_tables(using):
        listing = ", ".join(
            f"{table} ({rows} {'row' if rows == 1 else 'rows'})" for table, rows in tables
        )
        raise BackupError(
            "The registry is not empty, and a restore never deletes or overwrites records: "
            f"{listing}. Restore into a new, migrated database. Nothing was changed."
        )

    user_model = get_user_model()
    username = user_model.USERNAME_FIELD
    usernames = [
        obj["fields"].get(username)
        for obj in objects
        if obj["model"] == user_model._meta.label_lower
    ]
    existing_users = sorted(
        user_model._base_manager.using(using)
        .filter(**{f"{username}__in": usernames})
        .values_list(username, flat=True)
    )

    deferred = []
    counts = Counter()
    try:
        for item in serializers.deserialize(
            "python", objects, using=using, handle_forward_references=True
        ):
            model = type(item.object)
            # Registry tables are empty: insert without first trying an update.
            item.save(using=using, force_insert=_in_registry(model))
            if item.deferred_fields:
                deferred.append(item)
            counts[model._meta.label_lower] += 1
        for item in deferred:
            item.save_deferred_fields(using=using)
        restored = [*auth_models(), *registry_models()]
        connection.check_constraints(table_names=[model._meta.db_table for model in restored])
    except Exception as error:
        raise BackupError(
            f"The backup could not be restored, and nothing was changed: {error}"
        ) from error

    # New records get ids after the restored ones (PostgreSQL; SQLite keeps track itself).
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return header, {"counts": dict(sorted(counts.items())), "existing_users": existing_users}
