"""Reading the annex as a PDF: time and memory for the 2016 annex, and for refusals.

    DEBUG=true .venv/bin/python benchmarks/annex_pdf_benchmark.py [--repeat 5]

The PDFs are made as the tests make them (``tests/annex_pdf.py``, reportlab): the 2016 annex
(11 pages, with running header and page numbers), and PDFs of one line per page with more pages
than an annex may have. Each is read with ``read_annex`` (no database); printed are the median
wall time and the peak of Python's allocations (tracemalloc) during one read. Nothing here
asserts a bound.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopregistry.settings")

import django  # noqa: E402

django.setup()

from registry.services.imports import pdf_reader  # noqa: E402
from registry.services.imports.files import UnreadableFile, read_annex  # noqa: E402
from tests import annex_pdf  # noqa: E402


def measure(data, name, repeat):
    times, outcome = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            text = read_annex(data, name)
            outcome = f"{len(text.text):,} characters on {max(text.pages)} pages"
        except UnreadableFile as error:
            outcome = f"refused: {error}"
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    with contextlib.suppress(UnreadableFile):
        read_annex(data, name)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak, outcome


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    cases = {
        "the 2016 annex": (annex_pdf.annex_pdf(), "bijlage-2016.pdf"),
        f"{pdf_reader.MAX_PAGES + 1} pages": (
            annex_pdf.pages_pdf(pdf_reader.MAX_PAGES + 1),
            "501.pdf",
        ),
        "5,000 pages": (annex_pdf.pages_pdf(5000), "5000.pdf"),
    }
    for label, (data, name) in cases.items():
        seconds, peak, outcome = measure(data, name, options.repeat)
        print(
            f"{label}: {len(data) / 1024:,.0f} KB file, {seconds * 1000:,.0f} ms, "
            f"peak {peak / 1024 / 1024:,.1f} MB allocated; {outcome[:90]}"
        )


if __name__ == "__main__":
    main()
