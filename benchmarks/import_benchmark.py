"""Import benchmark: a 10,000-theme annual update, ours against a default ModelResource.

    DEBUG=true .venv/bin/python benchmarks/import_benchmark.py [--rows 10000]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--baseline-rows N]

The script makes its own databases and drops them at the end: temporary SQLite files by
default (an SQLite URL never points it at an existing file), or, for a PostgreSQL URL used as
the admin connection, new databases ``coopregistry_bench_<random>`` (and ``..._baseline``).
It migrates, loads the 2016 annex and clones that starting state, then:

1. writes an annual update of N themes as a CSV, as our exports write it: the themes of the
   2016 annex (some with a changed description, commands or partners) and new themes spread
   over the 12 sections, for edition 2017;
2. imports it with our service as the admin does: ``prepare_import`` (the preview), then
   ``confirm_import`` (the confirm step); checks the registry against the file; imports the
   same file again, which must change nothing;
3. imports the same file into the clone with a default django-import-export ModelResource.

benchmarks/README.md says what the figures mean. Nothing here asserts a time.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ANNEX_FIXTURE = ROOT / "fixtures" / "annex-2016.json"
EDITION = 2017
FILE_NAME = f"themes-{EDITION}.csv"
COLUMNS = [
    "section",
    "title",
    "slug",
    "position",
    "description",
    "commands",
    "partners",
    "status",
    "dutch_role",
    "framework",
    "target_year",
    "is_archived",
]
SUBJECTS = [
    "Gezamenlijke opleiding",
    "Uitwisseling van personeel",
    "Gedeeld onderhoud",
    "Samenwerking bij de inzet",
    "Gemeenschappelijke aanschaf",
    "Harmonisatie van procedures",
    "Gezamenlijke oefeningen",
    "Informatie-uitwisseling",
    "Logistieke ondersteuning",
    "Kennisdeling",
]
OBJECTS = [
    "helikopters",
    "mijnenbestrijdingsvaartuigen",
    "transportvliegtuigen",
    "cyberverdediging",
    "grondgebonden luchtverdediging",
    "medische evacuatie",
    "munitieopslag",
    "satellietcommunicatie",
    "onbemande systemen",
    "special operations forces",
    "CBRN-verdediging",
    "maritieme patrouille",
]
SENTENCES = [
    "De partners stemmen hun opleidingsprogramma's af en delen lesmateriaal en instructeurs.",
    "Er wordt onderzocht of het onderhoud van het materieel gezamenlijk kan worden uitgevoerd.",
    "Een werkgroep brengt in kaart welke contracten voor instandhouding kunnen worden gedeeld.",
    "De samenwerking richt zich op interoperabiliteit tijdens internationale oefeningen.",
    "Nederland levert hiervoor een bijdrage in personeel en stelt faciliteiten beschikbaar.",
    "Over de voortgang wordt jaarlijks gerapporteerd aan de stuurgroep van de partners.",
    "De mogelijkheden voor een gezamenlijke eenheid worden in de komende jaren verkend.",
    "Afspraken over de verdeling van kosten worden vastgelegd in een technische overeenkomst.",
]


@dataclass
class Measurement:
    label: str
    rows: int
    seconds: float
    queries: int
    note: str = ""


@dataclass
class Update:
    """The generated file and what it should do to the registry."""

    data: bytes
    rows: list  # one dict of COLUMNS per theme, as written in the file
    existing: int  # themes of the 2016 annex in the file
    changed: int  # of those, how many the file changes

    @property
    def created(self):
        return len(self.rows) - self.existing


# --- the databases --------------------------------------------------------------------------


class BenchDatabases:
    """A new database for our import and a clone of its starting state for the baseline."""

    def __init__(self, url):
        self.workdir = Path(tempfile.mkdtemp(prefix="coopregistry-bench-"))
        self.admin_url = url if urlsplit(url).scheme.startswith(("postgres", "pgsql")) else None
        if self.admin_url:
            name = f"coopregistry_bench_{uuid.uuid4().hex[:8]}"
            self.names = [name, f"{name}_baseline"]
            self._admin_sql(f'CREATE DATABASE "{name}"')
            self.url = urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{name}"))
        else:
            self.names = [
                str(self.workdir / "ours.sqlite3"),
                str(self.workdir / "baseline.sqlite3"),
            ]
            self.url = f"sqlite:///{self.names[0]}"

    def _admin_sql(self, statement):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(statement)

    def clone_for_baseline(self):
        from django.db import connections

        connections.close_all()
        if self.admin_url:
            self._admin_sql(f'CREATE DATABASE "{self.names[1]}" TEMPLATE "{self.names[0]}"')
        else:
            shutil.copyfile(self.names[0], self.names[1])

    def switch_to_baseline(self):
        from django.db import connection

        connection.close()
        connection.settings_dict["NAME"] = self.names[1]

    def drop(self):
        if self.admin_url:
            from django.db import connections

            connections.close_all()
            for name in self.names:
                self._admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(self.workdir, ignore_errors=True)


def setup_django(database_url):
    from django.conf import settings

    if settings.configured:
        # Settings read earlier point at another database (the developer's, or pytest's).
        raise RuntimeError("Run the benchmark in a process of its own.")
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopregistry.settings"
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def load_starting_state():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", str(ANNEX_FIXTURE), verbosity=0)


def describe_database():
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (temporary file)"
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor} (database {connection.settings_dict['NAME']})"


def describe_code():
    """The commit measured, so that figures can be compared across runs."""

    def git(*arguments):
        command = ["git", "-C", str(ROOT), *arguments]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} with uncommitted changes" if changed else commit


def describe_machine():
    """Other work on the machine slows both sides down: say how busy it was."""
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load} (1, 5, 15 min)"


@contextmanager
def measure(label, rows, results):
    """Time the block and count its SQL queries; append the Measurement to ``results``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Django's query log keeps only the last 9,000 queries; the baseline makes far more.
    connection.queries_log = deque()
    with CaptureQueriesContext(connection) as queries:  # forces the debug cursor on
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
    results.append(Measurement(label, rows, seconds, len(queries)))


def combined(label, first, second):
    return Measurement(
        label,
        first.rows,
        first.seconds + second.seconds,
        first.queries + second.queries,
        second.note,
    )


# --- the annual update ----------------------------------------------------------------------


def generate_update(rows, seed=EDITION):
    """The 2016 themes as our export writes them, some changed, and new themes up to ``rows``."""
    import tablib

    from registry.models import Command, Partner, Section
    from registry.resources import RESOURCES
    from registry.tabular import export_bytes

    rng = random.Random(seed)
    commands = list(Command.objects.values_list("code", flat=True))
    partners = list(Partner.objects.values_list("code", flat=True))
    exported = RESOURCES["themes"]().export()
    existing = [dict(zip(exported.headers, values, strict=True)) for values in exported]
    changed = sum(change_theme(row, i, commands, partners) for i, row in enumerate(existing))
    last_position = dict.fromkeys(Section.objects.values_list("key", flat=True), 0)
    for row in existing:
        last_position[row["section"]] = max(last_position[row["section"]], int(row["position"]))
    new = [
        new_theme(number, last_position, commands, partners, rng)
        for number in range(rows - len(existing))
    ]
    table = [{column: row[column] for column in COLUMNS} for row in existing + new]
    dataset = tablib.Dataset(*[[row[c] for c in COLUMNS] for row in table], headers=COLUMNS)
    return Update(export_bytes(dataset, "csv"), table, len(existing), changed)


def change_theme(row, index, commands, partners):
    """Change some themes as a new edition does: text, commands, partners. True if changed."""
    if index % 3 == 0:
        row["description"] += f" In {EDITION} wordt de samenwerking verder uitgebreid."
    if index % 4 == 1:
        codes = [code for code in row["commands"].split("|") if code]
        row["commands"] = "|".join([next(c for c in commands if c not in codes), *codes])
    if index % 5 == 2:
        codes = [code for code in row["partners"].split("|") if code]
        codes.append(next(c for c in partners if c not in codes))
        row["partners"] = "|".join(sorted(codes))
    return index % 3 == 0 or index % 4 == 1 or index % 5 == 2


def new_theme(number, last_position, commands, partners, rng):
    from django.utils.text import slugify

    from registry.choices import DutchRole, Framework, ThemeStatus

    sections = list(last_position)
    section = sections[number % len(sections)]
    last_position[section] += 1
    title = f"{rng.choice(SUBJECTS)} {rng.choice(OBJECTS)} {number + 1:05d}"
    description = ""
    while len(description) < 260:  # three or four sentences, about 300 characters
        description = f"{description} {rng.choice(SENTENCES)}".strip()
    return {
        "section": section,
        "title": title,
        "slug": slugify(title),
        "position": last_position[section],
        "description": description,
        "commands": "|".join(rng.sample(commands, rng.randint(1, 4))),
        "partners": "|".join(sorted(rng.sample(partners, rng.randint(1, 5)))),
        "status": rng.choice(ThemeStatus.values),
        "dutch_role": rng.choice(["", *DutchRole.values]),
        "framework": rng.choice(["", *Framework.values]),
        "target_year": rng.choice(["", *range(EDITION, EDITION + 9)]),
        "is_archived": "nee",
    }


# --- ours -----------------------------------------------------------------------------------


def preview_and_confirm(update, results, label="ours"):
    """The admin's two steps: the preview (dry run), then the confirm step."""
    from registry.services.imports import confirm_import, prepare_import

    rows = len(update.rows)
    with measure(f"{label}: preview (dry run)", rows, results):
        prepared = prepare_import(
            kind="themes", data=update.data, file_name=FILE_NAME, edition=EDITION
        )
    if prepared.errors:
        raise SystemExit(f"The generated file has errors: {prepared.errors[:5]}")
    with measure(f"{label}: confirm", rows, results):
        # As the admin's confirm step: the stored file planned again, then written.
        run = confirm_import(
            kind="themes", data=update.data, file_name=FILE_NAME, edition=EDITION, user=None
        ).run
    results.append(combined(f"{label}: preview + confirm", *results[-2:]))
    return prepared, run


def registry_matches(update):
    """Per aspect, whether the registry now holds exactly what the file says."""
    from registry.models import Theme, ThemeCommand

    wanted = {(row["section"], row["title"]): row for row in update.rows}
    descriptions = {
        (section, title): text
        for section, title, text in Theme.objects.values_list(
            "section__key", "title", "description"
        )
    }
    commands, partners = {}, {}
    links = ThemeCommand.objects.order_by("theme_id", "position")
    for *key, code in links.values_list("theme__section__key", "theme__title", "command__code"):
        commands.setdefault(tuple(key), []).append(code)
    links = Theme.partners.through.objects.values_list(
        "theme__section__key", "theme__title", "partner__code"
    )
    for *key, code in links:
        partners.setdefault(tuple(key), set()).add(code)

    def codes(text):
        return [code for code in str(text).split("|") if code]

    return {
        "themes (section, title)": set(descriptions) == set(wanted),
        "descriptions": all(descriptions[key] == row["description"] for key, row in wanted.items()),
        "commands (in order)": all(
            commands.get(key, []) == codes(row["commands"]) for key, row in wanted.items()
        ),
        "partners": all(
            partners.get(key, set()) == set(codes(row["partners"])) for key, row in wanted.items()
        ),
    }


def benchmark_ours(update, results, report):
    prepared, run = preview_and_confirm(update, results)
    plan = prepared.main
    counts = (len(plan.created), len(plan.updated), len(plan.unchanged), len(prepared.errors))
    expected = (update.created, update.changed, update.existing - update.changed, 0)
    report(
        "preview: {} created, {} updated, {} unchanged, {} errors".format(*counts),
        counts == expected,
        "expected {}, {}, {}, {}".format(*expected),
    )
    report(
        f"run recorded: {run.created} created, {run.updated} updated",
        (run.created, run.updated) == expected[:2],
    )
    for aspect, ok in registry_matches(update).items():
        report(f"after our import, {aspect} as in the file ({len(update.rows)} themes)", ok)

    again = []
    prepared, run = preview_and_confirm(update, again, label="ours: same file again")
    results.append(again[-1])
    report(
        f"idempotent: the same file again: {run.created} created, {run.updated} updated, "
        f"{run.unchanged} unchanged; preview {again[0].seconds:.2f} s + confirm "
        f"{again[1].seconds:.2f} s, {again[-1].queries} queries",
        (run.created, run.updated, run.unchanged) == (0, 0, len(update.rows)),
    )


# --- the baseline: a default django-import-export ModelResource -----------------------------


def default_theme_resource():
    """The resource a developer would write for Theme without our engine.

    Commands go through ThemeCommand (with a position), which a plain resource cannot set:
    they are left out, so the baseline does less work than ours.
    """
    from import_export import fields, resources, widgets

    from registry.models import Partner, Section, Theme

    class ThemeResource(resources.ModelResource):
        section = fields.Field(
            attribute="section",
            column_name="section",
            widget=widgets.ForeignKeyWidget(Section, "key"),
        )
        partners = fields.Field(
            attribute="partners",
            column_name="partners",
            widget=widgets.ManyToManyWidget(Partner, separator="|", field="code"),
        )

        class Meta:
            model = Theme
            import_id_fields = ("section", "title")
            fields = (
                "section",
                "title",
                "slug",
                "position",
                "description",
                "partners",
                "status",
                "dutch_role",
                "framework",
                "target_year",
                "is_archived",
            )

    return ThemeResource()


def benchmark_baseline(update, measured_rows, results, report):
    """A dry run, then the import, of the same file (its first ``measured_rows`` rows)."""
    import tablib

    from registry.models import Theme

    rows = len(update.rows)
    dataset = tablib.Dataset().load(update.data.decode("utf-8-sig"), format="csv", delimiter=";")
    dataset = tablib.Dataset(*dataset[:measured_rows], headers=dataset.headers)
    for label, dry_run in (("baseline: dry run", True), ("baseline: import", False)):
        with measure(label, measured_rows, results):
            result = default_theme_resource().import_data(
                dataset, dry_run=dry_run, use_transactions=True
            )
        if measured_rows != rows:
            results[-1] = extrapolated(results[-1], rows)
    results.append(combined("baseline: dry run + import", *results[-2:]))
    totals = result.totals
    errors = totals["error"] + totals["invalid"]
    report(
        f"baseline: {totals['new']} new, {totals['update']} updated, {errors} errors; "
        f"{Theme.objects.count()} themes in its database",
        errors == 0 and Theme.objects.count() == measured_rows,
    )


def extrapolated(measurement, rows):
    factor = rows / measurement.rows
    return Measurement(
        measurement.label,
        rows,
        measurement.seconds * factor,
        round(measurement.queries * factor),
        f"EXTRAPOLATED from {measurement.rows} rows",
    )


# --- the report -----------------------------------------------------------------------------


def print_table(results, out):
    header = f"{'step':<44} {'rows':>7} {'seconds':>8} {'rows/s':>7} {'queries':>8} {'q/row':>7}"
    print(header, file=out)
    print("-" * len(header), file=out)
    for m in results:
        note = f"  {m.note}" if m.note else ""
        print(
            f"{m.label:<44} {m.rows:>7} {m.seconds:>8.2f} {m.rows / m.seconds:>7.0f} "
            f"{m.queries:>8} {m.queries / m.rows:>7.3f}{note}",
            file=out,
        )


def print_speed_up(results, out):
    figures = {m.label: m for m in results}
    ours = figures["ours: preview + confirm"].seconds
    for baseline in ("baseline: import", "baseline: dry run + import"):
        ratio = figures[baseline].seconds / ours
        note = f" ({figures[baseline].note})" if figures[baseline].note else ""
        print(f"speed-up: {baseline} / ours: preview + confirm = {ratio:.1f}x{note}", file=out)


def main(argv=None, out=sys.stdout):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000, help="themes in the update")
    parser.add_argument(
        "--baseline-rows",
        type=int,
        help="import only this many rows with the baseline and extrapolate (for slow runs)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://... admin connection in which to create the bench databases "
        "(default: DATABASE_URL when it is PostgreSQL, else temporary SQLite files)",
    )
    args = parser.parse_args(argv)
    if args.rows < 114:
        parser.error("--rows must be at least 114, the themes of the 2016 annex")
    baseline_rows = min(args.baseline_rows or args.rows, args.rows)

    checks = []

    def report(label, ok, expected=""):
        checks.append(ok)
        detail = "" if ok or not expected else f" ({expected})"
        print(f"check: {label}: {'ok' if ok else 'FAILED' + detail}", file=out)

    databases = BenchDatabases(args.database_url)
    try:
        setup_django(databases.url)
        load_starting_state()
        databases.clone_for_baseline()
        update = generate_update(args.rows)
        print(f"database: {describe_database()}; code: {describe_code()}", file=out)
        print(f"machine at the start: {describe_machine()}", file=out)
        print(
            f"file: {FILE_NAME}, {len(update.data) / 1e6:.1f} MB, edition {EDITION}: "
            f"{args.rows} themes, {update.existing} of the 2016 annex ({update.changed} changed) "
            f"and {update.created} new",
            file=out,
        )
        results = []
        benchmark_ours(update, results, report)
        databases.switch_to_baseline()
        benchmark_baseline(update, baseline_rows, results, report)
    finally:
        databases.drop()
    print(file=out)
    print_table(results, out)
    print(
        "baseline: a default ModelResource (section by key, partners by code); it does not "
        "import commands, which a plain resource cannot set through ThemeCommand",
        file=out,
    )
    print(f"machine at the end: {describe_machine()}", file=out)
    print(file=out)
    print_speed_up(results, out)
    print("all checks passed" if all(checks) else "SOME CHECKS FAILED", file=out)
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
