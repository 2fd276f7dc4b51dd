"""Signing in to the admin: the password, then a code from the authenticator app or a recovery
code, through the real views and with real TOTP codes (django-otp's algorithm).

Django's test runner switches DEBUG off, so these tests see the production rule: every staff
member needs the second factor. The tests that set DEBUG on check the development rule.
"""

import datetime
from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.services.second_factor import recovery_codes, replace_recovery_codes
from tests.signin import (
    LOGIN,
    SETUP,
    authenticator,
    current_code,
    go_to_recovery_step,
    password_step,
    recovery_step,
    setup_step,
    token_step,
    wrong_code,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Juist-Wachtwoord-1"
ADMIN = reverse("admin:index")
THEMES = reverse("admin:registry_theme_changelist")
TWO_FACTOR = reverse("admin:two_factor")


@pytest.fixture
def staff():
    """A staff member with an authenticator app."""
    user = User.objects.create_superuser("beheerder", password=PASSWORD)
    authenticator(user)
    return user


@pytest.fixture
def newcomer():
    """A staff member without an authenticator app, as bootstrap_admin makes the first one."""
    return User.objects.create_superuser("nieuw", password=PASSWORD)


def end_pause(device):
    """Move the pause that django-otp makes after a wrong code (1 s, doubling with each further
    failure) into the past, rather than sleeping through it."""
    device.refresh_from_db()
    device.throttling_failure_timestamp -= datetime.timedelta(seconds=2)
    device.save()


def signed_in(client):
    return "_auth_user_id" in client.session


def admin_opens(client):
    return client.get(THEMES).status_code == 200


# Password, then code ------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in_a_staff_member_with_an_app(client, staff):
    response = password_step(client, "beheerder", PASSWORD)

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "token"
    assert "Code uit de authenticator-app" in response.content.decode()
    assert not signed_in(client)
    assert client.get(THEMES).status_code == 302


def test_the_code_of_the_app_signs_in_and_lands_on_the_admin_index(client, staff):
    password_step(client, "beheerder", PASSWORD)

    response = token_step(client, current_code(authenticator(staff)))

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert signed_in(client)
    assert admin_opens(client)


def test_a_wrong_code_is_refused_and_the_app_is_then_paused_a_moment(client, staff):
    device = authenticator(staff)
    password_step(client, "beheerder", PASSWORD)

    response = token_step(client, wrong_code(device))

    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert not signed_in(client)
    # django-otp pauses checking after a failure (1 s, doubling with each further failure):
    # even the right code is refused during the pause.
    response = token_step(client, current_code(device))
    assert "Het controleren van codes is gepauzeerd" in response.content.decode()
    assert not signed_in(client)
    end_pause(device)
    assert token_step(client, current_code(device)).status_code == 302
    assert admin_opens(client)


def test_a_code_of_a_letter_or_the_wrong_length_is_refused(client, staff):
    password_step(client, "beheerder", PASSWORD)

    for code in ("12345a", "12345", "1234567"):
        response = token_step(client, code)
        assert response.status_code == 200, code
        assert response.context["form"].errors, code
    assert not signed_in(client)


def test_a_code_is_accepted_once(client, staff):
    device = authenticator(staff)
    code = current_code(device)
    password_step(client, "beheerder", PASSWORD)
    assert token_step(client, code).status_code == 302

    again = Client()
    password_step(again, "beheerder", PASSWORD)
    response = token_step(again, code)

    assert response.status_code == 200
    assert not signed_in(again)


# Recovery codes ---------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, staff):
    first, second = replace_recovery_codes(user=staff)[:2]
    page = password_step(client, "beheerder", PASSWORD).content.decode()
    assert 'value="backup"' in page  # the way to the recovery step is offered

    response = go_to_recovery_step(client)
    assert response.context["wizard"]["steps"].current == "backup"
    response = recovery_step(client, first)

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert admin_opens(client)
    assert first not in recovery_codes(user=staff)
    assert len(recovery_codes(user=staff)) == 9

    again = Client()
    password_step(again, "beheerder", PASSWORD)
    go_to_recovery_step(again)
    response = recovery_step(again, first)
    assert response.status_code == 200
    assert "Deze herstelcode klopt niet of is al gebruikt" in response.content.decode()
    assert not signed_in(again)
    # The refusal pauses checking a moment, as for the app's codes.
    end_pause(staff.staticdevice_set.get())
    assert recovery_step(again, second).status_code == 302
    assert admin_opens(again)


def test_new_recovery_codes_replace_the_old_ones(client, staff):
    old = replace_recovery_codes(user=staff)
    password_step(client, "beheerder", PASSWORD)
    token_step(client, current_code(authenticator(staff)))

    response = client.post(TWO_FACTOR)

    assert response.status_code == 302
    new = recovery_codes(user=staff)
    assert len(new) == 10
    assert not set(new) & set(old)
    page = client.get(TWO_FACTOR).content.decode()
    assert all(code in page for code in new)


# Staff without an authenticator app ---------------------------------------------------------


def test_staff_without_an_app_are_sent_to_set_one_up_and_the_admin_stays_closed(client, newcomer):
    response = password_step(client, "nieuw", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == SETUP
    for url in (ADMIN, THEMES, reverse("admin:registry_theme_add")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
    # The login page sends them on to the setup, keeping where they were going.
    response = client.get(f"{LOGIN}?next={THEMES}")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fregistry%2Ftheme%2F"
    assert client.get(TWO_FACTOR).status_code == 302


def setup_key(page):
    """The key that the setup page shows for typing into the app, as bytes."""
    return b32decode(page.context["secret_key"])


def app_code(key):
    """The code an authenticator app shows now for a key it was given."""
    return f"{TOTP(key).token():06d}"


def test_setting_up_the_app_opens_the_admin_and_gives_recovery_codes(client, newcomer):
    password_step(client, "nieuw", PASSWORD, next_url=THEMES)
    page = client.get(f"{SETUP}?next={THEMES}")
    assert page.status_code == 200
    qr_code = client.get(page.context["QR_URL"])
    assert qr_code["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in qr_code.content

    response = setup_step(client, app_code(setup_key(page)), next_url=THEMES)

    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fadmin%2Fregistry%2Ftheme%2F"
    device = TOTPDevice.objects.get(user=newcomer)
    assert device.confirmed
    assert device.bin_key == setup_key(page)
    codes = recovery_codes(user=newcomer)
    assert len(codes) == 10
    page = client.get(response["Location"]).content.decode()
    assert "De authenticator-app is ingesteld" in page
    assert all(code in page for code in codes)
    assert f'href="{THEMES}"' in page  # on to where they were going
    assert admin_opens(client)


def test_setting_up_refuses_a_wrong_code(client, newcomer):
    password_step(client, "nieuw", PASSWORD)
    page = client.get(SETUP)
    right = app_code(setup_key(page))
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"

    response = setup_step(client, wrong)

    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert client.get(THEMES).status_code == 302


def test_with_debug_on_staff_without_an_app_enter_with_the_password(client, newcomer, settings):
    settings.DEBUG = True

    response = password_step(client, "nieuw", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert admin_opens(client)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Niet ingesteld" in page


def test_with_debug_on_staff_with_an_app_are_still_asked_for_its_code(client, staff, settings):
    settings.DEBUG = True

    response = password_step(client, "beheerder", PASSWORD)

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "token"
    assert not signed_in(client)


def test_a_session_that_did_not_pass_the_second_factor_does_not_open_the_admin(staff):
    client = Client()  # Django's own: force_login without the second factor
    client.force_login(staff)

    response = client.get(THEMES)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_readers_without_staff_status_cannot_sign_in(client):
    User.objects.create_user("lezer", password=PASSWORD)

    response = password_step(client, "lezer", PASSWORD)

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "auth"
    assert "stafaccount" in response.content.decode()
    assert not signed_in(client)


# Where the sign-in leads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        (None, ADMIN),
        ("", ADMIN),
        (THEMES, THEMES),
        ("https://elders.example/admin/", ADMIN),
        ("//elders.example/admin/", ADMIN),
        ("http://testserver/admin/registry/theme/", ADMIN),  # plain HTTP on an HTTPS site
    ],
)
def test_after_signing_in_the_user_lands_on_next_only_if_it_is_safe(
    client, staff, next_url, expected
):
    password_step(client, "beheerder", PASSWORD, next_url=next_url, secure=True)

    code = current_code(authenticator(staff))
    response = token_step(client, code, next_url=next_url, secure=True)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_signed_in_user_opening_the_login_page_goes_to_the_admin(client, staff):
    client.force_login(staff)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == ADMIN


# A lost phone -------------------------------------------------------------------------------


def test_reset_two_factor_removes_the_app_and_codes_and_ends_verified_sessions(client, staff):
    from io import StringIO

    from django.core.management import call_command

    replace_recovery_codes(user=staff)
    password_step(client, "beheerder", PASSWORD)
    token_step(client, current_code(authenticator(staff)))
    assert admin_opens(client)
    out = StringIO()

    call_command("reset_two_factor", "beheerder", stdout=out)

    assert 'Removed the authenticator app and recovery codes of "beheerder"' in out.getvalue()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert recovery_codes(user=staff) == []
    assert client.get(THEMES).status_code == 302  # the session is no longer verified
    again = Client()
    response = password_step(again, "beheerder", PASSWORD)
    assert response["Location"] == SETUP


def test_reset_two_factor_names_an_unknown_user():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match='No user "niemand"'):
        call_command("reset_two_factor", "niemand")


def test_the_admin_does_not_show_anyones_authenticator_keys_or_recovery_codes(admin_client):
    page = admin_client.get(ADMIN).content.decode()

    assert "TOTP" not in page
    assert "otp_static" not in page.lower()
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_with_login_required_public_pages_wait_for_the_second_factor(client, newcomer, settings):
    settings.PUBLIC_LOGIN_REQUIRED = True
    password_step(client, "nieuw", PASSWORD)  # the password is right; no app set up yet

    assert client.get(reverse("registry:theme_list")).status_code == 302
    assert client.get("/api/v1/themes/").status_code == 403

    page = client.get(SETUP)
    setup_step(client, app_code(setup_key(page)))
    assert client.get(reverse("registry:theme_list")).status_code == 200
    assert client.get("/api/v1/themes/").status_code == 200


# The language switch halfway ----------------------------------------------------------------


def switch_language(client, language, back_to):
    response = client.post(reverse("set_language"), {"language": language, "next": back_to})
    assert response["Location"] == back_to
    return client.get(back_to)


def test_switching_language_after_the_password_keeps_the_code_step(client, staff):
    password_step(client, "beheerder", PASSWORD)

    page = switch_language(client, "en", LOGIN)

    assert page.context["wizard"]["steps"].current == "token"
    assert "Code from the authenticator app" in page.content.decode()
    assert token_step(client, current_code(authenticator(staff))).status_code == 302


def test_switching_language_while_setting_up_keeps_the_key(client, newcomer):
    password_step(client, "nieuw", PASSWORD)
    key = setup_key(client.get(SETUP))

    page = switch_language(client, "en", SETUP)

    assert setup_key(page) == key
    assert "Set up two-step verification" in page.content.decode()
    assert setup_step(client, app_code(key)).status_code == 302


def test_opening_the_login_page_anew_starts_from_the_password(client, staff):
    password_step(client, "beheerder", PASSWORD)
    client.post(LOGIN, {"wizard_goto_step": "auth"})  # "Log in as someone else"

    page = client.get(LOGIN)

    assert page.context["wizard"]["steps"].current == "auth"
