"""The import service: previews that write nothing, exact round trips, safe annual updates."""

import pytest
from django.contrib.auth.models import User
from django.core import serializers

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
    ThemeEdition,
)
from registry.resources import RESOURCES
from registry.services.imports import ImportRefused, plan_import
from registry.services.imports.applying import apply_plans

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [Command, Partner, Edition, Section, Theme, ThemeCommand, ThemeEdition, Agreement]


def snapshot():
    """The whole registry by natural keys: equal snapshots mean equal registries."""
    records = []
    for model in REGISTRY_MODELS:
        data = serializers.serialize(
            "python",
            model.objects.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for record in data:
            fields = {
                name: sorted(map(repr, value)) if isinstance(value, list) else value
                for name, value in record["fields"].items()
            }
            records.append((record["model"], repr(sorted(fields.items()))))
    return sorted(records)


def exported(kind):
    dataset = RESOURCES[kind]().export()
    return [dict(zip(dataset.headers, row, strict=True)) for row in dataset], list(dataset.headers)


def plan(kind, rows, headers=None, **options):
    headers = headers or list(rows[0])
    return plan_import(
        kind=kind,
        rows=rows,
        row_numbers=list(range(2, len(rows) + 2)),
        headers=headers,
        **options,
    )


def apply(*plans, user=None):
    return apply_plans(
        list(plans), user=user, file_name="test.csv", sha256="0" * 64, file_format="csv"
    )


def theme_rows(changes):
    rows, headers = exported("themes")
    for row in rows:
        for (section, title), values in changes.items():
            if (row["section"], row["title"]) == (section, title):
                row.update(values)
    return rows, headers


def test_exporting_and_importing_into_an_empty_registry_reproduces_it_exactly():
    before = snapshot()
    files = {kind: exported(kind) for kind in RESOURCES}
    Command.objects.update(parent=None)
    for model in reversed(REGISTRY_MODELS):
        model.objects.all().delete()
    assert Theme.objects.count() == 0
    for kind, (rows, headers) in files.items():
        apply(plan(kind, rows, headers))
    assert snapshot() == before


def test_a_preview_writes_nothing():
    before = snapshot()
    rows, headers = theme_rows({("deu", "Cyber"): {"description": "Nieuwe tekst."}})
    result = plan("themes", rows, headers)
    assert [row.key for row in result.updated] == [("deu", "Cyber")]
    assert snapshot() == before
    assert ImportRun.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    rows, headers = theme_rows({("deu", "Cyber"): {"commands": "DCC|DMO"}})
    apply(plan("themes", rows, headers))
    after_first = snapshot()
    second = plan("themes", rows, headers)
    assert (len(second.created), len(second.updated), len(second.unchanged)) == (0, 0, 114)
    run = apply(second)
    assert (run.created, run.updated, run.unchanged) == (0, 0, 114)
    assert snapshot() == after_first


def test_a_changed_row_names_its_fields_with_old_and_new_values():
    rows, headers = theme_rows(
        {("gbr", "F-35"): {"target_year": "2019", "commands": "CLSK", "partners": "GBR|USA"}}
    )
    result = plan("themes", rows, headers)
    (row,) = result.updated
    assert result.changes_as_text(row) == {
        "target_year": ["", "2019"],
        "commands": ["CLSK|DMO", "CLSK"],
        "partners": ["AUS|GBR|USA", "GBR|USA"],
    }


def test_new_theme_with_commands_partners_and_edition():
    rows, headers = exported("themes")
    rows.append(
        {
            **dict.fromkeys(headers, ""),
            "section": "nor",
            "title": "Arctische training",
            "description": "Gezamenlijke training in het hoge noorden.",
            "commands": "CLAS|CZSK",
            "partners": "NOR|FIN",
        }
    )
    result = plan("themes", rows, headers, edition=2017)
    assert [row.key for row in result.created] == [("nor", "Arctische training")]
    run = apply(result)
    theme = Theme.objects.get_by_natural_key("nor", "Arctische training")
    assert [c.code for c in theme.ordered_commands()] == ["CLAS", "CZSK"]
    assert set(theme.partners.values_list("code", flat=True)) == {"NOR", "FIN"}
    assert theme.slug == "arctische-training"
    assert theme.status == "ongoing"
    assert Edition.objects.get(year=2017).themes.count() == 115
    assert run.edition.year == 2017
    change = ImportChange.objects.get(run=run, action="created")
    assert change.record_key == "nor / Arctische training"
    assert change.changes["commands"] == ["", "CLAS|CZSK"]


def test_records_the_file_lacks_are_listed_and_never_deleted():
    rows, headers = exported("themes")
    rows = [row for row in rows if row["section"] != "usa"]
    result = plan("themes", rows, headers, edition=2017)
    assert sorted(result.missing_keys()) == sorted(
        Theme.objects.filter(section__key="usa").values_list("section__key", "title")
    )
    apply(result)
    assert Theme.objects.filter(section__key="usa", is_archived=False).count() == 5


def test_missing_themes_are_archived_only_when_asked_and_come_back_with_a_later_edition():
    rows, headers = exported("themes")
    rows = [row for row in rows if row["section"] != "usa"]
    run = apply(plan("themes", rows, headers, edition=2017, archive_missing=True))
    assert run.archived == 5
    assert Theme.objects.filter(is_archived=True).count() == 5
    assert ImportChange.objects.filter(run=run, action="archived").count() == 5
    rows, headers = exported("themes")
    headers.remove("is_archived")
    comeback = plan("themes", rows, headers, edition=2018)
    assert [comeback.changes_as_text(row) for row in comeback.updated] == [
        {"is_archived": ["ja", "nee"]}
    ] * 5
    apply(comeback)
    assert Theme.objects.filter(is_archived=True).count() == 0


def test_a_run_records_who_what_and_the_change_per_record():
    user = User.objects.create_user("importeur")
    rows, headers = theme_rows({("deu", "Cyber"): {"description": "Nieuwe tekst."}})
    run = apply_plans(
        [plan("themes", rows, headers, edition=2017)],
        user=user,
        file_name="update-2017.xlsx",
        sha256="a" * 64,
        file_format="xlsx",
    )
    assert (run.user, run.file_name, run.sha256, run.file_format) == (
        user,
        "update-2017.xlsx",
        "a" * 64,
        "xlsx",
    )
    assert (run.created, run.updated, run.unchanged, run.missing) == (0, 1, 113, 0)
    change = run.changes.get()
    assert change.action == "updated"
    assert change.changes["description"][1] == "Nieuwe tekst."


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("commands", "CZSK|XYZ", "XYZ"),
        ("partners", "BEL|ATLANTIS", "ATLANTIS"),
        ("section", "mars", "mars"),
        ("status", "bijna klaar", "ongoing"),
        ("target_year", "volgend jaar", "geheel getal"),
        ("description", "", "verplicht"),
        ("title", "x" * 300, "255"),
    ],
)
def test_a_wrong_cell_is_an_error_naming_row_column_and_value(column, value, message):
    rows, headers = exported("themes")
    rows[4][column] = value
    if column == "title":
        rows[4]["slug"] = ""  # a new title makes a new theme, which needs a slug of its own
    result = plan("themes", rows, headers)
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (6, column, value)
    assert message in error.message


def test_an_error_anywhere_refuses_the_whole_import():
    before = snapshot()
    rows, headers = theme_rows({("deu", "Cyber"): {"description": "Nieuw."}})
    rows[-1]["commands"] = "NOPE"
    result = plan("themes", rows, headers)
    with pytest.raises(ImportRefused):
        apply(result)
    assert snapshot() == before


def test_the_same_record_twice_in_a_file_is_an_error():
    rows, headers = exported("themes")
    rows.append(dict(rows[0]))
    (error,) = plan("themes", rows, headers).errors
    assert error.row == 116
    assert "rij 2" in error.message


def test_missing_required_and_unknown_columns_are_errors():
    rows, headers = exported("themes")
    headers = [header for header in headers if header != "description"] + ["kleur"]
    messages = [str(error) for error in plan("themes", rows, headers).errors]
    assert any("kleur" in message for message in messages)
    assert any("description" in message for message in messages)


def test_a_file_may_refer_to_its_own_records():
    rows, headers = exported("commands")
    ThemeCommand.objects.filter(command__code="DGO").delete()
    Command.objects.filter(code="DGO").delete()
    result = plan("commands", rows, headers)
    assert [row.key for row in result.created] == [("DGO",)]
    apply(result)
    assert Command.objects.get(code="DGO").parent.code == "CDC"


def test_agreement_dates_keep_their_precision():
    rows, headers = exported("agreements")
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["overeenkomst-korps-mariniers-lichte-brigade-2016"]["date"] == "2016-06"
    by_slug["mou-smart-2015"]["date"] = "2015-10"
    result = plan("agreements", rows, headers)
    (row,) = result.updated
    assert result.changes_as_text(row) == {"date": ["2015-10-29", "2015-10"]}
    apply(result)
    agreement = Agreement.objects.get(slug="mou-smart-2015")
    assert (agreement.date_signed.isoformat(), agreement.date_precision) == ("2015-10-01", "month")


def test_importing_the_same_edition_again_rewrites_no_edition_texts():
    rows, headers = theme_rows({("deu", "Cyber"): {"description": "Nieuwe tekst."}})
    apply(plan("themes", rows, headers, edition=2017))
    texts = sorted(ThemeEdition.objects.filter(edition__year=2017).values_list("pk", "description"))
    assert len(texts) == 114
    rows, headers = theme_rows({("deu", "Cyber"): {"description": "Nog eens nieuw."}})
    apply(plan("themes", rows, headers, edition=2017))
    again = sorted(ThemeEdition.objects.filter(edition__year=2017).values_list("pk", "description"))
    # 113 texts are the very same rows; only the changed theme's text was written anew.
    assert len(set(texts) & set(again)) == 113
    assert "Nog eens nieuw." in {description for _pk, description in again}
