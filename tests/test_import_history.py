"""Loading the annex and every import record each record's complete state, relations included."""

import pytest

from registry.models import Agreement, Section, Theme
from registry.services.imports import confirm_import
from tests.test_import_planning import set_cells, table

pytestmark = pytest.mark.django_db


def partner_codes(historical):
    return {link.partner.code for link in historical.partners.all()}


def test_the_loaded_annex_history_holds_every_records_relations():
    for theme in Theme.objects.prefetch_related("partners"):
        (first,) = theme.history.all()
        assert partner_codes(first) == {p.code for p in theme.partners.all()}, theme
        assert first.command_codes == "|".join(c.code for c in theme.ordered_commands())
    for section in Section.objects.all():
        (first,) = section.history.all()
        assert partner_codes(first) == set(section.partners.values_list("code", flat=True))
    for agreement in Agreement.objects.all():
        (first,) = agreement.history.all()
        parties = {link.partner.code for link in first.parties.all()}
        themes = {link.theme_id for link in first.themes.all()}
        assert parties == set(agreement.parties.values_list("code", flat=True))
        assert themes == set(agreement.themes.values_list("pk", flat=True))


def test_the_first_save_after_loading_shows_only_what_was_changed():
    theme = Theme.objects.get_by_natural_key("gbr", "F-35")
    assert theme.partners.count() > 1
    theme.description = "Nieuwe tekst."
    theme.save()  # simple-history records the save, relations included
    latest, loaded = theme.history.order_by("-history_id")[:2]
    assert latest.diff_against(loaded).changed_fields == ["description"]


def test_an_import_records_the_partners_and_commands_of_each_record_it_writes():
    new = {
        "section": "nor",
        "title": "Arctische training",
        "description": "Training.",
        "commands": "CLAS|CZSK",
        "partners": "NOR|FIN",
    }
    change = set_cells({"section": "deu", "title": "Cyber"}, partners="DEU|FRA", commands="DMO")
    run = confirm_import(
        kind="themes", data=table("themes", change, [new]), file_name="t.csv", user=None
    ).run
    changed = Theme.objects.get_by_natural_key("deu", "Cyber").history.get(import_run=run)
    created = Theme.objects.get_by_natural_key("nor", "Arctische training").history.get()
    assert (changed.history_type, partner_codes(changed), changed.command_codes) == (
        "~",
        {"DEU", "FRA"},
        "DMO",
    )
    assert (created.history_type, partner_codes(created), created.command_codes) == (
        "+",
        {"NOR", "FIN"},
        "CLAS|CZSK",
    )
    # One historical record per written theme, none for the 113 the file leaves alone.
    assert Theme.history.filter(import_run=run).count() == 2


def test_an_imported_agreement_history_holds_its_parties_and_themes():
    change = set_cells({"slug": "mou-smart-2015"}, parties="NOR|DNK", description="Nieuw.")
    run = confirm_import(
        kind="agreements", data=table("agreements", change), file_name="a.csv", user=None
    ).run
    record = Agreement.objects.get(slug="mou-smart-2015").history.get(import_run=run)
    assert {link.partner.code for link in record.parties.all()} == {"NOR", "DNK"}
    assert {link.theme_id for link in record.themes.all()} == set(
        Agreement.objects.get(slug="mou-smart-2015").themes.values_list("pk", flat=True)
    )
