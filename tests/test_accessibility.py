"""The public pages in a real browser: axe-core's WCAG 2.1 A/AA rules, keyboard use, languages.

Headless Chromium (Debian's ``chromium``, driven by Playwright; one browser for the whole file)
loads every public page type from pytest-django's live server, in Dutch and, through the
language switch, in English; axe-core (bundled with ``axe-playwright-python``) checks each with
the WCAG 2.0/2.1 A and AA tags, and any violation fails the test with the page, the rule, its
impact and the elements concerned. Keyboard use, visible focus, the ``lang`` of the pages and
reflow at 320 pixels are checked by the tests below.

The live server makes these tests transactional: Django empties the database after each of
them. The annex data that ``tests/conftest.py`` loads for the session is therefore copied once
before the first of these tests, put back before each test that finds the tables empty, and put
back after the last one, so that tests running later still find it (the fixtures
``annex_tables`` and ``annex_data`` in ``tests/conftest.py``). As emptying and refilling
take a moment each (most on PostgreSQL), the page checks are few tests that each visit many
pages and report every violation they find, page by page.
"""

import os
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

pytestmark = [
    # On a developer's machine without Chromium these tests are skipped (and say so); CI
    # installs it (.ci/run), so there a missing browser fails them instead.
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("CI"),
        reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (as .ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
    # The annex data, put back after the live server's flushes (tests/conftest.py).
    pytest.mark.usefixtures("annex_data"),
]

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture(scope="module")
def paths(annex_tables, django_db_blocker, live_server):
    """The address of one page of each kind, chosen from the annex data."""
    from registry.models import Agreement, Command, Partner, Section, Theme

    with django_db_blocker.unblock():
        theme = (
            Theme.objects.filter(is_internal=False, is_archived=False, agreements__isnull=False)
            .select_related("section")
            .order_by("section__position", "position")
            .first()
        )
        section = Section.objects.exclude(introduction="").order_by("position").first()
        agreement = (
            Agreement.objects.filter(is_internal=False, themes__isnull=False).order_by("pk").first()
        )
        partner = Partner.objects.get(code="DEU")
        command = Command.objects.get(code="CLAS")
        themes = reverse("registry:theme_list")
        paths = {
            "overview": reverse("registry:overview"),
            "listing": themes,
            "listing, page 2": f"{themes}?pagina=2",
            "filtered listing": f"{themes}?partner=DEU&command=CLAS",
            "listing with invalid filters": f"{themes}?partner=XXX&status=onzin&edition=1900",
            "search without results": f"{themes}?q=onvindbaarwoord",
            "theme": theme.get_absolute_url(),
            "sections": reverse("registry:section_list"),
            "section": section.get_absolute_url(),
            "partners": reverse("registry:partner_list"),
            "partner": partner.get_absolute_url(),
            "commands": reverse("registry:command_list"),
            "command": command.get_absolute_url(),
            "agreements": reverse("registry:agreement_list"),
            "agreement": agreement.get_absolute_url(),
            "partner map": reverse("registry:partner_map"),
            "agreement time line": reverse("registry:agreement_timeline"),
            "accessibility statement": reverse("registry:accessibility"),
            "editions": reverse("registry:edition_list"),
            "edition": reverse("registry:edition_detail", args=[2016]),
            "open data": reverse("registry:open_data"),
        }
    return {name: live_server.url + path for name, path in paths.items()}


# The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for all the tests of this file.

    Playwright's synchronous API keeps an asyncio loop marked as running in this thread, which
    Django takes for an async context; the database calls of these tests and of the live server's
    flushes are ordinary synchronous calls, so Django is told so while the browser is open.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = playwright_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def axe():
    return axe_api.Axe()


@pytest.fixture(scope="module")
def browser_context(browser):
    """One browser window for the tests, so that each test does not wait for a new one."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, live_server):
    """The tab of the tests, without cookies (so Dutch, the default language), at desktop size."""
    browser_context.clear_cookies()
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    page.set_viewport_size(DESKTOP)
    return page


def open_page(page, path):
    response = page.goto(path)
    assert response is not None, path
    assert response.status < 500, f"{path} answered {response.status}"
    return response


def switch_language(page, code):
    """Choose a language with the switch in the page header, as a visitor does."""
    page.select_option("#taal", code)
    with page.expect_navigation():
        page.locator(".language-switch button[type=submit]").click()


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = "; ".join(
                line.strip() for line in (node.get("failureSummary") or "").splitlines()
            ).replace(":; ", ": ")
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def wcag_violations(page, axe):
    """What axe-core finds against the WCAG 2.0/2.1 A and AA rules on the open page."""
    return axe.run(page, options=AXE_OPTIONS).response["violations"]


def audit(page, axe, label):
    """An empty string for a page without violations, else a readable account of them."""
    violations = wcag_violations(page, axe)
    if not violations:
        return ""
    return f"{label} ({page.url}): {len(violations)} violation(s)\n{describe(violations)}"


# axe-core on every page type -----------------------------------------------------------------


def shows(page, selector):
    return page.locator(selector).count()


# Each page, and what it must show for the check to mean what its name says.
PAGES = {
    "overview": lambda page: shows(page, "table.matrix tbody tr") > 10,
    "listing": lambda page: (
        shows(page, "table.themes tbody tr") >= 10 and shows(page, "nav.pagination")
    ),
    "listing, page 2": lambda page: shows(page, "a[rel=prev]"),
    "filtered listing": lambda page: 0 < shows(page, "table.themes tbody tr") < 25,
    "listing with invalid filters": lambda page: (
        shows(page, ".error-summary li") == 3 and shows(page, ".errorlist") == 3
    ),
    "search without results": lambda page: (
        shows(page, "table.themes") == 0 and shows(page, ".empty-result li a") == 1
    ),
    "theme": lambda page: shows(page, "article dl.facts"),
    "sections": lambda page: shows(page, "main ol li") > 5,
    "section": lambda page: shows(page, "table.themes tbody tr"),
    "partners": lambda page: shows(page, "main table tbody tr") > 10,
    "partner": lambda page: shows(page, "table.themes tbody tr"),
    "commands": lambda page: shows(page, "main table tbody tr") > 5,
    "command": lambda page: shows(page, "table.themes tbody tr"),
    "agreements": lambda page: shows(page, "main table tbody tr") > 5,
    "agreement": lambda page: shows(page, "main dl.facts"),
    "accessibility statement": lambda page: shows(page, "main h2") >= 3,
    "editions": lambda page: shows(page, "main section.edition-text cite"),
    "edition": lambda page: shows(page, "main h3") >= 5 and shows(page, "main .source cite"),
    "open data": lambda page: shows(page, "table.downloads-table tbody tr") == 14,
    "partner map": lambda page: (
        shows(page, "svg.map a[aria-label]") > 30 and shows(page, "#partnerlanden")
    ),
    "agreement time line": lambda page: (
        shows(page, "ol.tl-list li time") >= 9 and shows(page, "#zonder-datum")
    ),
}
ENGLISH_PAGES = [
    "overview",
    "filtered listing",
    "listing with invalid filters",
    "search without results",
    "theme",
    "partner",
    "open data",
    "partner map",
    "agreement time line",
]


def test_every_page_type_has_no_wcag_violations(page, axe, paths):
    """All public page types in Dutch; one test, so the database is emptied and refilled once."""
    reports = []
    for name, has_content in PAGES.items():
        open_page(page, paths[name])
        assert page.locator("html").get_attribute("lang") == "nl", name
        assert has_content(page), f"the {name} page does not show what it is checked for"
        reports.append(audit(page, axe, f"the {name} page"))
    reports = [report for report in reports if report]
    assert not reports, "axe-core found WCAG 2.1 A/AA violations:\n\n" + "\n\n".join(reports)


def test_english_pages_have_no_wcag_violations(page, axe, paths):
    """The language switch on the first page, then English versions of several page types."""
    reports = []
    for number, name in enumerate(ENGLISH_PAGES):
        open_page(page, paths[name])
        if number == 0:
            switch_language(page, "en")  # the switch leads back to the same page, in English
            assert page.url == paths[name]
        assert page.locator("html").get_attribute("lang") == "en", name
        assert PAGES[name](page), f"the English {name} page does not show what it is checked for"
        reports.append(audit(page, axe, f"the English {name} page"))
    reports = [report for report in reports if report]
    assert not reports, "axe-core found WCAG 2.1 A/AA violations:\n\n" + "\n\n".join(reports)


def test_a_violation_fails_with_rule_impact_and_elements(page, axe):
    """The check itself: a page with known faults is reported, naming rule, impact, elements."""
    page.goto("about:blank")
    page.set_content(
        '<html><head><title>Fout</title></head><body><main><img src="x.png">'
        '<a href="/x"></a><input id="veld"></main></body></html>'
    )
    report = audit(page, axe, "a faulty page")
    assert "a faulty page (about:blank): 4 violation(s)" in report
    assert "- html-has-lang (serious): " in report
    assert "- image-alt (critical): " in report
    assert "- link-name (serious): " in report
    assert "- label (critical): " in report
    assert "    #veld: Fix any of the following:" in report


# Keyboard use and languages ------------------------------------------------------------------


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, classes: el.className,
                    href: el.getAttribute('href'), text: (el.innerText || '').trim()};
        }"""
    )


def tab_to(page, selector, limit=60):
    """Press Tab until the element matching selector has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, paths):
    open_page(page, paths["theme"])
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["classes"], f"the first Tab stop is {first}"
    assert first["href"] == "#inhoud"
    skip_link = page.locator(".skip-link")
    box = skip_link.bounding_box()
    assert box is not None
    assert box["x"] >= 0, "the focused skip link is off screen"
    assert box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert focused(page)["tag"] == "main"
    assert focused(page)["id"] == "inhoud"
    # The next Tab stop is inside main, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


TAB_STOP = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (el.className ? '.' + el.className.split(' ').join('.') : ''),
        text: (el.innerText || el.value || '').trim().slice(0, 40),
        outline: `${style.outlineStyle} ${style.outlineWidth}`,
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    };
}"""


def tab_stops(page, presses):
    """Press Tab up to presses times; what had the focus after each press."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if stop["tag"] == "body":  # past the last stop
            break
        stops.append(stop)
    return stops


def test_keyboard_focus_is_visible_on_every_tab_stop(page, paths):
    """Skip link, header, language switch, menu, filter fields, buttons, links, footer."""
    open_page(page, paths["listing"])
    stops = tab_stops(page, presses=40)
    assert {"a", "select", "input", "button"} <= {stop["tag"] for stop in stops}
    open_page(page, paths["accessibility statement"])
    stops += tab_stops(page, presses=40)
    assert any(stop["text"] == "Toegankelijkheidsverklaring" for stop in stops), "no footer"
    invisible = [
        f"{stop['element']} ({stop['text']!r}): outline {stop['outline']}"
        for stop in stops
        if not stop["visible"]
    ]
    assert not invisible, "no visible focus on:\n" + "\n".join(invisible)


def test_the_country_links_on_the_map_show_the_keyboard_focus(page, paths):
    """Each partner country on the map is a tab stop with a visible outline and a darker edge."""
    open_page(page, paths["partner map"])
    tab_to(page, "svg.map a")
    focus = page.evaluate(
        """() => {
            const link = document.activeElement;
            const style = getComputedStyle(link);
            return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                    edge: getComputedStyle(link.querySelector('path')).strokeWidth};
        }"""
    )
    assert focus["outline"] != "none", focus
    assert focus["width"] > 0, focus
    assert focus["edge"] == "3px", focus
    names = [page.evaluate("() => document.activeElement.getAttribute('aria-label')")]
    for _ in range(3):
        page.keyboard.press("Tab")
        names.append(page.evaluate("() => document.activeElement.getAttribute('aria-label')"))
    assert names == sorted(names), "the countries are tab stops in the order of their names"
    assert all(names), names


def luminance(rgb):
    """The relative luminance of a CSS colour "rgb(r, g, b)" (WCAG 2.1)."""
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_pictures_colours_have_enough_contrast(page, paths):
    """The numbers on every shade of the matrix 4.5:1, a partner's fill against the other
    countries' 3:1 (WCAG 1.4.3 and 1.4.11), computed from the styles the browser applies."""
    open_page(page, paths["overview"])
    shades = page.evaluate(
        """() => [1, 2, 3, 4].map(level => {
            const link = document.querySelector(`table.matrix td.shade-${level} a`);
            return [level, getComputedStyle(link).color,
                    getComputedStyle(link.closest('td')).backgroundColor];
        })"""
    )
    ratios = {level: round(contrast(text, ground), 2) for level, text, ground in shades}
    assert len({ground for _, _, ground in shades}) == 4, "four different shades"
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios
    open_page(page, paths["partner map"])
    fills = page.evaluate(
        """() => ['.map-europe .map-partner-fill', '.map-europe .map-other'].map(
            selector => getComputedStyle(document.querySelector(selector)).fill)"""
    )
    assert contrast(*fills) >= 3, fills


def test_filter_form_works_with_the_keyboard_alone(page, paths):
    open_page(page, paths["listing"])
    tab_to(page, "#id_partner")
    page.keyboard.type("Duitsland")
    assert page.eval_on_selector("#id_partner", "el => el.value") == "DEU"
    tab_to(page, "#id_command")
    page.keyboard.type("CLAS")
    assert page.eval_on_selector("#id_command", "el => el.value") == "CLAS"
    tab_to(page, ".filters button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    query = parse_qs(urlsplit(page.url).query)
    assert query["partner"] == ["DEU"]
    assert query["command"] == ["CLAS"]
    assert page.locator("table.themes tbody tr").count() > 0
    status = page.locator("[role=status]").inner_text()
    assert re.match(r"\d+ thema", status), status

    # Enter in the search field submits the form too.
    tab_to(page, "#id_q")
    page.keyboard.type("onvindbaarwoord")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["onvindbaarwoord"]
    assert page.locator("table.themes").count() == 0


def test_language_is_dutch_by_default_and_the_switch_works_with_the_keyboard(page, paths):
    open_page(page, paths["partner"])
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Duitsland"
    tab_to(page, "#taal")
    page.keyboard.type("English")
    tab_to(page, ".language-switch button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The switch brings the visitor back to the same page, now in English, and it stays so.
    assert page.url == paths["partner"]
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Germany"
    open_page(page, paths["overview"])
    assert page.locator("html").get_attribute("lang") == "en"
    switch_language(page, "nl")
    assert page.locator("html").get_attribute("lang") == "nl"


REFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => !el.closest('.table-scroll') && el.getClientRects().length)
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    return {width: width, scrollWidth: document.documentElement.scrollWidth, wide: wide};
}"""


def test_the_filters_fold_on_a_phone_and_stay_open_on_a_wide_screen(page, paths):
    page.set_viewport_size({"width": 390, "height": 800})
    open_page(page, paths["filtered listing"])
    panel = page.locator("details.filter-panel")
    assert panel.get_attribute("open") is None
    assert not page.locator("#id_partner").is_visible()
    # The summary opens it, with the keyboard too.
    page.locator("details.filter-panel > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#id_partner").is_visible()
    # A filter with an error keeps it open on a phone.
    open_page(page, paths["listing with invalid filters"])
    assert page.locator("#id_partner").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, paths["filtered listing"])
    assert page.locator("#id_partner").is_visible()


def test_pages_reflow_at_320_pixels(page, paths):
    """WCAG 1.4.10: no scrolling in two directions at 320 CSS pixels.

    Data tables are exempt: they scroll sideways inside their own keyboard-reachable region.
    """
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    for name in PAGES:
        open_page(page, paths[name])
        layout = page.evaluate(REFLOW)
        if layout["scrollWidth"] > layout["width"] or layout["wide"]:
            problems.append(f"{name}: {layout}")
    assert not problems, "wider than a 320 pixel screen:\n" + "\n".join(problems)
