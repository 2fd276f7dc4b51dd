"""The management commands of annual updates: the same service as the admin, from a shell."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.models import Command, Edition, ImportRun, Partner, Section, Theme
from registry.resources import RESOURCES
from tests.test_imports import REGISTRY_MODELS, snapshot

pytestmark = pytest.mark.django_db

ANNEX = Path("fixtures/source/bijlage-2-samenwerkingsthemas-2016.txt")


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def annex_2017(tmp_path, replace=()):
    text = ANNEX.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "bijlage-2017.txt"
    path.write_text(text, encoding="utf-8")
    return path


POLAND = (
    "Samenwerking op het gebied van munitie",
    "Samenwerkingsgebieden met Polen \nPatriot: gezamenlijke training van de Poolse en \n"
    "Nederlandse luchtverdediging. (CLSK, DMO) \n \nSamenwerking op het gebied van munitie",
)
CYBER = ("cyber. (Defensie Cyber Commando)", "cyberoperaties. (Defensie Cyber Commando)")


def test_import_annex_json_summary(tmp_path):
    path = annex_2017(tmp_path, [POLAND, CYBER])
    result = json.loads(run("import_annex", str(path), "--edition", "2017", "--json"))
    assert result == {
        "created": [["pol", "Patriot"]],
        "updated": [["deu", "Cyber"]],
        "unchanged": 113,
        "missing": [],
        "errors": [],
    }
    poland = Partner.objects.get(code="POL")
    assert (poland.kind, poland.name_nl, poland.name_en) == ("country", "Polen", "Poland")
    patriot = Theme.objects.get_by_natural_key("pol", "Patriot")
    assert [c.code for c in patriot.ordered_commands()] == ["CLSK", "DMO"]
    assert set(patriot.partners.values_list("code", flat=True)) == {"POL"}
    assert Section.objects.get(key="pol").heading == "Samenwerkingsgebieden met Polen"
    assert Edition.objects.get(year=2017).themes.count() == 115


def test_import_annex_twice_changes_nothing_the_second_time(tmp_path):
    path = annex_2017(tmp_path, [CYBER])
    run("import_annex", str(path), "--edition", "2017")
    before = snapshot()
    result = json.loads(run("import_annex", str(path), "--edition", "2017", "--json"))
    assert (result["created"], result["updated"], result["unchanged"]) == ([], [], 114)
    assert snapshot() == before


def test_import_annex_dry_run_changes_nothing(tmp_path):
    before = snapshot()
    path = annex_2017(tmp_path, [POLAND, CYBER])
    output = run("import_annex", str(path), "--edition", "2017", "--dry-run")
    assert "1 new, 1 changed, 113 unchanged, 0 missing" in output
    assert snapshot() == before
    assert ImportRun.objects.count() == 0


def test_import_annex_lists_missing_themes_and_archives_only_when_asked(tmp_path):
    old = "Pilot Training: een programma om (delen van) de vliegeropleidingen \n"
    text = ANNEX.read_text(encoding="utf-8")
    start = text.index(old)
    end = text.index("European Multimodal Transport Hubs")
    path = tmp_path / "bijlage.txt"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = json.loads(run("import_annex", str(path), "--edition", "2017", "--json"))
    assert result["missing"] == [["eu", "Pilot Training"]]
    assert not Theme.objects.get_by_natural_key("eu", "Pilot Training").is_archived
    run("import_annex", str(path), "--edition", "2017", "--archive-missing")
    assert Theme.objects.get_by_natural_key("eu", "Pilot Training").is_archived


def test_import_annex_keeps_facts_staff_corrected(tmp_path):
    Theme.objects.filter(section__key="deu", title="Cyber").update(status="ongoing")
    path = annex_2017(tmp_path, [CYBER])
    run("import_annex", str(path), "--edition", "2017")
    assert Theme.objects.get_by_natural_key("deu", "Cyber").status == "ongoing"


def test_import_annex_unknown_command_names_the_line_and_changes_nothing(tmp_path):
    before = snapshot()
    path = annex_2017(tmp_path, [("(CZSK, CLSK, DMO)", "(CZSK, KLU, DMO)")])
    with pytest.raises(CommandError):
        run("import_annex", str(path), "--edition", "2017", "--json")
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_annex", str(path), "--edition", "2017", "--json", stdout=out)
    (error,) = json.loads(out.getvalue())["errors"]
    assert error["row"] == 32
    assert "KLU" in error["message"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "leeg"), (b"\x00\x01\x02", "NUL"), (b"Geen annex. \n", "sectiekoppen")],
)
def test_import_annex_refuses_what_is_no_annex(tmp_path, content, message):
    from io import StringIO

    path = tmp_path / "x.txt"
    path.write_bytes(content)
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_annex", str(path), "--edition", "2017", stdout=err, stderr=err)
    assert message in str(error.value) + err.getvalue()
    assert ImportRun.objects.count() == 0


def test_import_annex_reads_windows_1252(tmp_path):
    path = tmp_path / "bijlage.txt"
    path.write_bytes(ANNEX.read_text(encoding="utf-8").encode("cp1252"))
    result = json.loads(run("import_annex", str(path), "--edition", "2016", "--json"))
    assert (result["created"], result["updated"], result["unchanged"]) == ([], [], 114)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json", "yaml"])
def test_export_registry_and_import_into_an_empty_registry_reproduces_it(tmp_path, file_format):
    before = snapshot()
    run("export_registry", str(tmp_path), "--format", file_format)
    files = sorted(tmp_path.glob(f"*.{file_format}"))
    assert len(files) == len(RESOURCES)
    Command.objects.update(parent=None)
    for model in reversed(REGISTRY_MODELS):
        model.objects.all().delete()
    for path, kind in zip(files, RESOURCES, strict=True):
        run("import_records", str(path), "--kind", kind)
    assert snapshot() == before


def test_import_records_dry_run_and_errors(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text("code;kind;name_nl;name_en\nPOL;staat;Polen;Poland\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run("import_records", str(path), "--kind", "partners", "--dry-run")
    path.write_text("code;kind;name_nl;name_en\nPOL;country;Polen;Poland\n", encoding="utf-8")
    assert "1 new" in run("import_records", str(path), "--kind", "partners", "--dry-run")
    assert not Partner.objects.filter(code="POL").exists()
    run("import_records", str(path), "--kind", "partners")
    assert Partner.objects.get(code="POL").name_en == "Poland"


def test_load_annex_leaves_an_existing_registry_alone():
    Theme.objects.filter(section__key="deu", title="Cyber").update(description="Bewerkt.")
    assert "already loaded" in run("load_annex")
    assert Theme.objects.get_by_natural_key("deu", "Cyber").description == "Bewerkt."


def test_column_documentation_is_current():
    run("describe_columns", "--check")
