"""The sign-in pages in a real browser: the login, the code and recovery steps, setting up the
authenticator app, the recovery codes and the lockout page, in Dutch and English, on a desktop
and a phone: axe-core's WCAG 2.1 A/AA rules, no page wider than the window, and nothing that
the Content-Security-Policy blocks (the QR code is an image from the site itself).

Headless Chromium and the live server as in the accessibility tests (one test, so the database
is emptied and refilled once).
"""

from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.utils import timezone

from registry.services.second_factor import replace_recovery_codes
from tests import test_accessibility as browser_tests
from tests.signin import LOGIN, authenticator, wrong_code

pytestmark = browser_tests.pytestmark
browser = browser_tests.browser
browser_context = browser_tests.browser_context
page = browser_tests.page
axe = browser_tests.axe

PASSWORD = "Een-Lang-Wachtwoord-2026"
WIDTHS = [1280, 390]
WIDER_THAN_THE_WINDOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('#container *')]
        .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > width + 1)
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    return document.documentElement.scrollWidth > width ? ['the page'].concat(wide) : wide;
}"""
HEADINGS = {
    "nl": {
        "login": "Aanmelden",
        "code": "Code invullen",
        "recovery": "Een herstelcode gebruiken",
        "setup": "Tweestapsverificatie instellen",
        "codes": "Tweestapsverificatie",
        "lockout": "Aanmelden is gepauzeerd",
    },
    "en": {
        "login": "Log in",
        "code": "Enter the code",
        "recovery": "Use a recovery code",
        "setup": "Set up two-step verification",
        "codes": "Two-step verification",
        "lockout": "Logging in is paused",
    },
}


def submit(page, selector="#login-form input[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


def password_step(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}{LOGIN}")
    page.fill("#id_auth-username", username)
    page.fill("#id_auth-password", password)
    submit(page)


def sign_in_states(page, base_url, staff):
    """Bring the page to each state of the sign-in in turn; yield the state's name."""
    page.goto(f"{base_url}{LOGIN}")
    yield "login"
    password_step(page, base_url, staff.username, "fout")
    yield "login"  # with the error
    password_step(page, base_url, staff.username)
    yield "code"
    page.fill("#id_token-otp_token", wrong_code(authenticator(staff)))
    submit(page)
    yield "code"  # with the error
    submit(page, "button[value=backup]")
    yield "recovery"

    page.context.clear_cookies(name="sessionid")
    password_step(page, base_url, "nieuw")
    yield "setup"
    key = page.locator(".signin-key").inner_text()
    page.fill("#id_generator-token", code_for(key))
    submit(page)
    yield "codes"

    page.context.clear_cookies(name="sessionid")
    AccessAttempt.objects.create(
        username="vergeten",
        ip_address="127.0.0.1",
        user_agent=page.evaluate("navigator.userAgent"),
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    password_step(page, base_url, "vergeten", "fout")
    yield "lockout"


def code_for(key):
    from base64 import b32decode

    from django_otp.oath import TOTP

    return f"{TOTP(b32decode(key)).token():06d}"


def test_sign_in_pages_have_no_wcag_violations_fit_the_window_and_keep_to_the_policy(
    page, axe, live_server
):
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    reports = []
    for language in ("nl", "en"):
        for width in WIDTHS:
            User.objects.filter(username__in=["beheerder", "nieuw"]).delete()
            AccessAttempt.objects.all().delete()
            staff = User.objects.create_superuser("beheerder", password=PASSWORD)
            authenticator(staff)
            replace_recovery_codes(user=staff)
            User.objects.create_superuser("nieuw", password=PASSWORD)
            page.context.clear_cookies()
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page.set_viewport_size({"width": width, "height": 900})
            for state in sign_in_states(page, live_server.url, staff):
                label = f"the {language} {state} page at {width} px"
                assert page.locator("html").get_attribute("lang") == language, label
                heading = page.locator("#content-main h1, #content h1").first.inner_text()
                assert heading == HEADINGS[language][state], label
                reports.append(browser_tests.audit(page, axe, label))
                wide = page.evaluate(WIDER_THAN_THE_WINDOW)
                if wide:
                    reports.append(f"{label} is wider than the window: {wide}")
    reports = [report for report in reports if report]
    assert not reports, "\n\n".join(reports)
    assert not blocked, "blocked by the Content-Security-Policy:\n" + "\n".join(blocked)
