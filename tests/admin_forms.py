"""Submitting admin forms as a browser would: the values the form was opened with, some changed."""

import datetime

from django.contrib.auth.models import Group, User
from django.db.models import Model

from tests.signin import SignedInClient

PASSWORD = "x-Secret-123"


def form_data(page, **changes):
    """The form of an admin change or revert page as a browser submits it, with some changes."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = submitted(form.initial.get(name, field.initial))
        if value is not None:
            data[name] = value
    data.update(changes)
    return data


def submitted(value):
    """A form's value as a browser would post it."""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [getattr(item, "pk", item) for item in items]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return "" if value is None else value


def logged_in(name, *, role=None):
    """A client signed in (password and second factor) as a new user: a superuser, or a staff
    member in a role's group."""
    if role is None:
        user = User.objects.create_superuser(name, password=PASSWORD)
    else:
        user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    client = SignedInClient()
    client.force_login(user)
    client.user = user
    return client
