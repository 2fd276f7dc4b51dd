"""The production configuration, checked without Docker: DEBUG off, a strong SECRET_KEY, HTTPS
behind a proxy, static files from whitenoise, the site under gunicorn.

The server runs in another process, so it cannot see the test database: it gets a real,
migrated database of its own with the annex loaded. On PostgreSQL (when the tests run with a
postgres DATABASE_URL) that is a database created and dropped here; otherwise an SQLite file.
"""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from base64 import b32decode
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
ANNEX = "fixtures/annex-2016.json"
TIMEOUT = 120  # seconds for any one subprocess or for gunicorn to come up

# Settings that the production environment sets itself; the test session's are left out.
PRODUCTION_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "SECURE_PROXY_SSL_HEADER",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "VAR_DIR",
    "DATABASE_URL",
}


def production_environment(*, database_url, folder, **overrides):
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="coopregistry.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HTTPS="true",
        SECURE_PROXY_SSL_HEADER="true",
        STATIC_ROOT=str(folder / "static"),
        VAR_DIR=str(folder / "var"),
        DATABASE_URL=database_url,
        **overrides,
    )
    return env


def run(args, env):
    """Run a Python command in the project folder; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def session_database_url():
    return os.environ.get("DATABASE_URL", "")


def is_postgres(url):
    return urlsplit(url).scheme in {"postgres", "postgresql"}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A database of its own for the server, migrated, with the annex loaded."""
    url = session_database_url()
    if not is_postgres(url):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'smoke.sqlite3'}"
        return
    name = f"coopregistry_smoke_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module")
def env(database_url, tmp_path_factory):
    return production_environment(
        database_url=database_url, folder=tmp_path_factory.mktemp("production")
    )


@pytest.fixture(scope="module")
def admin_password(env):
    """Prepare the site as docker-compose's init step does, then add the first user."""
    run(["manage.py", "migrate", "--no-input"], env)
    run(["manage.py", "loaddata", ANNEX], env)
    run(["manage.py", "collectstatic", "--no-input"], env)
    output = run(["manage.py", "bootstrap_admin"], env).stdout
    return re.search(r"Password: (\S+)", output).group(1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(env, admin_password, tmp_path_factory):
    """gunicorn serving the site on a loopback port; always stopped afterwards."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "gunicorn", "coopregistry.wsgi"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(process, port, log_path)
        yield Server(port=port, static_root=Path(env["STATIC_ROOT"]))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_until_listening(process, port, log_path):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped with {process.returncode}:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not listen on port {port}:\n{log_path.read_text()}")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Server:
    port: int
    static_root: Path

    def fetch(self, path, *, https=True, method="GET", body=None, headers=None, cookies=None):
        """One request, redirects not followed. https=True is what a TLS proxy forwards."""
        headers = dict(headers or {})
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Response(
                response.status, response.headers, response.read().decode("utf-8", "replace")
            )
        finally:
            connection.close()


def cookies_of(response):
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar


def test_check_deploy_reports_no_issues(env):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("debug", [None, "false"])
def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path, debug):
    env = production_environment(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", folder=tmp_path
    )
    del env["SECRET_KEY"]
    if debug is None:
        del env["DEBUG"]
    else:
        env["DEBUG"] = debug

    result = subprocess.run(
        [sys.executable, "-c", "import coopregistry.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY" in result.stderr


def test_login_page_is_dutch_and_sends_the_security_headers(server):
    response = server.fetch("/admin/login/")

    assert response.status == 200
    assert "Gebruikersnaam" in response.text
    assert response.headers["Content-Language"] == "nl"
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    csrf_cookie = cookies_of(response)["csrftoken"]
    assert csrf_cookie["secure"]


def test_plain_http_is_redirected_to_https(server):
    response = server.fetch("/admin/login/", https=False)

    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{server.port}/admin/login/"


def test_admin_css_is_served_hashed_with_a_long_cache_lifetime(server):
    manifest = json.loads((server.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    login_page = server.fetch("/admin/login/").text
    assert f'href="/static/{hashed}"' in login_page

    response = server.fetch(f"/static/{hashed}")

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "immutable" in response.headers["Cache-Control"]
    max_age = re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1)
    assert int(max_age) >= 365 * 24 * 3600


class Visitor:
    """A browser's part in a conversation with the server: its cookies, the forms it submits
    with their CSRF token, and (behind the proxy) the address the proxy forwards for it."""

    def __init__(self, server, forwarded_for=None):
        self.server = server
        self.cookies = {}
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.csrf_token = None

    def get(self, path):
        response = self.server.fetch(path, headers=self.headers, cookies=self.cookies)
        self._remember(response)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        if token:
            self.csrf_token = token.group(1)
        return response

    def post(self, path, fields):
        response = self.server.fetch(
            path,
            method="POST",
            body=urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields}),
            headers={
                **self.headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://127.0.0.1:{self.server.port}",
            },
            cookies=self.cookies,
        )
        self._remember(response)
        return response

    def _remember(self, response):
        for name, morsel in cookies_of(response).items():
            self.cookies[name] = morsel.value


def password_step(visitor, username, password, *, path="/admin/login/?next=/admin/"):
    visitor.get(path)
    return visitor.post(
        path,
        {
            "sign_in_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
            "next": "/admin/",
        },
    )


def authenticator_code(key):
    """The code an authenticator app shows now for the key the setup page gave it."""
    from django_otp.oath import TOTP

    return f"{TOTP(b32decode(key)).token():06d}"


def test_first_user_sets_up_the_second_factor_and_finds_the_annex(server, admin_password):
    visitor = Visitor(server)
    login = password_step(visitor, "admin", admin_password)

    # The password is right, but the admin stays closed until the authenticator app is set up.
    assert login.status == 302, login.text
    assert login.headers["Location"] == "/admin/two-factor/setup/?next=%2Fadmin%2F"
    session = cookies_of(login)["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    closed = visitor.get("/admin/registry/section/")
    assert closed.status == 302
    assert closed.headers["Location"].startswith("/admin/login/")

    setup = visitor.get(login.headers["Location"])
    assert setup.status == 200
    assert "Tweestapsverificatie instellen" in setup.text
    assert "script-src 'self'" in setup.headers["Content-Security-Policy"]
    qr_path = re.search(r'<img class="signin-qr" src="([^"]+)"', setup.text).group(1)
    assert visitor.get(qr_path).headers["Content-Type"].startswith("image/svg+xml")
    key = re.search(r'<code class="signin-key">([A-Z2-7]+)</code>', setup.text).group(1)
    done = visitor.post(
        login.headers["Location"],
        {
            "authenticator_setup_view-current_step": "generator",
            "generator-token": authenticator_code(key),
            "next": "/admin/",
        },
    )
    assert done.status == 302, done.text
    codes_page = visitor.get(done.headers["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.text)
    assert len(codes) == 10

    sections = visitor.get("/admin/registry/section/")
    themes = visitor.get("/admin/registry/theme/")
    assert sections.status == 200
    for heading in annex_section_headings():
        assert heading in sections.text
    assert themes.status == 200

    # Signing in again, on another machine without the phone: password, then a recovery code.
    again = Visitor(server)
    token_step = password_step(again, "admin", admin_password)
    assert token_step.status == 200
    assert "Code uit de authenticator-app" in token_step.text
    assert again.get("/admin/registry/section/").status == 302
    recovery_step = again.post("/admin/login/?next=/admin/", {"wizard_goto_step": "backup"})
    assert "Herstelcode" in recovery_step.text
    signed_in = again.post(
        "/admin/login/?next=/admin/",
        {"sign_in_view-current_step": "backup", "backup-otp_token": codes[0], "next": "/admin/"},
    )
    assert signed_in.status == 302, signed_in.text
    assert signed_in.headers["Location"] == "/admin/"
    assert again.get("/admin/registry/section/").status == 200


def test_behind_the_proxy_each_forwarded_client_has_its_own_lockout(server):
    """The proxy (here the test, from 127.0.0.1) appends the client's address to
    X-Forwarded-For: five failures of one client lock that client out, not the others."""
    first = Visitor(server, forwarded_for="198.51.100.7")
    statuses = [password_step(first, "niemand", "fout").status for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]

    second = Visitor(server, forwarded_for="203.0.113.9")
    assert password_step(second, "niemand", "fout").status == 200
    assert password_step(Visitor(server), "niemand", "fout").status == 200  # the proxy itself
    # What a client writes before its real address in the header does not count.
    forged = Visitor(server, forwarded_for="203.0.113.9, 198.51.100.7")
    assert password_step(forged, "niemand", "fout").status == 429


def annex_section_headings():
    objects = json.loads((BASE_DIR / ANNEX).read_text(encoding="utf-8"))
    return [item["fields"]["heading"] for item in objects if item["model"] == "registry.section"]
