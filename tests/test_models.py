"""Natural keys, constraints and validation of the registry's records."""

from datetime import date

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from registry.models import Agreement, Partner, Section, Theme, ThemeCommand

pytestmark = pytest.mark.django_db


def test_a_title_is_unique_within_its_section_only():
    germany, france = Section.objects.get(key="deu"), Section.objects.get(key="fra")
    Theme.objects.create(section=france, title="Nieuw", slug="nieuw", description="x")
    Theme.objects.create(section=germany, title="Nieuw", slug="nieuw", description="y")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(section=germany, title="Nieuw", slug="nieuw-2", description="z")


def test_natural_keys_find_the_records():
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    assert theme.natural_key() == ("deu", "Cyber")
    link = ThemeCommand.objects.get_by_natural_key("deu", "Cyber", "DCC")
    assert link.natural_key() == ("deu", "Cyber", "DCC")
    assert Partner.objects.get_by_natural_key("NOR").name_nl == "Noorwegen"
    assert str(theme) == "Cyber (deu)"


def test_serialisation_uses_no_database_ids():
    theme = Theme.objects.get_by_natural_key("gbr", "F-35")
    data = serializers.serialize(
        "json", [theme], use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    assert '"pk"' not in data
    assert '["gbr"]' in data


def test_agreement_date_needs_a_matching_precision():
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            slug="x", kind="loi", title="X", status="signed", date_precision="day"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            slug="y", kind="loi", title="Y", status="signed", date_signed=date(2016, 1, 1)
        )


def test_clean_rounds_a_month_or_year_date_down():
    agreement = Agreement(
        slug="z",
        kind="mou",
        title="Z",
        status="signed",
        date_signed=date(2016, 6, 17),
        date_precision="month",
    )
    agreement.full_clean()
    assert agreement.date_signed == date(2016, 6, 1)
    agreement.date_precision = "year"
    agreement.full_clean()
    assert agreement.date_signed == date(2016, 1, 1)


def test_clean_refuses_a_date_without_precision():
    agreement = Agreement(
        slug="w", kind="mou", title="W", status="signed", date_signed=date(2016, 6, 17)
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "date_precision" in error.value.message_dict


@pytest.mark.parametrize(
    ("slug", "dutch", "english"),
    [
        ("overeenkomst-korps-mariniers-lichte-brigade-2016", "juni 2016", "June 2016"),
        ("benelux-ministeriele-verklaring-2012", "18 april 2012", "18 April 2012"),
        ("loi-benelux-brigades-2016", "2016", "2016"),
        ("loi-vervanging-mijnenjagers-m-fregatten", "", ""),
    ],
)
def test_dates_are_shown_at_their_precision(slug, dutch, english):
    agreement = Agreement.objects.get(slug=slug)
    with translation.override("nl"):
        assert agreement.date_display == dutch
    with translation.override("en"):
        assert agreement.date_display == english


def test_a_country_code_is_iso_alpha3():
    partner = Partner(code="Pol", kind="country", name_nl="Polen", name_en="Poland")
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "code" in error.value.message_dict
    Partner(code="OCCAR", kind="organisation", name_nl="OCCAR", name_en="OCCAR").full_clean()


def test_a_command_cannot_be_its_own_parent():
    from registry.models import Command

    command = Command.objects.get(code="CDC")
    command.parent = command
    with pytest.raises(ValidationError):
        command.full_clean()
