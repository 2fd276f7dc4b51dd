"""The columns of every import and export, one resource per kind of record.

A resource is the one place where a column is defined: its name, what it holds, whether it is
required and how it is written. The admin's exports, the import service, the template
downloads and the column documentation in the README all read it from here. Records are
identified by natural keys (codes, keys, section + title), never by database ids.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from registry.choices import (
    AgreementKind,
    AgreementStatus,
    CommandKind,
    DutchRole,
    Framework,
    PartnerKind,
    ThemeStatus,
)
from registry.columns import (
    BoolKind,
    ChoiceKind,
    DateKind,
    DayKind,
    EditionsKind,
    IntKind,
    KeyKind,
    KeysKind,
    OrderedKeysKind,
    TextKind,
    ThemeKind,
    ThemesKind,
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


class Column(fields.Field):
    """A column of an import or export file: its name, its kind of value, what it means.

    The kind (``registry/columns.py``) reads, compares, writes and shows the
    column's values; an export writes ``kind.render(kind.current(record))``, which is exactly
    what an import of the same cell compares with, so an export imports back unchanged.
    """

    def __init__(
        self,
        column_name,
        kind,
        help_text,
        *,
        attribute=None,
        required=False,
        key=False,
        label=None,
    ):
        super().__init__(attribute=attribute or column_name, column_name=column_name, widget=kind)
        kind.bind(column_name, self.attribute)
        self.kind = kind
        self.required = required or key
        self.key = key
        self.help_text = help_text
        self._label = label

    def get_value(self, instance):
        return self.kind.current(instance)

    @property
    def example(self):
        """How a value in this column is written, for the documentation."""
        return self.kind.example

    def label(self, model):
        """The column's name for people, in the interface language: the field's own name."""
        if self._label is not None:
            return self._label
        return model._meta.get_field(self.attribute).verbose_name

    # The kind decides; these read better where a column is used.

    def current(self, record):
        return self.kind.current(record)

    def render(self, value):
        return self.kind.render(value)

    def human(self, text, names):
        return self.kind.human(text, names)


def text(name, help_text, **options):
    return Column(name, TextKind(), help_text, **options)


def integer(name, help_text, **options):
    return Column(name, IntKind(), help_text, **options)


def flag(name, help_text, **options):
    return Column(name, BoolKind(), help_text, **options)


def choice(name, choices, help_text, *, default="", **options):
    return Column(name, ChoiceKind(choices, default), help_text, **options)


def key(name, related, help_text, related_field="code", **options):
    return Column(name, KeyKind(related, related_field), help_text, **options)


def keys(name, related, help_text, related_field="code", **options):
    return Column(name, KeysKind(related, related_field), help_text, **options)


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
    def column_names(cls):
        return [column.column_name for column in cls.columns()]

    @classmethod
    def column(cls, name):
        if "_by_name" not in cls.__dict__:
            cls._by_name = {column.column_name: column for column in cls.columns()}
        return cls._by_name[name]

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
    heading_en = text(
        "heading_en", _("The heading in English; empty: the English pages show the Dutch one.")
    )
    introduction_en = text(
        "introduction_en",
        _("The opening paragraphs in English; empty: the English pages show the Dutch ones."),
    )
    partners = keys("partners", Partner, _("Partner codes the section concerns."))

    class Meta:
        model = Section
        fields = [
            "key",
            "position",
            "heading",
            "introduction",
            "heading_en",
            "introduction_en",
            "partners",
        ]
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
    title_en = text(
        "title_en", _("The title in English; empty: the English pages show the Dutch one.")
    )
    description_en = text(
        "description_en",
        _("The text in English; empty: the English pages show the Dutch text, marked as Dutch."),
    )
    commands = Column(
        "commands",
        OrderedKeysKind(Command),
        _("Command codes in the annex's order; empty means defence-wide."),
        label=_("commands"),
    )
    partners = keys("partners", Partner, _("Codes of all partners the theme names."))
    status = choice(
        "status", ThemeStatus, _("Status of the cooperation."), default=ThemeStatus.ONGOING
    )
    dutch_role = choice("dutch_role", DutchRole, _("The Dutch role; empty when not stated."))
    framework = choice("framework", Framework, _("The framework; empty when none applies."))
    target_year = integer("target_year", _("Target year (streefdatum), when stated."))
    editions = Column(
        "editions",
        EditionsKind(Edition, "year"),
        _("Annex editions (years) the theme appears in."),
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
            "title_en",
            "description_en",
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


class AgreementResource(RegistryResource):
    kind = ImportRun.Kind.AGREEMENTS
    slug = text("slug", _("A short readable key, e.g. mou-smart-2015."), key=True)
    agreement_kind = choice(
        "kind", AgreementKind, _("Kind of agreement."), attribute="kind", required=True
    )
    title = text("title", _("Title of the agreement."), required=True)
    date = Column(
        "date",
        DateKind(),
        _("Date at the precision the source gives; empty when unknown."),
        label=_("date"),
    )
    status = choice(
        "status", AgreementStatus, _("Signed, drawn up or in preparation."), required=True
    )
    parties = keys("parties", Partner, _("Partner codes of the other parties."))
    themes = Column("themes", ThemesKind(), _("The themes it concerns, as section:title."))
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


class EditionResource(RegistryResource):
    kind = ImportRun.Kind.EDITIONS
    year = integer("year", _("The year of the edition."), key=True)
    title = text("title", _("The annex's title."), required=True)
    introduction = text("introduction", _("The annex's opening paragraphs."))
    dossier_number = text(
        "dossier_number", _("The Kamerstuk dossier the annex was sent in: 33 279.")
    )
    document_number = text("document_number", _("The document's number in that dossier: 19."))
    document_date = Column(
        "document_date", DayKind(), _("The date of the document, as 2016-11-29.")
    )
    appendix = text("appendix", _("The annex's label in the document: Bijlage 2."))
    source_url = text("source_url", _("The document's address on zoek.officielebekendmakingen.nl."))

    class Meta:
        model = Edition
        fields = [
            "year",
            "title",
            "introduction",
            "dossier_number",
            "document_number",
            "document_date",
            "appendix",
            "source_url",
        ]
        export_order = fields

    def get_queryset(self):
        return Edition.objects.order_by("year")


class ThemeTextResource(RegistryResource):
    """The text each edition gave a theme, so that editions can be compared."""

    kind = ImportRun.Kind.THEME_TEXTS
    theme = Column("theme", ThemeKind(), _("The theme, as section:title."), key=True)
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
