"""The import benchmark runs end to end at a tiny size; its figures are not checked here."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "import_benchmark.py"
TABLE_LINES = [
    "ours: preview (dry run)",
    "ours: confirm",
    "ours: preview + confirm",
    "ours: same file again: preview + confirm",
    "baseline: dry run",
    "baseline: import",
    "baseline: dry run + import",
    "tuned baseline: dry run",
    "tuned baseline: import",
    "tuned baseline: dry run + import",
    "speed-up: baseline: import / ours: preview + confirm",
    "speed-up: tuned baseline: import / ours: preview + confirm",
    "interleaved rounds, new themes: 200 rows, 114 already in the registry",
    "interleaved rounds, every row exists: 200 rows, 200 already in the registry",
    "speed-up, new themes: baseline: import / ours: preview + confirm = ",
    "speed-up, new themes: tuned baseline: import / ours: preview + confirm = ",
    "speed-up, every row exists: baseline: import / ours: preview + confirm = ",
    "speed-up, every row exists: tuned baseline: import / ours: preview + confirm = ",
    "check: every row exists, ours: 0 created, ",
]


def test_benchmark_runs_and_its_checks_pass():
    # Its own process: the script sets Django up with databases of its own, which cannot be
    # done in the process pytest-django has already set up.
    completed = subprocess.run(
        [
            *(sys.executable, str(SCRIPT), "--rows", "200", "--rounds", "1"),
            # The default baseline is the slow part: 120 rows of it, extrapolated.
            *("--baseline-rows", "120"),
        ],
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hung run, not a timing: the machine may be busy
        check=False,
    )
    output = completed.stdout
    assert completed.returncode == 0, output + completed.stderr
    for line in TABLE_LINES:
        assert any(printed.startswith(line) for printed in output.splitlines()), line
    assert "FAILED" not in output
    # 9 of the single run, and per scenario of the rounds: ours, baseline, tuned baseline.
    assert output.count("check: ") == 9 + 2 * 3
    assert output.rstrip().endswith("all checks passed")
