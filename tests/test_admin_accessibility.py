"""The admin in a real browser: axe-core's WCAG 2.1 A/AA rules on every page type that staff
work with, in Dutch and English, on a desktop (1280 pixels) and a phone (390 pixels), and the
autocomplete fields (select2) used with the keyboard alone.

The pages: the login; the index; every changelist of the admin site (taken from its registry,
so a model admin added later is checked as well), each with the first choice of its first
filter applied, or a search where it has no filters; the theme and agreement change forms,
also with the list of an autocomplete field open (found, and nothing found); the theme
import's upload page and the preview of a file uploaded through it in the browser; the
comparison of two editions; a theme's history and revert pages; and the page of an import run
that was uploaded and confirmed in the browser. Every violation is reported, with its page,
language, width, rule, impact and elements, in one failure message.

Headless Chromium and the live server's annex data as in ``tests/test_accessibility.py``: few
tests, as the live server's database is emptied and refilled after each.
"""

import re
from urllib.parse import quote

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from registry.models import Agreement, Edition, Theme
from registry.resources import RESOURCES
from registry.tabular import export_bytes
from tests import test_accessibility as browser_tests
from tests.admin_forms import PASSWORD
from tests.signin import LOGIN, authenticator, sign_in_in_browser
from tests.test_history_pages import history_pages
from tests.test_public_outputs import exported_themes, new_row

pytestmark = browser_tests.pytestmark
browser = browser_tests.browser
browser_context = browser_tests.browser_context
page = browser_tests.page
axe = browser_tests.axe

LANGUAGES = ["nl", "en"]
WIDTHS = [1280, 390]
STAFF = "beheerder"
CHANGED_TEXT = "Nederland en Duitsland werken samen aan cyberoperaties en gezamenlijke oefeningen."


# The pages -----------------------------------------------------------------------------------


def changelists():
    """(name, path, model admin) of every changelist of the admin site, from its registry."""
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        path = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        yield f"{meta.label_lower} changelist", path, model_admin


def search_term(model_admin):
    """A word that the changelist's search finds: from its first search field's first value."""
    field = model_admin.search_fields[0].lstrip("^=@")
    values = model_admin.model._default_manager.order_by("pk").values_list(field, flat=True)
    value = next((str(value) for value in values if value), None)
    assert value, f"no {model_admin.model._meta.label} to search for"
    return re.split(r"\W+", value.strip())[0]


def narrowed(page, base_url, path, model_admin):
    """The changelist with the first choice of its first filter, or, where it has no filters,
    searched for a word of its records; checked to be applied."""
    browser_tests.open_page(page, base_url + path)
    first_filter = page.locator("#changelist-filter details").first
    if first_filter.count():
        query = first_filter.locator("li:not(.selected) a").first.get_attribute("href")
        browser_tests.open_page(page, base_url + path + query)
        chosen = first_filter.locator(f'li.selected a[href="{query}"]')
        assert chosen.count() == 1, f"the filter {query} of {path} is not shown as applied"
        assert page.locator("#result_list tbody tr").count() >= 1, f"{path}{query} lists nothing"
        return path + query
    term = search_term(model_admin)
    query = f"?q={quote(term)}"
    browser_tests.open_page(page, base_url + path + query)
    assert page.locator("#changelist-search input[name=q]").input_value() == term, path
    assert page.locator("#result_list tbody tr").count() >= 1, f"{path}{query} finds nothing"
    return path + query


def new_theme(title):
    """A theme that the registry does not have, its status by its code (the file is uploaded in
    whichever language the browser has)."""
    return {**new_row(title, "Nieuw", internal=False), "status": "ongoing"}


def themes_file(rows, headers):
    dataset = RESOURCES["themes"]().export(Theme.objects.none())
    for row in rows:
        dataset.append([row.get(name, "") for name in headers])
    return export_bytes(dataset, "csv")


def upload_in_browser(page, base_url, data, name, *, edition=None):
    """Upload a themes file through the import page, as staff do; the preview it shows."""
    browser_tests.open_page(page, base_url + reverse("admin:registry_theme_import"))
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    if edition:
        page.fill("#id_edition", str(edition))
        page.check("#id_archive_missing")
    with page.expect_navigation():
        page.click("form input[type=submit]")
    assert page.locator(".registry-preview tbody tr").count() > 0, page.content()[:3000]
    errors = page.locator(".errornote + table")
    assert errors.count() == 0, errors.first.inner_text()


def edition_2017_in_browser(page, base_url):
    """The 2017 edition imported in the browser: a changed, a new and a gone theme. Returns
    the path of the import run's page, where the confirm leads."""
    headers, rows = exported_themes()
    by_title = {row["title"]: row for row in rows if row["section"] == "deu"}
    by_title["Joint capaciteiten"]["description"] += " Gewijzigd in de editie van 2017."
    rows = [row for row in rows if row is not by_title["Uitwisseling van personeel"]]
    rows.append(new_theme("Nieuw samenwerkingsthema"))
    upload_in_browser(page, base_url, themes_file(rows, headers), "themas-2017.csv", edition=2017)
    with page.expect_navigation():
        page.click("input[name=confirm]")
    path = page.url.removeprefix(base_url)
    assert re.fullmatch(r"/admin/registry/importrun/\d+/change/", path), page.url
    return path


def preview_in_browser(page, base_url):
    """A small themes file uploaded in the browser and not confirmed: its preview's path."""
    headers, rows = exported_themes()
    cyber = next(row for row in rows if row["section"] == "deu" and row["title"] == "Cyber")
    cyber["description"] = CHANGED_TEXT
    data = themes_file([cyber, new_theme("Nog een nieuw thema")], headers)
    upload_in_browser(page, base_url, data, "twee-themas.csv")
    token = page.locator("input[name=token]").input_value()
    return f"{reverse('admin:registry_theme_import')}?token={quote(token)}"


def failed_sign_in():
    """What django-axes records of a wrong password, so that its lists have a row to show."""
    visit = {"username": "onbekend", "ip_address": "192.0.2.1", "user_agent": "Chromium"}
    visit.update({"http_accept": "text/html", "path_info": LOGIN})
    AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **visit)
    AccessFailureLog.objects.create(**visit)


def admin_pages(page, base_url):
    """Every page of the matrix after the login: name -> (path, a selector that it must show
    for its check to mean what its name says)."""
    failed_sign_in()
    history = history_pages()  # the theme Cyber (deu) and an agreement, edited in the admin
    run = edition_2017_in_browser(page, base_url)
    preview = preview_in_browser(page, base_url)
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    agreement = Agreement.objects.get(slug="mou-smart-2015")
    older, newer = Edition.objects.get(year=2016), Edition.objects.get(year=2017)
    pages = {"index": (reverse("admin:index"), "#content-main a[href$='/registry/theme/']")}
    for name, path, model_admin in changelists():
        pages[name] = (narrowed(page, base_url, path, model_admin), "#changelist")
    pages.update(
        {
            "theme change form": (
                reverse("admin:registry_theme_change", args=[theme.pk]),
                ".field-partners .select2-selection--multiple",
            ),
            "agreement change form": (
                reverse("admin:registry_agreement_change", args=[agreement.pk]),
                ".field-parties .select2-selection--multiple",
            ),
            "theme import upload page": (reverse("admin:registry_theme_import"), "#id_file"),
            "theme import preview": (preview, ".registry-preview .registry-diff"),
            "edition comparison": (
                reverse("admin:registry_edition_compare", args=[older.pk, newer.pk]),
                ".registry-compare .registry-diff",
            ),
            "theme history page": (history["theme history"], ".history-change-list dt"),
            "theme revert page": (history["theme revert"], ".history-revert-changes dt"),
            "import run page": (run, ".registry-run-changes tbody tr"),
        }
    )
    return pages


# The lists of the autocomplete fields, open ----------------------------------------------------


def results(field):
    return f"#select2-id_{field}-results"


def open_single(field):
    """Open the list of a one-choice field with the keyboard, as it is: its choices."""

    def bring_about(page):
        page.focus(f".field-{field} .select2-selection")
        page.keyboard.press("Enter")
        page.locator(f"{results(field)} {FOUND}").first.wait_for()

    return bring_about


def search_multiple(field, term, shown):
    """Type into the search field of a field of several choices: its list opens with what
    the search finds (shown: a selector within the list)."""

    def bring_about(page):
        page.focus(f".field-{field} .select2-search__field")
        page.keyboard.type(term)
        page.locator(f"{results(field)} {shown}").first.wait_for()

    return bring_about


def close_list(page):
    page.keyboard.press("Escape")
    page.locator(".select2-container--open").first.wait_for(state="detached")


# An option that can be chosen (select2 marks them so; not its messages, nor "Searching…").
FOUND = ".select2-results__option[aria-selected]"
NOTHING_FOUND = ".select2-results__message"
STATES = {
    "theme change form": {
        "the section list open": open_single("section"),
        "the partners list open at a search": search_multiple("partners", "an", FOUND),
        "the partners list open, nothing found": search_multiple("partners", "qqq", NOTHING_FOUND),
    },
    "agreement change form": {
        "the parties list open at a search": search_multiple("parties", "Noo", FOUND),
    },
}


# The matrix ----------------------------------------------------------------------------------


def audit_matrix(page, axe, base_url, pages, *, states=None, after_load=None):
    """Every page in every language at every width, and the states brought about on it: an
    account of each violation that axe-core finds (an empty list when there are none)."""
    reports = []
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, (path, shows) in pages.items():
                where = f"{language}, {width} px"
                browser_tests.open_page(page, base_url + path)
                assert page.locator("html").get_attribute("lang") == language, f"{name}, {where}"
                assert page.locator(shows).count(), f"the {name} ({where}) does not show {shows}"
                if after_load is not None:
                    after_load(page)
                reports.append(browser_tests.audit(page, axe, f"the {name} ({where})"))
                for state, bring_about in (states or {}).get(name, {}).items():
                    bring_about(page)
                    reports.append(browser_tests.audit(page, axe, f"the {name}, {state} ({where})"))
                    close_list(page)
    return [report for report in reports if report]


def staff_member():
    user = User.objects.create_superuser(STAFF, password=PASSWORD)
    return user, authenticator(user)


def failure(reports):
    return "axe-core found WCAG 2.1 A/AA violations:\n\n" + "\n\n".join(reports)


def test_every_admin_page_type_has_no_wcag_violations(page, axe, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base_url = live_server.url
    _user, device = staff_member()
    reports = audit_matrix(page, axe, base_url, {"login page": (LOGIN, "#login-form")})
    sign_in_in_browser(page, base_url, STAFF, PASSWORD, device)
    pages = admin_pages(page, base_url)
    assert len([name for name in pages if name.endswith(" changelist")]) == len(
        admin.site._registry
    )
    reports += audit_matrix(page, axe, base_url, pages, states=STATES)
    assert not reports, failure(reports)


def test_a_violation_on_a_page_fails_the_matrix_with_page_rule_impact_and_elements(
    page, axe, live_server
):
    """The matrix itself: an unnamed field and a link told apart by colour alone, put into the
    login page, are reported for every language and width, with rule, impact and element."""

    def spoil(page):
        # The styles are set through the CSSOM: the Content-Security-Policy ignores style
        # attributes in markup.
        page.evaluate(
            """() => {
                document.querySelector('#content-main').insertAdjacentHTML('beforeend',
                    '<input id="naamloos"><p id="uitleg">Lees <a id="kaal" href="#">de uitleg</a>' +
                    ' eerst.</p>');
                document.querySelector('#uitleg').style.color = '#333';
                const link = document.querySelector('#kaal');
                link.style.color = '#555';
                link.style.textDecoration = 'none';
            }"""
        )

    reports = audit_matrix(
        page, axe, live_server.url, {"login page": (LOGIN, "#login-form")}, after_load=spoil
    )
    assert len(reports) == len(LANGUAGES) * len(WIDTHS)
    message = failure(reports)
    for language in LANGUAGES:
        for width in WIDTHS:
            assert f"the login page ({language}, {width} px) ({live_server.url}{LOGIN})" in message
    assert message.count("- label (critical): ") == 4
    assert message.count("    #naamloos: Fix any of the following:") == 4
    assert message.count("- link-in-text-block (serious): ") == 4
    assert message.count("    #kaal: Fix any of the following:") == 4


# The autocomplete fields with the keyboard alone ---------------------------------------------


def chosen(page, field):
    return page.eval_on_selector_all(
        f"#id_{field} option:checked", "options => options.map(o => o.text)"
    )


def highlighted(page, field):
    return page.locator(f"{results(field)} .select2-results__option--highlighted").inner_text()


def test_the_autocomplete_fields_are_named_by_their_labels_and_work_with_the_keyboard(
    page, live_server
):
    """The names a screen reader gives the fields; then the partners field with the keyboard
    alone: Tab to it, open its list, search, choose with the arrows and Enter, take the last
    choice back with Backspace, Tab on and save: the theme has the partners chosen."""
    base_url = live_server.url
    _user, device = staff_member()
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    assert set(theme.partners.values_list("code", flat=True)) == {"DEU"}
    sign_in_in_browser(page, base_url, STAFF, PASSWORD, device)
    browser_tests.open_page(
        page, base_url + reverse("admin:registry_theme_change", args=[theme.pk])
    )
    # axe-core asks for a name; these are the right ones: the label (and the value chosen).
    assert page.get_by_role("searchbox", name="Partners:", exact=True).count() == 1
    assert page.get_by_role("searchbox", name="Commando’s:", exact=True).count() == 1
    section = "Sectie: Samenwerkingsgebieden met Duitsland"
    assert page.get_by_role("combobox", name=section, exact=True).count() == 1

    search = ".field-partners .select2-search__field"
    box = ".field-partners .select2-selection"
    browser_tests.tab_to(page, search, limit=150)
    assert chosen(page, "partners") == ["Duitsland"]

    page.keyboard.press("ArrowDown")  # opens the list
    page.locator(f"{results('partners')} {FOUND}").first.wait_for()
    assert page.get_attribute(box, "aria-expanded") == "true"
    page.keyboard.type("an")
    page.locator(f"{results('partners')} {FOUND}", has_text="Frankrijk").wait_for()
    for _ in range(30):
        if highlighted(page, "partners") == "Frankrijk":
            break
        page.keyboard.press("ArrowDown")
    assert highlighted(page, "partners") == "Frankrijk"
    page.keyboard.press("Enter")
    assert chosen(page, "partners") == ["Duitsland", "Frankrijk"]

    page.keyboard.type("Noorw")
    page.locator(
        f"{results('partners')} .select2-results__option--highlighted", has_text="Noorwegen"
    ).wait_for()
    page.keyboard.press("Enter")
    assert chosen(page, "partners") == ["Duitsland", "Frankrijk", "Noorwegen"]
    assert page.evaluate("s => document.activeElement.matches(s)", search)

    # Backspace in the empty search field takes back the last choice, and only that one.
    page.keyboard.press("Backspace")
    assert chosen(page, "partners") == ["Duitsland", "Frankrijk"]
    page.keyboard.press("Escape")
    assert page.get_attribute(box, "aria-expanded") == "false"
    assert page.locator(search).input_value() == ""

    # A search that finds nothing says so, also to a screen reader (the page's status region).
    page.keyboard.type("qqq")
    message = page.locator(f"{results('partners')} {NOTHING_FOUND}")
    message.wait_for()
    assert message.inner_text() == "Geen resultaten gevonden…"
    assert page.locator("#autocomplete-status[role=status]").inner_text() == message.inner_text()
    page.keyboard.press("Escape")
    assert chosen(page, "partners") == ["Duitsland", "Frankrijk"]

    page.keyboard.press("Tab")
    assert not page.evaluate("() => document.activeElement.closest('.field-partners .select2')")
    browser_tests.tab_to(page, "input[name=_save]", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base_url + reverse("admin:registry_theme_changelist")
    assert page.locator(".messagelist .success").count() == 1
    assert set(theme.partners.values_list("code", flat=True)) == {"DEU", "FRA"}
