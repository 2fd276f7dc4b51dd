"""Who must pass the second factor, decided on each request (tests run with DEBUG off)."""

from django.conf import settings
from two_factor.utils import default_device


def second_factor_required():
    """Staff sign in with a second factor, except on a development machine (DEBUG on).

    With DEBUG on, a staff member without an authenticator app enters the admin with the
    password alone (and can set one up there); one who has set one up is still asked for it.
    """
    return not settings.DEBUG


def is_verified(user):
    """Whether this session passed the second factor (django-otp's middleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def is_signed_in(user):
    """Signed in as the site requires: with the second factor for staff where it is required."""
    if not user.is_authenticated:
        return False
    if not user.is_staff or not second_factor_required():
        return True
    return is_verified(user)


def needs_authenticator(user):
    """A staff member who must set up an authenticator app before the admin opens."""
    return (
        user.is_authenticated
        and user.is_staff
        and second_factor_required()
        and default_device(user) is None
    )
