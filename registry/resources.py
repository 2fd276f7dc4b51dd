"""The columns of every import and export, one resource per kind of record.

A resource is the one place where a column is defined: its name, what it holds, whether it is
required and how it is written. The admin's exports, the import service, the template
downloads and the column documentation in the README all read it from here. Records are
identified by natural keys (codes, keys, section + title), never by database ids.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from registry.choices import (
    AgreementKind,
    AgreementStatus,
    CommandKind,
    DutchRole,
    Framework,
    PartnerKind,
    ThemeStatus,
)
from registry.models import (
    Agreement,
    Command,
    Edition,
    ImportRun,
    Partner,
    Section,
    Theme,
    ThemeCommand,
    ThemeEdition,
)

SEPARATOR = "|"
# How a date is written at each precision: the form of a date cell is its precision.
PRECISION_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
THEME_REFERENCE = "{section}:{title}"


class Column(fields.Field):
    """A column of an import or export file.

    ``kind`` tells the import service how to read a cell: ``text``, ``int``, ``bool``,
    ``choice``, ``key`` (a related record by its natural key), ``keys`` (several, separated by
    ``|``), ``ordered_keys`` (several, in order), ``theme`` (a theme reference
    ``section:title``), ``themes`` (several) or ``date`` (``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``: the form is the precision).
    """

    def __init__(
        self,
        column_name,
        *,
        kind="text",
        attribute=None,
        required=False,
        key=False,
        help_text="",
        choices=None,
        related=None,
        related_field="code",
        widget=None,
        dehydrate_method=None,
    ):
        super().__init__(
            attribute=attribute or column_name,
            column_name=column_name,
            widget=widget or widgets.Widget(),
            dehydrate_method=dehydrate_method,
        )
        self.kind = kind
        self.required = required or key
        self.key = key
        self.help_text = help_text
        self.choices = choices
        self.related = related
        self.related_field = related_field

    @property
    def example(self):
        """How a value in this column is written, for the documentation."""
        if self.choices is not None:
            return ", ".join(str(value) for value in self.choices.values)
        if self.kind in {"key", "keys"}:
            separated = _(" (several separated by |)") if self.kind == "keys" else ""
            return f"{self.related._meta.verbose_name}: {self.related_field}{separated}"
        return EXAMPLES.get(self.kind, _("text"))


EXAMPLES = {
    "int": _("a whole number"),
    "bool": "ja / nee",
    "ordered_keys": "CZSK|CLAS",
    "theme": "deu:Cyber",
    "themes": "deu:Medegebruik JSS|deu:Cyber",
    "date": "2016-02-04, 2016-06, 2016",
}


class TextWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BoolWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "ja" if value else "nee"


class KeyWidget(widgets.Widget):
    def __init__(self, field, **kwargs):
        self.field = field
        super().__init__(**kwargs)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class KeysWidget(KeyWidget):
    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(sorted(str(getattr(item, self.field)) for item in value.all()))


def text(name, help_text, **options):
    return Column(name, kind="text", widget=TextWidget(), help_text=help_text, **options)


def integer(name, help_text, **options):
    return Column(name, kind="int", widget=IntWidget(), help_text=help_text, **options)


def flag(name, help_text, **options):
    return Column(name, kind="bool", widget=BoolWidget(), help_text=help_text, **options)


def choice(name, choices, help_text, **options):
    return Column(
        name, kind="choice", choices=choices, widget=TextWidget(), help_text=help_text, **options
    )


def key(name, related, help_text, related_field="code", **options):
    return Column(
        name,
        kind="key",
        related=related,
        related_field=related_field,
        widget=KeyWidget(related_field),
        help_text=help_text,
        **options,
    )


def keys(name, related, help_text, related_field="code", **options):
    return Column(
        name,
        kind="keys",
        related=related,
        related_field=related_field,
        widget=KeysWidget(related_field),
        help_text=help_text,
        **options,
    )


class RegistryResource(resources.ModelResource):
    """A resource whose columns are all declared; ``kind`` names it in URLs and commands."""

    kind = ""

    def iter_queryset(self, queryset):
        # django-import-export pages through a prefetching queryset with OFFSET, which re-runs
        # the filter for every hundred rows; a chunked iterator prefetches per chunk instead.
        if getattr(queryset, "_prefetch_related_lookups", None):
            yield from queryset.iterator(chunk_size=2000)
        else:
            yield from super().iter_queryset(queryset)

    @classmethod
    def columns(cls):
        # Asked for every row of an import: worked out once per resource class.
        if "_columns" not in cls.__dict__:
            cls._columns = [f for f in cls().get_export_fields() if isinstance(f, Column)]
        return cls._columns

    @classmethod
    def key_columns(cls):
        return [column for column in cls.columns() if column.key]


class CommandResource(RegistryResource):
    kind = ImportRun.Kind.COMMANDS
    code = text("code", _("The command's code, e.g. CZSK."), key=True)
    name_nl = text("name_nl", _("Dutch name."), required=True)
    name_en = text("name_en", _("English name."), required=True)
    command_kind = choice(
        "kind",
        CommandKind,
        _("Operational command or defence organisation part."),
        attribute="kind",
        required=True,
    )
    parent = key("parent", Command, _("The command it is part of (DGO: CDC)."))
    position = integer("position", _("Order in lists."))

    class Meta:
        model = Command
        fields = ["code", "name_nl", "name_en", "command_kind", "parent", "position"]
        export_order = fields

    def get_queryset(self):
        return Command.objects.select_related("parent").order_by("position", "code")


class PartnerResource(RegistryResource):
    kind = ImportRun.Kind.PARTNERS
    code = text(
        "code",
        _("ISO 3166-1 alpha-3 code for a country (DEU), the acronym for an organisation."),
        key=True,
    )
    partner_kind = choice(
        "kind", PartnerKind, _("Country or organisation."), attribute="kind", required=True
    )
    name_nl = text("name_nl", _("Dutch name."), required=True)
    name_en = text("name_en", _("English name."), required=True)

    class Meta:
        model = Partner
        fields = ["code", "partner_kind", "name_nl", "name_en"]
        export_order = fields

    def get_queryset(self):
        return Partner.objects.order_by("code")


class SectionResource(RegistryResource):
    kind = ImportRun.Kind.SECTIONS
    key = text("key", _("A short readable key, e.g. benelux, deu, nato."), key=True)
    position = integer("position", _("Place in the annex (1 is first)."), required=True)
    heading = text("heading", _("The heading as in the annex."), required=True)
    introduction = text("introduction", _("The section's opening paragraphs."))
    partners = keys("partners", Partner, _("Partner codes the section concerns."))

    class Meta:
        model = Section
        fields = ["key", "position", "heading", "introduction", "partners"]
        export_order = fields

    def get_queryset(self):
        return Section.objects.prefetch_related("partners").order_by("position")


class ThemeResource(RegistryResource):
    kind = ImportRun.Kind.THEMES
    section = key(
        "section", Section, _("The section's key, e.g. deu."), related_field="key", key=True
    )
    title = text("title", _("The theme's title as in the annex."), key=True)
    slug = text("slug", _("Readable name in URLs; made from the title when empty."))
    position = integer("position", _("Place within the section."))
    description = text("description", _("The annex's text of the theme."), required=True)
    commands = Column(
        "commands",
        kind="ordered_keys",
        related=Command,
        widget=TextWidget(),
        dehydrate_method="dehydrate_commands",
        help_text=_("Command codes in the annex's order; empty means defence-wide."),
    )
    partners = keys("partners", Partner, _("Codes of all partners the theme names."))
    status = choice("status", ThemeStatus, _("Status of the cooperation."))
    dutch_role = choice("dutch_role", DutchRole, _("The Dutch role; empty when not stated."))
    framework = choice("framework", Framework, _("The framework; empty when none applies."))
    target_year = integer("target_year", _("Target year (streefdatum), when stated."))
    editions = keys(
        "editions",
        Edition,
        _("Annex editions (years) the theme appears in."),
        related_field="year",
    )
    is_archived = flag("is_archived", _("ja when the theme is no longer in the latest edition."))
    is_internal = flag("is_internal", _("ja when the record must not be published."))

    class Meta:
        model = Theme
        fields = [
            "section",
            "title",
            "slug",
            "position",
            "description",
            "commands",
            "partners",
            "status",
            "dutch_role",
            "framework",
            "target_year",
            "editions",
            "is_archived",
            "is_internal",
        ]
        export_order = fields

    def get_queryset(self):
        return (
            Theme.objects.select_related("section")
            .prefetch_related(
                Prefetch("theme_commands", ThemeCommand.objects.select_related("command")),
                "partners",
                "editions",
            )
            .order_by("section__position", "position", "title")
        )

    def dehydrate_commands(self, theme):
        return SEPARATOR.join(command.code for command in theme.ordered_commands())


class AgreementResource(RegistryResource):
    kind = ImportRun.Kind.AGREEMENTS
    slug = text("slug", _("A short readable key, e.g. mou-smart-2015."), key=True)
    agreement_kind = choice(
        "kind", AgreementKind, _("Kind of agreement."), attribute="kind", required=True
    )
    title = text("title", _("Title of the agreement."), required=True)
    date = Column(
        "date",
        kind="date",
        widget=TextWidget(),
        dehydrate_method="dehydrate_date",
        help_text=_("Date at the precision the source gives; empty when unknown."),
    )
    status = choice(
        "status", AgreementStatus, _("Signed, drawn up or in preparation."), required=True
    )
    parties = keys("parties", Partner, _("Partner codes of the other parties."))
    themes = Column(
        "themes",
        kind="themes",
        related=Theme,
        widget=TextWidget(),
        dehydrate_method="dehydrate_themes",
        help_text=_("The themes it concerns, as section:title."),
    )
    description = text("description", _("What the source says about it."))
    is_internal = flag("is_internal", _("ja when the record must not be published."))

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "agreement_kind",
            "title",
            "date",
            "status",
            "parties",
            "themes",
            "description",
            "is_internal",
        ]
        export_order = fields

    def get_queryset(self):
        return Agreement.objects.prefetch_related(
            "parties", Prefetch("themes", Theme.objects.select_related("section"))
        ).order_by("slug")

    def dehydrate_date(self, agreement):
        if agreement.date_signed is None or agreement.date_precision not in PRECISION_FORMATS:
            return ""
        return agreement.date_signed.strftime(PRECISION_FORMATS[agreement.date_precision])

    def dehydrate_themes(self, agreement):
        return SEPARATOR.join(
            sorted(
                theme_reference(theme.section.key, theme.title) for theme in agreement.themes.all()
            )
        )


class EditionResource(RegistryResource):
    kind = ImportRun.Kind.EDITIONS
    year = integer("year", _("The year of the edition."), key=True)
    title = text("title", _("The annex's title."), required=True)
    introduction = text("introduction", _("The annex's opening paragraphs."))

    class Meta:
        model = Edition
        fields = ["year", "title", "introduction"]
        export_order = fields

    def get_queryset(self):
        return Edition.objects.order_by("year")


class ThemeTextResource(RegistryResource):
    """The text each edition gave a theme, so that editions can be compared."""

    kind = ImportRun.Kind.THEME_TEXTS
    theme = Column(
        "theme",
        kind="theme",
        related=Theme,
        widget=TextWidget(),
        dehydrate_method="dehydrate_theme",
        key=True,
        help_text=_("The theme, as section:title."),
    )
    edition = key("edition", Edition, _("The edition's year."), related_field="year", key=True)
    title = text("title", _("The theme's title in that edition."), required=True)
    description = text("description", _("The theme's text in that edition."), required=True)
    commands = text("commands", _("Command codes in that edition, as CZSK|CLAS."))
    paragraph = text("paragraph", _("The paragraph as that edition printed it, if known."))

    class Meta:
        model = ThemeEdition
        fields = ["theme", "edition", "title", "description", "commands", "paragraph"]
        export_order = fields

    def get_queryset(self):
        return ThemeEdition.objects.select_related("theme__section", "edition").order_by(
            "edition__year", "theme__section__position", "theme__position", "theme__title"
        )

    def dehydrate_theme(self, link):
        return theme_reference(link.theme.section.key, link.theme.title)


def theme_reference(section_key, title):
    return THEME_REFERENCE.format(section=section_key, title=title)


# In the order a whole registry is imported: what a record refers to comes before it.
RESOURCES = {
    resource.kind: resource
    for resource in (
        CommandResource,
        PartnerResource,
        EditionResource,
        SectionResource,
        ThemeResource,
        ThemeTextResource,
        AgreementResource,
    )
}
