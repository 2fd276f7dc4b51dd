"""The history and revert pages in a real browser: axe-core's WCAG 2.1 A/AA rules, and no page
wider than the window, in Dutch and English, on a desktop and a phone.

Headless Chromium and the live server's annex data as in the accessibility tests (one test, so
the database is emptied and refilled once).
"""

from django.contrib.auth.models import User
from django.urls import reverse

from registry.models import Agreement, Partner, Theme
from tests import test_accessibility as browser_tests
from tests.admin_forms import PASSWORD, form_data, logged_in
from tests.signin import authenticator, sign_in_in_browser

pytestmark = browser_tests.pytestmark
browser = browser_tests.browser
browser_context = browser_tests.browser_context
page = browser_tests.page
axe = browser_tests.axe

LONG_TEXT = " ".join(["Een lange toelichting die in de tabel moet omslaan."] * 12)
WIDTHS = [1280, 390]
WIDER_THAN_THE_WINDOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('#content *')]
        .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > width + 1)
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    return document.documentElement.scrollWidth > width ? ['the page'].concat(wide) : wide;
}"""


def change_url(record):
    return reverse(f"admin:registry_{record._meta.model_name}_change", args=[record.pk])


def edit(client, record, links, **changes):
    """Save the record in the admin as it is, then again with changes and France linked."""
    client.post(change_url(record), form_data(client.get(change_url(record))))
    data = form_data(client.get(change_url(record)), **changes)
    data[links] = [*data[links], Partner.objects.get(code="FRA").pk]
    assert client.post(change_url(record), data).status_code == 302


def history_pages():
    """A theme and an agreement, edited in the admin: their history and revert pages."""
    editor = logged_in("redacteur")
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    agreement = Agreement.objects.get(slug="mou-smart-2015")
    edit(editor, theme, "partners", description=LONG_TEXT, status="completed", target_year="2020")
    edit(editor, agreement, "parties", description=LONG_TEXT, status="drawn_up")
    pages = {}
    for record in (theme, agreement):
        name = record._meta.model_name
        before = record.history.order_by("-history_id")[1]
        pages[f"{name} history"] = reverse(f"admin:registry_{name}_history", args=[record.pk])
        pages[f"{name} revert"] = reverse(
            f"admin:registry_{name}_simple_history", args=[record.pk, before.history_id]
        )
    return pages


def log_in(page, live_server):
    editor = User.objects.get(username="redacteur")
    sign_in_in_browser(page, live_server.url, "redacteur", PASSWORD, authenticator(editor))


def test_history_and_revert_pages_have_no_wcag_violations_and_fit_the_window(
    page, axe, live_server
):
    pages = history_pages()
    log_in(page, live_server)
    reports = []
    for language in ("nl", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for name, path in pages.items():
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                browser_tests.open_page(page, live_server.url + path)
                label = f"the {name} page in {language} at {width} pixels"
                assert page.locator("html").get_attribute("lang") == language, label
                assert page.locator(".history-change-list dt").count() >= 2, label
                wide = page.evaluate(WIDER_THAN_THE_WINDOW)
                if wide:
                    reports.append(f"{label} is wider than the window: {wide}")
                reports.append(browser_tests.audit(page, axe, label))
    reports = [report for report in reports if report]
    assert not reports, "\n\n".join(reports)
