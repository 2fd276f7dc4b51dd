"""What the API says about each record: stable English field names, relations as natural keys,
and for every record its ``url`` in the API and its ``html_url`` on the public pages.

The serializers read only what the querysets in ``registry.api.views`` fetched beforehand, so a
response costs the same number of queries however many records it holds.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.choices import DutchRole, Framework
from registry.models import Agreement, Command, Partner, Section, Theme


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute link that ``to_path(record)`` makes from the record itself."""

    def __init__(self, to_path, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)
        self.to_path = to_path

    def to_representation(self, record):
        path = self.to_path(record)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def page_link():
    return LinkField(lambda record: record.get_absolute_url())


def api_link(view_name, *key_fields):
    return LinkField(lambda record: reverse(view_name, args=[key(record) for key in key_fields]))


def themes_link(parameter, key):
    """The API's theme listing filtered on this record, as the public listing would be."""
    return LinkField(
        lambda record: f"{reverse('api:theme-list')}?{urlencode({parameter: key(record)})}"
    )


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class PublicAgreementsField(serializers.Field):
    """Slugs of the public agreements, from the ``public_agreements`` the view prefetched.

    Without that prefetch this fails rather than reading ``agreements``, which holds internal
    agreements too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Slugs of the agreements."))
        super().__init__(source="public_agreements", read_only=True, **kwargs)

    def to_representation(self, agreements):
        return [agreement.slug for agreement in agreements]


def codes():
    return serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)


def theme_section(theme):
    return theme.section.key


def theme_slug(theme):
    return theme.slug


class ThemeReferenceSerializer(serializers.ModelSerializer):
    """A theme named by its natural key (section key and slug), with its API link."""

    section = serializers.CharField(source="section.key", read_only=True)
    url = api_link("api:theme-detail", theme_section, theme_slug)

    class Meta:
        model = Theme
        fields = ["section", "slug", "title", "url"]
        read_only_fields = fields


class ThemeSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.key", read_only=True)
    section_heading = serializers.CharField(source="section.heading", read_only=True)
    commands = serializers.SerializerMethodField(
        help_text=_(
            "Codes of the commands involved, in the annex's order; empty when defence-wide."
        )
    )
    defence_wide = serializers.BooleanField(source="is_defence_wide", read_only=True)
    # Declared, as a read-only model field would lose allow_blank: the schema must say "".
    dutch_role = serializers.ChoiceField(
        choices=DutchRole.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty where the annex names no Dutch role."),
    )
    framework = serializers.ChoiceField(
        choices=Framework.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty where the annex names no framework."),
    )
    partners = codes()
    editions = serializers.SlugRelatedField(slug_field="year", many=True, read_only=True)
    agreements = PublicAgreementsField()
    url = api_link("api:theme-detail", theme_section, theme_slug)
    html_url = page_link()

    class Meta:
        model = Theme
        fields = [
            "section",
            "section_heading",
            "title",
            "title_en",
            "slug",
            "description",
            "description_en",
            "commands",
            "defence_wide",
            "partners",
            "status",
            "dutch_role",
            "framework",
            "target_year",
            "editions",
            "is_archived",
            "agreements",
            "url",
            "html_url",
        ]
        read_only_fields = fields

    def get_commands(self, theme) -> list[str]:
        return [command.code for command in theme.ordered_commands()]


class SectionSerializer(serializers.ModelSerializer):
    partners = codes()
    theme_count = serializers.IntegerField(
        read_only=True, help_text=_("Public themes of the section that are not archived.")
    )
    url = api_link("api:section-detail", lambda section: section.key)
    html_url = page_link()
    themes_url = themes_link("section", lambda section: section.key)

    class Meta:
        model = Section
        fields = [
            "key",
            "position",
            "heading",
            "heading_en",
            "introduction",
            "introduction_en",
            "partners",
            "theme_count",
            "url",
            "html_url",
            "themes_url",
        ]
        read_only_fields = fields


class PartnerSerializer(serializers.ModelSerializer):
    theme_count = serializers.IntegerField(
        read_only=True, help_text=_("Public themes with this partner that are not archived.")
    )
    agreements = PublicAgreementsField()
    url = api_link("api:partner-detail", lambda partner: partner.code)
    html_url = page_link()
    themes_url = themes_link("partner", lambda partner: partner.code)

    class Meta:
        model = Partner
        fields = [
            "code",
            "kind",
            "name_nl",
            "name_en",
            "theme_count",
            "agreements",
            "url",
            "html_url",
            "themes_url",
        ]
        read_only_fields = fields


class CommandSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("The code of the command this one belongs to; null for most."),
    )
    theme_count = serializers.IntegerField(
        read_only=True, help_text=_("Public themes of this command that are not archived.")
    )
    url = api_link("api:command-detail", lambda command: command.code)
    html_url = page_link()
    themes_url = themes_link("command", lambda command: command.code)

    class Meta:
        model = Command
        fields = [
            "code",
            "kind",
            "name_nl",
            "name_en",
            "parent",
            "position",
            "theme_count",
            "url",
            "html_url",
            "themes_url",
        ]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    date = serializers.DateField(
        source="date_signed",
        read_only=True,
        allow_null=True,
        help_text=_("With month or year precision, the first day of that month or year."),
    )
    date_display = serializers.CharField(
        read_only=True, help_text=_("The date at its precision, in the language of the request.")
    )
    parties = codes()
    themes = ThemeReferenceSerializer(many=True, read_only=True)
    url = api_link("api:agreement-detail", lambda agreement: agreement.slug)
    html_url = page_link()

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "kind",
            "title",
            "date",
            "date_precision",
            "date_display",
            "status",
            "description",
            "parties",
            "themes",
            "url",
            "html_url",
        ]
        read_only_fields = fields
