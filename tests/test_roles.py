"""Roles: readers see, editors edit, importers also import; on every write path of the admin."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from registry.models import Agreement, Command, Edition, Partner, Section, Theme
from registry.resources import RESOURCES
from registry.roles import EDITORS, IMPORTERS, READERS, role_permissions
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("annex_data")  # the annex data is put back after the flush
def test_the_roles_come_back_after_a_flush():
    """``manage.py flush`` (and every transactional test's clean-up) empties auth's tables too;
    the groups must come back with their permissions, as after a migrate."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    groups = {group.name: group for group in Group.objects.all()}
    assert set(groups) == set(role_permissions())
    for name, codenames in role_permissions().items():
        assert set(groups[name].permissions.values_list("codename", flat=True)) == set(codenames)


# Every URL of the admin, for every role --------------------------------------------------------

STAFF = "staff without a group"
ANONYMOUS = "anonymous"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def role_client(role):
    """A client of the role, with the database as it was when it logged in."""
    from tests.admin_forms import PASSWORD, logged_in
    from tests.admin_urls import snapshot, who
    from tests.signin import SignedInClient

    if role == ANONYMOUS:
        client, user = SignedInClient(), None
    elif role == STAFF:
        user = User.objects.create_user("probe-staff", password=PASSWORD, is_staff=True)
        client = SignedInClient()
        client.force_login(user)
    else:
        client = logged_in(f"probe-{role}", role=role)
        user = client.user
    client.pristine = snapshot()
    return client, who(role, user)


@pytest.mark.parametrize("role", [ANONYMOUS, STAFF, READERS, EDITORS, IMPORTERS])
def test_every_admin_url_answers_each_role_as_its_permissions_say(media_root, role):
    """GET and POST on every URL the admin's patterns give, with records filled in: the status
    the rule for its kind of view gives this role, and a database that changed only where an
    allowed POST was meant to change it."""
    from tests.admin_urls import Fixture, Probes, check

    probes = Probes(Fixture())
    client, person = role_client(role)
    problems = [
        problem
        for probe in probes.all()
        for method in ("GET", "POST")
        for problem in check(client, person, probe, method, probes)
    ]
    assert not problems, "\n".join(problems)


def test_the_generated_urls_include_what_the_libraries_add():
    """The walk reaches every model admin and the views django-simple-history, django-axes,
    auth and our own import mixin add, not only Django's standard five per model."""
    from django.contrib import admin

    from tests.admin_urls import admin_patterns

    patterns = admin_patterns()
    names = {pattern.pattern.name for pattern in patterns}
    assert {pattern.model for pattern in patterns if pattern.model} == set(admin.site._registry)
    for name in (
        "registry_theme_simple_history",  # django-simple-history's revert
        "registry_agreement_history",
        "axes_accessattempt_delete",  # django-axes
        "auth_user_password_change",  # auth's UserAdmin
        "registry_partner_import",  # ours
        "registry_edition_render",
        "autocomplete",
        "jsi18n",
    ):
        assert name in names
    assert all(pattern.kind for pattern in patterns)  # each has a rule, or this raises


def admin_urlconf(*extra_site_urls, extra_theme_urls=()):
    """A URL configuration with the admin and some views a library might add to it."""
    from types import ModuleType

    from django.contrib import admin
    from django.urls import include, path

    site_urls = admin.site.get_urls()
    theme_admin = admin.site._registry[Theme]
    theme_urls = [*extra_theme_urls, *theme_admin.get_urls()]
    patterns = [
        pattern
        for pattern in site_urls
        if str(getattr(pattern, "pattern", "")) != "registry/theme/"
    ]
    patterns.insert(0, path("registry/theme/", include(theme_urls)))
    from coopregistry.urls import urlpatterns as project

    urlconf = ModuleType("tests.admin_urlconf_with_extra_views")
    admin_path = path("admin/", ([*extra_site_urls, *patterns], "admin", "admin"))
    urlconf.urlpatterns = [admin_path, *(p for p in project if str(p.pattern) != "admin/")]
    return urlconf


def a_library_view(request, **kwargs):
    raise AssertionError("the probe must not get as far as calling it")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"extra_site_urls": ["report"]},
            "The admin URL pattern 'report/' (name 'library_report', view "
            "tests.test_roles.a_library_view) has no rule",
        ),
        (
            {"extra_theme_urls": ["<path:object_id>/publish/"]},
            "The admin URL pattern 'registry/theme/<path:object_id>/publish/' (name "
            "'registry_theme_publish'",
        ),
        (
            {"extra_theme_urls": ["<path:object_id>/change/<int:step>/"]},
            "takes the parameters ('object_id', 'step'), the rule fills ('object_id',)",
        ),
    ],
)
def test_an_admin_url_without_a_rule_fails_with_a_clear_message(settings, extra, message):
    from django.urls import path

    from tests.admin_urls import Fixture, Probes, UnknownPattern

    site = [
        path(f"{route}/", a_library_view, name="library_report")
        for route in extra.get("extra_site_urls", [])
    ]
    names = {"<path:object_id>/publish/": "registry_theme_publish"}
    theme = [
        path(route, a_library_view, name=names.get(route, "registry_theme_change"))
        for route in extra.get("extra_theme_urls", [])
    ]
    settings.ROOT_URLCONF = admin_urlconf(*site, extra_theme_urls=theme)
    with pytest.raises(UnknownPattern) as refused:
        Probes(Fixture()).all()
    assert message in str(refused.value)
    assert "tests/admin_urls.py" in str(refused.value)


WRITES = {
    "changelist": "delete",
    "add": "add",
    "change": "change",
    "delete": "delete",
    "revert": "change",
    "set_password": "change",
    "import": "change",
}


def test_the_posts_that_roles_are_refused_would_change_something(media_root):
    """As a superuser, each write POST of the probes changes the database, so that "nothing
    changed" for a refused role means the refusal held, not that the data was invalid."""
    from tests.admin_urls import Fixture, Probes, run, snapshot, who

    fixture = Fixture()
    probes = Probes(fixture)
    client = fixture.superuser
    superuser = who("superuser", client.user)
    client.pristine = snapshot()
    tried, problems = [], []
    for probe in probes.all():
        action = WRITES.get(probe.kind)
        if action is None or probe.note == "upload":
            continue
        if not fixture.superuser_may(action, probe.model):
            continue  # the admin refuses everyone (an import log, axes' add)
        data = probe.post(probe, superuser)
        if probe.kind == "change" and not data:
            continue  # a form of read-only fields (axes' logs): nothing to submit
        tried.append(probe)

        def verify(response, changed, probe=probe):
            if not changed:
                return [f"{probe}: answers {response.status_code} and changes nothing"]
            return []

        problems += run(client, "POST", probe, data, verify)
    assert not problems, "\n".join(problems)
    kinds = {probe.kind for probe in tried}
    assert kinds == set(WRITES), kinds
    assert len(tried) >= 40


# Archiving is the importers' ------------------------------------------------------------------


def theme_change_url(theme):
    return url("theme_change", theme.pk)


@pytest.mark.parametrize(("role", "allowed"), [(EDITORS, False), (IMPORTERS, True)])
def test_only_importers_change_whether_a_theme_is_archived(role, allowed):
    from tests.admin_forms import form_data, logged_in

    client = logged_in(f"archiver-{role}", role=role)
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    page = client.get(theme_change_url(theme))
    assert ("is_archived" in page.context["adminform"].form.fields) is allowed
    response = client.post(
        theme_change_url(theme),
        form_data(page, is_archived="on", description=f"{theme.description} Bijgewerkt."),
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.description.endswith("Bijgewerkt.")  # the rest of the save went through
    assert theme.is_archived is allowed


def test_an_editor_sees_the_archived_flag_read_only():
    from tests.admin_forms import logged_in

    client = logged_in("archief-lezer", role=EDITORS)
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    page = client.get(theme_change_url(theme)).content.decode()
    assert 'name="is_archived"' not in page
    assert '<div class="readonly"><img src="/static/admin/img/icon-no.svg" alt="False"></div>' in (
        page
    )


@pytest.mark.parametrize(("role", "restored"), [(EDITORS, False), (IMPORTERS, True)])
def test_a_revert_restores_the_archived_flag_only_for_importers(role, restored):
    """An importer archives a theme; reverting to the version before restores its text for
    everyone, and takes it out of the archive only when an importer reverts."""
    from tests.admin_forms import form_data, logged_in

    importer = logged_in("archiver", role=IMPORTERS)
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    before = theme.history.latest("history_id")
    page = importer.get(theme_change_url(theme))
    importer.post(theme_change_url(theme), form_data(page, is_archived="on", description="Weg."))
    theme.refresh_from_db()
    assert theme.is_archived

    client = logged_in(f"reverter-{role}", role=role)
    revert = reverse("admin:registry_theme_simple_history", args=[theme.pk, before.history_id])
    response = client.post(revert, form_data(client.get(revert)))
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.description == before.description
    assert theme.is_archived is not restored
