"""History: every change by the admin or an import is kept, with who, when, and the run; the
history page says what changed in words people read; any version can be restored."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from registry.history import local_time
from registry.models import Agreement, Command, ImportRun, Partner, Section, Theme
from registry.roles import READERS
from tests.admin_forms import form_data, logged_in
from tests.conftest import ANNEX_TEXT

pytestmark = pytest.mark.django_db

APPENDED = (
    "Beide landen werken daarbij samen in een gezamenlijk centrum voor cyberoperaties, met "
    "oefeningen, uitwisseling van personeel en een gedeelde opleiding voor specialisten."
)


@pytest.fixture
def editor():
    return logged_in("redacteur")


def latest(record):
    return record.history.order_by("-history_id").first()


def change_url(record):
    return reverse(f"admin:registry_{record._meta.model_name}_change", args=[record.pk])


def history_url(record):
    return reverse(f"admin:registry_{record._meta.model_name}_history", args=[record.pk])


def revert_url(record, version):
    name = f"admin:registry_{record._meta.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def edit(client, record, **changes):
    url = change_url(record)
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    return latest(record)


def pks(*codes):
    return [Partner.objects.get(code=code).pk for code in codes]


def command_pks(*codes):
    return [Command.objects.get(code=code).pk for code in codes]


def history_table(response):
    """The history table of a history page, the part that shows the versions."""
    page = response.content.decode()
    return re.search(r'<table id="change-history">.*?</table>', page, re.S).group(0)


# Recording ---------------------------------------------------------------------------------


def test_an_admin_save_writes_one_complete_record_with_who_links_and_commands(editor):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    before = theme.history.count()
    record = edit(
        editor,
        theme,
        description="Nieuwe tekst.",
        partners=pks("DEU", "FRA"),
        commands_in_order=command_pks("CLAS", "DCC"),
    )
    assert theme.history.count() == before + 1  # not one for the save and more for the links
    assert record.history_user == editor.user
    assert record.history_type == "~"
    assert record.description == "Nieuwe tekst."
    assert record.command_codes == "CLAS|DCC"
    assert sorted(record.partners.values_list("partner__code", flat=True)) == ["DEU", "FRA"]
    previous = theme.history.order_by("-history_id")[1]
    assert set(record.diff_against(previous).changed_fields) == {"description", "partners"}


def test_an_admin_save_of_an_agreement_records_its_parties_and_themes(editor):
    agreement = Agreement.objects.get(slug="mou-smart-2015")
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    themes = [*agreement.themes.values_list("pk", flat=True), theme.pk]
    record = edit(editor, agreement, parties=pks("DEU", "FRA", "NOR"), themes=themes)
    assert sorted(record.parties.values_list("partner__code", flat=True)) == ["DEU", "FRA", "NOR"]
    assert sorted(record.themes.values_list("theme_id", flat=True)) == sorted(themes)


def test_an_import_is_recorded_with_its_run(tmp_path):
    path = tmp_path / "bijlage.txt"
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    path.write_text(text.replace("cyber. (Defensie Cyber Commando)", "cyber. (DMO)", 1), "utf-8")
    call_command("import_annex", str(path), "--edition", "2017", verbosity=0)
    run = ImportRun.objects.get()
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    record = theme.history.latest("history_id")
    assert record.import_run == run
    assert record.history_change_reason == f"import {run.pk}"
    assert record.command_codes == "DMO"
    assert Theme.history.filter(import_run=run).count() == 1


def test_a_delete_is_recorded(editor):
    partner = Partner.objects.create(code="POL", kind="country", name_nl="Polen", name_en="Poland")
    editor.post(reverse("admin:registry_partner_delete", args=[partner.pk]), {"post": "yes"})
    assert not Partner.objects.filter(code="POL").exists()
    assert Partner.history.filter(code="POL", history_type="-").exists()


def test_every_record_of_the_loaded_annex_starts_with_one_historical_record():
    for model in (Command, Partner, Section, Theme, Agreement):
        assert model.history.count() == model.objects.count(), model


# The history page --------------------------------------------------------------------------


def edited_theme(editor):
    """A theme edited twice in the admin: a text, facts, partners, commands."""
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    edit(editor, theme, status="ongoing", partners=pks("DEU"), commands_in_order=command_pks("DCC"))
    edit(
        editor,
        theme,
        description=f"{theme.description} {APPENDED}",
        status="completed",
        target_year="2020",
        is_internal="on",
        partners=pks("DEU", "FRA"),
        commands_in_order=command_pks("CLAS", "DCC"),
    )
    return theme


def test_the_history_page_says_what_changed_with_labels_and_readable_values(editor):
    theme = edited_theme(editor)
    table = history_table(editor.get(history_url(theme)))
    for label in ("Beschrijving", "Status", "Streefjaar", "Intern", "Partners", "Commando’s"):
        assert f"<dt>{label}</dt>" in table
    assert "lopend</span>" in table
    assert "voltooid</span>" in table
    assert "nee</span>" in table
    assert "ja</span>" in table
    assert '<span class="history-old">—</span>' in table  # the target year was empty
    assert "Duitsland (DEU), <ins>Frankrijk (FRA)</ins>" in table
    assert "<ins>Commando Landstrijdkrachten (CLAS)</ins>, Defensie Cyber Commando (DCC)" in table
    # The whole text, the added words marked, nothing cut off.
    assert f"<ins>{escape(APPENDED)}</ins>" in table
    for raw in ("description", "target_year", "is_internal", "command_codes", "ongoing", "None"):
        assert raw not in table


def test_the_history_page_speaks_english_after_the_switch(editor):
    theme = edited_theme(editor)
    editor.cookies["django_language"] = "en"
    table = history_table(editor.get(history_url(theme)))
    for label in ("Description", "Status", "Target year", "Internal", "Partners", "Commands"):
        assert f"<dt>{label}</dt>" in table
    assert "ongoing</span>" in table
    assert "completed</span>" in table
    assert "<ins>France (FRA)</ins>, Germany (DEU)" in table
    assert "<ins>Royal Netherlands Army (CLAS)</ins>, Defence Cyber Command (DCC)" in table


def test_the_history_page_gives_every_time_in_amsterdam_time(editor):
    theme = edited_theme(editor)
    page = editor.get(history_url(theme)).content.decode()
    record = latest(theme)
    assert local_time(record.history_date) in page
    assert re.search(r"\d{1,2}:\d\d CES?T", page)
    assert "UTC" not in page


def test_the_history_page_links_an_import_to_its_run(editor, tmp_path):
    path = tmp_path / "bijlage.txt"
    text = ANNEX_TEXT.read_text(encoding="utf-8")
    path.write_text(text.replace("cyber. (Defensie Cyber Commando)", "cyber. (DMO)", 1), "utf-8")
    call_command("import_annex", str(path), "--edition", "2017", verbosity=0)
    run = ImportRun.objects.get()
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    table = history_table(editor.get(history_url(theme)))
    run_url = reverse("admin:registry_importrun_change", args=[run.pk])
    link = f'<a href="{run_url}">import van bijlage.txt ({local_time(run.started_at)})</a>'
    assert link in table
    assert f"import {run.pk}" not in table


def test_the_history_page_of_an_agreement_names_its_parties_and_themes(editor):
    agreement = Agreement.objects.get(slug="mou-smart-2015")
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    edit(editor, agreement)
    edit(
        editor,
        agreement,
        parties=pks("DEU", "FRA", "NOR"),
        themes=[*agreement.themes.values_list("pk", flat=True), theme.pk],
        status="drawn_up",
    )
    table = history_table(editor.get(history_url(agreement)))
    assert "<dt>Partijen</dt>" in table
    assert "<ins>Duitsland (DEU)</ins>" in table
    assert "<ins>Cyber (deu)</ins>" in table
    assert "getekend</span>" in table


# Reverting ---------------------------------------------------------------------------------


def state(record):
    """What a revert must restore: the edited fields, the links, a theme's commands in order."""
    record = type(record).objects.get(pk=record.pk)
    values = {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.editable
    }
    for field in record._meta.many_to_many:
        if field.name == "commands":
            values["commands"] = [command.code for command in record.ordered_commands()]
        elif field.name != "editions":
            values[field.name] = sorted(getattr(record, field.name).values_list("pk", flat=True))
    return values


def other_theme_pk():
    return Theme.objects.get_by_natural_key("nor", "Cyber").pk


# Per model: the record, the starting version (saved in the admin, so with all its links) and
# the later change that the revert undoes.
REVERTS = {
    "command": (lambda: Command.objects.get(code="CLAS"), {}, {"name_nl": "Landmacht"}),
    "partner": (lambda: Partner.objects.get(code="DEU"), {}, {"name_nl": "Bondsrepubliek"}),
    "section": (
        lambda: Section.objects.get(key="deu"),
        {"partners": lambda: pks("DEU")},
        {"heading": "Duitsland", "partners": lambda: pks("DEU", "FRA", "USA")},
    ),
    "theme": (
        lambda: Theme.objects.get_by_natural_key("deu", "Cyber"),
        {
            "partners": lambda: pks("DEU", "NOR"),
            "commands_in_order": lambda: command_pks("DCC", "CLAS", "CZSK"),
        },
        {
            "status": "completed",
            "partners": lambda: pks("DEU", "FRA"),
            "commands_in_order": lambda: command_pks("CZSK", "CLAS"),
        },
    ),
    "agreement": (
        lambda: Agreement.objects.get(slug="mou-smart-2015"),
        {},
        {
            "status": "drawn_up",
            "parties": lambda: pks("DEU"),
            "themes": lambda: [other_theme_pk()],
        },
    ),
}


def values(changes):
    return {name: value() if callable(value) else value for name, value in changes.items()}


@pytest.mark.parametrize("model", list(REVERTS))
def test_a_revert_restores_the_version_with_its_links_and_is_recorded(editor, model):
    get_record, start_changes, later_changes = REVERTS[model]
    record = get_record()
    start = edit(editor, record, **values(start_changes))
    restored = state(record)
    edit(editor, record, **values(later_changes))
    assert state(record) != restored

    url = revert_url(record, start)
    response = editor.post(url, form_data(editor.get(url)))
    assert response.status_code == 302
    assert response["Location"] == history_url(record)
    assert state(record) == restored
    revert = latest(record)
    assert revert.history_user == editor.user
    assert revert.history_change_reason == f"revert {start.history_id}"
    for field in revert._history_m2m_fields:
        links = f"{field.m2m_reverse_field_name()}_id"
        assert sorted(getattr(revert, field.name).values_list(links, flat=True)) == sorted(
            getattr(start, field.name).values_list(links, flat=True)
        ), field.name
    if model == "theme":
        assert revert.command_codes == start.command_codes == "DCC|CLAS|CZSK"


def test_the_revert_page_shows_the_version_and_what_reverting_changes(editor):
    theme = edited_theme(editor)
    start = theme.history.order_by("-history_id")[1]
    page = editor.get(revert_url(theme, start)).content.decode()
    when = local_time(start.history_date)
    assert f"<h1>Terugzetten naar de versie van {when}</h1>" in page
    assert f"Versie van {when}\n</div>" in page  # the breadcrumbs
    assert f'<a href="{history_url(theme)}">Geschiedenis</a>' in page
    summary = page[page.index("Wat terugzetten verandert") : page.index('name="section"')]
    assert "<dt>Status</dt>" in summary
    assert "voltooid</span>" in summary
    assert "<del>Frankrijk (FRA)</del>" in summary
    assert f"<del>{escape(APPENDED)}</del>" in summary
    assert 'value="Terugzetten naar deze versie"' in page


def test_a_revert_in_the_history_is_named_with_the_version_it_restored(editor):
    theme = edited_theme(editor)
    start = theme.history.order_by("-history_id")[1]
    url = revert_url(theme, start)
    editor.post(url, form_data(editor.get(url)))
    table = history_table(editor.get(history_url(theme)))
    label = f"teruggezet naar de versie van {local_time(start.history_date)}"
    assert f'<a href="{url}">{label}</a>' in table


def test_a_reader_sees_the_history_but_cannot_revert(editor):
    theme = edited_theme(editor)
    start = theme.history.order_by("-history_id")[1]
    reader = logged_in("lezer", role=READERS)
    page = reader.get(history_url(theme))
    assert page.status_code == 200
    table = history_table(page)
    assert "voltooid</span>" in table
    assert revert_url(theme, start) not in table
    before = state(theme)
    url = revert_url(theme, start)
    assert reader.post(url, form_data(editor.get(url))).status_code == 403
    assert state(theme) == before
    assert reader.get(url).status_code == 403
    assert latest(theme).history_user == editor.user


def test_a_revert_to_the_loaded_annex_after_an_import_restores_partners_and_commands(editor):
    from registry.services.imports import confirm_import
    from tests.test_import_planning import set_cells, table

    theme = Theme.objects.get_by_natural_key("gbr", "F-35")
    loaded = theme.history.get()  # the 2016 annex, as loaded
    before = state(theme)
    change = set_cells({"section": "gbr", "title": "F-35"}, partners="GBR", commands="CLAS")
    run = confirm_import(
        kind="themes", data=table("themes", change), file_name="t.csv", user=None
    ).run
    assert run.updated == 1
    assert state(theme) != before

    url = revert_url(theme, loaded)
    response = editor.post(url, form_data(editor.get(url)))
    assert response.status_code == 302
    assert state(theme) == before
    assert set(theme.partners.values_list("code", flat=True)) == {"AUS", "GBR", "USA"}
    assert [command.code for command in theme.ordered_commands()] == ["CLSK", "DMO"]
