"""Hardening: login throttling, the Content-Security-Policy and its headers."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def test_logins_are_throttled_after_five_failures(client):
    User.objects.create_superuser("beheerder", password="Juist-Wachtwoord-1")
    for _attempt in range(4):
        response = client.post(LOGIN, {"username": "beheerder", "password": "fout"})
        assert response.status_code == 200
    # The fifth failure locks the username from this address out, even with the right password.
    assert client.post(LOGIN, {"username": "beheerder", "password": "fout"}).status_code == 429
    response = client.post(LOGIN, {"username": "beheerder", "password": "Juist-Wachtwoord-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_login_resets_the_count(client):
    User.objects.create_superuser("beheerder", password="Juist-Wachtwoord-1")
    for _attempt in range(4):
        client.post(LOGIN, {"username": "beheerder", "password": "fout"})
    response = client.post(LOGIN, {"username": "beheerder", "password": "Juist-Wachtwoord-1"})
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/", "/themas/", LOGIN, "/api/v1/themes/"])
def test_every_response_has_a_strict_content_security_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
