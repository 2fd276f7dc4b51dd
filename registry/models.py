"""The registry's records: what the annex holds, keyed by natural keys.

Every model has a natural key (a code, a slug, or section + title) enforced by a unique
constraint, so fixtures, imports and URLs never depend on database ids.
"""

from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import (
    AgreementKind,
    AgreementStatus,
    CommandKind,
    DatePrecision,
    DutchRole,
    Framework,
    PartnerKind,
    ThemeStatus,
)
from registry.validators import validate_document_text

iso_alpha3 = RegexValidator(
    r"^[A-Z]{3}$", _("A country code is an ISO 3166-1 alpha-3 code: three capital letters.")
)
year_range = [MinValueValidator(1945), MaxValueValidator(2100)]
# A date as people read it at its precision: "18 april 2012", "juni 2016", "2016".
DATE_DISPLAY_FORMATS = {
    DatePrecision.DAY: "j F Y",
    DatePrecision.MONTH: "F Y",
    DatePrecision.YEAR: "Y",
}


class PageText(NamedTuple):
    """A record's text for a page, and the language it is in when that is not the page's."""

    text: str
    lang: str = ""

    def __str__(self):
        return self.text

    @property
    def dutch_only(self):
        """Whether an English page shows this text in Dutch, for want of an English one."""
        return self.lang == "nl"


def in_page_language(dutch, english):
    """The text to show in the page's language: Dutch pages always show the Dutch text;
    English pages show the English text, or the Dutch one marked ``lang="nl"`` (WCAG 3.1.2)
    when there is none (or the Dutch one is empty as well)."""
    if get_language() != "en":
        return PageText(dutch)
    if english:
        return PageText(english)
    return PageText(dutch, "nl" if dutch else "")


class HistoryFromImport(models.Model):
    """What every historical record has besides the record: the import run that made it."""

    import_run = models.ForeignKey(
        "registry.ImportRun",
        verbose_name=_("import run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class ThemeHistory(HistoryFromImport):
    """A theme's commands, in order, as they were: they live in a table of their own."""

    command_codes = models.CharField(_("commands"), max_length=200, blank=True)

    class Meta:
        abstract = True


def history(**options):
    return HistoricalRecords(bases=[options.pop("base", HistoryFromImport)], **options)


class NaturalKeyManager(models.Manager):
    """Finds a record by the fields of its natural key (used by fixtures and imports)."""

    def __init__(self, *key_fields):
        super().__init__()
        self.key_fields = key_fields

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.key_fields, values, strict=True)))


class Command(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[validate_document_text]
    )
    name_nl = models.CharField(_("Dutch name"), max_length=200, validators=[validate_document_text])
    name_en = models.CharField(
        _("English name"), max_length=200, validators=[validate_document_text]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommandKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = NaturalKeyManager("code")
    history = history(
        verbose_name=_("version of a command"),
        verbose_name_plural=_("versions of commands"),
    )

    class Meta:
        verbose_name = _("command")
        verbose_name_plural = _("commands")
        ordering = ["position", "code"]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("registry:command_detail", args=[self.code])

    def natural_key(self):
        return (self.code,)

    @property
    def name(self):
        """The name in the page's language: English on English pages, Dutch otherwise."""
        return self.name_en if get_language() == "en" else self.name_nl

    def clean(self):
        if self.is_own_ancestor():
            raise ValidationError(
                {"parent": _("A command cannot be part of itself, nor of one of its own parts.")}
            )

    def is_own_ancestor(self):
        """Whether following the parents from this command comes back to it.

        Follows the parent objects as they are set, so an import can check the chain it is
        about to write (the parents it plans) before anything is saved.
        """
        seen = set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor is self or (self.pk is not None and ancestor.pk == self.pk):
                return True
            marker = ancestor.pk if ancestor.pk is not None else id(ancestor)
            if marker in seen:
                return False  # a loop higher up, without this command: not this one's fault
            seen.add(marker)
            ancestor = ancestor.parent
        return False


class Partner(models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("ISO 3166-1 alpha-3 code for a country, the acronym for an organisation."),
        validators=[validate_document_text],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    name_nl = models.CharField(_("Dutch name"), max_length=200, validators=[validate_document_text])
    name_en = models.CharField(
        _("English name"), max_length=200, validators=[validate_document_text]
    )

    objects = NaturalKeyManager("code")
    history = history(
        verbose_name=_("version of a partner"),
        verbose_name_plural=_("versions of partners"),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name_nl"]

    def __str__(self):
        return self.name_nl

    def get_absolute_url(self):
        return reverse("registry:partner_detail", args=[self.code])

    def natural_key(self):
        return (self.code,)

    @property
    def name(self):
        """The name in the page's language: English on English pages, Dutch otherwise."""
        return self.name_en if get_language() == "en" else self.name_nl

    def clean(self):
        if self.kind == PartnerKind.COUNTRY:
            try:
                iso_alpha3(self.code)
            except ValidationError as error:
                raise ValidationError({"code": error.messages}) from error


class Edition(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=year_range)
    title = models.CharField(_("title"), max_length=255, validators=[validate_document_text])
    introduction = models.TextField(
        _("introduction"), blank=True, validators=[validate_document_text]
    )
    # The parliamentary document the edition was sent with: "Kamerstuk 33 279, nr. 19".
    dossier_number = models.CharField(
        _("dossier number"),
        max_length=20,
        blank=True,
        help_text=_("The Kamerstuk dossier, as printed: 33 279."),
        validators=[validate_document_text],
    )
    document_number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        help_text=_("The number of the document in the dossier: 19."),
        validators=[validate_document_text],
    )
    document_date = models.DateField(
        _("date of the document"),
        null=True,
        blank=True,
        help_text=_("The date the document was sent to Parliament."),
    )
    appendix = models.CharField(
        _("appendix"),
        max_length=50,
        blank=True,
        help_text=_("The annex's label in the document, as printed: Bijlage 2."),
        validators=[validate_document_text],
    )
    source_url = models.URLField(
        _("official publication"),
        blank=True,
        help_text=_(
            "The document on officielebekendmakingen.nl, e.g. "
            "https://zoek.officielebekendmakingen.nl/kst-33279-19.html."
        ),
    )

    objects = NaturalKeyManager("year")

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return reverse("registry:edition_detail", args=[self.year])

    def natural_key(self):
        return (self.year,)

    @property
    def has_source(self):
        return bool(self.dossier_number and self.document_number)

    def citation(self, page=None):
        """The parliamentary source as a reader cites it, in the interface language:
        "Kamerstuk 33 279, nr. 19, van 29 november 2016, Bijlage 2, p. 4"."""
        if not self.has_source:
            return ""
        parts = [
            format_lazy(
                _("Kamerstuk {dossier}, nr. {number}"),
                dossier=self.dossier_number,
                number=self.document_number,
            )
        ]
        if self.document_date:
            parts.append(format_lazy(_("of {date}"), date=date_format(self.document_date, "j F Y")))
        if self.appendix:
            parts.append(self.appendix)
        if page:
            parts.append(format_lazy(_("p. {page}"), page=page))
        return ", ".join(str(part) for part in parts)


class Section(models.Model):
    key = models.SlugField(_("key"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=255, validators=[validate_document_text])
    introduction = models.TextField(
        _("introduction"), blank=True, validators=[validate_document_text]
    )
    heading_en = models.CharField(
        _("English heading"),
        max_length=255,
        blank=True,
        help_text=_("Shown on the English pages; the Dutch heading is shown when empty."),
        validators=[validate_document_text],
    )
    introduction_en = models.TextField(
        _("English introduction"),
        blank=True,
        help_text=_("Shown on the English pages; the Dutch introduction is shown when empty."),
        validators=[validate_document_text],
    )
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), blank=True, related_name="sections"
    )

    objects = NaturalKeyManager("key")
    history = history(
        m2m_fields=[partners],
        verbose_name=_("version of a section"),
        verbose_name_plural=_("versions of sections"),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position"]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return reverse("registry:section_detail", args=[self.key])

    def natural_key(self):
        return (self.key,)

    @property
    def heading_text(self):
        """The heading in the page's language, or the Dutch one marked as Dutch."""
        return in_page_language(self.heading, self.heading_en)

    @property
    def introduction_text(self):
        """The introduction in the page's language, or the Dutch one marked as Dutch."""
        return in_page_language(self.introduction, self.introduction_en)


class Theme(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="themes"
    )
    title = models.CharField(_("title"), max_length=255, validators=[validate_document_text])
    slug = models.SlugField(_("slug"), max_length=255)
    position = models.PositiveIntegerField(_("position in section"), default=0)
    description = models.TextField(_("description"), validators=[validate_document_text])
    title_en = models.CharField(
        _("English title"),
        max_length=255,
        blank=True,
        help_text=_("Shown on the English pages; the Dutch title is shown when empty."),
        validators=[validate_document_text],
    )
    description_en = models.TextField(
        _("English description"),
        blank=True,
        help_text=_("Shown on the English pages; the Dutch description is shown when empty."),
        validators=[validate_document_text],
    )
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), blank=True, related_name="themes"
    )
    commands = models.ManyToManyField(
        Command,
        verbose_name=_("commands"),
        through="ThemeCommand",
        blank=True,
        related_name="themes",
        help_text=_("No command means the theme is defence-wide."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ThemeStatus.choices, default=ThemeStatus.ONGOING
    )
    dutch_role = models.CharField(
        _("Dutch role"), max_length=30, choices=DutchRole.choices, blank=True
    )
    framework = models.CharField(
        _("framework"), max_length=30, choices=Framework.choices, blank=True
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, validators=year_range
    )
    editions = models.ManyToManyField(
        Edition,
        verbose_name=_("editions"),
        through="ThemeEdition",
        blank=True,
        related_name="themes",
    )
    is_archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("No longer in the latest edition of the annex. Archived themes are kept."),
    )
    is_internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal records never appear in the public pages, downloads or the API."),
    )
    # Raised by every save, so that an edit based on an older version is noticed.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # The Dutch full-text vector of title and description, kept up to date by a PostgreSQL
    # trigger (see the migration that adds it); empty on SQLite, which searches substrings.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = NaturalKeyManager("section__key", "title")
    history = history(
        base=ThemeHistory,
        m2m_fields=[partners],
        verbose_name=_("version of a theme"),
        verbose_name_plural=_("versions of themes"),
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["section__position", "position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["section", "title"], name="theme_unique_title"),
            models.UniqueConstraint(fields=["section", "slug"], name="theme_unique_slug"),
        ]
        indexes = [
            # The public listing's order, over the themes it shows.
            models.Index(
                fields=["section", "position", "title"],
                condition=Q(is_internal=False, is_archived=False),
                name="theme_public_order",
            ),
            # The admin's start page counts these among 100,000 themes (admin_dashboard.py).
            models.Index(fields=["id"], condition=Q(is_internal=True), name="theme_internal"),
            models.Index(fields=["id"], condition=Q(is_archived=False), name="theme_current"),
        ]

    def __str__(self):
        # Titles repeat across sections ("Cyber"), so the section key tells them apart.
        return f"{self.title} ({self.section.key})"

    def get_absolute_url(self):
        return reverse("registry:theme_detail", args=[self.section.key, self.slug])

    def natural_key(self):
        return (*self.section.natural_key(), self.title)

    natural_key.dependencies = ["registry.section"]

    @property
    def title_text(self):
        """The title in the page's language, or the Dutch one marked as Dutch."""
        return in_page_language(self.title, self.title_en)

    @property
    def description_text(self):
        """The description in the page's language, or the Dutch one marked as Dutch."""
        return in_page_language(self.description, self.description_en)

    def ordered_commands(self):
        """The commands in the annex's order; uses ``theme_commands`` when prefetched."""
        links = sorted(self.theme_commands.all(), key=lambda link: link.position)
        return [link.command for link in links]

    @property
    def is_defence_wide(self):
        return not self.theme_commands.all()


class ThemeCommand(models.Model):
    """A command involved in a theme, in the order the annex lists it."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="theme_commands"
    )
    command = models.ForeignKey(
        Command, verbose_name=_("command"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = NaturalKeyManager("theme__section__key", "theme__title", "command__code")

    class Meta:
        verbose_name = _("command of a theme")
        verbose_name_plural = _("commands of a theme")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "command"], name="theme_command_unique"),
        ]
        indexes = [models.Index(fields=["command", "theme"], name="theme_command_by_command")]

    def __str__(self):
        return f"{self.theme} – {self.command}"

    def natural_key(self):
        return (*self.theme.natural_key(), self.command.code)

    natural_key.dependencies = ["registry.theme", "registry.command"]


class ThemeEdition(models.Model):
    """A theme as it stood in one edition of the annex: the text that edition gave it."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="theme_editions"
    )
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255, validators=[validate_document_text])
    description = models.TextField(_("description"), validators=[validate_document_text])
    commands = models.CharField(
        _("commands"),
        max_length=200,
        blank=True,
        help_text=_("Codes as CZSK|CLAS."),
        validators=[validate_document_text],
    )
    paragraph = models.TextField(
        _("paragraph as printed"),
        blank=True,
        help_text=_(
            "The paragraph as this edition of the annex printed it, when it came from the text."
        ),
        validators=[validate_document_text],
    )
    page = models.PositiveIntegerField(
        _("page"),
        null=True,
        blank=True,
        help_text=_("The page of this edition's PDF on which the theme begins, when known."),
    )

    objects = NaturalKeyManager("theme__section__key", "theme__title", "edition__year")

    class Meta:
        verbose_name = _("theme in an edition")
        verbose_name_plural = _("themes in an edition")
        ordering = ["-edition__year"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "edition"], name="theme_edition_unique"),
        ]

    def __str__(self):
        return f"{self.theme} – {self.edition}"

    def natural_key(self):
        return (*self.theme.natural_key(), self.edition.year)

    natural_key.dependencies = ["registry.theme", "registry.edition"]

    @property
    def citation(self):
        """The edition's parliamentary source with the page the theme begins on, if known."""
        return self.edition.citation(self.page)


class Agreement(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=255, validators=[validate_document_text])
    date_signed = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("With month or year precision, the first day of that month or year."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    status = models.CharField(_("status"), max_length=20, choices=AgreementStatus.choices)
    description = models.TextField(
        _("description"), blank=True, validators=[validate_document_text]
    )
    is_internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal records never appear in the public pages, downloads or the API."),
    )
    parties = models.ManyToManyField(
        Partner, verbose_name=_("parties"), blank=True, related_name="agreements"
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="agreements"
    )

    objects = NaturalKeyManager("slug")
    history = history(
        m2m_fields=[parties, themes],
        verbose_name=_("version of an agreement"),
        verbose_name_plural=_("versions of agreements"),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = [models.F("date_signed").asc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(date_signed__isnull=True, date_precision=DatePrecision.UNKNOWN)
                    | (Q(date_signed__isnull=False) & ~Q(date_precision=DatePrecision.UNKNOWN))
                ),
                name="agreement_date_matches_precision",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registry:agreement_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.date_signed is None:
            if self.date_precision != DatePrecision.UNKNOWN:
                raise ValidationError({"date_signed": _("A date is needed for this precision.")})
            return
        if self.date_precision == DatePrecision.UNKNOWN:
            raise ValidationError(
                {"date_precision": _("Choose day, month or year when a date is given.")}
            )
        if self.date_precision in (DatePrecision.MONTH, DatePrecision.YEAR):
            self.date_signed = self.date_signed.replace(day=1)
        if self.date_precision == DatePrecision.YEAR:
            self.date_signed = self.date_signed.replace(month=1)

    @property
    def date_display(self):
        """The date at the precision the source gives: "18 april 2012", "juni 2016", "2016"."""
        if self.date_signed is None or self.date_precision not in DATE_DISPLAY_FORMATS:
            return ""
        return date_format(self.date_signed, DATE_DISPLAY_FORMATS[self.date_precision])


class ImportRun(models.Model):
    """One confirmed import: who brought in which file, and what it changed."""

    class Kind(models.TextChoices):
        THEMES = "themes", _("themes")
        AGREEMENTS = "agreements", _("agreements")
        PARTNERS = "partners", _("partners")
        SECTIONS = "sections", _("sections")
        COMMANDS = "commands", _("commands")
        EDITIONS = "editions", _("editions")
        THEME_TEXTS = "theme_texts", _("theme texts per edition")
        ANNEX = "annex", _("annex text")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("when"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("format"), max_length=10)
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    # The preview this run confirmed: a preview is confirmed once, however often it is sent.
    preview = models.UUIDField(_("preview"), null=True, blank=True, unique=True, editable=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    archived = models.PositiveIntegerField(_("archived"), default=0)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]
        permissions = [("import_records", _("Can import annual updates"))]

    def __str__(self):
        # In the registry's time zone (Europe/Amsterdam), as every page shows times.
        started = timezone.localtime(self.started_at)
        return f"{self.get_kind_display()} {self.file_name} ({started:%Y-%m-%d %H:%M})"


class ImportUpload(models.Model):
    """An uploaded file between its preview and its confirm, named by its checksum.

    In the database, not on a server's disk, so that a preview shown by one server can be
    confirmed on another (several servers behind one address share only the database). Uploads
    are at most ``registry.tabular.MAX_UPLOAD_BYTES``; ``registry.services.imports.uploads``
    clears them when no preview of them can be confirmed any more.
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    data = models.BinaryField(_("file"))
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self):
        return self.sha256


class ImportChange(models.Model):
    """What one import run did to one record."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        ARCHIVED = "archived", _("archived")
        RESTORED = "restored", _("restored from the archive")

    run = models.ForeignKey(
        ImportRun, verbose_name=_("import run"), on_delete=models.CASCADE, related_name="changes"
    )
    model = models.CharField(_("kind of record"), max_length=50)
    record_key = models.CharField(_("record"), max_length=500)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("change by an import")
        verbose_name_plural = _("changes by an import")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.record_key}"


# The link tables that Django makes for many-to-many fields get a name formatted once, in the
# language active at import ("Theme-partner-relatie" on English pages too), and show as
# "Theme_partners object (60)", on a delete confirmation for one; simple-history names the
# history of each link table after its class. Names for people instead, in either language.
LINK_NAMES = {
    Theme.partners: (_("partner of a theme"), _("partners of themes")),
    Section.partners: (_("partner of a section"), _("partners of sections")),
    Agreement.parties: (_("party to an agreement"), _("parties to agreements")),
    Agreement.themes: (_("theme of an agreement"), _("themes of agreements")),
}


def name_link_table(through, singular, plural):
    through._meta.verbose_name = singular
    through._meta.verbose_name_plural = plural
    through.__str__ = link_name


def link_name(link):
    """What a row of a link table links, e.g. "Cyber (deu) – Duitsland"."""
    return " – ".join(str(getattr(link, field.name)) for field in link._meta.fields[1:3])


for _descriptor, (_singular, _plural) in LINK_NAMES.items():
    name_link_table(_descriptor.through, _singular, _plural)
    _versions = HistoricalRecords.m2m_models[_descriptor.field]._meta
    _versions.verbose_name = format_lazy(_("version: {}"), _singular)
    _versions.verbose_name_plural = format_lazy(_("versions: {}"), _plural)
