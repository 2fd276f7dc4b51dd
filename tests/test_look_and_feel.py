"""One visual identity for the admin and the public pages (README: Look and feel).

The Rijkshuisstijl design tokens are installed from the npm registry by the project's own files
(package.json, `make install`) and linked from both base templates; in a real browser (headless
Chromium, as in the accessibility tests) the admin's and the public pages' colours resolve to
those tokens, the header's language button is a styled button, the admin stays light when the
system asks for a dark theme, every tab stop shows the tokens' focus ring, and the layout holds
at 1280 pixels: the import and export tools of a changelist sit in one row, the theme
changelist's table is no wider than its box, and the section of a theme is shown in full in the
change form, at 1280 and at 390 pixels.
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.urls import reverse

from registry.models import Section, Theme
from tests import test_accessibility as browser_tests
from tests.admin_forms import PASSWORD
from tests.signin import authenticator, sign_in_in_browser

pytestmark = browser_tests.pytestmark
browser = browser_tests.browser
browser_context = browser_tests.browser_context
page = browser_tests.page

TOKENS = "registry/vendor/rijkshuisstijl-tokens.css"
TOKENS_PACKAGE = "@rijkshuisstijl-community/design-tokens"
LINTBLAUW = "rgb(21, 66, 115)"  # --rhc-color-lintblauw-500, #154273
LINK_BLUE = "rgb(1, 104, 155)"  # --rhc-color-foreground-link, #01689b
WHITE = "rgb(255, 255, 255)"
LONGEST_SECTION = "gbr"  # Samenwerkingsgebieden met het Verenigd Koninkrijk

# The style a button has in a page without the site's stylesheets.
DEFAULT_BUTTON_STYLE = """() => new Promise(resolve => {
    const frame = document.createElement('iframe');
    frame.srcdoc = '<!doctype html><button>x</button>';
    frame.onload = () => {
        const button = frame.contentDocument.querySelector('button');
        const style = frame.contentWindow.getComputedStyle(button);
        const values = {background: style.backgroundColor, border: style.borderTopColor,
                        radius: style.borderTopLeftRadius, weight: style.fontWeight};
        frame.remove();
        resolve(values);
    };
    document.body.append(frame);
})"""
BUTTON_STYLE = """selector => {
    const style = getComputedStyle(document.querySelector(selector));
    return {background: style.backgroundColor, border: style.borderTopColor,
            radius: style.borderTopLeftRadius, weight: style.fontWeight};
}"""
TOOL_TOPS = """() => [...document.querySelectorAll('#content .object-tools > li')]
    .map(item => Math.round(item.getBoundingClientRect().top))"""
TABLE_FIT = """() => {
    const table = document.querySelector('#result_list');
    const box = table.closest('.results');
    const right = box.getBoundingClientRect().right;
    return {
        table: Math.round(table.getBoundingClientRect().width),
        box: box.clientWidth,
        cut: [...table.querySelectorAll('thead th')]
            .filter(th => th.getBoundingClientRect().right > right + 1)
            .map(th => th.textContent.trim()),
    };
}"""
SECTION_SHOWN = """() => {
    const shown = document.querySelector('.field-section .select2-selection__rendered');
    return {text: shown.textContent.trim(), cut: shown.scrollWidth > shown.clientWidth + 1};
}"""


def css_variable(page, name):
    return page.evaluate(
        "name => getComputedStyle(document.documentElement).getPropertyValue(name).trim()", name
    )


# Installed by the project's own files ---------------------------------------------------------


def test_the_served_tokens_are_the_installed_package_at_the_locked_version():
    served = finders.find(TOKENS)
    assert served, f"{TOKENS} is missing: run `make install` (npm ci, npm run build)"
    package = Path(settings.BASE_DIR, "node_modules", TOKENS_PACKAGE)
    installed = json.loads((package / "package.json").read_text())["version"]
    lock = json.loads(Path(settings.BASE_DIR, "package-lock.json").read_text())
    locked = lock["packages"][f"node_modules/{TOKENS_PACKAGE}"]["version"]
    wanted = json.loads(Path(settings.BASE_DIR, "package.json").read_text())["dependencies"]
    assert installed == locked == wanted[TOKENS_PACKAGE]
    assert Path(served).read_bytes() == (package / "dist" / "root.css").read_bytes()
    assert "--rhc-color-lintblauw-500: #154273;" in Path(served).read_text()


def test_admin_and_public_pages_link_the_tokens_before_their_own_stylesheet(client):
    tokens = f'href="{settings.STATIC_URL}{TOKENS}"'
    for path, own in (
        (reverse("admin:login"), "registry/admin.css"),
        (reverse("registry:accessibility"), "registry/site.css"),
    ):
        html = client.get(path).content.decode()
        assert tokens in html, path
        assert html.index(tokens) < html.index(f'href="{settings.STATIC_URL}{own}"'), path


# In the browser --------------------------------------------------------------------------------


def log_in(page, live_server):
    user = User.objects.create_superuser("vormgever", password=PASSWORD)
    sign_in_in_browser(page, live_server.url, "vormgever", PASSWORD, authenticator(user))


def test_admin_and_public_pages_share_the_tokens_colours_buttons_and_light_theme(page, live_server):
    page.emulate_media(color_scheme="dark")
    # The public pages on white; the login card on the tokens' lightest grey (Django's
    # --darkened-bg), as in the light theme.
    for path, ground in (
        (reverse("registry:accessibility"), WHITE),
        (reverse("admin:login"), "rgb(248, 250, 252)"),  # --rhc-color-cool-grey-50
    ):
        browser_tests.open_page(page, live_server.url + path)
        default = page.evaluate(DEFAULT_BUTTON_STYLE)
        button = page.evaluate(BUTTON_STYLE, ".language-switch button")
        assert button["border"] == LINTBLAUW, path
        assert button["border"] != default["border"], path
        assert button["radius"] == "5px" != default["radius"], path
        assert int(button["weight"]) >= 700 > int(default["weight"]), path
        body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert body == ground, path
    assert css_variable(page, "--link-fg") == "#01689b"
    assert css_variable(page, "--button-bg") == "#154273"
    log_in(page, live_server)
    browser_tests.open_page(page, live_server.url + reverse("admin:index"))
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == WHITE
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('header')).backgroundColor")
        == WHITE
    )
    assert page.locator(".theme-toggle").count() == 0
    link = page.locator("#content-main .module th[scope=row] a").first
    assert link.evaluate("a => getComputedStyle(a).color") == LINK_BLUE


def test_changelist_tools_fit_one_row_and_the_table_its_box_at_1280_pixels(page, live_server):
    log_in(page, live_server)
    for language in ("nl", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for model in ("theme", "agreement", "partner", "section", "command"):
            browser_tests.open_page(
                page, live_server.url + reverse(f"admin:registry_{model}_changelist")
            )
            tops = page.evaluate(TOOL_TOPS)
            assert len(tops) >= 4, (language, model, tops)
            assert len(set(tops)) == 1, f"the {model} tools wrap in {language}: {tops}"
        browser_tests.open_page(page, live_server.url + reverse("admin:registry_theme_changelist"))
        fit = page.evaluate(TABLE_FIT)
        assert fit["table"] <= fit["box"], (language, fit)
        assert not fit["cut"], (language, fit)
    # The export formats open from the keyboard, in a menu that needs no script.
    exports = page.locator(".registry-menu a[download]")
    assert exports.count() == 4
    assert not exports.first.is_visible()
    page.focus(".registry-menu summary")
    page.keyboard.press("Enter")
    assert exports.first.is_visible()
    assert "/export/csv/" in exports.first.get_attribute("href")
    # On a phone the open menu is not cut off by the tools' box: its last entry can be hit.
    page.set_viewport_size({"width": 390, "height": 900})
    box = exports.last.bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.textContent.trim()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit == exports.last.text_content().strip()


def test_the_change_form_shows_the_whole_section_name(page, live_server):
    theme = Theme.objects.filter(section__key=LONGEST_SECTION).first()
    longest = max(len(str(section)) for section in Section.objects.all())
    assert len(str(theme.section)) == longest
    log_in(page, live_server)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        url = reverse("admin:registry_theme_change", args=[theme.pk])
        browser_tests.open_page(page, live_server.url + url)
        shown = page.evaluate(SECTION_SHOWN)
        assert shown["text"] == str(theme.section), width
        assert not shown["cut"], f"the section is cut off at {width} pixels"


FIELDSET_WIDTHS = """() => {
    const form = document.querySelector('#content-main form');
    return {form: form.getBoundingClientRect().width, fieldsets: [...form.querySelectorAll(
        'fieldset.module')].map(f => Math.round(f.getBoundingClientRect().width))};
}"""


def test_the_change_forms_fieldsets_take_the_forms_width_at_1280_and_390_pixels(page, live_server):
    """Beside the floated tools (History, View on site) the first fieldset was squeezed to
    39 pixels on a phone, its description a column of single letters."""
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    log_in(page, live_server)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        url = reverse("admin:registry_theme_change", args=[theme.pk])
        browser_tests.open_page(page, live_server.url + url)
        widths = page.evaluate(FIELDSET_WIDTHS)
        assert len(widths["fieldsets"]) >= 4, widths
        assert min(widths["fieldsets"]) >= widths["form"] - 2, (width, widths)


def test_admin_tab_stops_show_the_tokens_focus_ring(page, live_server):
    """Header links, language switch, breadcrumbs, sidebar, tools and the export menu: a solid
    two-pixel ring (the tokens'), not the browser's own."""
    log_in(page, live_server)
    browser_tests.open_page(page, live_server.url + reverse("admin:registry_theme_changelist"))
    stops = browser_tests.tab_stops(page, presses=45)
    assert {"a", "select", "button", "summary", "input"} <= {stop["tag"] for stop in stops}
    not_the_ring = [
        f"{stop['element']} ({stop['text']!r}): outline {stop['outline']}"
        for stop in stops
        if stop["outline"] != "solid 2px"
    ]
    assert not not_the_ring, "not the tokens' focus ring on:\n" + "\n".join(not_the_ring)
