import os
from pathlib import Path

import pytest

# Development settings for the test run (a random per-machine secret key); Django's test runner
# switches DEBUG off for the tests themselves.
os.environ.setdefault("DEBUG", "true")

ROOT = Path(__file__).resolve().parent.parent
ANNEX_TEXT = ROOT / "fixtures" / "source" / "bijlage-2-samenwerkingsthemas-2016.txt"
ANNEX_FIXTURE = ROOT / "fixtures" / "annex-2016.json"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` check what only PostgreSQL does; CI runs them there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    deselected = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_header(config):
    from django.db import connection

    if connection.vendor != "postgresql":
        return "tests marked postgresql are left out: they run when DATABASE_URL is PostgreSQL"
    return None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the complete 2016 annex loaded."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_annex", verbosity=0)


# Clients signed in with the second factor (tests/signin.py) -------------------------------


@pytest.fixture
def client():
    """pytest-django's client, whose force_login signs in with the second factor as well: the
    tests run with DEBUG off, where the admin asks staff for it."""
    from tests.signin import SignedInClient

    return SignedInClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, signed in with the second factor as well."""
    from tests.signin import SignedInClient

    client = SignedInClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session")
def annex_text():
    return ANNEX_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed_annex(annex_text):
    from registry.annex.parser import parse_annex

    return parse_annex(annex_text)


# The annex data for transactional tests, kept across Django's flushes ----------------------


@pytest.fixture(scope="module")
def annex_tables(django_db_blocker):
    """A copy of the annex data, taken before the module's first test; put back after its last.

    A transactional test (``django_db(transaction=True)``) runs without a test transaction, and
    Django empties every table after it, so later tests would find no annex data.
    """
    from django.core.management import call_command

    from tests.registry_tables import copy_tables, restore_tables, tables_are_empty

    with django_db_blocker.unblock():
        if tables_are_empty():  # an earlier transactional test emptied the database
            call_command("load_annex", verbosity=0)
        tables = copy_tables()
    yield tables
    with django_db_blocker.unblock():
        if tables_are_empty():
            restore_tables(tables)


@pytest.fixture
def annex_data(transactional_db, annex_tables):
    """The annex data in the database for this transactional test (the last flush removed it)."""
    from tests.registry_tables import restore_tables, tables_are_empty

    if tables_are_empty():
        restore_tables(annex_tables)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Dutch). A request through the test client
    leaves the language it activated (LocaleMiddleware does not undo it), so without this a
    test that ran after an English page would read its messages in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
