"""The admin's import flow (upload, preview, confirm) and its exports, as staff use them."""

import base64
import io
import random
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.core import signing
from django.urls import reverse

from registry.models import ImportRun, ImportUpload, Section, Theme
from registry.resources import RESOURCES
from registry.tabular import MAX_UPLOAD_BYTES, export_bytes, read_table
from tests.registry_tables import copy_tables

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:registry_theme_import")
CHANGELIST = reverse("admin:registry_theme_changelist")
ANNEX = "fixtures/source/bijlage-2-samenwerkingsthemas-2016.txt"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def importer(client):
    user = User.objects.create_user("importeur", password="x-Secret-123", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "import_records",
                "add_theme",
                "change_theme",
                "view_theme",
                "view_importrun",
            ]
        )
    )
    client.force_login(user)
    return client


@pytest.fixture
def editor(client):
    user = User.objects.create_user("redacteur", password="x-Secret-123", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_theme", "change_theme", "view_theme"])
    )
    client.force_login(user)
    return client


def theme_file(file_format="csv", change=None, extra_rows=()):
    dataset = RESOURCES["themes"]().export()
    rows = [list(row) for row in dataset]
    if change:
        change(dataset.headers, rows)
    rows.extend(extra_rows)
    from tablib import Dataset

    return export_bytes(Dataset(*rows, headers=dataset.headers), file_format)


def upload(client, data, name, **fields):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(IMPORT, {"file": handle, **fields})


def rename_cyber(headers, rows):
    title, section, description = (headers.index(n) for n in ("title", "section", "description"))
    for row in rows:
        if (row[section], row[title]) == ("deu", "Cyber"):
            row[description] = "Samenwerking bij cyberoperaties."


def test_only_users_with_the_import_permission_see_the_button_and_the_page(editor):
    assert "registry/theme/import/" not in editor.get(CHANGELIST).content.decode()
    assert editor.get(IMPORT).status_code == 403
    assert upload(editor, theme_file(), "themes.csv").status_code == 403


def test_anonymous_users_cannot_import(client):
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_importers_see_the_button(importer):
    assert IMPORT in importer.get(CHANGELIST).content.decode()
    assert importer.get(IMPORT).status_code == 200


def test_upload_shows_a_preview_and_writes_nothing_until_confirmed(importer, media_root):
    response = upload(importer, theme_file(change=rename_cyber), "thema's.csv")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Samenwerking bij cyberoperaties." in page
    assert Theme.objects.get_by_natural_key("deu", "Cyber").description.startswith("onderzoeken")
    assert ImportRun.objects.count() == 0
    # The upload is kept in the database, where another server can read it for the confirm.
    assert ImportUpload.objects.get().sha256 == response.context["options"]["sha256"]
    assert not (media_root / "imports").exists()
    token = response.context["token"]
    response = importer.post(IMPORT, {"token": token, "confirm": "1"})
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("admin:registry_importrun_change", args=[run.pk])
    assert Theme.objects.get_by_natural_key("deu", "Cyber").description == (
        "Samenwerking bij cyberoperaties."
    )
    assert (run.updated, run.unchanged, run.file_name) == (1, 113, "thema's.csv")
    assert importer.get(response["Location"]).status_code == 200


def test_confirming_the_same_file_twice_changes_nothing_the_second_time(importer):
    data = theme_file(change=rename_cyber)
    for _attempt in range(2):
        token = upload(importer, data, "update.csv").context["token"]
        importer.post(IMPORT, {"token": token, "confirm": "1"})
    first, second = ImportRun.objects.order_by("started_at", "pk")
    assert (first.updated, second.updated, second.created) == (1, 0, 0)


def test_xlsx_json_and_yaml_uploads(importer):
    for file_format in ("xlsx", "json", "yaml"):
        response = upload(importer, theme_file(file_format, rename_cyber), f"x.{file_format}")
        assert response.status_code == 200, file_format
        assert response.context["counts"]["updated"] == 1


def test_dutch_excel_csv_semicolons_and_windows_1252(importer):
    text = export_bytes(RESOURCES["themes"]().export(), "csv").decode("utf-8-sig")
    text = text.replace("onderzoeken van samenwerkingsmogelijkheden", "België en Noorwegen", 1)
    response = upload(importer, text.encode("cp1252"), "excel.csv")
    assert response.status_code == 200
    assert response.context["counts"]["updated"] == 1


def test_an_annex_text_is_previewed_like_a_spreadsheet(importer):
    with open(ANNEX, "rb") as handle:
        text = handle.read().replace(b"(CZSK, CLAS, CLSK, CKMar)", b"(CZSK, CLAS)", 1)
    response = upload(importer, text, "bijlage-2017.txt", edition="2017")
    assert response.status_code == 200
    assert response.context["counts"] == {
        "created": 0,
        "updated": 1,
        "unchanged": 113,
        "missing": 0,
    }
    importer.post(IMPORT, {"token": response.context["token"], "confirm": "1"})
    theme = Theme.objects.get_by_natural_key("fra", "Uitwisseling officieren")
    assert [c.code for c in theme.ordered_commands()] == ["CZSK", "CLAS"]
    assert ImportRun.objects.get().edition.year == 2017


def test_an_annex_text_needs_its_edition(importer):
    with open(ANNEX, "rb") as handle:
        response = upload(importer, handle.read(), "bijlage.txt")
    assert response.status_code == 400
    assert "editie" in " ".join(str(e) for e in response.context["errors"])


def test_the_preview_of_a_large_file_is_paged(importer):
    headers = [column.column_name for column in RESOURCES["themes"].columns()]
    extra = []
    for number in range(5000):
        row = dict.fromkeys(headers, "")
        row.update(section="nato", title=f"Project {number}", description=f"Tekst {number}.")
        extra.append([row[header] for header in headers])
    response = upload(importer, theme_file(extra_rows=extra), "groot.csv")
    assert response.status_code == 200
    assert response.context["counts"]["created"] == 5000
    assert len(response.context["page_rows"]) == 100
    assert response.context["page"].paginator.num_pages == 50
    page_two = importer.get(IMPORT, {"token": response.context["token"], "page": 2})
    assert page_two.context["page_rows"][0]["label"] == "nato / Project 100"
    assert len(page_two.content) < 200_000


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "leeg.csv", "is leeg"),
        (b"\x00\x01\x02\xff\xfe binary garbage" * 50, "rommel.csv", "geen tekstbestand"),
        (b"section;title\n", "alleen-kop.csv", "geen gegevensrijen"),
        (b"section;title;description\ndeu;Nieuw;Tekst\n", "data.odt", "odt"),
        (b"section;title;kleur\ndeu;Cyber;rood\n", "kolom.csv", "kleur"),
        (b"section;title\ndeu;Cyber\n", "geen-beschrijving.csv", "description"),
        (b"section;title;description;commands\ndeu;Cyber;Tekst;XYZ\n", "code.csv", "XYZ"),
        (b"section;title;description;partners\ndeu;Cyber;T;ATL\n", "partner.csv", "ATL"),
        (
            b"section;title;description\ndeu;Cyber;Een\ndeu;Cyber;Twee\n",
            "dubbel.csv",
            "rij 2",
        ),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(importer, data, name, message):
    response = upload(importer, data, name)
    assert response.status_code == 400
    text = " ".join(str(error) for error in response.context["errors"])
    assert message.lower() in text.lower()
    assert "Confirm import" not in response.content.decode()
    assert ImportRun.objects.count() == 0


def over_the_limit(file_format):
    """A real file of the format, just over the upload limit (within the request limit)."""
    if file_format == "txt":
        with open(ANNEX, "rb") as handle:
            text = handle.read()
        paragraph = b"\nProject: gezamenlijke oefeningen in het hoge noorden. (CLAS)\n"
        return text + paragraph * ((MAX_UPLOAD_BYTES - len(text)) // len(paragraph) + 1)
    # Descriptions that do not compress, so that the zipped XLSX grows as fast as the CSV.
    rng = random.Random(file_format)
    headers = [column.column_name for column in RESOURCES["themes"].columns()]

    def rows(count):
        for number in range(count):
            row = dict.fromkeys(headers, "")
            description = base64.b64encode(rng.randbytes(1500)).decode()
            row.update(section="nato", title=f"Project {number:06d}", description=description)
            yield [row[header] for header in headers]

    sample = len(theme_file(file_format, extra_rows=rows(200)))
    per_row = (sample - len(theme_file(file_format))) / 200
    return theme_file(file_format, extra_rows=rows(int(MAX_UPLOAD_BYTES / per_row) + 50))


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "txt"])
def test_an_upload_over_the_size_limit_is_refused(importer, media_root, file_format):
    data = over_the_limit(file_format)
    assert MAX_UPLOAD_BYTES < len(data) < MAX_UPLOAD_BYTES + 512 * 1024
    before = copy_tables()
    response = upload(importer, data, f"groot.{file_format}", edition="2017")
    assert response.status_code == 400
    size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
    assert response.context["upload_error"] == (
        f"Het bestand is {size} MB; er kunnen bestanden van ten hoogste 5 MB worden geüpload."
    )
    assert "Confirm import" not in response.content.decode()
    assert changed_tables(before) == []
    assert not (media_root / "imports").exists()
    assert not ImportUpload.objects.exists()


def changed_tables(before):
    after = copy_tables()
    return [model._meta.db_table for model in before if after[model] != before[model]]


def test_an_xlsx_with_a_million_empty_rows(importer):
    workbook = openpyxl.load_workbook(io.BytesIO(theme_file("xlsx", rename_cyber)))
    workbook.active.cell(row=1_000_000, column=1, value="")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(importer, buffer.getvalue(), "excel.xlsx")
    assert response.status_code == 200
    assert response.context["counts"]["updated"] == 1


def test_hostile_text_in_the_preview_is_escaped(importer):
    hostile = '<script>alert("x")</script>'
    headers = [column.column_name for column in RESOURCES["themes"].columns()]
    row = dict.fromkeys(headers, "") | {"section": "nato", "title": hostile, "description": "T."}
    extra = [[row[header] for header in headers]]
    response = upload(importer, theme_file(extra_rows=extra), "x.csv")
    page = response.content.decode()
    assert hostile not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_tampered_token_is_refused(importer):
    token = upload(importer, theme_file(), "x.csv").context["token"]
    options = signing.loads(token, salt="registry.import")
    options["path"] = "../../etc/passwd"
    forged = signing.dumps(options, salt="wrong")
    assert importer.post(IMPORT, {"token": forged, "confirm": "1"}).status_code == 403
    assert ImportRun.objects.count() == 0


def test_template_download_and_column_list(admin_client):
    response = admin_client.get(reverse("admin:registry_theme_template", args=["csv"]))
    table_headers = response.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert table_headers == [c.column_name for c in RESOURCES["themes"].columns()]
    page = admin_client.get(reverse("admin:registry_theme_columns")).content.decode()
    for column in RESOURCES["themes"].columns():
        assert f"<code>{column.column_name}</code>" in page


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_neutralise_spreadsheet_formulas(admin_client, start, file_format):
    Theme.objects.filter(section__key="deu", title="Cyber").update(
        description=f'{start}HYPERLINK("http://evil")'
    )
    url = reverse("admin:registry_theme_export", args=[file_format])
    data = admin_client.get(url, {"q": "Cyber"}).content
    if file_format == "csv":
        # The cell quoted (it holds quotes), its inner quotes doubled, behind the apostrophe.
        cells = data.decode("utf-8-sig")
        # (The English title and text follow the description, empty here.)
        assert f';cyber;9;"\'{start}HYPERLINK(""http://evil"")";;;DCC;' in cells
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        headers, *rows = sheet.iter_rows(values_only=True)
        section, title = headers.index("section"), headers.index("title")
        (row,) = (row for row in rows if (row[section], row[title]) == ("deu", "Cyber"))
        assert row[headers.index("description")] == f'\'{start}HYPERLINK("http://evil")'
        values = [value for row in rows for value in row]
        assert not any(isinstance(v, str) and re.match(r"^[=+\-@]", v) for v in values)


def test_an_export_is_what_the_list_shows_and_can_be_imported_again(admin_client):
    url = reverse("admin:registry_theme_export", args=["csv"])
    usa = Section.objects.get(key="usa")
    data = admin_client.get(url, {"section__id__exact": usa.pk}).content
    table = read_table(data, "export.csv")
    assert len(table.rows) == 5
    response = admin_client.post(IMPORT, {"file": _named(data, "export.csv")})
    assert response.context["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 5,
        "missing": 109,
    }


def _named(data, name):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_import_runs_are_listed(admin_client, importer):
    token = upload(importer, theme_file(change=rename_cyber), "a.csv").context["token"]
    importer.post(IMPORT, {"token": token, "confirm": "1"})
    page = admin_client.get(reverse("admin:registry_importrun_changelist")).content.decode()
    assert "a.csv" in page


def test_editions_can_be_compared(admin_client, importer):
    with open(ANNEX, "rb") as handle:
        text = handle.read().replace(b"cyber. (Defensie", b"cyberoperaties. (Defensie", 1)
    token = upload(importer, text, "bijlage-2017.txt", edition="2017").context["token"]
    importer.post(IMPORT, {"token": token, "confirm": "1"})
    from registry.models import Edition

    old, new = Edition.objects.get(year=2016), Edition.objects.get(year=2017)
    page = admin_client.get(
        reverse("admin:registry_edition_compare", args=[old.pk, new.pk])
    ).content.decode()
    assert "<del>cyber.</del> <ins>cyberoperaties.</ins>" in page
    assert "Cyber" in page


def test_an_oversized_request_is_refused_before_it_is_read(importer):
    response = importer.post(
        IMPORT,
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "5 MB" in response.content.decode()


# The preview shows exactly what changes, as people read it ----------------------------------


LONG_TEXT_END = "en tot slot een nieuwe afspraak over gezamenlijke oefeningen in 2018."


def change_long_description(headers, rows):
    title, section, description = (headers.index(n) for n in ("title", "section", "description"))
    for row in rows:
        if (row[section], row[title]) == ("deu", "Cyber"):
            row[description] = row[description] + " " + ("Meer tekst over cyber. " * 30)
            row[description] += LONG_TEXT_END


def test_a_changed_long_text_is_shown_in_full_with_a_word_diff(importer):
    old = Theme.objects.get_by_natural_key("deu", "Cyber").description
    response = upload(importer, theme_file(change=change_long_description), "lang.csv")
    page = response.content.decode()
    (row,) = response.context["page_rows"]
    (field,) = row["fields"]
    assert field["label"] == "beschrijving"
    assert "<dt>Beschrijving</dt>" in page
    # The unchanged words and the whole of the addition, to its last word: nothing cut.
    assert old.split()[0] in page
    assert f"{LONG_TEXT_END}</ins>" in page
    assert "…" not in str(field["diff"])


def test_a_new_record_shows_its_values_with_labels_and_readable_values(importer):
    headers = [column.column_name for column in RESOURCES["themes"].columns()]
    row = dict.fromkeys(headers, "") | {
        "section": "nato",
        "title": "Nieuw project",
        "description": "Een nieuw project.",
        "partners": "BEL|DEU",
        "commands": "CZSK",
        "status": "exploratory",
        "target_year": "2020",
    }
    response = upload(importer, theme_file(extra_rows=[[row[h] for h in headers]]), "n.csv")
    (described,) = response.context["page_rows"]
    assert described["action"] == "created"
    values = {field["label"]: field["new"] for field in described["fields"]}
    assert values["partners"] == "België (BEL), Duitsland (DEU)"
    assert values["commando’s"] == "CZSK (Commando Zeestrijdkrachten)"
    assert values["status"] == "verkennend"
    assert values["streefjaar"] == "2020"
    assert values["beschrijving"] == "Een nieuw project."


def test_values_read_as_people_read_them_and_empty_is_a_dash(importer):
    def change(headers, rows):
        title, section = headers.index("title"), headers.index("section")
        for row in rows:
            if (row[section], row[title]) == ("usa", "F-35"):
                row[headers.index("target_year")] = "2019"
                row[headers.index("status")] = "completed"
                row[headers.index("is_internal")] = "ja"

    response = upload(importer, theme_file(change=change), "w.csv")
    (row,) = response.context["page_rows"]
    changes = {field["label"]: (field["old"], field["new"]) for field in row["fields"]}
    assert changes == {
        "streefjaar": ("—", "2019"),
        "status": ("lopend", "voltooid"),
        "intern": ("nee", "ja"),
    }
    page = response.content.decode()
    assert "<dt>Streefjaar</dt>" in page
    assert "<dt>target_year</dt>" not in page


def test_counts_are_per_kind_of_record(importer):
    with open(ANNEX, "rb") as handle:
        text = handle.read().replace(
            b"geleid door een tri-nationale stuurgroep", b"geleid door een stuurgroep", 1
        )
    response = upload(importer, text, "bijlage-2017.txt", edition="2017")
    counts = {kind["name"]: kind for kind in response.context["kind_counts"]}
    assert counts["Secties"]["updated"] == 1
    assert counts["Thema’s"]["updated"] == 0
    assert counts["Thema’s"]["unchanged"] == 114
    # The edition 2017 is new, with the annex's title and introduction.
    assert counts["Edities"]["created"] == 1
    edition, section = response.context["page_rows"]
    assert (edition["kind"], edition["label"], edition["action"]) == ("editie", "2017", "created")
    assert (section["kind"], section["label"]) == ("sectie", "benelux")
    assert [field["label"] for field in section["fields"]] == ["inleiding"]
    assert "<del>tri-nationale</del>" in str(section["fields"][0]["diff"])


def test_someone_elses_preview_cannot_be_confirmed(importer, client):
    token = upload(importer, theme_file(change=rename_cyber), "a.csv").context["token"]
    other = User.objects.create_user("tweede", password="x-Secret-123", is_staff=True)
    other.user_permissions.add(*importer_permissions())
    client.force_login(other)
    assert client.post(IMPORT, {"token": token, "confirm": "1"}).status_code == 403
    assert client.get(IMPORT, {"token": token}).status_code == 403
    assert ImportRun.objects.count() == 0


def importer_permissions():
    return Permission.objects.filter(
        codename__in=["import_records", "add_theme", "change_theme", "view_theme"]
    )


def test_the_run_page_shows_labels_readable_values_and_a_word_diff(importer, admin_client):
    token = upload(importer, theme_file(change=change_long_description), "a.csv").context["token"]
    run_url = importer.post(IMPORT, {"token": token, "confirm": "1"})["Location"]
    page = admin_client.get(run_url).content.decode()
    assert "<dt>Beschrijving</dt>" in page
    assert f"{LONG_TEXT_END}</ins>" in page
    assert "<strong>description</strong>" not in page


def test_times_are_shown_in_the_registry_time_zone(admin_client):
    import datetime

    run = ImportRun.objects.create(
        kind="themes",
        file_name="zomer.csv",
        sha256="0" * 64,
        file_format="csv",
        started_at=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
    )
    assert str(run) == "thema’s zomer.csv (2026-07-01 12:00)"
    page = admin_client.get(reverse("admin:registry_importrun_change", args=[run.pk]))
    assert "(2026-07-01 12:00)" in page.content.decode()
