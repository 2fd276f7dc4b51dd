"""The theme form's long texts: a large description field, the printed paragraph beside it."""

import pytest
from django.urls import reverse

from registry.models import Edition, Section, Theme, ThemeEdition
from registry.roles import EDITORS, READERS
from tests.admin_forms import logged_in

pytestmark = pytest.mark.django_db


def change_page(client, theme):
    return client.get(reverse("admin:registry_theme_change", args=[theme.pk])).content.decode()


def test_the_description_has_a_large_text_area_and_the_printed_paragraph_beside_it():
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    printed = ThemeEdition.objects.get(theme=theme, edition__year=2016).paragraph
    assert printed.startswith("Cyber:")
    page = change_page(logged_in("texts-editor", role=EDITORS), theme)
    assert 'rows="12"' in page
    assert 'class="form-row field-description field-printed_paragraph"' in page
    assert f'<div class="printed-paragraph">{printed}</div>' in page
    assert "Editie 2016" in page
    assert "registry/admin_working_day.css" in page


def test_the_latest_edition_that_printed_the_theme_is_shown():
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    edition = Edition.objects.create(year=2017, title="Bijlage 2017")
    ThemeEdition.objects.create(
        theme=theme,
        edition=edition,
        title=theme.title,
        description="Nieuw.",
        paragraph="Cyber: <script>alert('x')</script> & meer. (DCC)",
    )
    page = change_page(logged_in("texts-reader", role=READERS), theme)
    assert "Editie 2017" in page
    assert (
        '<div class="printed-paragraph">Cyber: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; '
        "&amp; meer. (DCC)</div>"
    ) in page
    assert "<script>alert('x')</script>" not in page


def test_a_theme_no_annex_text_printed_says_so():
    theme = Theme.objects.create(
        section=Section.objects.get(key="deu"),
        title="Uit een spreadsheet",
        slug="uit",
        description=".",
    )
    page = change_page(logged_in("texts-none", role=EDITORS), theme)
    assert "Geen editie van de bijlagetekst drukte dit thema (het kwam van elders)." in page
