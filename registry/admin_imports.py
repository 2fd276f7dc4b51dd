"""Import and export in the admin: upload, preview (a dry run), confirm; exports and templates.

The views call the same services as the management commands (``registry.services.imports``).
Nothing is written before the user confirms; the confirm step plans the stored file again and
writes it all or nothing. This is not django-import-export's admin integration (its
``ImportExportMixin``), which previews by saving every row inside a transaction that it rolls
back, several queries a row; ours plans in memory, validates every row before it shows anything,
and writes in bulk.
"""

import uuid

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry.columns import EMPTY, Names
from registry.exports import export_records, export_template
from registry.resources import RESOURCES
from registry.services.imports import confirm_import, prepare_import
from registry.services.imports.files import ANNEX_SUFFIXES, sha256
from registry.services.imports.uploads import UPLOAD_LIFETIME, keep_upload, load_upload
from registry.tabular import CONTENT_TYPES, MAX_UPLOAD_BYTES, TableError, check_upload_size
from registry.textdiff import word_diff

EXPORT_FORMATS = CONTENT_TYPES
RESOURCES_BY_MODEL = {
    resource.Meta.model._meta.model_name: resource for resource in RESOURCES.values()
}
PREVIEW_PAGE_SIZE = 100
TOKEN_SALT = "registry.import"
TOKEN_MAX_AGE = int(UPLOAD_LIFETIME.total_seconds())


def _number(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return "invalid"


class ImportPreviewAdminMixin:
    """Adds an import with preview and confirm, exports, template downloads and a column list."""

    import_kind = ""
    change_list_template = "admin/registry/import_export_change_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "export/<str:file_format>/",
                view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "template/<str:file_format>/",
                view(self.template_view),
                name="{}_{}_template".format(*info),
            ),
            path("columns/", view(self.columns_view), name="{}_{}_columns".format(*info)),
            *super().get_urls(),
        ]

    @property
    def resource_class(self):
        return RESOURCES[self.import_kind]

    def has_import_permission(self, request):
        return (
            request.user.has_perm("registry.import_records")
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
            "export_formats": list(EXPORT_FORMATS),
            "registry_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}",
        }
        return super().changelist_view(request, extra_context)

    # Exports

    def export_view(self, request, file_format):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in EXPORT_FORMATS:
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        chosen = changelist.get_queryset(request).values("pk")
        queryset = self.resource_class().get_queryset().filter(pk__in=chosen)
        return export_records(self.resource_class, queryset, file_format).response()

    def template_view(self, request, file_format):
        if not self.has_view_permission(request) or file_format not in EXPORT_FORMATS:
            raise PermissionDenied
        return export_template(self.resource_class, file_format).response()

    def columns_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Columns of %(kind)s files") % {"kind": self.opts.verbose_name_plural},
            "columns": self.resource_class.columns(),
            "export_formats": list(EXPORT_FORMATS),
            "registry_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}",
        }
        return TemplateResponse(request, "admin/registry/columns.html", context)

    # Import: upload, preview, confirm

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        if request.method == "POST":
            return self._upload(request)
        if "token" in request.GET:
            return self._preview_from_token(request, request.GET["token"])
        return self._render_upload(request)

    def _render_upload(self, request, error=None, status=200):
        context = self._context(request)
        context.update(
            {
                "stage": "upload",
                "upload_error": error,
                "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
                "accepts_annex": self.import_kind == "themes",
                "annex_suffixes": ANNEX_SUFFIXES,
            }
        )
        return TemplateResponse(request, "admin/registry/import.html", context, status=status)

    def _upload(self, request):
        upload = request.FILES.get("file")
        edition = _number(request.POST.get("edition"))
        if upload is None:
            return self._render_upload(request, _("Choose a file to import."), status=400)
        if edition == "invalid":
            return self._render_upload(request, _("The edition is a year, e.g. 2017."), 400)
        try:
            check_upload_size(upload.size)
        except TableError as error:
            return self._render_upload(request, str(error), status=400)
        data = upload.read()
        options = {
            "name": upload.name,
            "sha256": sha256(data),
            "edition": edition,
            "archive": request.POST.get("archive_missing") == "on",
            # A preview is confirmed by the user who asked for it, and no one else, once.
            "user": request.user.pk,
            "preview": uuid.uuid4().hex,
        }
        # Kept in the database until it is confirmed, so that any server can confirm it.
        keep_upload(data)
        return self._preview(request, self._prepare(data, options), options)

    def _load(self, request, token):
        try:
            options = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            raise PermissionDenied from None
        if options.get("user") != request.user.pk:
            raise PermissionDenied
        # None when the upload is no longer kept (its retention is its token's lifetime).
        return load_upload(options["sha256"]), options

    def _upload_gone(self, request):
        return self._render_upload(
            request, _("This upload is no longer kept; upload the file again."), status=410
        )

    def _arguments(self, data, options):
        return {
            "kind": self.import_kind,
            "data": data,
            "file_name": options["name"],
            "edition": options["edition"],
            "archive_missing": options["archive"],
        }

    def _prepare(self, data, options):
        return prepare_import(**self._arguments(data, options))

    def _preview_from_token(self, request, token):
        data, options = self._load(request, token)
        if data is None:
            return self._upload_gone(request)
        return self._preview(request, self._prepare(data, options), options, token=token)

    def _preview(self, request, prepared, options, token=None):
        token = token or signing.dumps(options, salt=TOKEN_SALT)
        main = prepared.main
        changes = [
            (plan, row)
            for plan in prepared.plans
            for row in plan.rows
            if row.action in ("created", "updated")
        ]
        page = Paginator(changes, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        names = Names()
        context = self._context(request)
        context.update(
            {
                "stage": "preview",
                "prepared": prepared,
                "token": token,
                "options": options,
                "errors": prepared.errors[:1000],
                "error_count": len(prepared.errors),
                "page": page,
                "page_rows": [describe_row(plan, row, names) for plan, row in page.object_list],
                "counts": plan_counts(main),
                "kind_counts": [
                    {"name": capfirst(plan.model._meta.verbose_name_plural), **plan_counts(plan)}
                    for plan in prepared.plans
                    if plan.rows or plan.missing
                ],
                "missing": [" / ".join(map(str, key)) for key in main.missing_keys()[:500]],
                "backfill": prepared.backfill,
            }
        )
        status = 400 if prepared.errors else 200
        return TemplateResponse(request, "admin/registry/import.html", context, status=status)

    def _confirm(self, request):
        token = request.POST.get("token", "")
        data, options = self._load(request, token)
        if not options.get("preview"):
            raise PermissionDenied  # a token from before previews were confirmed once
        if data is None:
            return self._upload_gone(request)
        prepared = confirm_import(
            **self._arguments(data, options),
            user=request.user,
            preview=uuid.UUID(options["preview"]),
        )
        if prepared.confirmed_before is not None:
            return self._confirmed_before(request, prepared.confirmed_before)
        if prepared.run is None:
            messages.error(request, _("The file has errors; nothing was changed."))
            return self._preview(request, prepared, options, token=token)
        run = prepared.run
        messages.success(
            request,
            _("Imported %(file)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
            % {
                "file": options["name"],
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
            },
        )
        if request.user.has_perm("registry.view_importrun"):
            return redirect(reverse("admin:registry_importrun_change", args=[run.pk]))
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _confirmed_before(self, request, run):
        """A second confirm of the same preview (a double click, a second tab): no second run."""
        messages.warning(
            request,
            _("This preview was imported already, at %(when)s; nothing was imported again.")
            % {"when": date_format(timezone.localtime(run.started_at), "DATETIME_FORMAT")},
        )
        if request.user.has_perm("registry.view_importrun"):
            return redirect(reverse("admin:registry_importrun_change", args=[run.pk]))
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _context(self, request):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": capfirst(_("Import %(kind)s") % {"kind": self.opts.verbose_name_plural}),
            "registry_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}",
        }


# The preview: what each row changes, as people read it -----------------------------------------


def plan_counts(plan):
    return {
        "created": len(plan.created),
        "updated": len(plan.updated),
        "unchanged": len(plan.unchanged),
        "missing": len(plan.missing),
    }


def describe_row(plan, row, names):
    """A new record with its values, or a changed one with each change: labels, readable values,
    and a word diff of a changed text, in full."""
    model = plan.model
    if row.action == "created":
        fields = [
            {"label": column.label(model), "new": column.human(text, names)}
            for column in plan.columns
            if not column.key and (text := column.render(row.values[column.column_name]))
        ]
    else:
        fields = [
            describe_change(plan, name, old, new, names) for name, (old, new) in row.changes.items()
        ]
    return {
        "row": row.row,
        "kind": model._meta.verbose_name,
        "label": row.label,
        "action": row.action,
        "fields": fields,
    }


def describe_change(plan, name, old, new, names):
    column = plan.column(name)
    old_text, new_text = column.render(old), column.render(new)
    change = {
        "label": column.label(plan.model),
        "old": column.human(old_text, names),
        "new": column.human(new_text, names),
    }
    if column.kind.is_text and old_text and new_text:
        change["diff"] = word_diff(old_text, new_text)
    return change


def _logged_columns(change):
    """Each changed column of a change log entry, or None where the resource has no such column."""
    resource = RESOURCES_BY_MODEL.get(change.model)
    for name, values in change.changes.items():
        known = resource is not None and name in resource.column_names()
        yield name, values, resource.column(name) if known else None


def logged_change_kind(change):
    resource = RESOURCES_BY_MODEL.get(change.model)
    return resource.Meta.model._meta.verbose_name if resource else change.model


def logged_change_labels(change):
    resource = RESOURCES_BY_MODEL.get(change.model)
    return [
        column.label(resource.Meta.model) if column else name
        for name, _values, column in _logged_columns(change)
    ]


def describe_logged_change(change, names):
    """What an import did to one record, from its change log, as the preview showed it."""
    resource = RESOURCES_BY_MODEL.get(change.model)
    model = resource.Meta.model if resource else None
    fields = []
    for name, (old, new), column in _logged_columns(change):
        if column is None:
            fields.append({"label": name, "old": old or EMPTY, "new": new or EMPTY})
            continue
        field = {
            "label": column.label(model),
            "old": column.human(old, names),
            "new": column.human(new, names),
        }
        if column.kind.is_text and old and new:
            field["diff"] = word_diff(old, new)
        fields.append(field)
    return {
        "action": change.action,
        "action_display": change.get_action_display(),
        "kind": logged_change_kind(change),
        "record": change.record_key,
        "fields": fields,
    }
