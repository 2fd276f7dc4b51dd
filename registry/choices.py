"""Choices of the registry's fields, with labels translated through the Dutch catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommandKind(models.TextChoices):
    OPERATIONAL = "operational", _("operational command")
    DEFENCE_PART = "defence_part", _("defence organisation part")


class PartnerKind(models.TextChoices):
    COUNTRY = "country", _("country")
    ORGANISATION = "organisation", _("organisation")


class ThemeStatus(models.TextChoices):
    ONGOING = "ongoing", _("ongoing")
    EXPLORATORY = "exploratory", _("exploratory")
    INTERESTED = "interested", _("not participating, interested")
    COMPLETED = "completed", _("completed")


class DutchRole(models.TextChoices):
    LEAD_NATION = "lead_nation", _("lead nation")
    FRAMEWORK_NATION = "framework_nation", _("framework nation")
    SINGLE_CONTRACTING_NATION = "single_contracting_nation", _("single contracting nation")
    SECRETARY_NATION = "secretary_nation", _("secretary nation")
    PARTICIPANT = "participant", _("participant")


class Framework(models.TextChoices):
    BILATERAL = "bilateral", _("bilateral")
    BENELUX = "benelux", _("Benelux")
    NATO = "nato", _("NATO")
    NATO_SMART_DEFENCE = "nato_smart_defence", _("NATO Smart Defence")
    EU_EDA = "eu_eda", _("EU / EDA")
    MULTILATERAL = "multilateral", _("other multilateral")


class AgreementKind(models.TextChoices):
    LETTER_OF_INTENT = "loi", _("Letter of Intent")
    MEMORANDUM_OF_UNDERSTANDING = "mou", _("Memorandum of Understanding")
    DECLARATION_OF_INTENT = "doi", _("Declaration of Intent")
    MINISTERIAL_DECLARATION = "ministerial_declaration", _("ministerial declaration")
    AGREEMENT = "agreement", _("agreement")
    ACTION_PLAN = "action_plan", _("action plan")


class AgreementStatus(models.TextChoices):
    SIGNED = "signed", _("signed")
    DRAWN_UP = "drawn_up", _("drawn up")
    IN_PREPARATION = "in_preparation", _("in preparation")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    UNKNOWN = "unknown", _("unknown")
