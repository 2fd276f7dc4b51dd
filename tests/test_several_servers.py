"""Several servers behind one address: a preview shown by one is confirmed on another.

Two gunicorn servers, each with its own workers, run with the production settings (DEBUG off, a
second factor for staff) on two ports against the test database, as two hosts behind a load
balancer share one PostgreSQL database and nothing else: each gets a folder of its own for
``VAR_DIR`` and ``MEDIA_ROOT``. A staff member signs in on server A (password and authenticator
code), uploads a file there and sees its preview; the confirm goes to server B. The import
must be written once, also when the same preview is confirmed on A and then again on B.
"""

import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection

from registry.models import ImportChange, ImportRun, ImportUpload, Theme
from tests.signin import authenticator, current_code
from tests.test_admin_imports import IMPORT, rename_cyber, theme_file
from tests.test_production import (
    BASE_DIR,
    TIMEOUT,
    Server,
    Visitor,
    free_port,
    password_step,
    production_environment,
    run,
    wait_until_listening,
)

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("annex_data"),
]

PASSWORD = "x-Secret-123-several"
NEW_TEXT = "Samenwerking bij cyberoperaties."
OTHER_TEXT = "Samenwerking bij cyberoperaties, tweede versie."


def database_url_of_tests():
    """The URL of the test database (pytest-django's ``test_…`` database)."""
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn servers (two workers each) on free ports, with one SECRET_KEY as every host
    behind one address has; always stopped afterwards."""
    secret_key = secrets.token_urlsafe(50)
    static_root = tmp_path_factory.mktemp("static")
    with django_db_blocker.unblock():
        url = database_url_of_tests()
    processes, started = [], []
    try:
        for name in ("a", "b"):
            folder = tmp_path_factory.mktemp(f"server-{name}")
            env = production_environment(
                database_url=url,
                folder=folder,
                MEDIA_ROOT=str(folder / "media"),
                CONN_MAX_AGE="0",  # no connection left open when Django empties the tables
            )
            env.update(SECRET_KEY=secret_key, STATIC_ROOT=str(static_root))
            if not started:
                run(["manage.py", "collectstatic", "--no-input"], env)
            port = free_port()
            log_path = folder / "gunicorn.log"
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        *("-m", "gunicorn", "coopregistry.wsgi"),
                        *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"),
                    ],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            wait_until_listening(process, port, log_path)
            started.append(Server(port=port, static_root=Path(static_root)))
        yield started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture
def importer():
    user = User.objects.create_superuser("meerdere-servers", password=PASSWORD)
    return user


def sign_in(server, user):
    """Sign in on ``server`` through the login page: the password, then the authenticator code."""
    visitor = Visitor(server)
    device = authenticator(user)
    assert password_step(visitor, user.username, PASSWORD).status == 200
    signed_in = visitor.post(
        "/admin/login/?next=/admin/",
        {
            "sign_in_view-current_step": "token",
            "token-otp_token": current_code(device),
            "next": "/admin/",
        },
    )
    assert signed_in.status == 302, signed_in.text
    assert signed_in.headers["Location"] == "/admin/"
    return visitor


def on_server(visitor, server):
    """The same browser, its request sent by the load balancer to another server."""
    other = Visitor(server)
    other.cookies = dict(visitor.cookies)
    return other


def upload(visitor, data, file_name):
    """Post a file to the import page as a browser's form does (multipart)."""
    assert visitor.get(IMPORT).status == 200
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n',
            visitor.csrf_token.encode(),
            f"\r\n--{boundary}\r\n".encode(),
            f'Content-Disposition: form-data; name="file"; filename="{file_name}"\r\n'.encode(),
            b"Content-Type: text/csv\r\n\r\n",
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    response = visitor.server.fetch(
        IMPORT,
        method="POST",
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": f"https://127.0.0.1:{visitor.server.port}",
        },
        cookies=visitor.cookies,
    )
    visitor._remember(response)
    return response


def preview_token(response):
    return re.search(r'<input type="hidden" name="token" value="([^"]+)">', response.text).group(1)


def confirm(visitor, token):
    visitor.get(IMPORT)  # the page a browser shows holds the CSRF token of this session
    return visitor.post(IMPORT, {"token": token, "confirm": "1"})


def cyber():
    return Theme.objects.get_by_natural_key("deu", "Cyber")


def change_cyber_to(text):
    def change(headers, rows):
        title, section, description = (
            headers.index(n) for n in ("title", "section", "description")
        )
        for row in rows:
            if (row[section], row[title]) == ("deu", "Cyber"):
                row[description] = text

    return change


def test_a_preview_on_one_server_is_confirmed_on_another_and_written_once(servers, importer):
    server_a, server_b = servers
    on_a = sign_in(server_a, importer)
    history = cyber().history.count()

    preview = upload(on_a, theme_file(change=rename_cyber), "thema's.csv")
    assert preview.status == 200, preview.text
    assert NEW_TEXT in preview.text
    assert ImportRun.objects.count() == 0
    assert cyber().description != NEW_TEXT
    token = preview_token(preview)

    on_b = on_server(on_a, server_b)
    confirmed = confirm(on_b, token)
    assert confirmed.status == 302, confirmed.text
    run = ImportRun.objects.get()
    assert confirmed.headers["Location"] == f"/admin/registry/importrun/{run.pk}/change/"
    assert (run.created, run.updated, run.user) == (0, 1, importer)
    assert cyber().description == NEW_TEXT
    assert list(ImportChange.objects.values_list("run", "record_key")) == [(run.pk, "deu / Cyber")]
    assert cyber().history.count() == history + 1
    # Server B read the upload that server A kept: one copy, in the shared database.
    assert ImportUpload.objects.get().sha256 == run.sha256


def test_a_preview_confirmed_on_one_server_and_again_on_another_is_written_once(servers, importer):
    server_a, server_b = servers
    on_a = sign_in(server_a, importer)
    token = preview_token(upload(on_a, theme_file(change=change_cyber_to(OTHER_TEXT)), "a.csv"))

    first = confirm(on_a, token)
    assert first.status == 302, first.text
    run = ImportRun.objects.get()
    history = cyber().history.count()
    changes = ImportChange.objects.count()

    on_b = on_server(on_a, server_b)
    second = confirm(on_b, token)
    # The second confirm goes to the same run's page, and says it was imported already.
    assert second.status == 302, second.text
    assert second.headers["Location"] == f"/admin/registry/importrun/{run.pk}/change/"
    run_page = on_b.get(second.headers["Location"])
    assert "Deze voorvertoning is al geïmporteerd" in run_page.text
    assert ImportRun.objects.get().pk == run.pk
    assert cyber().description == OTHER_TEXT
    assert cyber().history.count() == history
    assert ImportChange.objects.count() == changes
