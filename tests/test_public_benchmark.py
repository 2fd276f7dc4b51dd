"""The public pages benchmark runs end to end at tiny sizes on PostgreSQL, and refuses SQLite.

Which of the two is checked follows the test run's database: on PostgreSQL the script runs
against the same server (in a database of its own); on SQLite it must refuse with its message.
No time is checked.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "public_benchmark.py"
PAGES = [
    "listing, unfiltered",
    "listing, partner DEU + command CLAS",
    "listing, search 'helikopter'",
    "listing, search 'samenwerking'",
    "listing, page 50",
    "theme detail",
    "overview",
    "API listing",
    "CSV download, section deu",
]
SIZE_HEADER = ["page", "queries", "median ms", "p95 ms", "themes"]
COMPARISON_HEADER = ["page", "200 ms", "400 ms", "ratio", "queries", "aim"]


def run_script(database_url):
    # Its own process: the script sets Django up with a database of its own, which cannot be
    # done in the process pytest-django has already set up.
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "200", "400", "--repeat", "2"],
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return completed


def rows_starting_with(output, label):
    return [line for line in output.splitlines() if line.startswith(label + "  ")]


def test_benchmark_runs_on_postgresql_and_refuses_sqlite():
    if connection.vendor == "postgresql":
        database = settings.DATABASES["default"]
        user = database["USER"] or "postgres"
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        host = database["HOST"] or "127.0.0.1"
        port = database["PORT"] or "5432"
        # The script opens the server's "postgres" database only, to create and drop its own.
        completed = run_script(f"postgres://{user}{password}@{host}:{port}/postgres")
        output = completed.stdout
        assert completed.returncode == 0, output + completed.stderr
        lines = output.splitlines()
        for header in (SIZE_HEADER, COMPARISON_HEADER):
            assert any(all(word in line for word in header) for line in lines), header
        assert "== 200 themes" in output
        assert "== 400 themes" in output
        assert "== comparison: 400 against 200 themes" in output
        for page in PAGES:
            # One row in each size's table and one in the comparison.
            assert len(rows_starting_with(output, page)) == 3, page
        assert "FAILED" not in output
    else:
        assert connection.vendor == "sqlite"
        completed = run_script(f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}")
        assert completed.returncode == 2, completed.stdout + completed.stderr
        assert "measures the public pages on PostgreSQL only" in completed.stderr
        assert "it refuses sqlite:///" in completed.stderr
        assert completed.stdout == ""
