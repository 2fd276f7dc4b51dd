"""A staff member's second factor: the authenticator app and the recovery codes.

django-two-factor-auth's setup wizard saves the authenticator app (a django-otp TOTP device);
the recovery codes are django-otp static tokens on the user's device named "backup", the one
the sign-in's recovery step checks. Each code works once.
"""

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "backup"


def recovery_codes(*, user):
    """The user's recovery codes that have not been used yet."""
    return list(
        StaticToken.objects.filter(
            device__user=user, device__name=RECOVERY_DEVICE_NAME
        ).values_list("token", flat=True)
    )


@transaction.atomic
def replace_recovery_codes(*, user):
    """Give the user a new set of recovery codes; the codes they had stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_second_factor(*, user):
    """Remove the user's authenticator app and recovery codes (a lost phone): at the next
    sign-in they set up a new one. Returns how many devices were removed."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)
