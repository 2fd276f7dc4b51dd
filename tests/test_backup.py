"""Backup and restore: the whole registry to one file and back into an empty database,
identically (same rows, same ids, same history), and a clear refusal of anything else."""

import datetime
import gzip
import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from registry.models import Agreement, ImportRun, Partner, Section, Theme
from registry.roles import EDITORS
from registry.services.backup import (
    FORMAT_VERSION,
    BackupError,
    nonempty_tables,
    registry_backup,
    registry_models,
    registry_restore,
)
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db

User = get_user_model()

EDITS_2017 = [
    ("cyber. (Defensie Cyber Commando)", "cyberoperaties. (Defensie Cyber Commando)"),
    (
        "Samenwerking op het gebied van munitie",
        "Samenwerkingsgebieden met Polen \nPatriot: gezamenlijke training van de Poolse en \n"
        "Nederlandse luchtverdediging. (CLSK, DMO) \n \nSamenwerking op het gebied van munitie",
    ),
]


def all_registry_models():
    return list(apps.get_app_config("registry").get_models(include_auto_created=True))


def history_models():
    return [model for model in all_registry_models() if model.__name__.startswith("Historical")]


@pytest.fixture
def changed_registry(tmp_path):
    """The 2016 registry after a year of work: a user with a role, an import of the 2017
    edition by that user, an archived theme and an internal agreement."""
    user = User.objects.create_user(
        "redacteur", email="redacteur@example.org", password="x-Secret-123", first_name="Rea"
    )
    user.groups.add(Group.objects.get(name=EDITORS))
    user.user_permissions.add(Permission.objects.get(codename="import_records"))

    text = ANNEX_TEXT.read_text(encoding="utf-8")
    for old, new in EDITS_2017:
        assert old in text
        text = text.replace(old, new, 1)
    annex = tmp_path / "bijlage-2017.txt"
    annex.write_text(text, encoding="utf-8")
    call_command("import_annex", str(annex), "--edition", "2017", verbosity=0, stdout=StringIO())
    ImportRun.objects.filter(edition__year=2017).update(user=user)

    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    theme.is_archived = True
    theme._history_user = user  # who made the change, for the history (django-simple-history)
    theme.save()

    agreement = Agreement.objects.create(
        slug="intern-akkoord-2017",
        kind="mou",
        title="Intern akkoord met €-teken en “aanhalingstekens”",
        date_signed=datetime.date(2017, 3, 14),
        date_precision="day",
        status="signed",
        is_internal=True,
    )
    agreement.parties.add(Partner.objects.get(code="POL"))
    agreement.themes.add(theme)
    return user


def snapshot():
    """Every row of every registry table and the users and groups, in a canonical form: the
    registry by id (as a restore keeps ids), users and groups by name (as a restore matches
    them by name)."""
    usernames = dict(User.objects.values_list("pk", "username"))
    tables = {}
    for model in all_registry_models():
        user_columns = [
            field.attname
            for field in model._meta.concrete_fields
            if field.remote_field and field.remote_field.model is User
        ]
        rows = list(model._base_manager.order_by("pk").values())
        for row in rows:
            for column in user_columns:
                row[column] = usernames.get(row[column])
        tables[model._meta.label_lower] = rows

    def permissions(queryset):
        return sorted(queryset.values_list("content_type__app_label", "codename"))

    tables["auth.user"] = sorted(
        (
            {field: value for field, value in row.items() if field != "id"},
            sorted(User.objects.get(pk=row["id"]).groups.values_list("name", flat=True)),
            permissions(User.objects.get(pk=row["id"]).user_permissions),
        )
        for row in User.objects.values()
    )
    tables["auth.group"] = sorted(
        (group.name, permissions(group.permissions)) for group in Group.objects.all()
    )
    return tables


def registry_sequences():
    tables = {model._meta.db_table for model in registry_models()}
    return [s for s in connection.introspection.sequence_list() if s["table"] in tables]


@pytest.fixture
def empty_registry():
    """Makes the registry what a new, migrated database holds: no rows, and ids that would start
    at 1 again (in the tests only)."""
    saved = []
    if connection.vendor == "postgresql":
        # Sequences are not rolled back with the test's transaction: put them back afterwards.
        with connection.cursor() as cursor:
            for sequence in registry_sequences():
                cursor.execute(f'SELECT last_value, is_called FROM "{sequence["name"]}"')
                saved.append((sequence["name"], *cursor.fetchone()))

    def empty():
        for model in reversed(registry_models()):
            model._base_manager.all()._raw_delete(model._base_manager.db)
        statements = connection.ops.sequence_reset_by_name_sql(no_style(), registry_sequences())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        assert nonempty_tables() == []

    yield empty
    with connection.cursor() as cursor:
        for name, last_value, is_called in saved:
            cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])


def test_every_registry_model_is_backed_up_in_dependency_order():
    models = registry_models()
    assert set(models) == {m for m in all_registry_models() if m._meta.managed}
    for position, model in enumerate(models):
        for field in model._meta.concrete_fields:
            target = field.remote_field.model if field.remote_field else None
            if target in models and target is not model:
                assert models.index(target) < position, (model, field.name)


def test_backup_then_restore_into_an_empty_database_is_identical(
    changed_registry, empty_registry, tmp_path
):
    before = snapshot()
    assert before["registry.importrun"]
    assert before["registry.importchange"]
    assert any(run["user_id"] == "redacteur" for run in before["registry.importrun"])
    for model in history_models():
        assert before[model._meta.label_lower], model
    if history_models():
        archived = before["registry.historicaltheme"][-1]
        assert (archived["history_user_id"], archived["is_archived"]) == ("redacteur", True)

    path, header = registry_backup(path=tmp_path / "registry.json.gz")
    assert header["version"] == FORMAT_VERSION
    assert header["database"] == connection.vendor
    assert header["counts"]["registry.theme"] == Theme.objects.count()
    assert header["counts"]["auth.user"] == User.objects.count()
    for model in all_registry_models():
        assert header["counts"].get(model._meta.label_lower, 0) == len(
            before[model._meta.label_lower]
        )

    empty_registry()
    changed_registry.delete()  # restored from the backup, under a new id
    restored_header, result = registry_restore(path=path)

    assert restored_header == header
    assert result["counts"] == header["counts"]
    assert result["existing_users"] == []
    assert snapshot() == before

    # New records get fresh ids after the restored ones (sequences on PostgreSQL).
    newest = Theme.objects.order_by("-pk").first().pk
    theme = Theme.objects.create(
        section=Section.objects.get(key="deu"), title="Nieuw", slug="nieuw", description="Nieuw."
    )
    assert theme.pk > newest
    run = ImportRun.objects.create(kind="themes", file_name="x.csv", sha256="0", file_format="csv")
    assert run.pk > max(row["id"] for row in before["registry.importrun"])
    if history_models():
        assert theme.history.get().history_id > max(
            row["history_id"] for row in before["registry.historicaltheme"]
        )


def test_plain_json_when_the_name_does_not_end_in_gz(changed_registry, empty_registry, tmp_path):
    path, header = registry_backup(path=tmp_path / "registry.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["header"] == header
    assert len(document["objects"]) == sum(header["counts"].values())
    before = snapshot()
    empty_registry()
    registry_restore(path=path)
    assert snapshot() == before


def test_a_restore_keeps_an_existing_user_and_gives_it_the_backups_values(
    changed_registry, empty_registry, tmp_path
):
    path, _header = registry_backup(path=tmp_path / "registry.json.gz")
    before = snapshot()
    empty_registry()
    changed_registry.first_name = "Iemand anders"
    changed_registry.save()
    changed_registry.groups.clear()
    _header, result = registry_restore(path=path)
    assert result["existing_users"] == ["redacteur"]
    assert snapshot() == before


def test_a_registry_that_holds_records_is_refused_and_left_as_it_is(changed_registry, tmp_path):
    path, _header = registry_backup(path=tmp_path / "registry.json.gz")
    Theme.objects.filter(is_archived=True).update(description="Na de backup gewijzigd.")
    before = snapshot()
    with pytest.raises(BackupError, match=r"not empty.*registry_theme \(\d+ rows\)"):
        registry_restore(path=path)
    assert snapshot() == before


def corrupt(data):
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def recompressed(path, change):
    document = json.loads(gzip.decompress(path.read_bytes()))
    change(document)
    path.write_bytes(gzip.compress(json.dumps(document).encode("utf-8")))
    return path


def change_a_title(document):
    for obj in document["objects"]:
        if obj["model"] == "registry.theme":
            obj["fields"]["title"] += " (vervalst)"
            return


def newer_version(document):
    document["header"]["version"] = FORMAT_VERSION + 1


def other_migration(document):
    document["header"]["migration"]["registry"] = "0099_later"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda path: path.write_bytes(corrupt(path.read_bytes())), "damaged"),
        (
            lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
            "incomplete",
        ),
        (lambda path: path.write_bytes(b""), "not a JSON document"),
        (lambda path: recompressed(path, change_a_title), "SHA-256 checksum"),
        (
            lambda path: recompressed(path, newer_version),
            rf"format version {FORMAT_VERSION + 1}.*reads version {FORMAT_VERSION} only",
        ),
        (lambda path: recompressed(path, other_migration), "at migration 0099_later; this"),
        (
            lambda path: path.write_text(json.dumps({"model": "registry.theme"}), "utf-8"),
            "not a registry backup",
        ),
    ],
    ids=[
        "flipped-byte",
        "truncated",
        "empty",
        "tampered",
        "other-version",
        "other-migration",
        "not-a-backup",
    ],
)
def test_a_damaged_file_is_refused_before_anything_is_written(
    changed_registry, empty_registry, tmp_path, damage, message
):
    path, _header = registry_backup(path=tmp_path / "registry.json.gz")
    damage(path)
    empty_registry()
    with pytest.raises(BackupError, match=message):
        registry_restore(path=path)
    assert nonempty_tables() == []


def test_the_commands(changed_registry, empty_registry, tmp_path):
    out = StringIO()
    call_command("backup_registry", str(tmp_path), stdout=out)
    [path] = tmp_path.glob("registry-*.json.gz")
    assert f"Wrote {path}" in out.getvalue()
    assert path.name == f"registry-{timezone.localdate():%Y-%m-%d}.json.gz"

    out = StringIO()
    call_command("restore_registry", str(path), "--check", stdout=out)
    assert "is a complete registry backup" in out.getvalue()
    assert f"registry.theme: {Theme.objects.count()}" in out.getvalue()

    with pytest.raises(CommandError, match="The registry is not empty"):
        call_command("restore_registry", str(path), stdout=StringIO())

    before = snapshot()
    empty_registry()
    out = StringIO()
    call_command("restore_registry", str(path), stdout=out)
    assert f"registry.theme: {Theme.objects.count()}" in out.getvalue()
    assert "Restored" in out.getvalue()
    assert snapshot() == before

    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CommandError, match="damaged or incomplete"):
        call_command("restore_registry", str(path), "--check", stdout=StringIO())
