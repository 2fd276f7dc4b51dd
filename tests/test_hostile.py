"""Hostile record text is shown as text everywhere: public pages, admin pages, API, exports."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from registry.models import Agreement, Partner, Theme
from registry.tabular import read_table

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
QUOTES = "\" onmouseover=\"alert('x')"
LINK = "javascript:alert(1)"


@pytest.fixture
def hostile():
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    Theme.objects.filter(pk=theme.pk).update(
        title=f"Cyber {SCRIPT}", description=f"{LINK} {QUOTES} {SCRIPT}"
    )
    Partner.objects.filter(code="DEU").update(name_nl=f"Duitsland {SCRIPT}{QUOTES}")
    Agreement.objects.filter(slug="loi-seebataillon-2016").update(
        title=f"LoI {SCRIPT}", description=LINK
    )
    theme.refresh_from_db()
    return theme


def assert_escaped(html):
    assert SCRIPT not in html
    assert QUOTES not in html
    assert 'href="javascript:' not in html.lower()
    assert not re.search(r"<script>alert", html)


def public_pages(theme):
    return [
        "/",
        "/themas/?partner=DEU",
        "/themas/?q=Cyber",
        theme.get_absolute_url(),
        "/secties/deu/",
        "/partners/",
        "/partners/DEU/",
        "/commandos/DCC/",
        "/overeenkomsten/",
        "/overeenkomsten/loi-seebataillon-2016/",
    ]


def test_public_pages_escape_hostile_text(client, hostile):
    for url in public_pages(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode())
    assert "&lt;script&gt;" in client.get(hostile.get_absolute_url()).content.decode()


def test_admin_pages_escape_hostile_text(admin_client, hostile):
    agreement = Agreement.objects.get(slug="loi-seebataillon-2016")
    partner = Partner.objects.get(code="DEU")
    for url in [
        reverse("admin:registry_theme_changelist") + "?q=Cyber",
        reverse("admin:registry_theme_change", args=[hostile.pk]),
        reverse("admin:registry_theme_history", args=[hostile.pk]),
        reverse("admin:registry_agreement_changelist"),
        reverse("admin:registry_agreement_change", args=[agreement.pk]),
        reverse("admin:registry_partner_changelist"),
        reverse("admin:registry_partner_change", args=[partner.pk]),
        reverse("admin:registry_section_change", args=[hostile.section_id]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode())


def test_api_returns_hostile_text_as_json_strings(client, hostile):
    response = client.get("/api/v1/themes/", {"q": "Cyber"})
    assert response["Content-Type"].startswith("application/json")
    titles = [theme["title"] for theme in response.json()["results"]]
    assert f"Cyber {SCRIPT}" in titles


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_keep_hostile_text_as_text(admin_client, client, hostile, file_format):
    public = client.get(reverse("registry:theme_download", args=[file_format]), {"section": "deu"})
    table = read_table(public.content, f"x.{file_format}")
    row = next(row for row in table.rows if row["title"].startswith("Cyber"))
    assert row["description"] == f"{LINK} {QUOTES} {SCRIPT}"
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(public.content)).active
        assert not any(
            isinstance(cell.value, str) and cell.value.startswith("=")
            for line in sheet.iter_rows()
            for cell in line
        )
