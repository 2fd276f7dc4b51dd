"""Validate once: every row that an import would write is validated while planning.

What the preview accepts is exactly what confirm writes: the cell, the model's own validation
(field validators, ``clean()``, constraints) and the relations over the whole registry are
checked before anything is shown, and confirm of a file with errors writes nothing and raises
nothing.
"""

import pytest
import tablib

from registry.models import Command, Edition, ImportRun, Partner, Theme
from registry.resources import RESOURCES
from registry.services.imports import ANNEX, confirm_import, prepare_import
from registry.tabular import export_bytes
from tests.conftest import ANNEX_TEXT
from tests.test_imports import snapshot

pytestmark = pytest.mark.django_db


def table(kind, change=None, extra=()):
    """The registry's own export of a kind, as a CSV, with rows changed or added."""
    dataset = RESOURCES[kind]().export()
    headers = list(dataset.headers)
    rows = [dict(zip(headers, row, strict=True)) for row in dataset]
    if change:
        change(rows)
    rows.extend({**dict.fromkeys(headers, ""), **row} for row in extra)
    return export_bytes(
        tablib.Dataset(*[[r[h] for h in headers] for r in rows], headers=headers), "csv"
    )


def set_cells(match, **values):
    def change(rows):
        (row,) = [row for row in rows if all(row[k] == v for k, v in match.items())]
        row.update(values)

    return change


def both_steps(kind, data, **options):
    """The preview and the confirm of the same file; the confirm must not raise."""
    before = snapshot()
    preview = prepare_import(kind=kind, data=data, file_name=f"{kind}.csv", **options)
    confirmed = confirm_import(kind=kind, data=data, file_name=f"{kind}.csv", user=None, **options)
    return before, preview, confirmed


def assert_refused_alike(before, preview, confirmed):
    assert preview.errors, "the preview accepted the file"
    assert confirmed.errors == preview.errors
    assert confirmed.run is None
    assert snapshot() == before
    assert ImportRun.objects.count() == 0


def test_a_target_year_out_of_range_on_an_existing_theme_is_a_cell_error():
    data = table("themes", set_cells({"section": "deu", "title": "Cyber"}, target_year="3000"))
    before, preview, confirmed = both_steps("themes", data)
    (error,) = preview.errors
    assert (error.row, error.column, error.value) == (31, "target_year", "3000")
    assert "2100" in error.message
    assert_refused_alike(before, preview, confirmed)
    assert Theme.objects.get_by_natural_key("deu", "Cyber").target_year is None


def test_a_target_year_out_of_range_on_a_new_theme_is_shown_before_confirm():
    new = {"section": "nato", "title": "Nieuw", "description": "Tekst.", "target_year": "3000"}
    data = table("themes", extra=[new])
    before, preview, confirmed = both_steps("themes", data)
    (error,) = preview.errors
    assert (error.row, error.column, error.value) == (116, "target_year", "3000")
    assert_refused_alike(before, preview, confirmed)


def test_commands_that_would_be_each_others_parent_are_refused():
    # DGO is part of CDC; the file makes CDC part of DGO as well.
    data = table("commands", set_cells({"code": "CDC"}, parent="DGO"))
    before, preview, confirmed = both_steps("commands", data)
    (error,) = preview.errors
    assert (error.column, error.value) == ("parent", "DGO")
    assert "onderdeel" in error.message
    assert_refused_alike(before, preview, confirmed)


def test_a_loop_through_two_new_commands_of_the_file_is_refused():
    extra = [
        {"code": "AAA", "name_nl": "A", "name_en": "A", "kind": "defence_part", "parent": "BBB"},
        {"code": "BBB", "name_nl": "B", "name_en": "B", "kind": "defence_part", "parent": "AAA"},
    ]
    before, preview, confirmed = both_steps("commands", table("commands", extra=extra))
    assert [(error.row, error.column) for error in preview.errors] == [
        (11, "parent"),
        (12, "parent"),
    ]
    assert_refused_alike(before, preview, confirmed)


def test_a_command_cannot_be_part_of_itself():
    data = table("commands", set_cells({"code": "CLAS"}, parent="CLAS"))
    before, preview, confirmed = both_steps("commands", data)
    (error,) = preview.errors
    assert (error.row, error.column, error.value) == (3, "parent", "CLAS")
    assert_refused_alike(before, preview, confirmed)


def test_a_chain_that_the_file_untangles_is_accepted():
    # CDC → DGO would be a loop with DGO → CDC, unless the file also lifts DGO out of CDC.
    def change(rows):
        by_code = {row["code"]: row for row in rows}
        by_code["CDC"]["parent"] = "DGO"
        by_code["DGO"]["parent"] = ""

    prepared = confirm_import(
        kind="commands", data=table("commands", change), file_name="c.csv", user=None
    )
    assert prepared.errors == []
    assert Command.objects.get(code="CDC").parent.code == "DGO"
    assert Command.objects.get(code="DGO").parent is None


def test_a_country_code_that_is_not_iso_alpha_3_is_refused_by_the_model():
    new = {"code": "GERM", "kind": "country", "name_nl": "Duitsland?", "name_en": "Germany?"}
    before, preview, confirmed = both_steps("partners", table("partners", extra=[new]))
    (error,) = preview.errors
    assert (error.column, error.value) == ("code", "GERM")
    assert "ISO 3166-1" in error.message
    assert_refused_alike(before, preview, confirmed)


def test_a_slug_that_another_theme_of_the_section_has_is_refused():
    data = table("themes", set_cells({"section": "deu", "title": "Cyber"}, slug="medegebruik-jss"))
    before, preview, confirmed = both_steps("themes", data)
    (error,) = preview.errors
    assert (error.row, error.column) == (31, "section, slug")
    assert "deu / Medegebruik JSS" in error.message
    assert_refused_alike(before, preview, confirmed)


def test_two_themes_may_swap_their_slugs():
    def change(rows):
        by_title = {row["title"]: row for row in rows if row["section"] == "deu"}
        cyber, jss = by_title["Cyber"], by_title["Medegebruik JSS"]
        cyber["slug"], jss["slug"] = jss["slug"], cyber["slug"]

    prepared = confirm_import(
        kind="themes", data=table("themes", change), file_name="t.csv", user=None
    )
    assert prepared.errors == []
    assert Theme.objects.get_by_natural_key("deu", "Cyber").slug == "medegebruik-jss"


def test_an_edition_year_out_of_range_is_refused():
    new = {"year": "1800", "title": "Bijlage 2"}
    before, preview, confirmed = both_steps("editions", table("editions", extra=[new]))
    (error,) = preview.errors
    assert (error.column, error.value) == ("year", "1800")
    assert_refused_alike(before, preview, confirmed)


def test_an_annex_for_an_edition_out_of_range_is_refused_before_confirm():
    data = ANNEX_TEXT.read_bytes()
    before = snapshot()
    options = {"kind": ANNEX, "data": data, "file_name": "bijlage.txt", "edition": 3000}
    preview = prepare_import(**options)
    assert [(error.column, error.value) for error in preview.errors] == [("year", "3000")]
    confirmed = confirm_import(**options, user=None)
    assert confirmed.errors == preview.errors
    assert confirmed.run is None
    assert snapshot() == before
    assert not Edition.objects.filter(year=3000).exists()


@pytest.mark.parametrize(
    ("kind", "change", "extra"),
    [
        ("themes", set_cells({"section": "usa", "title": "F-35"}, status="bijna"), ()),
        ("themes", set_cells({"section": "usa", "title": "F-35"}, slug="Geen Slug!"), ()),
        ("themes", None, [{"section": "nato", "title": "x" * 256, "description": "T."}]),
        ("partners", None, [{"code": "XYZ", "kind": "country", "name_nl": "", "name_en": "X"}]),
        ("agreements", set_cells({"slug": "mou-smart-2015"}, date="2015-02-30"), ()),
        ("sections", set_cells({"key": "deu"}, position="-1"), ()),
        ("commands", set_cells({"code": "DGO"}, kind="brigade"), ()),
    ],
)
def test_what_the_preview_refuses_confirm_refuses_alike_and_writes_nothing(kind, change, extra):
    before, preview, confirmed = both_steps(kind, table(kind, change, extra))
    assert_refused_alike(before, preview, confirmed)


def test_a_clean_preview_is_exactly_what_confirm_writes():
    new = {"section": "nato", "title": "Nieuw", "description": "Tekst.", "target_year": "2030"}
    change = set_cells({"section": "deu", "title": "Cyber"}, target_year="2021", partners="DEU|FRA")
    data = table("themes", change, [new])
    preview = prepare_import(kind="themes", data=data, file_name="t.csv")
    assert preview.errors == []
    confirmed = confirm_import(kind="themes", data=data, file_name="t.csv", user=None)
    run = confirmed.run
    assert (run.created, run.updated, run.unchanged) == (
        len(preview.main.created),
        len(preview.main.updated),
        len(preview.main.unchanged),
    )
    cyber = Theme.objects.get_by_natural_key("deu", "Cyber")
    assert (cyber.target_year, set(cyber.partners.values_list("code", flat=True))) == (
        2021,
        {"DEU", "FRA"},
    )
    assert Theme.objects.get_by_natural_key("nato", "Nieuw").target_year == 2030


def test_an_import_waits_for_no_one_and_counts_nothing_twice():
    data = table(
        "partners",
        extra=[{"code": "POL", "kind": "country", "name_nl": "Polen", "name_en": "Poland"}],
    )
    first = confirm_import(kind="partners", data=data, file_name="p.csv", user=None)
    second = confirm_import(kind="partners", data=data, file_name="p.csv", user=None)
    assert (first.run.created, second.run.created, second.run.unchanged) == (
        1,
        0,
        Partner.objects.count(),
    )
