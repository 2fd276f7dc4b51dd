import os
from pathlib import Path

import pytest

# Development settings for the test run (a random per-machine secret key); Django's test runner
# switches DEBUG off for the tests themselves.
os.environ.setdefault("DEBUG", "true")

ROOT = Path(__file__).resolve().parent.parent
ANNEX_TEXT = ROOT / "fixtures" / "source" / "bijlage-2-samenwerkingsthemas-2016.txt"
ANNEX_FIXTURE = ROOT / "fixtures" / "annex-2016.json"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the complete 2016 annex loaded."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_annex", verbosity=0)


@pytest.fixture(scope="session")
def annex_text():
    return ANNEX_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed_annex(annex_text):
    from registry.annex.parser import parse_annex

    return parse_annex(annex_text)
