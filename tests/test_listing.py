"""Small things readers notice (issue 13, §6): the listing's filters fold away on a phone, an
empty result says how to widen the search, only partners with public themes are offered, the
annex's lower-case descriptions are shown as written, and agreements without a date come last
wherever agreements are listed (pages, API, downloads), on SQLite as on PostgreSQL.
"""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from registry import selectors
from registry.models import Agreement, Partner, Theme

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# The filters fold away (details/summary) ------------------------------------------------------


def test_the_filters_are_a_panel_that_is_open_without_javascript(client):
    html = page(client, reverse("registry:theme_list"))
    panel = re.search(r"<details[^>]*>\s*<summary>(.*?)</summary>", html, re.S)
    assert panel is not None
    assert " open" in panel.group(0)
    assert "data-fold-narrow" in panel.group(0)
    assert '<h2 id="filters-titel">Filters</h2>' in panel.group(1)
    assert '<form class="filters"' in html[panel.end() :]
    assert "registry/listing.js" in html


def test_the_summary_counts_the_active_filters(client):
    html = page(client, f"{reverse('registry:theme_list')}?status=exploratory&partner=DEU")
    summary = re.search(r"<summary>(.*?)</summary>", html, re.S).group(1)
    assert "(2 actief)" in summary


# An empty result says how to widen the search -------------------------------------------------


def test_an_empty_result_offers_to_remove_each_filter_and_all(client):
    url = f"{reverse('registry:theme_list')}?q=zzzz&status=exploratory&partner=DEU"
    html = page(client, url)
    assert "0 thema’s gevonden" in html
    box = html[html.index('class="empty-result"') :]
    links = [unescape(href) for href in re.findall(r'<a href="([^"]+)"', box)]
    listing = reverse("registry:theme_list")
    assert f"{listing}?status=exploratory&partner=DEU" in links  # without the words
    assert f"{listing}?q=zzzz&status=exploratory" in links  # without the partner
    assert f"{listing}?q=zzzz&partner=DEU" in links  # without the status
    assert f"{listing}?q=zzzz&status=exploratory&partner=DEU&archive=alle" in links
    assert listing in links  # clear all
    assert "“Zoeken: zzzz” verwijderen" in box
    assert "“Partner: Duitsland" in box
    assert "“Status: verkennend” verwijderen" in box
    assert "probeer minder of andere woorden" in box


def test_each_removal_link_widens_the_search(client):
    html = page(client, f"{reverse('registry:theme_list')}?q=zzzz&partner=DEU")
    box = html[html.index('class="empty-result"') :]
    without_words = unescape(re.search(r'<a href="([^"]+)">“Zoeken', box).group(1))
    assert "0 thema’s gevonden" not in page(client, without_words)


def test_a_result_shows_no_advice(client):
    html = page(client, f"{reverse('registry:theme_list')}?partner=DEU")
    assert 'class="empty-result"' not in html


def test_the_advice_is_in_english_on_english_pages(client):
    client.cookies.load({"django_language": "en"})
    html = page(client, f"{reverse('registry:theme_list')}?q=zzzz")
    assert "How to find more" in html
    assert "Remove “Search: zzzz”" in html


# Partners without public themes are not offered -----------------------------------------------


def partner_choices(client):
    html = page(client, reverse("registry:theme_list"))
    select = re.search(r'<select name="partner".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_a_partner_without_public_themes_is_not_offered(client):
    Partner.objects.create(code="ZZZ", kind="country", name_nl="Nergensland", name_en="Nowhere")
    lonely = Partner.objects.get(code="DEU")
    offered = partner_choices(client)
    assert "DEU" in offered
    assert "ZZZ" not in offered
    # Germany's themes made internal: it is no longer offered.
    Theme.objects.filter(partners=lonely).update(is_internal=True)
    assert "DEU" not in partner_choices(client)


def test_a_partner_with_only_archived_public_themes_is_still_offered(client):
    partner = Partner.objects.get(code="DEU")
    Theme.objects.filter(partners=partner).update(is_archived=True)
    assert "DEU" in partner_choices(client)


def test_the_offered_partners_are_those_public_themes_name():
    named = set(
        Theme.objects.filter(is_internal=False).values_list("partners__code", flat=True)
    ) - {None}
    offered = set(selectors.partners_with_public_themes().values_list("code", flat=True))
    assert offered == named
    assert Partner.objects.exclude(code__in=named).exists()


# Lower-case descriptions are shown as the annex writes them -----------------------------------


def test_a_lower_case_description_is_shown_as_written_under_its_title(client):
    theme = Theme.objects.get(title="Gevechtsleiders luchtmacht")
    html = page(client, theme.get_absolute_url())
    assert "<h1>Gevechtsleiders luchtmacht</h1>" in html
    assert '<p class="description">leerlingen worden uitgewisseld' in html


# Agreements without a known date come last ---------------------------------------------------


def expected_order():
    agreements = list(Agreement.objects.filter(is_internal=False))
    dated = sorted(
        (a for a in agreements if a.date_signed), key=lambda a: (a.date_signed, a.title, a.slug)
    )
    undated = sorted((a for a in agreements if not a.date_signed), key=lambda a: (a.title, a.slug))
    assert dated
    assert undated
    return [a.slug for a in dated + undated]


def slugs_in(html):
    # The agreements' links, not the link to their time line.
    found = re.findall(r'href="/overeenkomsten/([\w-]+)/"', html)
    found = [slug for slug in found if slug != "tijdlijn"]
    return list(dict.fromkeys(found))


def test_the_agreement_list_puts_undated_agreements_last(client):
    assert slugs_in(page(client, reverse("registry:agreement_list"))) == expected_order()


def test_the_api_puts_undated_agreements_last(client):
    response = client.get(reverse("api:agreement-list"))
    slugs = [agreement["slug"] for agreement in response.json()["results"]]
    assert slugs == expected_order()


def test_the_open_data_download_puts_undated_agreements_last(client):
    rows = json.loads(client.get("/open-data/agreements.json").content)
    assert [row["slug"] for row in rows] == expected_order()


def test_a_partner_page_puts_its_undated_agreements_last(client):
    partner = Partner.objects.get(code="NOR")
    html = page(client, partner.get_absolute_url())
    wanted = [slug for slug in expected_order() if partner.agreements.filter(slug=slug).exists()]
    undated = Agreement.objects.filter(parties=partner, date_signed__isnull=True)
    assert undated.exists()
    assert [slug for slug in slugs_in(html) if slug in wanted] == wanted


def test_an_empty_result_names_a_command_filter_by_its_choice(client):
    html = page(client, f"{reverse('registry:theme_list')}?q=zzzz&command=defensiebreed")
    assert "“Commando: defensiebreed” verwijderen" in html


def test_the_admin_sorts_by_date_with_undated_agreements_last(admin_client):
    # The date is the third column: ?o=3 sorts by it, earliest first.
    response = admin_client.get(f"{reverse('admin:registry_agreement_changelist')}?o=3")
    assert response.status_code == 200
    shown = [agreement.slug for agreement in response.context["cl"].result_list]
    undated = set(Agreement.objects.filter(date_signed__isnull=True).values_list("slug", flat=True))
    assert undated
    assert set(shown[-len(undated) :]) == undated
