"""Signing in in tests: through the real views, or as a staff member who already did.

``sign_in`` and its steps post the forms of the admin's login (django-two-factor-auth's wizard)
as a browser does. ``SignedInClient`` is Django's test client whose ``force_login`` also does
what the token step does for a session, as ``django_otp.login()`` does: the user gets an
authenticator app (a confirmed TOTP device) and the session is marked as verified with it. Tests
of other parts use it so that they run against the production rule (a second factor for staff)
without going through the login each time; tests of the sign-in use the views.
"""

import time

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = reverse("admin:login")
SETUP = reverse("admin:two_factor_setup")
PREFIX = "sign_in_view"
SETUP_PREFIX = "authenticator_setup_view"


def authenticator(user):
    """The user's authenticator app (django-otp's TOTP device), made if they have none."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    return device


def current_code(device, *, steps_ahead=0):
    """The code the authenticator app shows now (or that many 30-second steps later), computed
    with django-otp's TOTP algorithm from the device's key, as the app computes it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device):
    """A code of the right form that the device does not accept now (nor a step either side)."""
    accepted = {current_code(device, steps_ahead=ahead) for ahead in (-1, 0, 1)}
    candidate = int(current_code(device))
    while f"{candidate:06d}" in accepted:
        candidate = (candidate + 1) % 1_000_000
    return f"{candidate:06d}"


def mark_verified(client, user):
    """Mark the client's session as having passed the second factor with the user's app."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


class SignedInClient(Client):
    """A test client whose force_login signs in completely: password and second factor."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        mark_verified(self, user)


def step(client, name, data, *, next_url=None, **extra):
    """Post one step of the login wizard."""
    url = f"{LOGIN}?next={next_url}" if next_url is not None else LOGIN
    fields = {f"{PREFIX}-current_step": name, **{f"{name}-{k}": v for k, v in data.items()}}
    return client.post(url, fields, **extra)


def password_step(client, username, password, **kwargs):
    return step(client, "auth", {"username": username, "password": password}, **kwargs)


def token_step(client, code, **kwargs):
    return step(client, "token", {"otp_token": code}, **kwargs)


def recovery_step(client, code, **kwargs):
    return step(client, "backup", {"otp_token": code}, **kwargs)


def go_to_recovery_step(client):
    return client.post(LOGIN, {"wizard_goto_step": "backup"})


def setup_step(client, code, *, next_url=None):
    """Post the code of the newly set-up authenticator app to the setup page."""
    url = f"{SETUP}?next={next_url}" if next_url else SETUP
    return client.post(url, {f"{SETUP_PREFIX}-current_step": "generator", "generator-token": code})


def sign_in_in_browser(page, base_url, username, password, device):
    """Sign in through the login page in a browser (Playwright): the password, then the code
    that the authenticator app shows now."""
    page.goto(f"{base_url}{LOGIN}")
    page.fill("#id_auth-username", username)
    page.fill("#id_auth-password", password)
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
    page.fill("#id_token-otp_token", current_code(device))
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
