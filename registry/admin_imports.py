"""Import and export in the admin: upload, preview (a dry run), confirm; exports and templates.

The views call the same services as the management commands. Nothing is written before the
user confirms; the confirm step plans the stored file again and writes it all or nothing.
"""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst, get_valid_filename
from django.utils.translation import gettext as _

from registry.resources import RESOURCES
from registry.services.registry_import import confirm_import, prepare_import
from registry.services.uploads import sha256
from registry.tabular import (
    CONTENT_TYPES,
    MAX_UPLOAD_BYTES,
    TableError,
    check_upload_size,
    export_bytes,
)

EXPORT_FORMATS = CONTENT_TYPES
PREVIEW_PAGE_SIZE = 100
TOKEN_SALT = "registry.import"
TOKEN_MAX_AGE = 24 * 60 * 60


def _number(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return "invalid"


class ImportExportMixin:
    """Adds import (with preview), export, a template download and a column list."""

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
        dataset = self.resource_class().export(queryset)
        return self._download(dataset, file_format, self.import_kind)

    def template_view(self, request, file_format):
        if not self.has_view_permission(request) or file_format not in EXPORT_FORMATS:
            raise PermissionDenied
        dataset = self.resource_class().export(self.resource_class().get_queryset().none())
        return self._download(dataset, file_format, f"{self.import_kind}-template")

    def _download(self, dataset, file_format, name):
        response = HttpResponse(
            export_bytes(dataset, file_format), content_type=EXPORT_FORMATS[file_format]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response

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
        }
        options["path"] = self._store(data, options)
        return self._preview(request, data, options)

    def _store(self, data, options):
        """Keep the upload until it is confirmed: in media storage, named by its checksum."""
        name = f"imports/{options['sha256']}/{get_valid_filename(options['name'])[:100]}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        return name

    def _load(self, token):
        try:
            options = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            raise PermissionDenied from None
        with default_storage.open(options["path"], "rb") as stored:
            data = stored.read()
        if sha256(data) != options["sha256"]:
            raise PermissionDenied
        return data, options

    def _prepare(self, data, options):
        return prepare_import(
            kind=self.import_kind,
            data=data,
            file_name=options["name"],
            edition=options["edition"],
            archive_missing=options["archive"],
        )

    def _preview_from_token(self, request, token):
        data, options = self._load(token)
        return self._preview(request, data, options, token=token)

    def _preview(self, request, data, options, token=None):
        prepared = self._prepare(data, options)
        token = token or signing.dumps(options, salt=TOKEN_SALT)
        main = prepared.main
        changes = [row for plan in prepared.plans for row in plan.created + plan.updated]
        page = Paginator(changes, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
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
                "page_rows": [self._describe(plan_row) for plan_row in page.object_list],
                "counts": {
                    "created": len(main.created),
                    "updated": len(main.updated),
                    "unchanged": len(main.unchanged),
                    "missing": len(main.missing),
                },
                "other_plans": [
                    (plan.resource.Meta.model._meta.verbose_name_plural, len(plan.created))
                    for plan in prepared.plans[:-1]
                    if plan.created
                ],
                "missing": [" / ".join(map(str, key)) for key in main.missing_keys()[:500]],
            }
        )
        status = 400 if prepared.errors else 200
        return TemplateResponse(request, "admin/registry/import.html", context, status=status)

    @staticmethod
    def _describe(row):
        return {
            "row": row.row,
            "label": row.label,
            "action": row.action,
            "changes": sorted(row.changes.items()),
        }

    def _confirm(self, request):
        data, options = self._load(request.POST.get("token", ""))
        prepared = self._prepare(data, options)
        if prepared.errors:
            messages.error(request, _("The file has errors; nothing was changed."))
            return self._preview(request, data, options, token=request.POST.get("token"))
        run = confirm_import(prepared, user=request.user)
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

    def _context(self, request):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": capfirst(_("Import %(kind)s") % {"kind": self.opts.verbose_name_plural}),
            "registry_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}",
        }
