"""Bulk actions on the lists of themes and agreements: mark internal or public, archive, restore.

Each action first shows a page that lists the chosen records and what the action will do to
them (Django's pattern for "delete selected"); only the confirmed POST writes, through
``registry.services.bulk_actions.records_set_flag``. Marking internal or public needs the
right to change the records (editors and importers); archiving and restoring themes belongs to
the annual update, as on the form, and needs the import permission too (importers). An action
a user may not run is not offered, and a POST naming it changes nothing.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.services.bulk_actions import ACTIONS, records_set_flag

CONFIRMATION_TEMPLATE = "admin/registry/bulk_action_confirmation.html"
LISTED = 100  # records named on the confirmation page; the rest are counted
QUESTIONS = {
    "mark_internal": gettext_lazy(
        "Mark these %(count)s records internal? Internal records never appear in the public "
        "pages, downloads or the API."
    ),
    "mark_public": gettext_lazy(
        "Mark these %(count)s records public? They appear in the public pages, downloads and "
        "the API again (archived themes only when asked for)."
    ),
    "archive": gettext_lazy(
        "Archive these %(count)s themes? Archived themes are kept and can be restored."
    ),
    "restore": gettext_lazy("Restore these %(count)s themes from the archive?"),
}
DONE = {
    "mark_internal": lambda n: ngettext(
        "%(changed)d record marked internal.", "%(changed)d records marked internal.", n
    ),
    "mark_public": lambda n: ngettext(
        "%(changed)d record marked public.", "%(changed)d records marked public.", n
    ),
    "archive": lambda n: ngettext("%(changed)d theme archived.", "%(changed)d themes archived.", n),
    "restore": lambda n: ngettext(
        "%(changed)d theme restored from the archive.",
        "%(changed)d themes restored from the archive.",
        n,
    ),
}


class BulkActionsMixin:
    """For a model admin: who may archive and restore (``has_archive_permission``): the same
    rule as for the archived flag on the form, the model admin's own ``may_archive``."""

    def has_archive_permission(self, request):
        return self.has_change_permission(request) and self.may_archive(request)


def run_bulk_action(modeladmin, request, queryset, name):
    action = ACTIONS[name]
    if request.POST.get("post") == "yes":
        result = records_set_flag(
            model=modeladmin.model,
            pks=queryset.values_list("pk", flat=True),
            action=name,
            user=request.user,
        )
        text = DONE[name](result.changed) % {"changed": result.changed}
        if result.unchanged:
            text += " " + ngettext(
                "%(unchanged)d already was.", "%(unchanged)d already were.", result.unchanged
            ) % {"unchanged": result.unchanged}
        modeladmin.message_user(request, text, messages.SUCCESS)
        return None  # back to the list
    total = queryset.count()
    listed = list(queryset[:LISTED])
    will_change = queryset.exclude(**{action.field: action.value}).count()
    select_across = request.POST.get("select_across") == "1"
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Confirm the bulk action"),
        "subtitle": None,
        "opts": modeladmin.model._meta,
        "action_name": name,
        "action_label": dict(modeladmin.get_action_choices(request)).get(name, name),
        "question": QUESTIONS[name] % {"count": total},
        "records": [
            {"record": record, "changes": getattr(record, action.field) != action.value}
            for record in listed
        ],
        "total": total,
        "more": total - len(listed),
        "will_change": will_change,
        "already": total - will_change,
        "select_across": select_across,
        # Across all pages the list's filters choose the records again; else the ids chosen.
        "pks": [record.pk for record in listed]
        if select_across
        else list(queryset.values_list("pk", flat=True)),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, CONFIRMATION_TEMPLATE, context)


@admin.action(permissions=["change"], description=gettext_lazy("Mark internal"))
def mark_internal(modeladmin, request, queryset):
    return run_bulk_action(modeladmin, request, queryset, "mark_internal")


@admin.action(permissions=["change"], description=gettext_lazy("Mark public"))
def mark_public(modeladmin, request, queryset):
    return run_bulk_action(modeladmin, request, queryset, "mark_public")


@admin.action(permissions=["archive"], description=gettext_lazy("Archive"))
def archive(modeladmin, request, queryset):
    return run_bulk_action(modeladmin, request, queryset, "archive")


@admin.action(permissions=["archive"], description=gettext_lazy("Restore from the archive"))
def restore(modeladmin, request, queryset):
    return run_bulk_action(modeladmin, request, queryset, "restore")


THEME_ACTIONS = [mark_internal, mark_public, archive, restore]
AGREEMENT_ACTIONS = [mark_internal, mark_public]
