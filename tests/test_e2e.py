"""The whole flow in a real browser, against a live server: staff sign in (password and the
authenticator app's code), edit, bring in an annual update, and the public sees, filters and
downloads the result.

Headless Debian Chromium through Playwright, with the browser fixtures of the accessibility
tests and the annex-data fixtures of tests/conftest.py (the live server empties the database
after each test; those fixtures put the annex back).
"""

from django.contrib.auth.models import User

from registry.tabular import read_table
from tests import test_accessibility as browser_tests
from tests.conftest import ANNEX_TEXT
from tests.signin import authenticator, current_code

# The browser, the live server's annex data and the skip on machines without Chromium: the
# same as the accessibility tests (whose marks use the annex_data fixture of tests/conftest.py).
pytestmark = browser_tests.pytestmark
browser = browser_tests.browser
browser_context = browser_tests.browser_context
page = browser_tests.page
open_page = browser_tests.open_page

PASSWORD = "Een-Lang-Wachtwoord-2026"


def log_in(page, live_server):
    """The password, then the code that the authenticator app shows (computed from its key)."""
    user = User.objects.create_superuser("eindredacteur", password=PASSWORD)
    device = authenticator(user)
    open_page(page, f"{live_server.url}/admin/")
    assert page.url == f"{live_server.url}/admin/login/?next=/admin/"
    page.fill("#id_auth-username", "eindredacteur")
    page.fill("#id_auth-password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
    assert page.locator("h1").inner_text() == "Code invullen"
    page.fill("#id_token-otp_token", current_code(device))
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
    assert page.url == f"{live_server.url}/admin/"
    assert page.locator("#user-tools").inner_text().upper().startswith("WELKOM")


def test_staff_edit_and_import_then_the_public_filters_and_downloads(page, live_server, tmp_path):
    log_in(page, live_server)

    # Edit a theme in the admin.
    open_page(page, f"{live_server.url}/admin/registry/theme/?q=Bergen-Hohne")
    page.click("text=Tactische oefeningen en schietseries")
    # A fact that staff keep: the annual update below leaves it alone (it replaces the text).
    page.fill("#id_target_year", "2025")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "met succes gewijzigd" in page.locator(".messagelist").inner_text()

    # Bring in the 2017 edition of the annex through upload, preview and confirm.
    annex = tmp_path / "bijlage-2017.txt"
    annex.write_text(
        ANNEX_TEXT.read_text(encoding="utf-8").replace(
            "cyber. (Defensie Cyber Commando)", "cyberoperaties. (Defensie Cyber Commando)", 1
        ),
        encoding="utf-8",
    )
    open_page(page, f"{live_server.url}/admin/registry/theme/")
    page.click("text=Importeren")
    page.set_input_files("#id_file", str(annex))
    page.fill("#id_edition", "2017")
    with page.expect_navigation():
        page.click("input[type=submit]")
    preview = page.locator("#content-main").inner_text()
    assert "Voorbeeld van bijlage-2017.txt" in preview
    assert "cyberoperaties" in preview
    with page.expect_navigation():
        page.click("input[name=confirm]")
    assert "Geïmporteerd uit bijlage-2017.txt" in page.locator(".messagelist").inner_text()

    # The public sees both changes.
    open_page(page, f"{live_server.url}/themas/?q=cyberoperaties")
    page.click("text=Cyber")
    assert "cyberoperaties" in page.locator("main").inner_text()
    open_page(page, f"{live_server.url}/themas/deu/cyber/")
    assert "2016, 2017" in page.locator("main").inner_text()
    open_page(page, f"{live_server.url}/themas/?sort=-streefjaar")
    assert "Tactische oefeningen en schietseries" in page.locator("tbody tr").first.inner_text()
    assert "2025" in page.locator("tbody tr").first.inner_text()

    # Filter with the form, and download exactly what is shown.
    open_page(page, f"{live_server.url}/themas/")
    page.select_option("#id_partner", "DEU")
    page.select_option("#id_command", "CLAS")
    with page.expect_navigation():
        page.click("text=Thema’s tonen")
    assert "partner=DEU" in page.url
    assert "command=CLAS" in page.url
    assert "14 thema’s gevonden" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.click("a:text-is('CSV')")
    path = tmp_path / "download.csv"
    download.value.save_as(path)
    table = read_table(path.read_bytes(), "download.csv")
    assert len(table.rows) == 14
    assert {row["section"] for row in table.rows} >= {"deu"}
