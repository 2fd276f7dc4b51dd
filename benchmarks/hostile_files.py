"""Hostile import files: how long each takes to be refused on the command line, and its memory.

    DEBUG=true .venv/bin/python benchmarks/hostile_files.py [--only NAME ...]
        [--memory-limit-gb 4] [--timeout 60]

Each file of ``tests/hostile_files.py`` is written to a temporary directory and imported with
``manage.py import_records --dry-run`` (an annex text with ``import_annex --dry-run``) in a
process of its own, against a copy of a temporary SQLite database that holds the 2016 annex.
The process measures the wall time of the command and its memory growth: the peak resident
size (``VmHWM``) minus the resident size just before the command ran. It is stopped at
``--timeout`` seconds, and its address space is capped at ``--memory-limit-gb`` so that a bomb
cannot take the machine down; a figure that reached either limit is printed with ``≥``.

Nothing here asserts a bound: ``tests/test_hostile_files.py`` does, with the issue's ceilings.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile_files  # noqa: E402

CASES = {
    # name: (generator, file name); a .txt or .docx file is an annex
    "xlsx zip bomb (empty rows)": (hostile_files.xlsx_zip_bomb, "bomb.xlsx"),
    "xlsx zip bomb (one wide row)": (hostile_files.xlsx_wide_row_bomb, "wide.xlsx"),
    "xlsx row of 5 million cells (75 MB)": (hostile_files.xlsx_wide_row_within_size, "r.xlsx"),
    "xlsx shared-strings bomb": (hostile_files.xlsx_shared_strings_bomb, "strings.xlsx"),
    "xlsx 2 million shared strings": (hostile_files.xlsx_many_shared_strings, "many.xlsx"),
    "xlsx lying zip directory": (hostile_files.xlsx_lying_directory, "lying.xlsx"),
    "xlsx row 1,000,000,000": (hostile_files.xlsx_far_row, "far-row.xlsx"),
    "xlsx cells in column XFD": (hostile_files.xlsx_far_column, "far-column.xlsx"),
    "xlsx cell of 40 M characters": (hostile_files.xlsx_long_cell, "long-cell.xlsx"),
    "xlsx XML entity bomb": (hostile_files.xlsx_entity_bomb, "entities.xlsx"),
    "docx zip bomb (empty paragraphs)": (hostile_files.docx_zip_bomb, "bomb.docx"),
    "docx lying zip directory": (hostile_files.docx_lying_directory, "lying.docx"),
    "docx XML entity bomb": (hostile_files.docx_entity_bomb, "entities.docx"),
    "yaml alias bomb": (hostile_files.yaml_alias_bomb, "aliases.yaml"),
    "json nested 100,000 deep (lists)": (hostile_files.json_deep, "deep.json"),
    "json nested 100,000 deep (objects)": (hostile_files.json_deep_objects, "deep-objects.json"),
    "yaml nested 100,000 deep (flow)": (hostile_files.yaml_deep_flow, "deep.yaml"),
    "yaml nested 100,000 deep (block)": (hostile_files.yaml_deep_block, "deep-block.yaml"),
    "annex text: backtracking phrase": (hostile_files.annex_interest_backtracking, "a.txt"),
    "annex text: one 4 MB paragraph": (hostile_files.annex_one_huge_paragraph, "b.txt"),
    "annex text: 60,000 themes": (hostile_files.annex_many_themes, "c.txt"),
    "annex text: a million lines": (hostile_files.annex_many_lines, "d.txt"),
}

CHILD = textwrap.dedent(
    """
    import io, json, os, sys, time
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopregistry.settings")
    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    def memory(field):
        # VmHWM, not getrusage: Linux carries ru_maxrss over from the forked parent into exec.
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1]) * 1024

    path = sys.argv[1]
    annex = path.endswith((".txt", ".docx"))
    arguments = ["import_annex", path, "--edition", "2017"] if annex else [
        "import_records", path, "--kind", "themes"]
    before = memory("VmRSS")
    start = time.perf_counter()
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*arguments, "--dry-run", stdout=out, stderr=err)
        outcome = "accepted"
    except CommandError as error:
        outcome = "refused: " + (err.getvalue().strip() or str(error)).splitlines()[0]
    except BaseException as error:
        outcome = "crashed: " + type(error).__name__
    elapsed = time.perf_counter() - start
    peak = memory("VmHWM")
    print(json.dumps({"seconds": elapsed, "growth": peak - before, "outcome": outcome[:160]}))
    """
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="cases whose name contains one of these")
    parser.add_argument("--memory-limit-gb", type=float, default=4)
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-") as directory:
        directory = Path(directory)
        database = prepare_database(directory)
        print(f"{'case':<38} {'file':>9} {'time':>9} {'memory':>10}  outcome")
        for name, (generate, file_name) in CASES.items():
            if options.only and not any(part in name for part in options.only):
                continue
            path = directory / file_name
            path.write_bytes(generate())
            copy = directory / "case.sqlite3"
            shutil.copy(database, copy)
            print(row(name, path, measure(path, copy, options)), flush=True)
            path.unlink()


def prepare_database(directory):
    database = directory / "registry.sqlite3"
    env = environment(database)
    for command in (["migrate", "--no-input", "-v", "0"], ["load_annex"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return database


def environment(database):
    return {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}


def measure(path, database, options):
    limit = int(options.memory_limit_gb * 1024**3)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env=environment(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=cap,
    )
    start = time.perf_counter()
    try:
        stdout, stderr = process.communicate(timeout=options.timeout)
    except subprocess.TimeoutExpired:
        # The peak so far, read before the process is stopped; it includes Django's start-up.
        peak = high_water_mark(process.pid)
        process.kill()
        process.communicate()
        return {
            "seconds": options.timeout,
            "timed_out": True,
            "peak": peak,
            "outcome": "stopped at the timeout",
        }
    completed = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    lines = completed.stdout.strip().splitlines()
    if completed.returncode or not lines:
        tail = (completed.stderr.strip().splitlines() or ["?"])[-1]
        return {
            "outcome": f"died ({completed.returncode}): {tail[:120]}",
            "limit": limit,
            "seconds": time.perf_counter() - start,  # of the process, start-up included
        }
    result = json.loads(lines[-1])
    if "MemoryError" in result["outcome"]:
        result["limit"] = limit
    return result


def high_water_mark(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def row(name, path, result):
    size = f"{path.stat().st_size / 1024:,.0f} KB"
    seconds = result.get("seconds")
    time_text = "?" if seconds is None else f"{seconds:.2f} s"
    if result.get("timed_out"):
        time_text = "≥" + time_text
    growth = result.get("growth")
    memory_text = "?" if growth is None else f"{growth / 1024**2:,.0f} MB"
    if result.get("peak"):
        memory_text = f"≥{result['peak'] / 1024**2:,.0f} MB"
    if result.get("limit"):
        memory_text = f"≥{result['limit'] / 1024**3:.0f} GB"
    return f"{name:<38} {size:>9} {time_text:>9} {memory_text:>10}  {result['outcome']}"


if __name__ == "__main__":
    main()
