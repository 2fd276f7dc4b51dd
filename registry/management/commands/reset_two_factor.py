"""Take away a staff member's second factor, for a lost phone: at the next login, after the
password, they set up a new authenticator app (and receive new recovery codes)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.services.second_factor import remove_second_factor


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes (a lost phone): at the next login "
        "they set up a new one. Their sessions that passed the second factor end."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f'No user "{username}".') from None
        removed = remove_second_factor(user=user)
        if not removed:
            self.stdout.write(f'"{username}" has no second factor; nothing changed.')
            return
        self.stdout.write(
            f'Removed the authenticator app and recovery codes of "{username}". At the next '
            "login, after the password, they set up a new authenticator app."
        )
