"""Hardening: login throttling (per username and address, per address, behind the proxy), its
page, the Content-Security-Policy and its headers."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.signin import LOGIN, authenticator, current_code, password_step, token_step

pytestmark = pytest.mark.django_db

PASSWORD = "Juist-Wachtwoord-1"
# settings.py reads the client's address from X-Forwarded-For only behind the proxy
# (SECURE_PROXY_SSL_HEADER=true); tests/test_production.py checks that over HTTP with gunicorn.
BEHIND_PROXY = {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")}
FIRST, SECOND = "198.51.100.7", "203.0.113.9"  # two clients behind the one proxy (127.0.0.1)


@pytest.fixture
def staff():
    user = User.objects.create_superuser("beheerder", password=PASSWORD)
    authenticator(user)
    return user


def fail(client, username="beheerder", **extra):
    return password_step(client, username, "fout", **extra)


def on_token_step(response):
    """The password was accepted: the login asks for the code."""
    return response.status_code == 200 and response.context["wizard"]["steps"].current == "token"


def test_logins_are_throttled_after_five_failures(client, staff):
    for _attempt in range(4):
        assert fail(client).status_code == 200
    # The fifth failure locks the username from this address out, even with the right password.
    assert fail(client).status_code == 429
    response = password_step(client, "beheerder", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_complete_login_resets_the_count(client, staff):
    for _attempt in range(4):
        fail(client)
    password_step(client, "beheerder", PASSWORD)
    token_step(client, current_code(authenticator(staff)))
    assert "_auth_user_id" in client.session

    for _attempt in range(4):
        assert fail(Client()).status_code == 200


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(settings, staff):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = BEHIND_PROXY["AXES_IPWARE_META_PRECEDENCE_ORDER"]
    first, second = Client(HTTP_X_FORWARDED_FOR=FIRST), Client(HTTP_X_FORWARDED_FOR=SECOND)
    for _attempt in range(5):
        fail(first)

    assert password_step(first, "beheerder", PASSWORD).status_code == 429
    assert on_token_step(password_step(second, "beheerder", PASSWORD))


def test_behind_the_proxy_a_client_cannot_choose_its_address(settings, staff):
    """The proxy appends the address it sees; what the client wrote before it does not count."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = BEHIND_PROXY["AXES_IPWARE_META_PRECEDENCE_ORDER"]
    for number in range(5):
        # Each time another forged address of its own, public or private, before its real one.
        forged = f"{8 + number}.8.8.8, 10.0.0.{number}"
        fail(Client(HTTP_X_FORWARDED_FOR=f"{forged}, {FIRST}"))

    response = password_step(Client(HTTP_X_FORWARDED_FOR=FIRST), "beheerder", PASSWORD)

    assert response.status_code == 429


def test_without_the_proxy_the_forwarded_header_is_ignored(staff):
    """A client connecting directly cannot escape its lockout by sending X-Forwarded-For."""
    for _attempt in range(5):
        fail(Client(HTTP_X_FORWARDED_FOR=FIRST))

    response = password_step(Client(HTTP_X_FORWARDED_FOR=SECOND), "beheerder", PASSWORD)

    assert response.status_code == 429


def test_one_password_on_many_usernames_from_one_address_is_throttled(settings, staff):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = BEHIND_PROXY["AXES_IPWARE_META_PRECEDENCE_ORDER"]
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    sprayer = Client(HTTP_X_FORWARDED_FOR=FIRST)
    for number in range(19):
        assert fail(sprayer, f"gebruiker-{number}").status_code == 200, number
    assert fail(sprayer, "gebruiker-19").status_code == 429

    # From that address no username gets in, not even with its right password; elsewhere it does.
    assert password_step(sprayer, "beheerder", PASSWORD).status_code == 429
    other = Client(HTTP_X_FORWARDED_FOR=SECOND)
    assert on_token_step(password_step(other, "beheerder", PASSWORD))


def test_ones_own_login_does_not_clear_the_failures_against_another_account(client, staff):
    victim = User.objects.create_superuser("slachtoffer", password="Ander-Wachtwoord-2")
    authenticator(victim)
    for _attempt in range(4):
        fail(client, "slachtoffer")
    password_step(client, "beheerder", PASSWORD)
    token_step(client, current_code(authenticator(staff)))
    assert "_auth_user_id" in client.session

    assert fail(Client(), "slachtoffer").status_code == 429


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("nl", ["Aanmelden is gepauzeerd", "aanmelden is 1 uur gepauzeerd", "Taal"]),
        ("en", ["Logging in is paused", "logging in is paused for 1 hour", "Language"]),
    ],
)
def test_the_lockout_page_says_how_long_in_the_admins_look(client, staff, language, texts):
    client.cookies["django_language"] = language
    for _attempt in range(4):
        fail(client)

    response = fail(client)

    assert response.status_code == 429
    page = response.content.decode().replace("\xa0", " ")  # "1 uur" does not wrap
    assert f'<html lang="{language}"' in page
    for text in texts:
        assert text in page
    assert 'id="site-name"' in page  # the admin's header
    assert f'href="{LOGIN}"' in page
    assert "<script>" not in page
    assert "style=" not in page


@pytest.mark.parametrize("url", ["/", "/themas/", LOGIN, "/api/v1/themes/"])
def test_every_response_has_a_strict_content_security_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_the_sign_in_pages_have_no_inline_scripts_or_styles(client, staff):
    """The strict policy would block them; the browser test checks for violations as well."""
    User.objects.create_superuser("nieuw", password=PASSWORD)
    pages = [client.get(LOGIN), password_step(client, "beheerder", PASSWORD)]
    newcomer = Client()
    password_step(newcomer, "nieuw", PASSWORD)
    pages.append(newcomer.get(reverse("admin:two_factor_setup")))
    for response in pages:
        page = response.content.decode()
        assert response.status_code == 200
        assert "<script>" not in page
        assert "<script " not in page.replace('<script src="', "")
        assert "style=" not in page
        assert " on" + "click=" not in page
