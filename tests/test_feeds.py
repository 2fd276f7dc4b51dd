"""The Atom feeds of changes: valid Atom, stable ids, only what was public when it changed."""

import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Edition, Partner, Section, Theme

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("registry:changes_feed")


def fetch(client, url=FEED):
    response = client.get(url)
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed):
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def about(feed, theme):
    return [entry for entry in entries(feed) if entry["link"].endswith(theme.get_absolute_url())]


def new_theme(title, *, internal=False, description="Een openbare tekst.", section="benelux"):
    return Theme.objects.create(
        section=Section.objects.get(key=section),
        title=title,
        slug=title.lower().replace(" ", "-")[:50],
        description=description,
        is_internal=internal,
    )


def edit(theme, **fields):
    for name, value in fields.items():
        setattr(theme, name, value)
    theme.save()  # every save leaves a historical record, as the admin's and the imports' do


def test_feed_is_valid_atom_with_timezone_aware_dates(client):
    new_theme("Een nieuw thema")
    feed = fetch(client)

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Register defensiesamenwerking: wijzigingen"
    assert feed.findtext(f"{ATOM}id")
    assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")).tzinfo is not None
    found = entries(feed)
    assert found
    for entry in found:
        assert entry["id"].startswith("urn:uuid:")
        assert datetime.fromisoformat(entry["updated"]).tzinfo is not None


def test_feed_ids_stay_the_same(client):
    theme = new_theme("Een nieuw thema")
    first = [entry["id"] for entry in about(fetch(client), theme)]
    edit(theme, description="Een andere openbare tekst.")
    second = [entry["id"] for entry in about(fetch(client), theme)]

    assert len(first) == 1
    assert len(second) == 2
    assert first[0] in second


def test_feed_reports_a_new_edition_with_its_source(client):
    Edition.objects.create(
        year=2017,
        title="Bijlage 2",
        dossier_number="33 279",
        document_number="25",
        document_date=date(2030, 1, 1),  # the newest news
        appendix="Bijlage 2",
    )
    first = entries(fetch(client))[0]

    assert first["title"] == "Editie 2017 van de bijlage"
    assert first["link"].endswith("/edities/2017/")
    assert "Kamerstuk 33 279, nr. 25, van 1 januari 2030, Bijlage 2" in first["summary"]
    assert first["updated"].startswith("2030-01-01T00:00:00+01:00")


def test_feed_reports_themes_added_changed_and_archived(client):
    theme = new_theme("Maritieme samenwerking", description="De oude tekst over schepen.")
    edit(theme, description="De nieuwe tekst over schepen.")
    edit(theme, is_archived=True)
    found = about(fetch(client), theme)

    assert [entry["title"] for entry in found] == [
        "Thema gearchiveerd: Maritieme samenwerking",
        "Thema gewijzigd: Maritieme samenwerking",
        "Nieuw thema: Maritieme samenwerking",
    ]
    assert "<del>oude</del> <ins>nieuwe</ins>" in found[1]["summary"]


def test_feed_leaves_out_saves_that_change_nothing_a_reader_sees(client):
    theme = new_theme("Maritieme samenwerking")
    edit(theme, version=theme.version + 1)

    assert len(about(fetch(client), theme)) == 1


def test_feed_never_shows_internal_themes(client):
    theme = new_theme("Geheime samenwerking", internal=True, description="Geheim.")
    edit(theme, description="Nog steeds geheim.")
    feed = ET.tostring(fetch(client), encoding="unicode")

    assert "Geheime samenwerking" not in feed
    assert "geheim" not in feed.lower()


def test_feed_tells_a_theme_made_public_from_that_moment_only(client):
    theme = new_theme("Werktitel", internal=True, description="Een interne opmerking.")
    edit(theme, description="Nog een interne opmerking.")
    edit(theme, title="Openbare samenwerking", description="De openbare tekst.", is_internal=False)
    feed = fetch(client)
    found = about(feed, theme)
    text = ET.tostring(feed, encoding="unicode")

    assert [entry["title"] for entry in found] == ["Nieuw thema: Openbare samenwerking"]
    assert "De openbare tekst." in found[0]["summary"]
    assert "Werktitel" not in text
    assert "interne opmerking" not in text


def test_feed_forgets_a_theme_made_internal(client):
    theme = new_theme("Ooit openbaar", description="Een tekst die openbaar was.")
    edit(theme, is_internal=True)

    assert "Ooit openbaar" not in ET.tostring(fetch(client), encoding="unicode")


def test_feed_escapes_hostile_text(client):
    hostile = '<script>alert("x")</script> & <b>co</b>'
    theme = new_theme("Vijandig", description=hostile)
    edit(theme, title=f"Vijandig {hostile}")
    response = client.get(FEED)
    found = about(ET.fromstring(response.content), theme)

    assert b"<script>" not in response.content
    assert found[0]["title"] == f"Thema gewijzigd: Vijandig {hostile}"  # text, as XML says it
    # the summary is HTML: the hostile text stays text in it
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in found[1]["summary"]
    assert "<script>" not in found[1]["summary"]


def test_partner_feed_reports_the_partners_themes_only(client):
    germany = Partner.objects.get(code="DEU")
    with_germany = new_theme("Met Duitsland", section="deu")
    with_germany.partners.add(germany)
    edit(with_germany, description="Een nieuwe tekst met Duitsland.")
    secret = new_theme("Geheim met Duitsland", internal=True, section="deu")
    secret.partners.add(germany)
    edit(secret, description="Een interne tekst.")

    german = fetch(client, reverse("registry:partner_feed", args=["DEU"]))
    french = fetch(client, reverse("registry:partner_feed", args=["FRA"]))

    assert german.findtext(f"{ATOM}title") == (
        "Register defensiesamenwerking: wijzigingen voor Duitsland"
    )
    assert len(about(german, with_germany)) == 2
    assert about(french, with_germany) == []
    assert "Geheim met Duitsland" not in ET.tostring(german, encoding="unicode")


def test_partner_feed_of_an_unknown_partner_is_not_found(client):
    assert client.get(reverse("registry:partner_feed", args=["XXX"])).status_code == 404


def test_feeds_need_a_fixed_number_of_queries(client):
    url = reverse("registry:partner_feed", args=["DEU"])
    germany = Partner.objects.get(code="DEU")
    counts = []
    for batch in range(2):
        for number in range(5 * batch + 1):
            theme = new_theme(f"Thema {batch} {number}", section="deu")
            theme.partners.add(germany)
            edit(theme, description=f"Gewijzigd {batch} {number}.")
        with CaptureQueriesContext(connection) as whole:
            client.get(FEED)
        with CaptureQueriesContext(connection) as partner:
            client.get(url)
        counts.append((len(whole), len(partner)))

    assert counts[0] == counts[1] == (4, 4)


def test_pages_link_the_feeds(client):
    overview = client.get(reverse("registry:overview")).content.decode()
    partner = client.get(reverse("registry:partner_detail", args=["DEU"])).content.decode()
    feed_link = f'<link rel="alternate" type="application/atom+xml" href="{FEED}"'
    partner_feed = reverse("registry:partner_feed", args=["DEU"])

    assert feed_link in overview
    assert f'<a href="{FEED}" type="application/atom+xml">' in overview
    assert f'<link rel="alternate" type="application/atom+xml" href="{partner_feed}"' in partner
    assert f'<a href="{partner_feed}" type="application/atom+xml">' in partner


def test_feeds_ask_for_a_login_when_the_public_pages_do(client, settings):
    settings.PUBLIC_LOGIN_REQUIRED = True

    for url in (FEED, reverse("registry:partner_feed", args=["DEU"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
