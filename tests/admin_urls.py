"""Every URL of the admin, generated from the admin's own URL patterns, and what a role may do.

``admin_patterns()`` walks the admin's URL patterns as the project's resolver holds them (built by
``admin.site.get_urls()``), the model admins' patterns inside them included, so it sees what
Django's admin, auth, django-simple-history, django-axes and our own mixins add.
``Probes`` gives every pattern its kind (changelist, change, revert, import, ...) and fills its
parameters from real records; a pattern whose kind or parameters it does not know is an
``UnknownPattern``, so a URL that a library or a change adds later fails the role tests until
someone writes its rule here.

``expect(who, probe, method)`` answers from a small table, keyed by the kind of view and the
permissions of the role (never by URL), which status a request gets and what it may change.
"""

import copy
import io
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import connection, transaction
from django.forms import ModelMultipleChoiceField, MultipleChoiceField, MultiWidget
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern
from django.views.generic import RedirectView

from registry.admin import DOCUMENT_FORMATS
from registry.admin_imports import EXPORT_FORMATS, RESOURCES_BY_MODEL, TOKEN_SALT
from registry.tabular import export_bytes
from tests.admin_forms import submitted

ALTERED = " (gewijzigd)"
NEW_PASSWORD = "y-Another-Secret-456"

# The kind of a model admin's view, by the end of its URL name ("registry_theme_<end>").
MODEL_VIEWS = {
    "changelist": "changelist",
    "add": "add",
    "change": "change",
    "delete": "delete",
    "history": "history",
    "simple_history": "revert",  # django-simple-history: the change form filled with a version
    "import": "import",
    "export": "export",
    "template": "template",
    "columns": "columns",
    "compare": "compare",
    "render": "render",
    "password_change": "set_password",  # auth's UserAdmin: set another user's password
}
# The admin site's own views, by URL name.
SITE_VIEWS = {
    "index": "index",
    "login": "login",
    "logout": "logout",
    "password_change": "password_change",
    "password_change_done": "password_change_done",
    "autocomplete": "autocomplete",
    "jsi18n": "jsi18n",
    "view_on_site": "view_on_site",
    "app_list": "app_index",
    # The second factor (registry/signin): the recovery-code page, the app's setup, its QR code.
    "two_factor": "recovery_codes",
    "two_factor_setup": "authenticator_setup",
    "two_factor_qr": "authenticator_qr",
}

# The field a POST alters on a change form, per model: the form's current data, this one field
# changed, would change the record if the role were allowed to save.
ALTERED_FIELDS = {
    "registry.theme": "description",
    "registry.agreement": "description",
    "registry.partner": "name_nl",
    "registry.command": "name_nl",
    "registry.section": "heading",
    "registry.edition": "title",
    "auth.user": "first_name",
    "auth.group": "name",
}
# A record that an add form creates, per model.
NEW_RECORDS = {
    "registry.theme": {
        "title": "Nieuw thema",
        "slug": "nieuw-thema",
        "position": "99",
        "description": "Een nieuw thema.",
        "status": "ongoing",
    },
    "registry.agreement": {
        "title": "Nieuwe overeenkomst",
        "slug": "nieuwe-overeenkomst",
        "kind": "loi",
        "status": "signed",
        "date_signed": "2030-01-31",
        "date_precision": "day",
    },
    "registry.partner": {"code": "POL", "kind": "country", "name_nl": "Polen", "name_en": "Poland"},
    "registry.command": {
        "code": "NEWC",
        "kind": "operational",
        "name_nl": "Nieuw commando",
        "name_en": "New command",
        "position": "99",
    },
    "registry.section": {"key": "nieuw", "position": "99", "heading": "Nieuwe sectie"},
    "registry.edition": {"year": "2030", "title": "Bijlage 2030"},
    "auth.user": {
        "username": "nieuw",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    },
    "auth.group": {"name": "Nieuwe groep"},
}
AUTHENTICATION_TABLES = {"django_session", "axes_accesslog"}
SECOND_FACTOR_TABLES = {"otp_static_staticdevice", "otp_static_statictoken"}
AXES_TABLES = {"axes_accessattempt", "axes_accessfailurelog", "axes_accessattemptexpiration"}


class UnknownPattern(Exception):
    """An admin URL pattern that has no rule here yet."""


def label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


# The patterns ----------------------------------------------------------------------------------


@dataclass
class AdminPattern:
    route: str
    pattern: URLPattern
    model_admin: admin.ModelAdmin | None

    @property
    def model(self):
        return self.model_admin.model if self.model_admin else None

    @property
    def kind(self):
        name = self.pattern.name
        if self.model_admin is not None:
            if name is None and getattr(self.pattern.callback, "view_class", None) is RedirectView:
                return "object_redirect"  # <object_id>/ sends on to <object_id>/change/
            meta = self.model._meta
            end = (name or "").removeprefix(f"{meta.app_label}_{meta.model_name}_")
            if name and end != name and end in MODEL_VIEWS:
                return MODEL_VIEWS[end]
        elif name in SITE_VIEWS:
            return SITE_VIEWS[name]
        elif name is None and self.pattern.callback.__name__ == "catch_all_view":
            return "catch_all"
        raise UnknownPattern(
            f"The admin URL pattern {self.route!r} (name {name!r}, view "
            f"{self.pattern.callback.__module__}.{self.pattern.callback.__qualname__}) has no "
            "rule: give its kind in MODEL_VIEWS or SITE_VIEWS of tests/admin_urls.py, with the "
            "parameters it takes (Probes) and the status each role gets (RULES)."
        )

    @property
    def parameters(self):
        """The parameter names of the pattern; positional regex groups as 1, 2, ..."""
        pattern = self.pattern.pattern
        if isinstance(pattern, RegexPattern):
            regex = pattern.regex
            if regex.groupindex:
                return tuple(sorted(regex.groupindex, key=regex.groupindex.get))
            return tuple(range(1, regex.groups + 1))
        return tuple(pattern.converters)


def admin_patterns():
    """Every URL pattern of the admin site, each with the model admin it belongs to (or None).

    Read from the project's URL resolver (the ``admin`` namespace), so these are the patterns
    that requests reach; ``admin.site.get_urls()`` built them.
    """
    _prefix, resolver = get_resolver().namespace_dict["admin"]
    prefixes = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model_admin
        for model, model_admin in admin.site._registry.items()
    }

    def walk(patterns, prefix, model_admin):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, prefixes.get(route, model_admin))
            else:
                yield AdminPattern(route, entry, model_admin)

    return list(walk(resolver.url_patterns, "", None))


# The people ------------------------------------------------------------------------------------


@dataclass
class Who:
    name: str
    user: object = None
    perms: frozenset = frozenset()

    @property
    def staff(self):
        return self.user is not None and self.user.is_staff

    def may(self, action, model):
        return f"{model._meta.app_label}.{action}_{model._meta.model_name}" in self.perms

    def sees(self, model):
        return self.may("view", model) or self.may("change", model)

    def imports(self, model):
        return (
            "registry.import_records" in self.perms
            and self.may("add", model)
            and self.may("change", model)
        )


def who(name, user):
    if user is None:
        return Who(name)
    return Who(name, user, frozenset(user.get_all_permissions()))


# The probes: one request each, GET and POST ---------------------------------------------------


@dataclass
class Probe:
    pattern: AdminPattern
    url: str
    model: type | None = None
    record: object = None
    note: str = ""
    post: object = None  # a function (probe, who) -> the data of its POST
    extra: dict = field(default_factory=dict)

    @property
    def kind(self):
        return self.pattern.kind

    def __str__(self):
        return f"{self.kind} {self.url}{f' ({self.note})' if self.note else ''}"


class Probes:
    """The probes of every admin URL, filled from the records of a ``Fixture``."""

    def __init__(self, fixture):
        self.fixture = fixture
        self._forms = {}
        self._uploads = {}

    def all(self):
        probes = []
        for pattern in admin_patterns():
            fill = getattr(self, f"fill_{pattern.kind}", None)
            if fill is None:
                raise UnknownPattern(f"No way to fill the parameters of kind {pattern.kind!r}.")
            for probe in fill(pattern):
                self._check_resolves(probe)
                probes.append(probe)
        return probes

    # Parameters, kind by kind ------------------------------------------------------------------

    def _reverse(self, pattern, expected, *args, **kwargs):
        if pattern.parameters != expected:
            raise UnknownPattern(
                f"The admin URL pattern {pattern.route!r} ({pattern.kind}) takes the parameters "
                f"{pattern.parameters}, the rule fills {expected}: update Probes.fill_"
                f"{pattern.kind} in tests/admin_urls.py."
            )
        return reverse(f"admin:{pattern.pattern.name}", args=args, kwargs=kwargs)

    def _record(self, model):
        try:
            return self.fixture.records[model]
        except KeyError:
            raise UnknownPattern(
                f"No record of {label(model)} to fill its admin URLs: add one to "
                "Fixture.records in tests/admin_urls.py."
            ) from None

    def _plain(self, pattern, **options):
        return [Probe(pattern, self._reverse(pattern, ()), pattern.model, **options)]

    def _object(self, pattern, **options):
        record = self._record(pattern.model)
        url = self._reverse(pattern, ("object_id",), object_id=record.pk)
        return [Probe(pattern, url, pattern.model, record, **options)]

    def fill_changelist(self, pattern):
        record = self.fixture.deletable(pattern.model)
        return self._plain(pattern, record=record, post=self.post_delete_action)

    def fill_add(self, pattern):
        return self._plain(pattern, post=self.post_add)

    def fill_change(self, pattern):
        return self._object(pattern, post=self.post_change)

    def fill_delete(self, pattern):
        record = self.fixture.deletable(pattern.model)
        url = self._reverse(pattern, ("object_id",), object_id=record.pk)
        return [Probe(pattern, url, pattern.model, record, post=lambda probe, who: {"post": "yes"})]

    def fill_history(self, pattern):
        return self._object(pattern, post=no_data)

    def fill_object_redirect(self, pattern):
        record = self._record(pattern.model)
        prefix = reverse(f"admin:{label(pattern.model).replace('.', '_')}_changelist")
        return [
            Probe(pattern, f"{prefix}{record.pk}/", pattern.model, record, post=no_data),
        ]

    def fill_revert(self, pattern):
        record = self._record(pattern.model)
        version = self.fixture.versions[pattern.model]
        url = self._reverse(pattern, (1, 2), record.pk, version.history_id)
        return [Probe(pattern, url, pattern.model, record, post=self.post_revert)]

    def fill_import(self, pattern):
        return [
            *self._plain(pattern, note="upload", post=self.post_upload),
            *self._plain(pattern, note="confirm", post=self.post_confirm),
        ]

    def _formats(self, pattern, formats):
        return [
            Probe(
                pattern,
                self._reverse(pattern, ("file_format",), file_format=file_format),
                pattern.model,
                post=no_data,
            )
            for file_format in formats
        ]

    def fill_export(self, pattern):
        return self._formats(pattern, EXPORT_FORMATS)

    def fill_template(self, pattern):
        return self._formats(pattern, EXPORT_FORMATS)

    def fill_columns(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_compare(self, pattern):
        older, newer = self.fixture.editions
        url = self._reverse(pattern, ("pk", "other"), pk=older.pk, other=newer.pk)
        return [Probe(pattern, url, pattern.model, post=no_data)]

    def fill_render(self, pattern):
        probes = []
        for edition in self.fixture.editions:
            for changes in ("", "?changes=1"):
                for file_format in DOCUMENT_FORMATS:
                    url = self._reverse(
                        pattern, ("pk", "file_format"), pk=edition.pk, file_format=file_format
                    )
                    probes.append(Probe(pattern, url + changes, pattern.model, post=no_data))
        return probes

    def fill_set_password(self, pattern):
        record = self._record(pattern.model)
        url = self._reverse(pattern, ("id",), id=record.pk)
        return [Probe(pattern, url, pattern.model, record, post=self.post_set_password)]

    def fill_index(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_login(self, pattern):
        return self._plain(pattern, post=self.post_wrong_login)

    def fill_logout(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_password_change(self, pattern):
        return self._plain(pattern, post=post_own_password)

    def fill_password_change_done(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_jsi18n(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_recovery_codes(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_authenticator_setup(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_authenticator_qr(self, pattern):
        return self._plain(pattern, post=no_data)

    def fill_autocomplete(self, pattern):
        url = self._reverse(pattern, ())
        return [
            Probe(
                pattern,
                f"{url}?app_label={source._meta.app_label}&model_name={source._meta.model_name}"
                f"&field_name={field_name}&term=a",
                remote,
                note=f"{label(source)}.{field_name}",
                post=no_data,
            )
            for source, field_name, remote in self.fixture.autocomplete_fields()
        ]

    def fill_view_on_site(self, pattern):
        probes = []
        for model in admin.site._registry:
            record = self._record(model)
            content_type = ContentType.objects.get_for_model(model)
            url = self._reverse(
                pattern,
                ("content_type_id", "object_id"),
                content_type_id=content_type.pk,
                object_id=record.pk,
            )
            probes.append(Probe(pattern, url, model, record, post=no_data))
        return probes

    def fill_app_index(self, pattern):
        if pattern.parameters != ("app_label",):
            raise UnknownPattern(f"{pattern.route!r} takes {pattern.parameters}, not app_label.")
        labels = dict.fromkeys(model._meta.app_label for model in admin.site._registry)
        return [
            Probe(
                pattern,
                reverse("admin:app_list", kwargs={"app_label": app_label}),
                note=app_label,
                extra={"app_label": app_label},
                post=no_data,
            )
            for app_label in labels
        ]

    def fill_catch_all(self, pattern):
        return [Probe(pattern, reverse("admin:index") + "no-such-page/", post=no_data)]

    def _check_resolves(self, probe):
        match = resolve(probe.url.split("?")[0])
        if match.func is not probe.pattern.pattern.callback:
            raise UnknownPattern(
                f"{probe.url} resolves to {match.view_name or match.func}, not to the pattern "
                f"{probe.pattern.route!r} it was made for."
            )

    # POST data that would change something -----------------------------------------------------

    def form_of(self, url):
        """The admin form at a URL as a superuser's browser would submit it (kept per URL)."""
        if url not in self._forms:
            page = self.fixture.superuser.get(url)
            assert page.status_code == 200, f"the superuser cannot open {url}: {page.status_code}"
            self._forms[url] = browser_data(page.context["adminform"].form)
        return dict(self._forms[url])

    def post_change(self, probe, who):
        data = self.form_of(probe.url)
        name = ALTERED_FIELDS.get(label(probe.model))
        if name is None:
            if data:
                raise UnknownPattern(
                    f"The change form of {label(probe.model)} has fields {sorted(data)}: say "
                    "which one a POST alters in ALTERED_FIELDS of tests/admin_urls.py."
                )
            return data  # a form of read-only fields only: nothing could change
        data[name] = f"{data[name]}{ALTERED}"
        return data

    def post_add(self, probe, who):
        if not self.fixture.superuser_may("add", probe.model):
            return {}  # the admin refuses everyone: nothing could be added
        try:
            values = NEW_RECORDS[label(probe.model)]
        except KeyError:
            raise UnknownPattern(
                f"No new record of {label(probe.model)} for its add form: add one to "
                "NEW_RECORDS in tests/admin_urls.py."
            ) from None
        data = self.form_of(probe.url)
        data.update(values)
        if label(probe.model) == "registry.theme":
            data["section"] = self.fixture.section.pk
        return data

    def post_revert(self, probe, who):
        return self.form_of(probe.url)

    def post_delete_action(self, probe, who):
        return {"action": "delete_selected", "_selected_action": [probe.record.pk], "post": "yes"}

    def post_set_password(self, probe, who):
        return {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    def post_wrong_login(self, probe, who):
        """The password step of the login (django-two-factor-auth's wizard), a wrong password."""
        from tests.signin import PREFIX

        return {
            f"{PREFIX}-current_step": "auth",
            "auth-username": self.fixture.superuser.user.username,
            "auth-password": "wrong",
        }

    def _uploaded(self, model):
        """A file of every record of the kind, one record altered, and its preview's token."""
        if model not in self._uploads:
            resource = RESOURCES_BY_MODEL[model._meta.model_name]
            dataset = resource().export()
            name = ALTERED_FIELDS[label(model)]
            column = dataset.headers.index(name)
            rows = [list(row) for row in dataset]
            rows[0][column] = f"{rows[0][column]}{ALTERED}"
            altered = type(dataset)(*rows, headers=dataset.headers)
            data = export_bytes(altered, "csv")
            response = self.fixture.superuser.post(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import"),
                {"file": named_file(data, f"{model._meta.model_name}.csv")},
            )
            assert response.status_code == 200, response.content[:2000]
            self._uploads[model] = (data, response.context["token"], rows[0][column])
        return self._uploads[model]

    def post_upload(self, probe, who):
        data, _token, _value = self._uploaded(probe.model)
        return {"file": named_file(data, f"{probe.model._meta.model_name}.csv")}

    def post_confirm(self, probe, who):
        _data, token, _value = self._uploaded(probe.model)
        options = signing.loads(token, salt=TOKEN_SALT)
        # The same upload as the superuser's, in a token made for this user.
        options["user"] = who.user.pk if who.user else None
        return {"confirm": "1", "token": signing.dumps(options, salt=TOKEN_SALT)}

    def imported_value(self, model):
        return self._uploaded(model)[2]


def no_data(probe, who):
    return {}


def post_own_password(probe, who):
    from tests.admin_forms import PASSWORD

    return {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def named_file(data, name):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def browser_data(form):
    """A form's initial values as a browser submits them (multi-part widgets in their parts)."""
    data = {}
    for name, form_field in form.fields.items():
        if form_field.disabled:
            continue
        value = form.initial.get(name, form_field.initial)
        value = value() if callable(value) else value
        widget = form_field.widget
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                data[f"{name}{suffix}"] = submitted(part)
            continue
        if value is None and isinstance(form_field, MultipleChoiceField | ModelMultipleChoiceField):
            continue  # nothing chosen: a browser sends no value at all
        value = submitted(value)
        if value is not None:
            data[name] = value
    return data


# The database, before and after ---------------------------------------------------------------


def snapshot():
    """Every row of every table, as a multiset of rows (as text) per table, in one query."""
    tables = {}
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_query())
        for table, row in cursor.fetchall():
            tables.setdefault(table, Counter())[row] += 1
    return tables


_SNAPSHOT_QUERIES = {}


def _snapshot_query():
    """SELECT table name, row as text, for all tables at once (the tables do not change)."""
    if connection.vendor not in _SNAPSHOT_QUERIES:
        quote = connection.ops.quote_name
        parts = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                if table == "registry_importupload":
                    # The bytes kept between a preview and its confirm, as in
                    # tests/registry_tables.py: the matrix prepares its confirm token by a
                    # preview, which keeps one; not a record of the registry.
                    continue
                if connection.vendor == "postgresql":
                    row = "row_to_json(t)::text"
                else:
                    columns = connection.introspection.get_table_description(cursor, table)
                    # json_array() refuses BLOBs (an import's kept upload): compare them as hex.
                    values = [
                        f"hex({quote(column.name)})"
                        if str(column.type_code).upper() == "BLOB"
                        else quote(column.name)
                        for column in columns
                    ]
                    row = f"json_array({', '.join(values)})"
                parts.append(f"SELECT '{table}', {row} FROM {quote(table)} t")
        _SNAPSHOT_QUERIES[connection.vendor] = " UNION ALL ".join(parts)
    return _SNAPSHOT_QUERIES[connection.vendor]


def difference(before, after):
    """Per table that changed: the rows taken out and the rows put in."""
    changed = {}
    for table in before.keys() | after.keys():
        old, new = before.get(table, Counter()), after.get(table, Counter())
        if old != new:
            changed[table] = (old - new, new - old)
    return changed


# Running a probe -------------------------------------------------------------------------------


def run(client, method, probe, data, verify):
    """One request in a savepoint that is rolled back, with the client's cookies kept.

    Every request sees the same registry, so a change that one allowed request makes cannot
    make the next one fail, and the client stays logged in after a logout or password change.
    ``verify(response, changed)`` runs before the rollback, so it sees what the request wrote.
    """
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            send = client.get if method == "GET" else partial(client.post, data=data)
            response = send(probe.url)
            problems = verify(response, difference(client.pristine, snapshot()))
            transaction.set_rollback(True)
    except Exception as error:  # a 500 is reported with the other problems
        problems = [f"raised {type(error).__name__}: {error}"]
    finally:
        client.cookies = cookies
    return problems


def describe(changed):
    return ", ".join(
        f"{table} (-{sum(out.values())} +{sum(into.values())})"
        for table, (out, into) in sorted(changed.items())
    )


def within(changed, tables):
    outside = set(changed) - set(tables)
    return [f"also changed {describe({t: changed[t] for t in outside})}"] if outside else []


def _refreshed(record):
    return type(record)._base_manager.filter(pk=record.pk).first()


def effect_problems(effect, probe, who, probes, changed):
    """What an allowed POST must have changed, and only there."""
    if effect is None:
        return [f"changed {describe(changed)}"] if changed else []
    model, record = probe.model, probe.record
    if effect == "failed_login":
        # The login wizard keeps its step in the session.
        return within(changed, AXES_TABLES | {"django_session"})
    if effect == "session":
        return within(changed, {"django_session"})
    if effect == "logged_out":
        missing = [] if "django_session" in changed else ["the session was not ended"]
        return missing + within(changed, AUTHENTICATION_TABLES)
    if effect == "own_password":
        user = _refreshed(who.user)
        wrong = [] if user.check_password(NEW_PASSWORD) else ["the password did not change"]
        return wrong + within(changed, {"auth_user", "django_session"})
    if effect == "password_set":
        user = _refreshed(record)
        wrong = [] if user.check_password(NEW_PASSWORD) else ["the password did not change"]
        return wrong + within(changed, record_tables(model))
    if effect == "recovery_codes":
        from django_otp.plugins.otp_static.models import StaticToken

        fresh = StaticToken.objects.filter(device__user=who.user).count()
        wrong = [] if fresh == 10 else [f"{fresh} recovery codes, not 10"]
        return wrong + within(changed, SECOND_FACTOR_TABLES)
    if effect == "deleted":
        wrong = ["the record is still there"] if _refreshed(record) else []
        return wrong + within(changed, record_tables(model))
    if effect == "added":
        rows = changed.get(model._meta.db_table, (Counter(), Counter()))[1]
        wrong = [] if rows else ["no record was added"]
        return wrong + within(changed, record_tables(model))
    name = ALTERED_FIELDS[label(model)]
    if effect == "changed":
        value = getattr(_refreshed(record), name)
        wrong = [] if value.endswith(ALTERED) else [f"{name} is {value!r}, not altered"]
        return wrong + within(changed, record_tables(model))
    if effect == "reverted":
        value, old = (
            getattr(_refreshed(record), name),
            getattr(probes.fixture.versions[model], name),
        )
        wrong = [] if value == old else [f"{name} is {value!r}, not the version's {old!r}"]
        return wrong + within(changed, record_tables(model))
    if effect == "imported":
        from registry.models import ImportChange, ImportRun

        value = probes.imported_value(model)
        wrong = [] if ImportRun._meta.db_table in changed else ["no import run"]
        if not model.objects.filter(**{name: value}).exists():
            wrong.append(f"no record has the imported {name} {value!r}")
        logs = {ImportRun._meta.db_table, ImportChange._meta.db_table}
        return wrong + within(changed, record_tables(model) | logs)
    raise UnknownPattern(f"No check for the effect {effect!r}.")


def form_errors(response):
    """The errors of the admin form a response shows, to say why a save did not happen."""
    form = (response.context or {}).get("adminform") if response.context else None
    errors = form.form.errors if form else None
    return f" (form errors: {errors.as_text()})" if errors else ""


def location_problems(expected, probe, response):
    if expected.to is None:
        return []
    location = response.get("Location", "")
    targets = {
        "login": reverse("admin:login"),
        "index": reverse("admin:index"),
        "password_change_done": reverse("admin:password_change_done"),
        "recovery_codes": reverse("admin:two_factor"),
    }
    if expected.to == "change":
        meta = probe.model._meta
        target = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[probe.record.pk])
        ok = location == target
    elif expected.to == "changelist":
        meta = probe.model._meta
        ok = location == reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    elif expected.to == "absolute":
        ok = location.endswith(probe.record.get_absolute_url())
    elif expected.to == "login":
        ok = location.startswith(targets["login"] + "?next=")
    else:
        ok = location == targets[expected.to]
    return [] if ok else [f"redirects to {location!r}, expected {expected.to}"]


def check(client, who, probe, method, probes):
    """The problems of one request: its status, where it leads, and what it changed."""
    expected = expect(who, probe, method)
    data = probe.post(probe, who) if method == "POST" else None

    def verify(response, changed):
        if response.status_code != expected.status:
            problems = [
                f"answers {response.status_code}, expected {expected}{form_errors(response)}"
            ]
            return problems + ([f"changed {describe(changed)}"] if changed else [])
        # A GET changes nothing, but for the sign-in wizards' own step in the session.
        effect = expected.effect if method == "POST" or expected.effect == "session" else None
        return location_problems(expected, probe, response) + effect_problems(
            effect, probe, who, probes, changed
        )

    return [
        f"{who.name}: {method} {probe}: {problem}"
        for problem in run(client, method, probe, data, verify)
    ]


# The rules: what each kind of view answers, from the role's permissions -------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    to: str | None = None  # where a redirect leads: "login", "index", "change", ...
    effect: str | None = None  # what an allowed POST changes; None: nothing at all

    def __str__(self):
        return " ".join(str(part) for part in (self.status, self.to, self.effect) if part)


LOGIN = Expect(302, "login")
OK = Expect(200)
REFUSED = Expect(403)
NOT_FOUND = Expect(404)
NOT_ALLOWED = Expect(405)


def sees(ok=OK):
    return lambda who, probe: ok if who.sees(probe.model) else REFUSED


def may(action, ok):
    return lambda who, probe: ok if who.may(action, probe.model) else REFUSED


def always(answer):
    return lambda who, probe: answer


def changelist_post(who, probe):
    if not who.sees(probe.model):
        return REFUSED
    if who.may("delete", probe.model):
        return Expect(302, "changelist", "deleted")
    if offers_actions(who, probe.model):
        # Other actions, not this one: "no action selected", back to the list, nothing changed.
        return Expect(302, "changelist")
    return OK  # without the delete permission there is no action to run: the list again


# What an action's permission needs, beyond the model permissions (registry/admin_actions.py).
ACTION_PERMISSIONS = {"archive": lambda who, model: who.may("change", model) and who.imports(model)}


def offers_actions(who, model):
    """Whether the model's admin offers the role any action, by the actions' permissions."""
    for action in admin.site._registry[model].actions or ():
        for permission in getattr(action, "allowed_permissions", ()):
            allowed = ACTION_PERMISSIONS.get(permission)
            if allowed(who, model) if allowed else who.may(permission, model):
                return True
    return False


def import_get(who, probe):
    return OK if who.imports(probe.model) else REFUSED


def import_post(who, probe):
    if not who.imports(probe.model):
        return REFUSED
    if probe.note == "confirm":
        return Expect(302, effect="imported")
    return OK  # the preview: nothing is written before the confirm


def view_on_site(who, probe):
    return Expect(302, "absolute") if hasattr(probe.model, "get_absolute_url") else NOT_FOUND


def app_index(who, probe):
    prefix = f"{probe.extra['app_label']}."
    return OK if any(perm.startswith(prefix) for perm in who.perms) else NOT_FOUND


def autocomplete(who, probe):
    return OK if who.sees(probe.model) else REFUSED  # the model searched, not the form's


# kind: (GET, POST) for staff; anonymous users get ANONYMOUS, by default the login page.
RULES = {
    "changelist": (sees(), changelist_post),
    "add": (may("add", OK), may("add", Expect(302, effect="added"))),
    "change": (sees(), may("change", Expect(302, effect="changed"))),
    "delete": (may("delete", OK), may("delete", Expect(302, effect="deleted"))),
    "history": (sees(), sees()),
    "revert": (may("change", OK), may("change", Expect(302, effect="reverted"))),
    "object_redirect": (always(Expect(302, "change")), always(Expect(302, "change"))),
    "import": (import_get, import_post),
    "export": (sees(), sees()),
    "template": (sees(), sees()),
    "columns": (sees(), sees()),
    "compare": (sees(), sees()),
    "render": (sees(), sees()),
    "set_password": (may("change", OK), may("change", Expect(302, effect="password_set"))),
    "index": (always(OK), always(OK)),
    "login": (always(Expect(302, "index")), always(Expect(200, effect="failed_login"))),
    "logout": (always(NOT_ALLOWED), always(Expect(200, effect="logged_out"))),
    "password_change": (
        always(OK),
        always(Expect(302, "password_change_done", effect="own_password")),
    ),
    "password_change_done": (always(OK), always(NOT_ALLOWED)),
    "autocomplete": (autocomplete, always(NOT_ALLOWED)),
    "jsi18n": (always(OK), always(NOT_ALLOWED)),
    "view_on_site": (view_on_site, view_on_site),
    "app_index": (app_index, app_index),
    "catch_all": (always(NOT_FOUND), always(NOT_FOUND)),
    # Every staff member keeps their own recovery codes: a POST makes a fresh set of ten.
    "recovery_codes": (always(OK), always(Expect(302, "recovery_codes", "recovery_codes"))),
    # Staff who have their app are sent on to their recovery codes; a POST without the wizard's
    # fields is a bad request. The wizard keeps its step in the session.
    "authenticator_setup": (
        always(Expect(302, "recovery_codes", "session")),
        always(Expect(400, effect="session")),
    ),
    # The QR code exists only while a setup is in progress.
    "authenticator_qr": (always(NOT_FOUND), always(NOT_ALLOWED)),
}
ANONYMOUS = {
    "login": (Expect(200, effect="session"), Expect(200, effect="failed_login")),
    "logout": (Expect(302, "index"), Expect(302, "index")),
}


def expect(who, probe, method):
    index = 0 if method == "GET" else 1
    if not who.staff:
        return ANONYMOUS.get(probe.kind, (LOGIN, LOGIN))[index]
    try:
        rule = RULES[probe.kind][index]
    except KeyError:
        raise UnknownPattern(f"No rule for the kind {probe.kind!r}: add it to RULES.") from None
    return rule(who, probe)


# The records the probes use --------------------------------------------------------------------


class Fixture:
    """Real records of every model the admin shows, and a superuser who fills in the forms."""

    def __init__(self):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django.contrib.auth.models import Group

        from registry.models import (
            Agreement,
            Command,
            Edition,
            ImportChange,
            ImportRun,
            Partner,
            Section,
            Theme,
        )
        from registry.roles import READERS
        from registry.services.imports import confirm_import
        from tests.admin_forms import logged_in

        self.superuser = logged_in("probe-admin")
        self.section = Section.objects.get(key="deu")
        older = Edition.objects.get(year=2016)
        newer = Edition.objects.create(year=2017, title="Bijlage 2: 2017")
        self.editions = (older, newer)
        confirm_import(
            kind="partners",
            data=b"code;kind;name_nl;name_en\nSWE;country;Zweden;Sweden\n",
            file_name="partners.csv",
            user=self.superuser.user,
        )
        run = ImportRun.objects.get()
        User = get_user_model()
        other = User.objects.create_user("other-user", password=NEW_PASSWORD, is_staff=True)
        visit = {"user_agent": "probe", "ip_address": "192.0.2.1", "username": "other-user"}
        visit.update({"http_accept": "text/html", "path_info": "/admin/login/"})
        self.records = {
            Theme: Theme.objects.get_by_natural_key("deu", "Cyber"),
            Agreement: Agreement.objects.get(slug="mou-smart-2015"),
            Partner: Partner.objects.get(code="DEU"),
            Command: Command.objects.get(code="CLAS"),
            Section: self.section,
            Edition: older,
            ImportRun: run,
            ImportChange: run.changes.first(),
            User: other,
            Group: Group.objects.get(name=READERS),
            AccessAttempt: AccessAttempt.objects.create(
                get_data="", post_data="", failures_since_start=1, **visit
            ),
            AccessLog: AccessLog.objects.create(**visit),
            AccessFailureLog: AccessFailureLog.objects.create(**visit),
        }
        # The version of each record with a history to revert to, older than the current one.
        self.versions = {
            model: self._edited(record)
            for model, record in self.records.items()
            if hasattr(model, "history")
        }
        # What a delete may remove where the chosen record is protected by its themes.
        self.disposable = {
            Command: Command.objects.create(
                code="TMP", kind="operational", name_nl="Tijdelijk", name_en="Temporary"
            ),
            Section: Section.objects.create(key="tijdelijk", position=99, heading="Tijdelijk"),
            Edition: newer,
        }

    def deletable(self, model):
        return self.disposable.get(model) or self.records.get(model)

    def _edited(self, record):
        """Edit the record once in the admin; return its earlier version, to revert to."""
        version = record.history.order_by("-history_id").first()
        meta = record._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        data = browser_data(self.superuser.get(url).context["adminform"].form)
        name = ALTERED_FIELDS[label(type(record))]
        data[name] = f"{data[name]} (eerder gewijzigd)"
        response = self.superuser.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        record.refresh_from_db()
        return version

    def superuser_request(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/admin/")
        request.user = self.superuser.user
        return request

    def superuser_may(self, action, model):
        model_admin = admin.site._registry[model]
        return getattr(model_admin, f"has_{action}_permission")(self.superuser_request())

    def autocomplete_fields(self):
        """(source model, field name, model searched) of every autocomplete widget in a form."""
        from django.contrib.admin.widgets import AutocompleteMixin

        found = {}
        request = self.superuser_request()
        for model, model_admin in admin.site._registry.items():
            form = model_admin.get_form(request, self.records.get(model))()
            for form_field in form.fields.values():
                widget = getattr(form_field.widget, "widget", form_field.widget)
                if isinstance(widget, AutocompleteMixin):
                    source = widget.field.model
                    remote = widget.field.remote_field.model
                    found[(source, widget.field.name)] = remote
        return [(source, name, remote) for (source, name), remote in found.items()]


def record_tables(model):
    """The tables a change of a record may touch: its own, its links, their history, the log."""
    models = {model}
    history = getattr(model, "history", None)
    if history is not None:
        models.add(history.model)
    for owner in list(models):
        for relation in owner._meta.get_fields(include_hidden=True):
            if relation.many_to_many and not relation.auto_created:
                models.add(relation.remote_field.through)
            elif relation.one_to_many or (relation.many_to_many and relation.auto_created):
                models.add(getattr(relation, "through", None) or relation.related_model)
    tables = {related._meta.db_table for related in models if related is not None}
    return tables | {"django_admin_log"}
