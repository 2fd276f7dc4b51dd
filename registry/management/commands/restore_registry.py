from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.services.backup import BackupError, read_backup, registry_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_registry into an empty registry (a new, migrated "
        "database), in one transaction: all of it or nothing. Existing records are never "
        "deleted or overwritten; a registry that holds any record is refused. Users already "
        "present are matched by username and take the backup's values."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the file (format and checksum) and show what it holds.",
        )

    def handle(self, *args, path, check, **options):
        try:
            if check:
                header, _objects = read_backup(path)
                counts, existing_users = header["counts"], []
            else:
                header, result = registry_restore(path=path)
                counts, existing_users = result["counts"], result["existing_users"]
        except BackupError as error:
            raise CommandError(str(error)) from error
        for model, count in counts.items():
            self.stdout.write(f"{model}: {count}")
        made = f"written {header['created_at']} from {header['database']}"
        if check:
            self.stdout.write(f"{path} is a complete registry backup ({made}); nothing restored.")
            return
        if existing_users:
            self.stdout.write(
                "Users that existed already and now have the backup's values: "
                + ", ".join(existing_users)
            )
        self.stdout.write(f"Restored {sum(counts.values())} rows from {path} ({made}).")
