"""The admin's start page: what staff need first on a working day.

- the last imports, with their counts and a link to each run;
- the latest changes to the records (who, what, when), from the records' history;
- the records that need attention, counted, each list linked to the list of themes or
  agreements filtered to show exactly those records.

Each panel shows only what the user may view, and the page runs a fixed number of queries
whatever the size of the registry (``tests/test_dashboard.py``).
"""

from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from registry.admin_history import ACTIONS, REVERT_REASON, _user_name
from registry.history import EMPTY, local_time
from registry.models import Agreement, Command, ImportRun, Partner, Section, Theme
from registry.services.bulk_actions import REASON_PREFIX, bulk_action_label

RECENT_IMPORTS = 5
RECENT_CHANGES = 10
HISTORY_MODELS = [Theme, Agreement, Partner, Section, Command]
GUESSED = "guessed"


# The records that need attention ------------------------------------------------------------


def current_themes():
    """Themes of the current annex: the archived ones need no attention."""
    return Theme.objects.filter(is_archived=False)


def themes_without_partners(themes):
    return themes.filter(partners__isnull=True)


def themes_with_guessed_facts(themes):
    """Themes whose facts (status, Dutch role, framework, target year) the annex rules set and
    that no one has confirmed since.

    The rules set the facts of a theme that an annex text brought in: the 2016 annex as loaded,
    or an import of an annex text (an import leaves the facts of themes it already has alone).
    A person confirms them by saving the theme's form in the admin (a change or a revert), where
    the facts are in view; a bulk action or an import does not confirm them.
    """
    history = Theme.history.model.objects.filter(id=OuterRef("pk"))
    by_rules = history.filter(history_type="+").filter(
        Q(import_run__isnull=True, history_user__isnull=True)
        | Q(import_run__kind=ImportRun.Kind.ANNEX)
    )
    # A save of the form by a person: the user's, not an import's, and not a bulk action.
    confirmed = history.filter(
        history_type="~", history_user__isnull=False, import_run__isnull=True
    ).exclude(history_change_reason__startswith=REASON_PREFIX)
    return themes.filter(Exists(by_rules)).exclude(Exists(confirmed))


class FactsListFilter(admin.SimpleListFilter):
    """Themes whose facts the annex rules guessed and no one has confirmed since."""

    title = _("facts")
    parameter_name = "facts"

    def lookups(self, request, model_admin):
        return [(GUESSED, _("guessed by the rules, not confirmed"))]

    def queryset(self, request, queryset):
        if self.value() == GUESSED:
            return themes_with_guessed_facts(queryset)
        return queryset


@dataclass(frozen=True)
class Attention:
    label: str
    count: int
    url: str


def _changelist(model, **filters):
    url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}"


def attention_lists(user):
    lists = []
    if user.has_perm("registry.view_theme"):
        current = current_themes()
        lists += [
            Attention(
                _("Themes without partners"),
                themes_without_partners(current).count(),
                _changelist(Theme, is_archived__exact=0, partners__isnull="True"),
            ),
            Attention(
                _("Themes whose facts the rules guessed, not confirmed since"),
                themes_with_guessed_facts(current).count(),
                _changelist(Theme, is_archived__exact=0, facts=GUESSED),
            ),
            Attention(
                _("Internal themes"),
                Theme.objects.filter(is_internal=True).count(),
                _changelist(Theme, is_internal__exact=1),
            ),
        ]
    if user.has_perm("registry.view_agreement"):
        lists.append(
            Attention(
                _("Internal agreements"),
                Agreement.objects.filter(is_internal=True).count(),
                _changelist(Agreement, is_internal__exact=1),
            )
        )
    return lists


# The last imports and the latest changes ----------------------------------------------------


def recent_imports(user):
    if not user.has_perm("registry.view_importrun"):
        return None
    runs = ImportRun.objects.select_related("user", "edition").order_by("-started_at", "-pk")
    return [
        {
            "run": run,
            "when": local_time(run.started_at),
            "who": _user_name(run.user),
            "url": reverse("admin:registry_importrun_change", args=[run.pk]),
        }
        for run in runs[:RECENT_IMPORTS]
    ]


def recent_changes(user):
    """The latest historical records of every kind of record the user may view, newest first."""
    records = []
    for model in HISTORY_MODELS:
        if not user.has_perm(f"registry.view_{model._meta.model_name}"):
            continue
        history = model.history.select_related("history_user", "import_run")
        if model is Theme:
            history = history.select_related("section")
        records += [(model, record) for record in history[:RECENT_CHANGES]]
    records.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    runs_visible = user.has_perm("registry.view_importrun")
    return [_change(model, record, runs_visible) for model, record in records[:RECENT_CHANGES]]


def _change(model, record, runs_visible):
    name = model._meta.model_name
    pk = getattr(record, model._meta.pk.attname)
    deleted = record.history_type == "-"
    return {
        "when": local_time(record.history_date),
        "who": _user_name(record.history_user),
        "kind": model._meta.verbose_name,
        "label": _label(model, record),
        "url": None if deleted else reverse(f"admin:registry_{name}_change", args=[pk]),
        "history_url": reverse(f"admin:registry_{name}_history", args=[pk]),
        "action": ACTIONS.get(record.history_type, record.history_type),
        "source": _source(record, runs_visible),
    }


def _label(model, record):
    if model is Theme:
        section = record.section.key if record.section else EMPTY
        return f"{record.title} ({section})"
    return str(record.instance)


def _source(record, runs_visible):
    if record.import_run_id:
        url = reverse("admin:registry_importrun_change", args=[record.import_run_id])
        return {
            "label": _("import of %(file)s") % {"file": record.import_run.file_name},
            "url": url if runs_visible else None,
        }
    reason = record.history_change_reason or ""
    label = bulk_action_label(reason)
    if label is None and reason.startswith(REVERT_REASON):
        label = _("reverted to an earlier version")
    return {"label": label or reason, "url": None}


def dashboard_context(request):
    user = request.user
    return {
        "recent_imports": recent_imports(user),
        "recent_changes": recent_changes(user),
        "attention_lists": attention_lists(user),
    }
