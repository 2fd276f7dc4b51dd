"""Import benchmark: a 10,000-theme annual update, ours against a default and a tuned ModelResource.

    DEBUG=true .venv/bin/python benchmarks/import_benchmark.py [--rows 10000]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--baseline-rows N]
        [--rounds 3]

The script makes its own databases and drops them at the end: temporary SQLite files by
default (an SQLite URL never points it at an existing file), or, for a PostgreSQL URL used as
the admin connection, new databases ``coopregistry_bench_<random>`` (and ``..._baseline``,
``..._tuned``). It migrates, loads the 2016 annex and clones that starting state twice, then:

1. writes an annual update of N themes as a CSV, as our exports write it: the themes of the
   2016 annex (some with a changed description, commands or partners) and new themes spread
   over the 12 sections, for edition 2017;
2. imports it with our service as the admin does: ``prepare_import`` (the preview), then
   ``confirm_import`` (the confirm step); checks the registry against the file; imports the
   same file again, which must change nothing;
3. imports the same file into a clone with a default django-import-export ModelResource;
4. imports it into another clone with the same resource tuned as django-import-export's
   documentation advises for large imports (bulk mode, skip unchanged rows, cached lookups);
5. the ratios: ``--rounds`` interleaved rounds (ours, baseline, tuned baseline, ours, ...),
   each import on a fresh copy of the same starting database, the ratio taken within each
   round and its median reported, so that a change in the machine's load between two phases
   does not move it; for two scenarios: the update above (new themes and changed ones), and
   an update in which every row already exists (the registry after step 2, every theme
   exported again with some changed: what an annual update usually is).

benchmarks/README.md says what the figures mean. Nothing here asserts a time.
"""

import argparse
import io
import os
import random
import re
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
    database_seconds: float = 0.0  # of ``seconds``, spent in the database driver's execute


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
    """A new database for our import and clones of its starting state for the baselines."""

    def __init__(self, url, clones):
        self.clones = clones
        self.workdir = Path(tempfile.mkdtemp(prefix="coopregistry-bench-"))
        self.admin_url = url if urlsplit(url).scheme.startswith(("postgres", "pgsql")) else None
        if self.admin_url:
            name = f"coopregistry_bench_{uuid.uuid4().hex[:8]}"
            self.names = {"ours": name, **{clone: f"{name}_{clone}" for clone in clones}}
            self._admin_sql(f'CREATE DATABASE "{name}"')
            self.url = urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{name}"))
        else:
            self.names = {copy: str(self.workdir / f"{copy}.sqlite3") for copy in ("ours", *clones)}
            self.url = f"sqlite:///{self.names['ours']}"

    def _admin_sql(self, statement):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(statement)

    def clone_for_baselines(self):
        from django.db import connections

        connections.close_all()
        for clone in self.clones:
            if self.admin_url:
                self._admin_sql(
                    f'CREATE DATABASE "{self.names[clone]}" TEMPLATE "{self.names["ours"]}"'
                )
            else:
                shutil.copyfile(self.names["ours"], self.names[clone])

    def clone(self, source, copy):
        """A new copy ``copy`` of the database ``source`` (a name of ``self.names``)."""
        from django.db import connections

        connections.close_all()
        if self.admin_url:
            self.names[copy] = f"{self.names['ours']}_{copy}"
            self._admin_sql(f'CREATE DATABASE "{self.names[copy]}" TEMPLATE "{self.names[source]}"')
        else:
            self.names[copy] = str(self.workdir / f"{copy}.sqlite3")
            shutil.copyfile(self.names[source], self.names[copy])

    def drop_copy(self, copy):
        from django.db import connections

        connections.close_all()
        name = self.names.pop(copy)
        if self.admin_url:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            Path(name).unlink(missing_ok=True)

    def switch_to(self, clone):
        from django.db import connection

        connection.close()
        connection.settings_dict["NAME"] = self.names[clone]

    def drop(self):
        if self.admin_url:
            from django.db import connections

            connections.close_all()
            for name in self.names.values():
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


class DatabaseTime:
    """An execute wrapper that adds up the time the statements take in the database driver
    (sending, the database's work, receiving the rows), so that the rest is time in Python."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


@contextmanager
def measure(label, rows, results):
    """Time the block and count its SQL queries; append the Measurement to ``results``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Django's query log keeps only the last 9,000 queries; the baseline makes far more.
    connection.queries_log = deque()
    database = DatabaseTime()
    # CaptureQueriesContext forces the debug cursor on.
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(database):
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
    results.append(Measurement(label, rows, seconds, len(queries), "", database.seconds))


def combined(label, first, second):
    return Measurement(
        label,
        first.rows,
        first.seconds + second.seconds,
        first.queries + second.queries,
        second.note,
        first.database_seconds + second.database_seconds,
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


def generate_existing_update():
    """An annual update in which every row already exists: every theme of the registry as our
    export writes it, some changed as ``change_theme`` changes them, none new."""
    import tablib

    from registry.models import Command, Partner
    from registry.resources import RESOURCES
    from registry.tabular import export_bytes

    commands = list(Command.objects.values_list("code", flat=True))
    partners = list(Partner.objects.values_list("code", flat=True))
    exported = RESOURCES["themes"]().export()
    existing = [dict(zip(exported.headers, values, strict=True)) for values in exported]
    changed = sum(change_theme(row, i, commands, partners) for i, row in enumerate(existing))
    table = [{column: row[column] for column in COLUMNS} for row in existing]
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


# --- the tuned baseline: the same resource, tuned as django-import-export's docs advise ------


def tuned_theme_resource(*, for_preview):
    """The default resource with the advice of django-import-export's "Bulk imports" page
    (its "Performance tuning" section) and of its ``ResourceOptions`` documentation:

    - ``use_bulk = True``: rows are written with ``bulk_create()`` / ``bulk_update()`` in
      batches of ``batch_size`` (1,000, the default, set here explicitly; the docs found
      ``None`` slower) instead of one ``save()`` a row. As the docs warn, bulk mode does not
      work with many-to-many fields: the partners column is left out (kept, it makes
      ``bulk_update()`` fail and the whole import roll back). Bulk mode sends no signals, so
      no history is written either;
    - ``skip_unchanged = True``: an unchanged row is not written at all;
    - a cached instance loader: ``CachedInstanceLoader`` loads the existing records in one
      query, but works only with one ``import_id_fields`` field; a theme's key is two
      (section, title), so this loader does the same for the pair;
    - a ``ForeignKeyWidget`` that caches its ``get_queryset()`` results (the docs' caveat:
      the stock widget reads the database for each row);
    - ``skip_html_diff = True`` for the import only: the HTML diff is what the admin's
      preview shows, so the dry run keeps it; nobody sees it after the confirm. The diff
      itself (``skip_diff``) stays on: ``skip_unchanged`` needs it.

    ``force_init_instance`` is not for a file that also updates records.
    """
    from import_export import fields, instance_loaders, resources, widgets

    from registry.models import Section, Theme

    class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            if not hasattr(self, "cache"):
                self.cache = {str(getattr(o, self.field)): o for o in self.model.objects.all()}
            try:
                return self.cache[str(value)]
            except KeyError:
                raise self.model.DoesNotExist(value) from None

    class CachedNaturalKeyLoader(instance_loaders.ModelInstanceLoader):
        def __init__(self, resource, dataset=None):
            super().__init__(resource, dataset)
            themes = self.get_queryset().select_related("section")
            self.instances = {(theme.section.key, theme.title): theme for theme in themes}

        def get_instance(self, row):
            return self.instances.get((row["section"], row["title"]))

    class TunedThemeResource(resources.ModelResource):
        section = fields.Field(
            attribute="section",
            column_name="section",
            widget=CachedForeignKeyWidget(Section, "key"),
        )

        class Meta:
            model = Theme
            import_id_fields = ("section", "title")
            fields = tuple(f for f in default_theme_resource()._meta.fields if f != "partners")
            use_bulk = True
            batch_size = 1000
            skip_unchanged = True
            instance_loader_class = CachedNaturalKeyLoader
            skip_html_diff = not for_preview

    return TunedThemeResource()


def benchmark_baseline(update, measured_rows, results, report, *, tuned=False):
    """A dry run, then the import, of the same file (its first ``measured_rows`` rows)."""
    import tablib

    from registry.models import Theme

    name = "tuned baseline" if tuned else "baseline"
    rows = len(update.rows)
    before = set(Theme.objects.values_list("section__key", "title"))
    dataset = tablib.Dataset().load(update.data.decode("utf-8-sig"), format="csv", delimiter=";")
    dataset = tablib.Dataset(*dataset[:measured_rows], headers=dataset.headers)
    for step, dry_run in (("dry run", True), ("import", False)):
        resource = tuned_theme_resource(for_preview=dry_run) if tuned else default_theme_resource()
        with measure(f"{name}: {step}", measured_rows, results):
            result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True)
        if measured_rows != rows:
            results[-1] = extrapolated(results[-1], rows)
    results.append(combined(f"{name}: dry run + import", *results[-2:]))
    totals = result.totals
    errors = totals["error"] + totals["invalid"]
    wanted = {
        (row["section"], row["title"]): row["description"] for row in update.rows[:measured_rows]
    }
    stored = {
        (section, title): text
        for section, title, text in Theme.objects.values_list(
            "section__key", "title", "description"
        )
    }
    texts_match = all(stored.get(key) == text for key, text in wanted.items())
    expected_count = len(before | set(wanted))
    report(
        f"{name}: {totals['new']} new, {totals['update']} updated, {totals['skip']} skipped, "
        f"{errors} errors; {len(stored)} themes in its database, the imported descriptions "
        "as in the file",
        not result.has_errors() and len(stored) == expected_count and texts_match,
    )


def extrapolated(measurement, rows):
    factor = rows / measurement.rows
    return Measurement(
        measurement.label,
        rows,
        measurement.seconds * factor,
        round(measurement.queries * factor),
        f"EXTRAPOLATED from {measurement.rows} rows",
        measurement.database_seconds * factor,
    )


# --- where our confirm spends its time ------------------------------------------------------

STATEMENT = re.compile(
    r"^\s*(?P<verb>SELECT|INSERT INTO|UPDATE|DELETE FROM)\b(?:(?!\bFROM\b).)*?"
    r'(?:\bFROM\s+)?"(?P<table>\w+)"',
    re.IGNORECASE | re.DOTALL,
)


def statement_kind(sql):
    """``INSERT INTO registry_theme``, ``SELECT registry_theme``, …: the verb and first table."""
    match = STATEMENT.match(sql)
    if not match:
        return " ".join(sql.split()[:2]).upper()
    return f"{match['verb'].upper()} {match['table']}"


class StatementTimes(DatabaseTime):
    """Database time per kind of statement."""

    def __init__(self):
        super().__init__()
        self.kinds = {}

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.seconds += elapsed
            count, seconds = self.kinds.get(statement_kind(sql), (0, 0.0))
            self.kinds[statement_kind(sql)] = (count + 1, seconds + elapsed)


def profile_confirm(update, top, out):
    """Our confirm once more, in a clone of its own, under cProfile: the functions and the
    statements it spends its time in. cProfile slows the Python side down (so the total is
    higher than in the table); the statements are timed in the same run."""
    import cProfile
    import pstats

    from django.db import connection

    from registry.services.imports import confirm_import

    statements = StatementTimes()
    profiler = cProfile.Profile()
    with connection.execute_wrapper(statements):
        start = time.perf_counter()
        profiler.enable()
        confirm_import(
            kind="themes", data=update.data, file_name=FILE_NAME, edition=EDITION, user=None
        )
        profiler.disable()
        seconds = time.perf_counter() - start
    print(file=out)
    print(
        f"profile of ours: confirm ({len(update.rows)} rows, under cProfile): {seconds:.2f} s, "
        f"of which {statements.seconds:.2f} s in the database driver's execute",
        file=out,
    )
    print(f"{'statements':<52} {'count':>6} {'seconds':>8}", file=out)
    by_time = sorted(statements.kinds.items(), key=lambda item: -item[1][1])
    for kind, (count, kind_seconds) in by_time[:top]:
        print(f"{kind:<52} {count:>6} {kind_seconds:>8.2f}", file=out)
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(top)
        lines = text.getvalue().splitlines()
        first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(file=out)
        print(f"functions by {order} (top {top}):", file=out)
        print("\n".join(lines[first:]).rstrip(), file=out)


# --- interleaved rounds: the ratios -----------------------------------------------------------

CONTESTANTS = ("ours", "baseline", "tuned baseline")
# The steps compared: ours (preview + confirm) against each baseline's import, and its dry run +
# import (what the admin's preview and confirm cost it).
RATIOS = [
    ("baseline", "import"),
    ("baseline", "dry run + import"),
    ("tuned baseline", "import"),
    ("tuned baseline", "dry run + import"),
]


@dataclass
class Scenario:
    name: str
    update: Update
    template: str  # the database each contestant starts from, copied afresh for each import


def interleaved_rounds(scenario, databases, rounds, baseline_rows, report):
    """``rounds`` rounds of ours, baseline, tuned baseline, ours, baseline, ...: each import on
    a fresh copy of the scenario's starting database. A ratio is taken within one round, so
    that a change in the machine's load between rounds moves both of its sides."""
    measured = []
    for number in range(rounds):
        figures = {}
        for contestant in CONTESTANTS:
            copy = f"round_{scenario.template}_{number}"
            databases.clone(scenario.template, copy)
            databases.switch_to(copy)
            results = []
            if contestant == "ours":
                _prepared, run = preview_and_confirm(scenario.update, results)
                counts = (run.created, run.updated)
                expected = (scenario.update.created, scenario.update.changed)
                if number == 0:
                    report(
                        f"{scenario.name}, ours: {counts[0]} created, {counts[1]} updated",
                        counts == expected,
                        "expected {}, {}".format(*expected),
                    )
            else:
                benchmark_baseline(
                    scenario.update,
                    baseline_rows if contestant == "baseline" else len(scenario.update.rows),
                    results,
                    report if number == 0 else (lambda label, ok, expected="": None),
                    tuned=contestant != "baseline",
                )
            figures.update({m.label: m for m in results})
            databases.drop_copy(copy)
        measured.append(figures)
    return measured


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def print_rounds(scenario, measured, out):
    update = scenario.update
    print(file=out)
    print(
        f"interleaved rounds, {scenario.name}: {len(update.rows)} rows, {update.existing} "
        f"already in the registry ({update.changed} of them changed), {update.created} new; "
        "each import on a fresh copy of the same starting database",
        file=out,
    )
    header = f"{'round':>5} {'ours':>8}" + "".join(
        f" {name + ': ' + step:>33}" for name, step in RATIOS
    )
    print(header + "   (seconds; ratio to ours)", file=out)
    for number, figures in enumerate(measured, 1):
        ours = figures["ours: preview + confirm"].seconds
        seconds = [figures[f"{name}: {step}"].seconds for name, step in RATIOS]
        cells = "".join(f" {value:>24.2f} ({value / ours:>5.1f}x)" for value in seconds)
        print(f"{number:>5} {ours:>8.2f}{cells}", file=out)
    notes = {figures[f"baseline: {step}"].note for figures in measured for _n, step in RATIOS}
    for name, step in RATIOS:
        ratios = [
            figures[f"{name}: {step}"].seconds / figures["ours: preview + confirm"].seconds
            for figures in measured
        ]
        ratio = median(ratios)
        faster = "ours is faster" if ratio > 1 else "ours is slower"
        note = next(iter(notes - {""}), "") if name == "baseline" else ""
        print(
            f"speed-up, {scenario.name}: {name}: {step} / ours: preview + confirm = "
            f"{ratio:.1f}x, median of {len(ratios)} interleaved rounds "
            f"(from {min(ratios):.1f}x to {max(ratios):.1f}x; {faster}"
            f"{'; baseline ' + note if note else ''})",
            file=out,
        )


# --- the report -----------------------------------------------------------------------------


def print_table(results, out):
    header = (
        f"{'step':<44} {'rows':>7} {'seconds':>8} {'rows/s':>7} {'queries':>8} {'q/row':>7} "
        f"{'in db':>6}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for m in results:
        note = f"  {m.note}" if m.note else ""
        print(
            f"{m.label:<44} {m.rows:>7} {m.seconds:>8.2f} {m.rows / m.seconds:>7.0f} "
            f"{m.queries:>8} {m.queries / m.rows:>7.3f} {m.database_seconds / m.seconds:>6.0%}"
            f"{note}",
            file=out,
        )


def print_speed_up(results, out):
    figures = {m.label: m for m in results}
    ours = figures["ours: preview + confirm"].seconds
    for name in ("baseline", "tuned baseline"):
        for step in ("import", "dry run + import"):
            baseline = f"{name}: {step}"
            ratio = figures[baseline].seconds / ours
            faster = "ours is faster" if ratio > 1 else "ours is slower"
            note = f"; {figures[baseline].note}" if figures[baseline].note else ""
            print(
                f"speed-up: {baseline} / ours: preview + confirm = {ratio:.1f}x ({faster}{note})",
                file=out,
            )


def main(argv=None, out=sys.stdout):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000, help="themes in the update")
    parser.add_argument(
        "--baseline-rows",
        type=int,
        help="import only this many rows with the default baseline and extrapolate (for slow "
        "runs); the tuned baseline is fast and always imports the whole file",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://... admin connection in which to create the bench databases "
        "(default: DATABASE_URL when it is PostgreSQL, else temporary SQLite files)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="interleaved rounds (ours, baseline, tuned baseline, ours, ...) per scenario, "
        "from which the speed-up ratios are taken (default 3)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="also profile our confirm step in a clone of its own: the top N functions "
        "(cProfile) and kinds of statement",
    )
    args = parser.parse_args(argv)
    if args.rows < 114:
        parser.error("--rows must be at least 114, the themes of the 2016 annex")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    baseline_rows = min(args.baseline_rows or args.rows, args.rows)

    checks = []

    def report(label, ok, expected=""):
        checks.append(ok)
        detail = "" if ok or not expected else f" ({expected})"
        print(f"check: {label}: {'ok' if ok else 'FAILED' + detail}", file=out)

    clones = ("baseline", "tuned", *(("profile",) if args.profile else ()))
    databases = BenchDatabases(args.database_url, clones)
    scenarios = []
    try:
        setup_django(databases.url)
        load_starting_state()
        databases.clone_for_baselines()
        databases.clone("ours", "start")
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
        # The registry now holds every theme of the file: the next annual update changes some
        # and adds none.
        databases.clone("ours", "full")
        existing = generate_existing_update()
        scenarios = [
            Scenario("new themes", update, "start"),
            Scenario("every row exists", existing, "full"),
        ]
        databases.switch_to("baseline")
        benchmark_baseline(update, baseline_rows, results, report)
        databases.switch_to("tuned")
        # Its fixed costs (loading the instances and sections) do not scale with the rows.
        benchmark_baseline(update, args.rows, results, report, tuned=True)
        profile = io.StringIO()
        if args.profile:
            databases.switch_to("profile")
            profile_confirm(update, args.profile, profile)
        rounds = [
            (scenario, interleaved_rounds(scenario, databases, args.rounds, baseline_rows, report))
            for scenario in scenarios
        ]
    finally:
        databases.drop()
    print(file=out)
    print_table(results, out)
    print(
        "baseline: a default ModelResource (section by key, partners by code); it does not "
        "import commands, which a plain resource cannot set through ThemeCommand",
        file=out,
    )
    print(
        "tuned baseline: the same resource with use_bulk, batch_size 1000, skip_unchanged, "
        "a cached instance loader by (section, title), a cached section widget and, for the "
        "import, skip_html_diff; without partners (bulk mode cannot save many-to-many fields) "
        "and commands, and writing no history: it does much less work than ours",
        file=out,
    )
    print(f"machine at the end: {describe_machine()}", file=out)
    print(file=out)
    print("single run (the table above: ours first, then the baselines):", file=out)
    print_speed_up(results, out)
    for scenario, measured in rounds:
        print_rounds(scenario, measured, out)
    print(profile.getvalue(), end="", file=out)
    print("all checks passed" if all(checks) else "SOME CHECKS FAILED", file=out)
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
