import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

User = get_user_model()


def bootstrap_admin(*args):
    out = StringIO()
    call_command("bootstrap_admin", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    match = re.search(r"^\s*Password: (\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


@pytest.mark.django_db
def test_creates_one_superuser_whose_printed_password_logs_in():
    output = bootstrap_admin()

    user = User.objects.get()
    assert user.username == "admin"
    assert user.is_superuser
    assert user.is_staff
    assert user.is_active
    assert (
        authenticate(login_request(), username="admin", password=printed_password(output)) == user
    )
    assert "change it" in output


@pytest.mark.django_db
def test_password_is_long_random_and_not_stored_in_clear():
    password = printed_password(bootstrap_admin())

    assert len(password) >= 20
    user = User.objects.get()
    assert user.has_usable_password()
    assert password not in user.password


@pytest.mark.django_db
def test_each_fresh_registry_gets_a_different_password():
    first = printed_password(bootstrap_admin())
    User.objects.all().delete()
    second = printed_password(bootstrap_admin())

    assert first != second


@pytest.mark.django_db
def test_second_run_changes_nothing_and_prints_no_password():
    bootstrap_admin()
    before = list(User.objects.values())

    output = bootstrap_admin()

    assert list(User.objects.values()) == before
    assert "already exists" in output
    assert "Password" not in output


@pytest.mark.django_db
def test_username_option():
    password = printed_password(bootstrap_admin("--username", "beheerder"))

    assert authenticate(login_request(), username="beheerder", password=password).is_superuser


@pytest.mark.django_db
def test_any_existing_superuser_is_enough():
    User.objects.create_superuser("someone", password="not-printed-anywhere")

    output = bootstrap_admin()

    assert list(User.objects.values_list("username", flat=True)) == ["someone"]
    assert '"someone"' in output


@pytest.mark.django_db
def test_refuses_to_take_over_an_ordinary_user_with_that_name():
    User.objects.create_user("admin", password="the-users-own-password")

    with pytest.raises(CommandError, match="not a superuser"):
        bootstrap_admin()

    user = User.objects.get()
    assert not user.is_superuser
    assert user.check_password("the-users-own-password")


def login_request():
    """django-axes throttles logins per address, so authenticating needs a request."""
    from django.test import RequestFactory

    return RequestFactory().post("/admin/login/")


@pytest.mark.django_db
def test_tells_the_first_user_to_set_up_the_second_factor_at_the_first_login():
    output = bootstrap_admin()

    assert "set up two-step verification" in output
    assert "authenticator app" in output
    assert "ten recovery codes" in output
    # No device is made here: its key would end up in a terminal or a container log.
    from django_otp import devices_for_user

    assert list(devices_for_user(User.objects.get(), confirmed=None)) == []


@pytest.mark.django_db
def test_with_debug_on_says_the_second_factor_is_optional(settings):
    settings.DEBUG = True

    output = bootstrap_admin()

    assert "With DEBUG on, a second factor is optional" in output
    assert "ten recovery codes" not in output
