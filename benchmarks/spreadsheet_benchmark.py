"""Writing a large XLSX export: time, memory and size, before and after the workbook writer.

    DEBUG=true .venv/bin/python benchmarks/spreadsheet_benchmark.py [--rows 100000] [--chars 1000]

The rows are theme rows as the export writes them (14 columns: keys, a title, a description
of ``--chars`` characters, codes, positions and years), made up, the same on every run. Each
way of writing runs in a process of its own, which measures its wall time and its memory
growth: the peak resident size (``VmHWM``) minus the resident size before it started.

- ``tablib (before)``: what the exports did before ``write_xlsx``: every row in a tablib
  ``Dataset``, neutralised into a copy, written by tablib (openpyxl's normal mode, a workbook
  of cell objects in memory).
- ``write_xlsx (after)``: ``registry.tabular.write_xlsx`` from a generator of rows: openpyxl's
  write-only mode, the first 1,000 rows held for the widths, the rest streamed.

Nothing here asserts a bound; the figures are for the README.
"""

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent(
    """
    import io, json, os, random, sys, time
    sys.path.insert(0, {root!r})
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopregistry.settings")
    import django
    django.setup()
    import tablib
    from registry.tabular import Sheet, SheetColumn, safe_dataset, write_xlsx, _map_cells
    from registry.tabular import _storable_in_xlsx

    HEADERS = ["section", "title", "slug", "position", "description", "commands", "partners",
               "status", "dutch_role", "framework", "target_year", "editions", "is_archived",
               "is_internal"]
    WHOLE = {{"position", "target_year"}}
    WORDS = "samenwerking defensie marine landmacht luchtmacht oefening training onderhoud".split()

    def rows(count, chars):
        generator = random.Random(2016)
        for n in range(count):
            words = []
            while sum(map(len, words)) + len(words) < chars:
                words.append(generator.choice(WORDS))
            yield [f"sectie-{{n % 12}}", f"Thema {{n}}", f"thema-{{n}}", str(n % 500 + 1),
                   " ".join(words)[:chars], "CZSK|CLAS", "BEL|DEU|LUX", "ongoing", "",
                   "bilateral", "2018" if n % 3 else "", "2016|2017", "nee", "nee"]

    def resident(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) * 1024

    def before(count, chars):
        dataset = tablib.Dataset(*rows(count, chars), headers=HEADERS, title="Thema’s")
        return safe_dataset(_map_cells(dataset, _storable_in_xlsx)).export("xlsx")

    def after(count, chars):
        columns = [SheetColumn(h, whole_numbers=h in WHOLE) for h in HEADERS]
        return write_xlsx([Sheet("Thema’s", columns, rows(count, chars))])

    way, count, chars = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    start_memory = resident("VmRSS")
    started = time.perf_counter()
    data = {{"before": before, "after": after}}[way](count, chars)
    seconds = time.perf_counter() - started
    print(json.dumps({{"seconds": seconds, "memory": resident("VmHWM") - start_memory,
                      "bytes": len(data)}}))
    """
)

WAYS = {"before": "tablib (before)", "after": "write_xlsx (after)"}


def measure(way, rows, chars):
    completed = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), way, str(rows), str(chars)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=1000, help="characters of a description")
    parser.add_argument("--only", choices=list(WAYS), nargs="*", default=list(WAYS))
    arguments = parser.parse_args()
    print(f"{arguments.rows:,} rows of 14 columns, descriptions of {arguments.chars:,} characters")
    print(f"{'way':<22}{'seconds':>10}{'memory MB':>12}{'file MB':>10}")
    for way in arguments.only:
        figures = measure(way, arguments.rows, arguments.chars)
        print(
            f"{WAYS[way]:<22}{figures['seconds']:>10.1f}"
            f"{figures['memory'] / 1024 / 1024:>12.0f}{figures['bytes'] / 1024 / 1024:>10.1f}"
        )


if __name__ == "__main__":
    main()
