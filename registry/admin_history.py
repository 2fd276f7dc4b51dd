"""The admin's history of a record, and reverting a record to one of its versions.

Built on simple-history's admin, with three differences:

- every save in the admin writes exactly one complete historical record (see
  ``registry.services.revisions``), with the editor and, for a revert, the version it restored;
- the history page says what changed in words people read (``registry.history``);
- reverting is the change form itself, filled in with the version: the same permission check
  (a reader may not revert), the same transaction and row lock, the same version check for a
  theme, the same save. The form's many-to-many fields start from the version's links, not
  from the current ones.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from registry.history import EMPTY, HistoryReader, local_time
from registry.services.bulk_actions import bulk_action_label
from registry.services.revisions import history_paused, record_revision

REVERTING = "registry_revert_record"  # the request attribute naming the version being restored
REVERT_REASON = "revert "
ACTIONS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


def historical_record(instance):
    """The historical record an instance was built from (simple-history's revert), or None."""
    return getattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)


class VersionForm(forms.ModelForm):
    """A model form that, for a version of a record, starts from that version's links."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = historical_record(self.instance)
        if record is None:
            return
        for field in record._history_m2m_fields:
            if field.name in self.fields:
                links = getattr(record, field.name).values_list(
                    f"{field.m2m_reverse_field_name()}_id", flat=True
                )
                self.initial[field.name] = list(links)


class HistoryAdmin(SimpleHistoryAdmin):
    form = VersionForm
    object_history_template = "admin/registry/history/object_history.html"
    object_history_form_template = "admin/registry/history/revert_form.html"
    history_list_per_page = 50

    class Media:
        # Names and wrapping for the autocomplete fields of the change and revert forms.
        css = {"all": ["registry/autocomplete.css"]}
        js = ["registry/autocomplete.js"]

    # One historical record per save -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        history_paused(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.save_links(request, form, change)
        version = getattr(request, REVERTING, None)
        record_revision(
            form.instance,
            user=request.user,
            history_type="~" if change else "+",
            reason=f"{REVERT_REASON}{version.history_id}" if version else "",
        )

    def save_links(self, request, form, change):
        """Links that the form does not save itself; the historical record is written after."""

    # The history page --------------------------------------------------------------------------

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("import_run")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Give every record of the page its entry: when, what, who, why, and what changed."""
        records = list(historical_records)
        if not records:
            return
        before_page = _record_before(records[-1])
        reader = HistoryReader(self.model, [*records, *filter(None, [before_page])])
        older = [*records[1:], before_page]
        can_revert = not self.revert_disabled(request)
        revert_dates = self._reverted_versions(records)
        for record, previous in zip(records, older, strict=True):
            record.entry = {
                "when": local_time(record.history_date),
                "action": ACTIONS.get(record.history_type, record.history_type),
                "user": _user_name(record.history_user),
                "source": self._source(record, revert_dates, can_revert),
                "changes": reader.changes(previous, record) if previous else [],
                "first": previous is None,
            }

    def history_view_title(self, request, obj):
        return _("History: %(record)s") % {"record": obj}

    def _reverted_versions(self, records):
        ids = [_reverted_id(record) for record in records]
        versions = self.model.history.filter(history_id__in=[pk for pk in ids if pk])
        return dict(versions.values_list("history_id", "history_date"))

    def _source(self, record, revert_dates, can_revert):
        """Where a change came from: an import run (linked), a revert, or the reason given."""
        if record.import_run_id:
            run = record.import_run
            url = reverse("admin:registry_importrun_change", args=[run.pk])
            label = _("import of %(file)s (%(when)s)") % {
                "file": run.file_name,
                "when": local_time(run.started_at),
            }
            return format_html('<a href="{}">{}</a>', url, label)
        version = _reverted_id(record)
        if version in revert_dates:
            label = _("reverted to the version of %(when)s") % {
                "when": local_time(revert_dates[version])
            }
            if not can_revert:
                return label
            url = self._revert_url(record, version)
            return format_html('<a href="{}">{}</a>', url, label)
        return (
            bulk_action_label(record.history_change_reason) or record.history_change_reason or EMPTY
        )

    def _revert_url(self, record, version_id):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_simple_history"
        return reverse(name, args=[getattr(record, self.opts.pk.attname), version_id])

    # Reverting ---------------------------------------------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The change form, filled in with a version: the same checks and the same save."""
        record = get_object_or_404(
            self.model.history.model, **{self.opts.pk.attname: object_id, "history_id": version_id}
        )
        if not self.has_change_permission(request, record.instance):
            raise PermissionDenied  # readers read the history page; reverting is changing
        setattr(request, REVERTING, record)
        when = local_time(record.history_date)
        context = {
            "title": _("Revert to the version of %(when)s") % {"when": when},
            "version_time": when,
            "history_url": self._history_url(object_id),
            "revert_changes": self._revert_changes(record),
            **(extra_context or {}),
        }
        return self.changeform_view(request, object_id, extra_context=context)

    def get_object(self, request, object_id, from_field=None):
        record = getattr(request, REVERTING, None)
        if record is None:
            return super().get_object(request, object_id, from_field)
        instance = record.instance
        instance._state.adding = False
        return instance

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if getattr(request, REVERTING, None) is not None:
            response.template_name = self.object_history_form_template
        return response

    def response_change(self, request, obj):
        record = getattr(request, REVERTING, None)
        if record is None:
            return super().response_change(request, obj)
        message = _("“%(record)s” has been reverted to the version of %(when)s.") % {
            "record": obj,
            "when": local_time(record.history_date),
        }
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(self._history_url(obj.pk))

    def _history_url(self, object_id):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_history"
        return reverse(name, args=[object_id])

    def _revert_changes(self, record):
        """What reverting would change: from the latest version to this one."""
        latest = self.model.history.filter(**{self.opts.pk.attname: record.instance.pk}).first()
        if latest is None or latest.history_id == record.history_id:
            return []
        return HistoryReader(self.model, [latest, record]).changes(latest, record)


def _record_before(record):
    """The version before this one (simple-history's ``prev_record`` misses equal times)."""
    earlier = Q(history_date__lt=record.history_date) | Q(
        history_date=record.history_date, history_id__lt=record.history_id
    )
    versions = type(record).objects.filter(id=record.id).select_related("import_run")
    return versions.filter(earlier).order_by("-history_date", "-history_id").first()


def _reverted_id(record):
    reason = record.history_change_reason or ""
    if reason.startswith(REVERT_REASON) and reason[len(REVERT_REASON) :].isdigit():
        return int(reason[len(REVERT_REASON) :])
    return None


def _user_name(user):
    if user is None:
        return EMPTY
    return user.get_full_name() or user.get_username()
