"""The staff's admin: every record of the registry, with useful lists, filters and search."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple, get_select2_language
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from registry import admin_auth  # noqa: F401  (users and groups, in the page's language)
from registry.admin_actions import AGREEMENT_ACTIONS, THEME_ACTIONS, BulkActionsMixin
from registry.admin_dashboard import FactsListFilter
from registry.admin_history import HistoryAdmin, VersionForm, historical_record
from registry.admin_imports import (
    ImportPreviewAdminMixin,
    describe_logged_change,
    logged_change_kind,
    logged_change_labels,
)
from registry.admin_texts import ThemeTextsMixin
from registry.annex.renderer import RENDERERS
from registry.columns import Names
from registry.filters import DEFENCE_WIDE as DEFENCE_WIDE_CODE
from registry.filters import themes_with_command
from registry.models import (
    Agreement,
    Command,
    Edition,
    ImportChange,
    ImportRun,
    Partner,
    Section,
    Theme,
    ThemeCommand,
)
from registry.services.editions import compare_editions
from registry.services.history import SEPARATOR as COMMAND_SEPARATOR
from registry.services.render import edition_document
from registry.services.themes import (
    check_theme_version,
    theme_set_commands,
    theme_snapshot_token,
    themes_raise_version,
)

admin.site.site_header = _("Defence cooperation registry")
admin.site.site_title = _("Defence cooperation registry")
admin.site.index_title = _("Registry management")

DEFENCE_WIDE = _("defence-wide")
RUN_PAGE_CHANGES = 200
DOCUMENT_FORMATS = {"txt": _("text"), "md": "Markdown", "html": "HTML", "docx": "Word"}
DOCUMENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def admin_link(record):
    meta = record._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    return format_html('<a href="{}">{}</a>', url, record)


def link_list(records):
    return format_html_join(", ", "{}", ((admin_link(record),) for record in records)) or "–"


class CommandListFilter(admin.SimpleListFilter):
    """Themes by command, with "defence-wide" for themes that name no command."""

    title = _("command")
    parameter_name = "command"

    def lookups(self, request, model_admin):
        return [
            (DEFENCE_WIDE_CODE, DEFENCE_WIDE),
            *((command.code, command.code) for command in Command.objects.all()),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return themes_with_command(queryset, self.value())
        return queryset


class YearListFilter(admin.SimpleListFilter):
    """Agreements by the year they were signed, as far as the source gives a date."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date_signed", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(date_signed__year=self.value())
        return queryset


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Shows the selected records in the order of the value, so an order can be edited."""

    # Django takes select2's language when the widget is made, which for a form's own field
    # is once, at import: the language of each page instead.
    i18n_name = property(lambda self: get_select2_language(), lambda self, value: None)

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = {str(item): index for index, item in enumerate(value)}
        for _group, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        return groups


class ThemeForm(VersionForm):
    commands_in_order = forms.ModelMultipleChoiceField(
        label=_("Commands"),
        queryset=Command.objects.all(),
        required=False,
        widget=OrderedAutocompleteSelectMultiple(Theme._meta.get_field("commands"), admin.site),
        help_text=_("In the order of the annex. No command means the theme is defence-wide."),
    )

    class Meta:
        model = Theme
        fields = [
            "section",
            "title",
            "slug",
            "position",
            "description",
            "title_en",
            "description_en",
            "status",
            "dutch_role",
            "framework",
            "target_year",
            "partners",
            "is_archived",
            "is_internal",
        ]

    opened_version = forms.IntegerField(
        label=_("version opened"), widget=forms.HiddenInput, required=False
    )
    opened_values = forms.CharField(
        label=_("values opened"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["commands_in_order"] = [c.pk for c in self.opened_commands()]
            # From the database, not the instance: reverting shows an older version on purpose.
            stored = Theme.objects.get(pk=self.instance.pk)
            self.initial["opened_version"] = stored.version
            self.initial["opened_values"] = theme_snapshot_token(stored)

    def opened_commands(self):
        """The theme's commands in order; for a version being restored, that version's."""
        record = historical_record(self.instance)
        if record is None:
            return self.instance.ordered_commands()
        codes = [code for code in record.command_codes.split(COMMAND_SEPARATOR) if code]
        by_code = Command.objects.in_bulk(codes, field_name="code")
        return [by_code[code] for code in codes if code in by_code]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            check_theme_version(
                self.instance, cleaned.get("opened_version"), cleaned.get("opened_values") or ""
            )
        return cleaned

    def clean_commands_in_order(self):
        """Keep the order in which the commands were submitted."""
        chosen = {str(c.pk): c for c in self.cleaned_data["commands_in_order"]}
        submitted = self.data.getlist(self.add_prefix("commands_in_order"))
        return [chosen[pk] for pk in dict.fromkeys(submitted) if pk in chosen]


class DefiniteArticle:
    """Messages about a record with the article of its kind: "Het thema “Cyber” is gewijzigd".

    Django's Dutch catalogue writes "De {name} …" for every kind of record; for a kind whose
    name takes another article, ``definite_name`` says it ("the theme": "het thema").
    """

    definite_name = None

    def message_user(self, request, message, *args, **kwargs):
        if self.definite_name is not None:
            usual = capfirst(pgettext("definite article", "the %s") % self.opts.verbose_name)
            own = capfirst(self.definite_name)
            if usual != own and str(message).startswith(f"{usual} "):
                text = own + str(message)[len(usual) :]
                message = mark_safe(text) if isinstance(message, SafeData) else text
        super().message_user(request, message, *args, **kwargs)


@admin.register(Theme)
class ThemeAdmin(
    DefiniteArticle, BulkActionsMixin, ThemeTextsMixin, ImportPreviewAdminMixin, HistoryAdmin
):
    definite_name = pgettext_lazy("definite article", "the theme")
    import_kind = "themes"
    actions = THEME_ACTIONS
    list_display = [
        "title",
        "section_link",
        "commands_display",
        "partners_display",
        "status",
        "dutch_role",
        "target_year",
    ]
    list_display_links = ["title"]
    list_filter = [
        "section",
        CommandListFilter,
        ("partners", admin.RelatedOnlyFieldListFilter),
        "status",
        "dutch_role",
        "framework",
        "editions__year",
        "target_year",
        "is_archived",
        "is_internal",
        FactsListFilter,
    ]
    search_fields = [
        "title",
        "description",
        "title_en",
        "description_en",
        "section__heading",
        "section__key",
    ]
    ordering = ["section__position", "position"]
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = ["section", "partners"]
    prepopulated_fields = {"slug": ["title"]}
    form = ThemeForm
    readonly_fields = ["agreement_links", "edition_list", "printed_paragraph"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "section",
                    "title",
                    "slug",
                    "position",
                    ("description", "printed_paragraph"),
                    "opened_version",
                    "opened_values",
                ]
            },
        ),
        (_("In English"), {"fields": ["title_en", "description_en"]}),
        (_("Commands"), {"fields": ["commands_in_order"]}),
        (_("Facts"), {"fields": ["status", "dutch_role", "framework", "target_year"]}),
        (
            _("Partners and editions"),
            {"fields": ["partners", "edition_list", "is_archived", "is_internal"]},
        ),
        (_("Agreements"), {"fields": ["agreement_links"]}),
    ]

    def may_archive(self, request):
        """Archiving belongs to the annual update: only importers change it (README, Roles)."""
        return request.user.has_perm("registry.import_records")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.may_archive(request):
            return readonly
        return [*readonly, "is_archived"]  # left out of the form, so a posted value is ignored

    def get_fieldsets(self, request, obj=None):
        """Without the version fields for those who only read: they have nothing to save."""
        if obj is None or self.has_change_permission(request, obj):
            return self.fieldsets
        hidden = {"opened_version", "opened_values"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in self.fieldsets
        ]

    @admin.display(description=_("Commands"))
    def commands_in_order(self, theme):
        """The commands as those who only read see them (editors get the form's field)."""
        return self.commands_display(theme)

    def save_model(self, request, obj, form, change):
        if change:
            # The form's check locked the row and took its version; this save raises it.
            themes_raise_version([obj])
            if not self.may_archive(request):
                # A revert starts from an older version: its archived flag is not restored.
                obj.is_archived = Theme.objects.values_list("is_archived", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)

    def save_links(self, request, form, change):
        theme_set_commands(theme=form.instance, commands=form.cleaned_data["commands_in_order"])

    @admin.display(description=_("editions"))
    def edition_list(self, theme):
        if theme.pk is None:
            return "–"
        return ", ".join(str(edition.year) for edition in theme.editions.all()) or "–"

    @admin.display(description=_("agreements"))
    def agreement_links(self, theme):
        if theme.pk is None:
            return "–"
        return link_list(theme.agreements.all())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related(
                Prefetch("theme_commands", ThemeCommand.objects.select_related("command")),
                Prefetch("partners", Partner.objects.only("code", "name_nl")),
            )
        )

    @admin.display(description=_("section"), ordering="section__position")
    def section_link(self, theme):
        return theme.section.key

    @admin.display(description=_("commands"))
    def commands_display(self, theme):
        commands = theme.ordered_commands()
        if not commands:
            return format_html("<em>{}</em>", DEFENCE_WIDE)
        return ", ".join(command.code for command in commands)

    @admin.display(description=_("partners"))
    def partners_display(self, theme):
        return ", ".join(sorted(partner.code for partner in theme.partners.all())) or "–"


@admin.register(Agreement)
class AgreementAdmin(ImportPreviewAdminMixin, HistoryAdmin):
    import_kind = "agreements"
    actions = AGREEMENT_ACTIONS
    list_display = ["title", "kind", "date_column", "status", "parties_display", "theme_links"]
    list_filter = [
        "kind",
        "status",
        "date_precision",
        YearListFilter,
        ("parties", admin.RelatedOnlyFieldListFilter),
        "is_internal",
    ]
    search_fields = ["title", "slug", "description"]
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = ["parties", "themes"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "kind",
        "status",
        ("date_signed", "date_precision"),
        "parties",
        "themes",
        "description",
        "is_internal",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("parties", Partner.objects.only("code", "name_nl")),
                Prefetch("themes", Theme.objects.select_related("section")),
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "themes":
            kwargs["queryset"] = Theme.objects.select_related("section")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Undated agreements last when sorted by date, on SQLite as on PostgreSQL (reversed: first).
    @admin.display(description=_("date"), ordering=F("date_signed").asc(nulls_last=True))
    def date_column(self, agreement):
        return agreement.date_display or _("unknown")

    @admin.display(description=_("parties"))
    def parties_display(self, agreement):
        return ", ".join(sorted(partner.code for partner in agreement.parties.all())) or "–"

    @admin.display(description=_("themes"))
    def theme_links(self, agreement):
        return link_list(agreement.themes.all())


class CountedAdmin(admin.ModelAdmin):
    """Shows how many themes a record has, counted in the list's own query."""

    count_field = "themes"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(theme_count=Count(self.count_field))

    @admin.display(description=_("themes"), ordering="theme_count")
    def theme_count(self, record):
        return record.theme_count


@admin.register(Partner)
class PartnerAdmin(ImportPreviewAdminMixin, CountedAdmin, HistoryAdmin):
    import_kind = "partners"
    list_display = ["code", "name_nl", "name_en", "kind", "theme_count"]
    list_filter = ["kind"]
    search_fields = ["code", "name_nl", "name_en"]
    ordering = ["kind", "name_nl"]
    readonly_fields = ["theme_links", "agreement_links"]

    @admin.display(description=_("themes"))
    def theme_links(self, partner):
        return link_list(partner.themes.select_related("section"))

    @admin.display(description=_("agreements"))
    def agreement_links(self, partner):
        return link_list(partner.agreements.all())


@admin.register(Command)
class CommandAdmin(DefiniteArticle, ImportPreviewAdminMixin, CountedAdmin, HistoryAdmin):
    definite_name = pgettext_lazy("definite article", "the command")
    import_kind = "commands"
    list_display = ["code", "name_nl", "name_en", "kind", "parent", "theme_count"]
    list_select_related = ["parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_nl", "name_en"]
    ordering = ["position", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Section)
class SectionAdmin(ImportPreviewAdminMixin, CountedAdmin, HistoryAdmin):
    import_kind = "sections"
    list_display = ["position", "heading", "key", "theme_count"]
    list_display_links = ["heading"]
    search_fields = ["heading", "heading_en", "key"]
    ordering = ["position"]
    autocomplete_fields = ["partners"]
    readonly_fields = ["theme_links"]

    @admin.display(description=_("themes"))
    def theme_links(self, section):
        return link_list(section.themes.all())


@admin.register(Edition)
class EditionAdmin(CountedAdmin):
    list_display = ["year", "title", "theme_count"]
    search_fields = ["title"]
    ordering = ["-year"]
    readonly_fields = ["comparisons", "documents"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/compare/<int:other>/",
                self.admin_site.admin_view(self.compare_view),
                name="registry_edition_compare",
            ),
            path(
                "<int:pk>/render/<str:file_format>/",
                self.admin_site.admin_view(self.render_view),
                name="registry_edition_render",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("compare with"))
    def comparisons(self, edition):
        if edition.pk is None:
            return "–"
        others = Edition.objects.exclude(pk=edition.pk).order_by("-year")
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:registry_edition_compare", args=[other.pk, edition.pk]), other)
                    for other in others
                ),
            )
            or "–"
        )

    @admin.display(description=_("the annex as a document"))
    def documents(self, edition):
        if edition.pk is None:
            return "–"
        return format_html_join(
            " · ",
            '<a href="{}" download>{}</a>',
            (
                (reverse("admin:registry_edition_render", args=[edition.pk, fmt]), label)
                for fmt, label in DOCUMENT_FORMATS.items()
            ),
        )

    def render_view(self, request, pk, file_format):
        if not self.has_view_permission(request) or file_format not in DOCUMENT_FORMATS:
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=pk)
        content = RENDERERS[file_format](
            edition_document(edition, with_changes=request.GET.get("changes") == "1")
        )
        response = HttpResponse(content, content_type=DOCUMENT_TYPES[file_format])
        response["Content-Disposition"] = (
            f'attachment; filename="bijlage-2-{edition.year}.{file_format}"'
        )
        return response

    def compare_view(self, request, pk, other):
        if not self.has_view_permission(request):
            raise PermissionDenied
        older, newer = get_object_or_404(Edition, pk=pk), get_object_or_404(Edition, pk=other)
        if older.year > newer.year:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("What changed from %(old)s to %(new)s")
            % {"old": older.year, "new": newer.year},
            "comparison": compare_editions(older, newer),
            "older": older,
            "newer": newer,
        }
        return TemplateResponse(request, "admin/registry/edition_compare.html", context)


class LogAdmin(admin.ModelAdmin):
    """A log that the admin shows and never changes: imports are recorded by the service."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(LogAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "user",
        "edition",
        "created",
        "updated",
        "unchanged",
        "missing",
        "archived",
    ]
    list_filter = ["kind", "edition", "started_at"]
    list_select_related = ["user", "edition"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "kind",
        "user",
        "started_at",
        "file_name",
        "sha256",
        "file_format",
        "edition",
        "created",
        "updated",
        "unchanged",
        "missing",
        "archived",
        "change_table",
    ]
    fields = readonly_fields

    @admin.display(description=_("changes"))
    def change_table(self, run):
        names = Names()
        changes = run.changes.all()[:RUN_PAGE_CHANGES]
        return render_to_string(
            "admin/registry/run_changes.html",
            {
                "changes": [describe_logged_change(change, names) for change in changes],
                "total": run.changes.count(),
                "all_url": reverse("admin:registry_importchange_changelist")
                + f"?run__id__exact={run.pk}",
            },
        )


@admin.register(ImportChange)
class ImportChangeAdmin(LogAdmin):
    list_display = ["record_key", "action", "kind_of_record", "run", "change_summary"]
    list_filter = ["action", "model", "run"]
    list_select_related = ["run"]
    search_fields = ["record_key"]
    show_full_result_count = False
    readonly_fields = ["run", "kind_of_record", "record_key", "action", "change_table"]
    fields = readonly_fields

    @admin.display(description=_("kind of record"), ordering="model")
    def kind_of_record(self, change):
        return logged_change_kind(change)

    @admin.display(description=_("changes"))
    def change_summary(self, change):
        """The fields it changed, by their names for people."""
        return ", ".join(str(label) for label in logged_change_labels(change)) or "–"

    @admin.display(description=_("changes"))
    def change_table(self, change):
        return render_to_string(
            "admin/registry/run_changes.html",
            {"changes": [describe_logged_change(change, Names())], "total": 1},
        )
