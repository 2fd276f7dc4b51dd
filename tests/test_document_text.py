"""Text that every output can carry (issue 10, §4): control characters, NUL and surrogates,
encodings and byte order marks, through the admin, the imports and the rendered annex."""

import html
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from registry.models import Edition, Partner, Theme, ThemeEdition
from registry.resources import RESOURCES
from registry.tabular import export_bytes
from registry.validators import validate_document_text
from tests.admin_forms import form_data, logged_in
from tests.conftest import ANNEX_TEXT
from tests.registry_tables import copy_tables

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:registry_theme_import")
CONTROL = (
    "The text holds the control character U+0001 at position 6, which Word documents and "
    "spreadsheets cannot hold; remove it."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def superuser():
    client = logged_in("beheerder")
    client.cookies["django_language"] = "en"
    return client


def upload(client, data, name, **fields):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(IMPORT, {"file": handle, **fields})


def page_text(response):
    return html.unescape(response.content.decode())


def themes_csv(description, encoding="utf-8"):
    """The themes of the registry as a CSV, with the description of Germany's Cyber changed.

    All of them: one stray control character in a small file would make it binary.
    """
    dataset = RESOURCES["themes"]().export(Theme.objects.order_by("pk"))
    dataset = dataset.subset(cols=["section", "title", "description"])
    for index, row in enumerate(dataset):
        if row[:2] == ("deu", "Cyber"):
            dataset[index] = ("deu", "Cyber", description)
    return export_bytes(dataset, "csv").decode("utf-8-sig").encode(encoding)


def cyber_row():
    """The row of Germany's Cyber in themes_csv(): the header is row 1."""
    return (
        list(Theme.objects.order_by("pk").values_list("pk", flat=True)).index(
            Theme.objects.get_by_natural_key("deu", "Cyber").pk
        )
        + 2
    )


# Control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\ud800"])
def test_the_validator_refuses_what_xml_cannot_hold(character):
    with pytest.raises(ValidationError) as caught:
        validate_document_text(f"Cyber{character}x")
    assert caught.value.code == "control_character"


@pytest.mark.parametrize("text", ["tab\there", "lines\nand\r\nbreaks", "ë – “x” € 😀"])
def test_the_validator_keeps_tab_line_breaks_and_all_of_unicode(text):
    validate_document_text(text)


def test_the_admin_form_refuses_a_control_character_and_saves_nothing(superuser):
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    url = reverse("admin:registry_theme_change", args=[theme.pk])
    before = copy_tables()
    response = superuser.post(url, form_data(superuser.get(url), description="Cyber\x01 x"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["description"] == [CONTROL]
    assert copy_tables() == before


def test_the_admin_form_of_a_partner_refuses_a_control_character(superuser):
    partner = Partner.objects.get(code="DEU")
    url = reverse("admin:registry_partner_change", args=[partner.pk])
    response = superuser.post(url, form_data(superuser.get(url), name_en="Germa\x02ny"))
    assert response.status_code == 200
    assert "U+0002" in response.context["adminform"].form.errors["name_en"][0]


def test_an_import_refuses_a_control_character_as_a_cell_error(superuser):
    before = copy_tables()
    response = upload(superuser, themes_csv("Cyber\x01 x"), "themes.csv")
    assert response.status_code == 400
    [error] = response.context["errors"]
    assert (error.row, error.column, error.message) == (cyber_row(), "description", CONTROL)
    assert copy_tables() == before


def test_the_command_line_refuses_a_control_character_naming_row_and_column(tmp_path):
    path = tmp_path / "themes.csv"
    path.write_bytes(themes_csv("Cyber\x01 x"))
    errors = io.StringIO()
    before = copy_tables()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_records", str(path), "--kind", "themes", stderr=errors)
    expected = f"error: row {cyber_row()}, column description ('Cyber\\x01 x'): {CONTROL}"
    assert expected in errors.getvalue()
    assert copy_tables() == before


def test_the_word_document_of_an_edition_holds_text_stored_before_the_validator(superuser):
    # Text written before the validator existed (or past it, straight into the database)
    # must not make the render fail: the document leaves out what Word cannot hold.
    ThemeEdition.objects.filter(theme__section__key="deu", theme__title="Cyber").update(
        description="Cyber\x01 samenwerking\x0bover twee regels.", paragraph=""
    )
    edition = Edition.objects.get(year=2016)
    response = superuser.get(reverse("admin:registry_edition_render", args=[edition.pk, "docx"]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    cyber = next(p for p in document.paragraphs if "over twee regels" in p.text)
    assert cyber.text == "Cyber: Cyber samenwerking\nover twee regels. (DCC)"


# NUL and surrogates in JSON and YAML -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "character"),
    [
        (b'[{"section": "deu", "title": "Cyber", "description": "a\\u0000b"}]', "t.json", "U+0000"),
        (b'[{"section": "deu", "title": "Cyber", "description": "a\\udfffb"}]', "t.json", "U+DFFF"),
        (b'- {section: deu, title: Cyber, description: "a\\0b"}\n', "t.yaml", "U+0000"),
    ],
)
def test_a_nul_or_a_lone_surrogate_is_a_clear_error_in_the_admin(superuser, data, name, character):
    before = copy_tables()
    response = upload(superuser, data, name)
    assert response.status_code == 400
    assert (
        f"Item 1 of “{name}” holds under “description” a character that no text can store "
        f"({character}); remove it and try again."
    ) in page_text(response)
    assert copy_tables() == before


# Encodings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 with a byte order mark"),
        ("cp1252", "Windows-1252"),
        ("utf-16", "UTF-16"),
    ],
)
def test_the_preview_says_which_encoding_it_read(superuser, encoding, label):
    response = upload(
        superuser, themes_csv("Samenwerking bij cyberoperaties – één.", encoding), "t.csv"
    )
    assert response.status_code == 200
    assert f"The file was read as text in {label}." in page_text(response)
    assert response.context["counts"]["updated"] == 1


def test_the_preview_in_dutch_names_the_encoding(superuser):
    superuser.cookies["django_language"] = "nl"
    description = "Samenwerking bij cyberoperaties: één."
    response = upload(superuser, themes_csv(description, "cp1252"), "t.csv")
    assert "Het bestand is gelezen als tekst in Windows-1252." in page_text(response)


def test_a_workbook_preview_names_no_encoding(superuser):
    resource = RESOURCES["themes"]()
    data = export_bytes(resource.export(Theme.objects.filter(section__key="deu")), "xlsx")
    response = upload(superuser, data, "t.xlsx")
    assert response.status_code == 200
    assert "The file was read as text" not in page_text(response)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("cp1252", "Windows-1252"),
        ("utf-16", "UTF-16"),
        ("utf-8-sig", "UTF-8 with a byte order mark"),
    ],
)
def test_an_annex_text_is_read_in_the_encodings_word_writes(superuser, encoding, label):
    data = ANNEX_TEXT.read_text(encoding="utf-8").encode(encoding)
    response = upload(superuser, data, "bijlage.txt", edition=2017)
    assert response.status_code == 200
    assert f"The file was read as text in {label}." in page_text(response)
    assert response.context["counts"]["created"] == 0


def test_an_annex_text_in_utf8_with_one_broken_byte_is_refused_with_its_line(superuser):
    text = ANNEX_TEXT.read_text(encoding="utf-8").encode()
    broken = text.replace(b"Noorwegen", b"Noorw\xe9gen", 1)
    line = text[: text.index(b"Noorwegen")].count(b"\n") + 1
    response = upload(superuser, broken, "bijlage.txt", edition=2017)
    assert response.status_code == 400
    assert f"is UTF-8 text with a damaged character at line {line} " in page_text(response)


def test_an_annex_text_with_a_second_bom_reads_its_title(superuser):
    data = b"\xef\xbb\xbf" + ANNEX_TEXT.read_text(encoding="utf-8").encode("utf-8-sig")
    response = upload(superuser, data, "bijlage.txt", edition=2017)
    assert response.status_code == 200
    assert response.context["counts"]["created"] == 0
