"""The pictures of the public pages: the overview's matrix, the map of the partner countries,
the time line of the agreements; each keeps its meaning without colour, and what the page's
text says is what the picture shows.

The map's geometry (projections, simplification, clipping, the antimeridian) is tested on small
shapes made here; the pages on the 2016 annex.
"""

import datetime
import re
import xml.etree.ElementTree as ElementTree
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import figures, maps, timeline
from registry.choices import DatePrecision, PartnerKind
from registry.models import Agreement, Partner, Section, Theme
from tests.test_views import add_themes, new_theme

SVG = "{http://www.w3.org/2000/svg}"
OVERVIEW = reverse("registry:overview")
MAP = reverse("registry:partner_map")
TIMELINE = reverse("registry:agreement_timeline")


@pytest.fixture(autouse=True)
def fresh_cache():
    # The figures are cached by the newest history ids, which a rolled-back test reuses.
    cache.clear()
    yield
    cache.clear()


def get(client, url, language="nl"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response


# The matrix ----------------------------------------------------------------------------------


def matrix_html(response):
    page = response.content.decode()
    return page[page.index('<table class="matrix">') : page.index("</table>", page.index("matrix"))]


@pytest.mark.django_db
def test_the_matrix_groups_countries_then_organisations(client):
    response = get(client, OVERVIEW)
    groups = response.context["groups"]
    assert [group["kind"] for group in groups] == [PartnerKind.COUNTRY, PartnerKind.ORGANISATION]
    for group in groups:
        assert group["rows"]
        assert {row["partner"].kind for row in group["rows"]} == {group["kind"]}
    table = matrix_html(response)
    assert table.count("<tbody>") == 2
    assert re.findall(r'<th scope="rowgroup"[^>]*>([^<]+)</th>', table) == [
        "Landen",
        "Organisaties",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "first", "second"),
    # Germany and France change places between Dutch and English names.
    [("nl", "Duitsland", "Frankrijk"), ("en", "France", "Germany")],
)
def test_the_matrix_sorts_partners_by_their_names_in_the_pages_language(
    client, language, first, second
):
    # The other language first: its figures must not be served from the cache for this one.
    get(client, OVERVIEW, "en" if language == "nl" else "nl")
    response = get(client, OVERVIEW, language)
    names = [row["partner"].name for row in response.context["groups"][0]["rows"]]
    assert names.index(first) < names.index(second)
    shown = re.findall(
        r'<th scope="row"><a href="/partners/[^"]+/">([^<]+)</a>', matrix_html(response)
    )
    assert [unescape(name) for name in shown[: len(names)]] == names
    assert shown.index(first) < shown.index(second)


@pytest.mark.django_db
def test_every_matrix_cell_carries_its_number_and_its_shade_says_the_same(client):
    table = matrix_html(get(client, OVERVIEW))
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", table)
    assert len(cells) > 300
    shaded = 0
    for attributes, content in cells:
        number = re.search(r">(\d+)</a>", content)
        if number is None:  # an empty cell: a hidden 0 for screen readers, no shade
            assert '<span class="visually-hidden">0</span>' in content
            assert "shade-" not in attributes
            continue
        level = re.search(r"shade-(\d)", attributes)
        assert level, attributes
        assert int(level.group(1)) == figures.shade(int(number.group(1))).level
        shaded += 1
    assert shaded > 80


@pytest.mark.django_db
def test_the_matrix_legend_says_each_shade_in_numbers_and_the_key_names_each_command(client):
    page = get(client, OVERVIEW).content.decode()
    legend = page[
        page.index('class="shade-legend"') : page.index("</ul>", page.index("shade-legend"))
    ]
    for text in ["1 thema", "2–4 thema’s", "5–9 thema’s", "10 thema’s of meer", "geen"]:
        assert text in legend
    assert legend.count('class="swatch shade-') == len(figures.SHADES)
    english = get(client, OVERVIEW, "en").content.decode()
    assert "10 themes or more" in english
    assert '<abbr title="Royal Netherlands Navy">CZSK</abbr>' in english
    assert '<a href="/commandos/CZSK/">Royal Netherlands Navy</a>' in english
    assert '<abbr title="Commando Zeestrijdkrachten">CZSK</abbr>' in page


@pytest.mark.parametrize(
    ("count", "level"), [(0, None), (1, 1), (2, 2), (4, 2), (5, 3), (9, 3), (10, 4), (250, 4)]
)
def test_the_shades_are_fixed_bands(count, level):
    shade = figures.shade(count)
    assert (shade.level if shade else None) == level


# The map: geometry ---------------------------------------------------------------------------


def square_topology():
    """Two unit squares side by side sharing an arc, as quantised TopoJSON (ids 276 and 250)."""
    return {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 40]},
        # 0: the shared border (1,0)-(1,1); 1: the left square's rest; 2: the right square's.
        "arcs": [
            [[1, 0], [0, 1]],
            [[1, 1], [-1, 0], [0, -1], [1, 0]],
            [[1, 0], [1, 0], [0, 1], [-1, 0]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "276"},
                    {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "id": "250"},
                    {"type": "Polygon", "arcs": [[1]], "properties": {"name": "no id"}},
                ],
            }
        },
    }


def test_a_topology_is_decoded_into_countries_by_their_alpha_3_codes():
    atlas = maps.atlas_from_topology(square_topology())
    assert atlas.arcs[0] == [(1, 40), (1, 41)]
    assert atlas.arcs[1] == [(1, 41), (0, 41), (0, 40), (1, 40)]
    assert [code for code, _ in atlas.countries] == ["DEU", "FRA", None]
    left = maps.assemble([0, 1], atlas.arcs)
    assert left == [(1, 40), (1, 41), (0, 41), (0, 40), (1, 40)]
    right = maps.assemble([2, ~0], atlas.arcs)
    assert right == [(1, 40), (2, 40), (2, 41), (1, 41), (1, 40)]


def test_the_projections_put_their_centre_at_the_origin_and_keep_the_sides():
    assert maps.equal_earth(0, 0) == (0, 0)
    east, north = maps.equal_earth(90, 45)
    west, south = maps.equal_earth(-90, -45)
    assert east > 0
    assert north > 0
    assert (west, south) == pytest.approx((-east, -north))
    laea = maps.lambert_azimuthal(10, 52)
    assert laea(10, 52) == pytest.approx((0, 0))
    assert laea(20, 52)[0] > 0
    assert laea(10, 60)[1] > 0


def test_simplification_drops_what_the_eye_cannot_see_and_keeps_the_ends():
    line = [(0, 0), (1, 0.1), (2, 0), (3, 5), (4, 0)]
    assert maps.simplify(line, 0.5) == [(0, 0), (2, 0), (3, 5), (4, 0)]
    assert maps.simplify(line, 10) == [(0, 0), (4, 0)]


def test_a_ring_is_clipped_to_the_frame():
    ring = [(-5, 2), (5, 2), (5, 8), (-5, 8)]
    clipped = maps.clip(ring, 0, 0, 10, 10)
    assert min(x for x, _ in clipped) == 0
    assert maps.ring_area(clipped) == pytest.approx(30)
    assert maps.clip([(20, 20), (30, 20), (30, 30)], 0, 0, 10, 10) == []


def test_a_ring_across_the_antimeridian_is_cut_into_one_piece_each_side():
    ring = [(170, 60), (-170, 60), (-170, 70), (170, 70)]  # 20 degrees wide, across 180
    assert maps.crosses_antimeridian(ring)
    pieces = maps.cut_at_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        lons = [lon for lon, _ in piece]
        assert min(lons) >= -180
        assert max(lons) <= 180
        assert max(lons) - min(lons) == pytest.approx(10)
        # the cut edge follows the meridian, a point every degree
        assert sum(1 for lon, _ in piece if abs(lon) == 180) >= 10
    assert not maps.crosses_antimeridian([(10, 0), (20, 0), (20, 10)])


def test_path_data_is_relative_and_compact():
    assert maps.path_data([[(10, 20), (15, 20), (15, 12)]]) == "M10 20l5 0 0-8z"
    assert maps.compact([3, -2, -4, 5]) == "3-2-4 5"


# The map: the page ---------------------------------------------------------------------------


def public_partner_countries():
    """Worked out here from the records: countries in a current public theme, in a section,
    or party to a public agreement."""
    codes = set(
        Theme.objects.filter(is_internal=False, is_archived=False).values_list(
            "partners__code", flat=True
        )
    )
    codes |= set(Section.objects.values_list("partners__code", flat=True))
    codes |= set(
        Agreement.objects.filter(is_internal=False).values_list("parties__code", flat=True)
    )
    return set(
        Partner.objects.filter(kind=PartnerKind.COUNTRY, code__in=codes).values_list(
            "code", flat=True
        )
    )


def map_svgs(response):
    page = response.content.decode()
    svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="map .*?</svg>', page, re.S)
    assert len(svgs) == 2
    return [ElementTree.fromstring(svg) for svg in svgs], svgs


def links(svg):
    return {
        link.get("href"): link.get("aria-label") for link in svg.iter(f"{SVG}a") if link.get("href")
    }


@pytest.mark.django_db
def test_every_partner_country_is_a_link_to_its_page_once_and_no_other_country_is(client):
    (europe, world), _ = map_svgs(get(client, MAP))
    expected = public_partner_countries()
    assert len(expected) > 30
    europe_links, world_links = links(europe), links(world)
    assert not set(europe_links) & set(world_links)
    linked = {**europe_links, **world_links}
    partners = {partner.code: partner for partner in Partner.objects.filter(code__in=expected)}
    assert set(linked) == {partner.get_absolute_url() for partner in partners.values()}
    for partner in partners.values():
        assert linked[partner.get_absolute_url()] == partner.name_nl
    assert "/partners/POL/" not in linked  # a neighbour drawn, but no partner
    assert "/partners/NLD/" not in linked
    # Europe is legible: the European partners are links on its own map, the others on the world's
    for code in ["BEL", "LUX", "DEU", "MLT", "EST"]:
        assert f"/partners/{code}/" in europe_links
    for code in ["AUS", "USA", "SGP", "CHL"]:
        assert f"/partners/{code}/" in world_links


@pytest.mark.django_db
def test_the_map_names_the_partners_in_english_on_english_pages(client):
    get(client, MAP)  # the Dutch map is cached first
    (europe, world), _ = map_svgs(get(client, MAP, "en"))
    assert links(europe)["/partners/DEU/"] == "Germany"
    assert links(world)["/partners/ARE/"] == "United Arab Emirates"


@pytest.mark.django_db
def test_a_country_only_internal_records_name_is_not_a_partner_on_the_map(client):
    poland = Partner.objects.create(
        code="POL", kind=PartnerKind.COUNTRY, name_nl="Polen", name_en="Poland"
    )
    theme = new_theme("deu", "Intern met Polen", is_internal=True, partners=["POL"])
    agreement = Agreement.objects.create(
        slug="intern-pol", kind="mou", title="Intern", status="signed", is_internal=True
    )
    agreement.parties.add(poland)
    response = get(client, MAP)
    (europe, world), _ = map_svgs(response)
    assert "/partners/POL/" not in {**links(europe), **links(world)}
    assert "Polen" not in response.content.decode()
    # The same theme made public: Poland is a partner (the check above could have failed).
    Theme.objects.filter(pk=theme.pk).update(is_internal=False)
    cache.clear()
    response = get(client, MAP)
    (europe, _world), _ = map_svgs(response)
    assert links(europe)["/partners/POL/"] == "Polen"
    assert '<a href="/partners/POL/">Polen</a>' in response.content.decode()


@pytest.mark.django_db
def test_the_maps_are_small_well_formed_svg_with_their_legend_and_table(client):
    response = get(client, MAP)
    (europe, world), texts = map_svgs(response)
    for svg, text in zip((europe, world), texts, strict=True):
        assert svg.get("role") == "group"
        assert svg.get("aria-labelledby") in ("kaart-europa", "kaart-wereld")
        assert len(text.encode()) < 40_000
        # every link has a name and a title (the tooltip), and is hatched as well as filled
        for link in svg.iter(f"{SVG}a"):
            assert link.get("aria-label")
            assert link.find(f"{SVG}title").text == link.get("aria-label")
            assert link.find(f"{SVG}path").get("fill").startswith("url(#map-hatch-")
    page = response.content.decode()
    assert 'id="kaart-europa"' in page
    assert 'id="kaart-wereld"' in page
    assert "partnerland (gearceerd; een link naar zijn pagina)" in page
    table = page[page.index('<caption id="partnerlanden">') : page.index("</table>")]
    rows = re.findall(r'<tr><th scope="row"><a href="(/partners/[A-Z]+/)">', table)
    assert set(rows) == {f"/partners/{code}/" for code in public_partner_countries()}


def steps(path):
    """The relative steps of path data as maps.path_data writes it."""
    for ring in re.findall(r"M-?\d+ -?\d+l([^z]*)z", path):
        numbers = [int(number) for number in re.findall(r"-?\d+", ring)]
        yield from zip(numbers[::2], numbers[1::2], strict=True)


def test_no_shape_on_the_world_map_jumps_across_it():
    """A country across the antimeridian (Russia, Fiji) is cut there, not drawn across the map."""
    svg = ElementTree.fromstring(maps.render_svg("world", linked={}))
    widest = max(abs(dx) for path in svg.iter(f"{SVG}path") for dx, _ in steps(path.get("d") or ""))
    assert 0 < widest < maps.WORLD.width / 4


def test_a_small_partner_gets_a_ring_on_the_map():
    svg = maps.render_svg("world", linked={"MLT": maps.Link("Malta", "/partners/MLT/")})
    link = ElementTree.fromstring(svg).find(f"{SVG}a")
    assert link.find(f"{SVG}circle") is not None
    svg = maps.render_svg("world", linked={"FRA": maps.Link("Frankrijk", "/partners/FRA/")})
    assert ElementTree.fromstring(svg).find(f"{SVG}a").find(f"{SVG}circle") is None


def test_names_and_addresses_in_the_svg_are_escaped():
    svg = maps.render_svg("europe", linked={"DEU": maps.Link('Duits<land> & "co"', "/p/?a=1&b=2")})
    link = ElementTree.fromstring(svg).find(f"{SVG}a")
    assert link.get("aria-label") == 'Duits<land> & "co"'
    assert link.get("href") == "/p/?a=1&b=2"


# The time line -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "precision", "start", "end", "value"),
    [
        (datetime.date(2012, 4, 18), DatePrecision.DAY, (2012, 4, 18), (2012, 4, 19), "2012-04-18"),
        (datetime.date(2016, 6, 1), DatePrecision.MONTH, (2016, 6, 1), (2016, 7, 1), "2016-06"),
        (datetime.date(2015, 12, 1), DatePrecision.MONTH, (2015, 12, 1), (2016, 1, 1), "2015-12"),
        (datetime.date(2016, 1, 1), DatePrecision.YEAR, (2016, 1, 1), (2017, 1, 1), "2016"),
    ],
)
def test_a_date_stands_for_the_period_of_its_precision(day, precision, start, end, value):
    assert timeline.period(day, precision) == (datetime.date(*start), datetime.date(*end))
    assert timeline.datetime_value(day, precision) == value


def entry_spans(page):
    items = re.findall(r'<li class="tl-item">(.*?)</li>', page, re.S)
    return [
        (
            re.search(r'<time datetime="([^"]+)"[^>]*>([^<]+)</time>', item).groups(),
            re.search(r'<a href="/overeenkomsten/([^/]+)/"', item).group(1),
            re.search(
                r'<rect class="tl-(day|month|year)" x="([\d.]+)" y="\d+" width="([\d.]+)"', item
            ).groups(),
        )
        for item in items
    ]


@pytest.mark.django_db
def test_the_time_line_shows_each_agreement_at_its_precision_in_order_undated_last(client):
    page = get(client, TIMELINE).content.decode()
    entries = entry_spans(page)
    dated = Agreement.objects.exclude(date_signed=None)
    assert len(entries) == dated.count() == 9
    assert entries[0][:2] == (
        ("2012-04-18", "18 april 2012"),
        "benelux-ministeriele-verklaring-2012",
    )
    by_slug = {slug: (time, mark) for time, slug, mark in entries}
    month_time, month_mark = by_slug["overeenkomst-korps-mariniers-lichte-brigade-2016"]
    assert month_time == ("2016-06", "juni 2016")
    year_time, year_mark = by_slug["loi-benelux-brigades-2016"]
    assert year_time == ("2016", "2016")
    _day_time, day_mark = by_slug["loi-seebataillon-2016"]
    # the axis runs from 2012 to the end of 2016: 1827 days on 1000 units
    assert month_mark[0] == "month"
    assert float(month_mark[2]) == pytest.approx(30 / 1827 * 1000, abs=0.1)
    assert float(month_mark[1]) == pytest.approx(
        (datetime.date(2016, 6, 1) - datetime.date(2012, 1, 1)).days / 1827 * 1000, abs=0.1
    )
    assert year_mark[0] == "year"
    assert float(year_mark[2]) == pytest.approx(366 / 1827 * 1000, abs=0.1)
    assert day_mark[0] == "day"
    assert float(day_mark[2]) == timeline.DAY_MARK
    starts = [datetime.date.fromisoformat((time[0] + "-01-01")[:10]) for time, _, _ in entries]
    assert starts == sorted(starts)
    # the undated ones are listed apart, after the time line
    undated = page[page.index('id="zonder-datum"') :]
    for agreement in Agreement.objects.filter(date_signed=None):
        assert agreement.get_absolute_url() in undated
        assert agreement.get_absolute_url() not in page[: page.index('id="zonder-datum"')]


@pytest.mark.django_db
def test_the_time_line_leaves_out_internal_agreements(client):
    Agreement.objects.create(
        slug="intern-2014",
        kind="mou",
        title="Intern 2014",
        status="signed",
        is_internal=True,
        date_signed=datetime.date(2014, 3, 1),
        date_precision=DatePrecision.MONTH,
    )
    Agreement.objects.create(
        slug="openbaar-2014",
        kind="mou",
        title="Openbaar 2014",
        status="signed",
        date_signed=datetime.date(2014, 3, 1),
        date_precision=DatePrecision.MONTH,
    )
    page = get(client, TIMELINE).content.decode()
    assert "/overeenkomsten/openbaar-2014/" in page
    assert "intern-2014" not in page
    assert "Intern 2014" not in page


def test_the_shorter_period_comes_first_when_two_start_together():
    def agreement(title, day, precision):
        return Agreement(title=title, date_signed=day, date_precision=precision)

    built = timeline.build(
        [
            agreement("Jaar", datetime.date(2016, 1, 1), DatePrecision.YEAR),
            agreement("Zonder", None, DatePrecision.UNKNOWN),
            agreement("Maand", datetime.date(2016, 1, 1), DatePrecision.MONTH),
            agreement("Dag", datetime.date(2016, 1, 1), DatePrecision.DAY),
            agreement("Eerder", datetime.date(2015, 12, 31), DatePrecision.DAY),
        ]
    )
    assert [entry.agreement.title for entry in built["entries"]] == [
        "Eerder",
        "Dag",
        "Maand",
        "Jaar",
    ]
    assert [agreement.title for agreement in built["undated"]] == ["Zonder"]
    assert built["years"] == [2015, 2016]
    assert built["year_lines"] == [pytest.approx(365 / 731 * 1000, abs=0.1)]


# Query counts --------------------------------------------------------------------------------


def uncached_queries(client, url):
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [OVERVIEW, MAP, TIMELINE])
def test_the_picture_pages_run_a_fixed_number_of_queries(client, url):
    before = uncached_queries(client, url)
    add_themes(30)
    assert uncached_queries(client, url) == before
    assert before <= 12


def test_a_missing_set_of_country_shapes_is_reported_by_the_system_checks(monkeypatch, tmp_path):
    from registry.checks import country_shapes_installed

    assert country_shapes_installed(None) == []
    monkeypatch.setattr(maps, "ATLAS_PATH", tmp_path / "countries-50m.json")
    warnings = country_shapes_installed(None)
    assert [warning.id for warning in warnings] == ["registry.W001"]
    assert "make install" in warnings[0].hint
