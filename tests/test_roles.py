"""Roles: readers see, editors edit, importers also import; on every write path of the admin."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from registry.models import Agreement, Command, Edition, Partner, Section, Theme
from registry.resources import RESOURCES
from registry.roles import EDITORS, IMPORTERS, READERS
from registry.tabular import export_bytes

pytestmark = pytest.mark.django_db

MODELS = {
    "theme": lambda: Theme.objects.get_by_natural_key("deu", "Cyber"),
    "agreement": lambda: Agreement.objects.get(slug="mou-smart-2015"),
    "partner": lambda: Partner.objects.get(code="DEU"),
    "command": lambda: Command.objects.get(code="CLAS"),
    "section": lambda: Section.objects.get(key="deu"),
    "edition": lambda: Edition.objects.get(year=2016),
}
IMPORTS = ["theme", "agreement", "partner", "command", "section"]


def login(client, role):
    if role is None:
        return client
    user = User.objects.create_user(f"user-{role}", password="x-Secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"admin:registry_{name}", args=args)


@pytest.mark.parametrize("role", [READERS, EDITORS, IMPORTERS])
@pytest.mark.parametrize("model", list(MODELS))
def test_every_role_can_read(client, role, model):
    login(client, role)
    record = MODELS[model]()
    assert client.get(url(f"{model}_changelist")).status_code == 200
    assert client.get(url(f"{model}_change", record.pk)).status_code == 200


@pytest.mark.parametrize("model", list(MODELS))
def test_anonymous_users_are_sent_to_the_login_page(client, model):
    for target in (url(f"{model}_changelist"), url(f"{model}_add")):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("role", "allowed"), [(READERS, False), (EDITORS, True), (IMPORTERS, True)]
)
def test_only_editors_and_importers_change_records(client, role, allowed):
    login(client, role)
    partner = Partner.objects.get(code="DEU")
    response = client.post(
        url("partner_change", partner.pk),
        {
            "code": "DEU",
            "kind": "country",
            "name_nl": "Duitsland (gewijzigd)",
            "name_en": "Germany",
        },
    )
    partner.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert partner.name_nl == "Duitsland (gewijzigd)"
    else:
        assert response.status_code == 403
        assert partner.name_nl == "Duitsland"


@pytest.mark.parametrize(
    ("role", "allowed"), [(READERS, False), (EDITORS, True), (IMPORTERS, True)]
)
def test_only_editors_and_importers_add_records(client, role, allowed):
    login(client, role)
    response = client.post(
        url("partner_add"),
        {"code": "POL", "kind": "country", "name_nl": "Polen", "name_en": "Poland"},
    )
    assert Partner.objects.filter(code="POL").exists() is allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.parametrize("role", [READERS, EDITORS, IMPORTERS])
@pytest.mark.parametrize("model", list(MODELS))
def test_no_role_deletes_records(client, role, model):
    login(client, role)
    record = MODELS[model]()
    response = client.post(url(f"{model}_delete", record.pk), {"post": "yes"})
    assert response.status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(
    ("role", "allowed"), [(READERS, False), (EDITORS, False), (IMPORTERS, True)]
)
@pytest.mark.parametrize("model", IMPORTS)
def test_only_importers_import(client, role, allowed, model):
    login(client, role)
    import_url = url(f"{model}_import")
    page = client.get(url(f"{model}_changelist")).content.decode()
    assert (import_url in page) is allowed
    assert client.get(import_url).status_code == (200 if allowed else 403)
    kind = {
        "theme": "themes",
        "agreement": "agreements",
        "partner": "partners",
        "command": "commands",
        "section": "sections",
    }[model]
    handle = io.BytesIO(export_bytes(RESOURCES[kind]().export(), "csv"))
    handle.name = f"{kind}.csv"
    response = client.post(import_url, {"file": handle})
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role", [READERS, EDITORS, IMPORTERS])
def test_every_role_may_export(client, role):
    login(client, role)
    response = client.get(url("theme_export", "csv"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("section;title")


def test_anonymous_users_cannot_export(client):
    response = client.get(url("theme_export", "csv"))
    assert response.status_code == 302


def test_roles_follow_the_definition_after_every_migrate():
    from django.core.management import call_command

    readers = Group.objects.get(name=READERS)
    readers.permissions.clear()
    call_command("migrate", verbosity=0)
    assert readers.permissions.filter(codename="view_theme").exists()
