"""The OpenAPI schema tells the truth: schemathesis, driven by the committed schema
(docs/openapi.yaml), sends generated requests to a live server holding the 2016 annex and
checks every answer with all its checks (status codes, content types, response schemas and
headers, valid data accepted and invalid data rejected, no authentication needed, 405 with
Allow for other methods, the links between operations).

The run is bounded (a fixed number of examples per operation, a fixed seed so that CI is
repeatable); run it by hand without --seed to explore further (README: JSON API). A failure
prints schemathesis' report, with a curl command per failure.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "openapi.yaml"
CONFIG = ROOT / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).parent / "st"
MAX_EXAMPLES = 10
SEED = 20161129  # the date of the 2016 annex's letter to Parliament


def schemathesis_run(base_url, workdir):
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        str(SCHEMA),
        "--url",
        base_url,
        "--checks",
        "all",
        "--workers",
        "1",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--request-timeout",
        "30",
    ]
    # In a directory of its own: hypothesis keeps a folder where it runs.
    return subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=600, check=False
    )


def test_schemathesis_finds_no_failure_with_all_checks(live_server, annex_data, tmp_path):
    assert shutil.which(str(SCHEMATHESIS)), "schemathesis is a dev dependency: make install"
    result = schemathesis_run(live_server.url, tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "Tested: 11" in report, report  # every operation of the schema
    assert "No issues found" in report, report
