"""Give the first user a way into the admin without a password written anywhere.

On a registry without a superuser, this creates one with a random password and prints it once.
On a registry that has one, it changes nothing, so it is safe to run on every start.

It prints the next step too. With DEBUG off the admin asks every staff member for a second
factor: at the first login, after this password, the new superuser sets up an authenticator
app (scan a QR code, enter its code) and receives recovery codes. No device is made here: its
key would be printed to a terminal or a container log, where anyone reading it could make
codes. Someone who loses the phone and the recovery codes gets a new start from another
superuser, or from ``manage.py reset_two_factor USERNAME``.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create a first superuser with a random password, printed once, unless a superuser "
        "already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Default: admin.")

    @transaction.atomic
    def handle(self, *args, username, **options):
        user_model = get_user_model()
        existing = user_model.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            self.stdout.write(
                f'A superuser already exists ("{existing.get_username()}"); nothing changed.'
            )
            return
        if user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f'A user "{username}" exists but is not a superuser. Choose another '
                "--username, or make that user a superuser with the admin or the shell."
            )
        password = secrets.token_urlsafe(16)
        user_model.objects.create_superuser(
            **{user_model.USERNAME_FIELD: username}, email="", password=password
        )
        self.stdout.write(
            "\n".join(
                [
                    f'Created the superuser "{username}" with a random password:',
                    "",
                    f"    Username: {username}",
                    f"    Password: {password}",
                    "",
                    "This password is shown only this once. Log in at /admin/ and change it",
                    '(top right: "Wachtwoord wijzigen" / "Change password").',
                    "",
                    *self.second_factor_lines(),
                ]
            )
        )

    def second_factor_lines(self):
        if settings.DEBUG:
            return [
                "With DEBUG on, a second factor is optional: set up an authenticator app under",
                '"Tweestapsverificatie" / "Two-step verification" (top right) to try it.',
            ]
        return [
            "After the password, the admin asks you to set up two-step verification: scan",
            "the QR code with an authenticator app on your phone (or type in its key) and",
            "enter the code it shows. You then receive ten recovery codes: keep them safe,",
            "apart from the phone; each lets you log in once without it.",
        ]
