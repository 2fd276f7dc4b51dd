"""Public pages benchmark: response times of the public pages at 1,000 and 100,000 themes.

    DEBUG=true .venv/bin/python benchmarks/public_benchmark.py [--sizes 1000 100000]
        [--repeat 20] [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--explain]

PostgreSQL only: the figures are meant for the production database, and SQLite has no Dutch
full-text search; the script refuses an SQLite URL. The URL (default: ``DATABASE_URL`` when
set, else ``postgres://postgres@127.0.0.1:5432/postgres``) names the server; the script
connects to its ``postgres`` database to create ``coopregistry_pubbench_<random>``, works only
in that new database, and drops it at the end, also when something fails.

It migrates the new database, loads the 2016 annex, then for each size in turn (ascending):

1. grows the registry to that many themes with COPY: descriptions of about 300 characters
   cut from the annex's own text (so the Dutch full-text search has real matches), 1-4
   commands (with positions) and 1-5 partners per theme, about 200 partners, one agreement
   per 50 themes (each linked to 1-10 themes), every theme in edition 2016; a tenth of the
   new themes go to the section "deu" (about 10,000 at 100,000: the CSV download);
2. runs VACUUM ANALYZE, as autovacuum would on a live database;
3. requests each page with Django's test Client, in this process: 2 warm-up requests, one
   request whose queries are counted, then --repeat timed requests. The times are Django plus
   database, without network or a web server. DEBUG is switched off for the requests, as in
   production (no query log, no template debug information).

It prints a table per size and a comparison of the smallest with the largest size: the
aim for every paged page is a median under 100 ms and at most 2 times the smallest size's
median. The CSV download is measured in rows per second instead. benchmarks/README.md says
more. The exit status is 1 when a page does not answer 200, 2 when the script refuses to run.
"""

import argparse
import csv
import io
import math
import os
import random
import signal
import statistics
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ANNEX_FIXTURE = ROOT / "fixtures" / "annex-2016.json"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "coopregistry_pubbench_"
REFUSAL = (
    "public_benchmark.py measures the public pages on PostgreSQL only (the production database, "
    "with the Dutch full-text search); it refuses {url}. Give a PostgreSQL server with "
    "--database-url or DATABASE_URL, e.g. " + DEFAULT_SERVER_URL
)
EDITION_YEAR = 2016
SEED = 2016
WARM_UP = 2
AIM_MS = 100
AIM_RATIO = 2
GENERATED_PARTNERS = 150  # with the annex's 51: about 200
THEMES_PER_AGREEMENT = 50  # 2,000 agreements at 100,000 themes
DOWNLOAD_SECTION = "deu"
DOWNLOAD_SHARE = 0.10  # of the generated themes, in DOWNLOAD_SECTION
COMMON_WORD = "samenwerking"
RARE_WORD = "helikopter"
API_URL = "/api/v1/themes/"
TEXT_LENGTH = 300


@dataclass
class Page:
    label: str
    url: str
    paged: bool = True  # the aim applies (the CSV download is exempt)
    filter_query: str | None = None  # the theme filter it shows, for the number of themes


@dataclass
class Result:
    page: Page
    url: str
    available: bool = True
    status: int = 200
    queries: int = 0
    times_ms: list = field(default_factory=list)
    themes: int | None = None  # themes the filter selects
    rows: int | None = None  # rows in a download

    @property
    def ok(self):
        return not self.available or self.status == 200

    @property
    def median(self):
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self):
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]

    @property
    def rows_per_second(self):
        if not self.rows or not self.median:
            return None
        return self.rows / (self.median / 1000)


def pages():
    return [
        Page("listing, unfiltered", "/themas/", filter_query=""),
        Page(
            "listing, partner DEU + command CLAS",
            "/themas/?partner=DEU&command=CLAS",
            filter_query="partner=DEU&command=CLAS",
        ),
        Page(
            f"listing, search '{RARE_WORD}'",
            f"/themas/?q={RARE_WORD}",
            filter_query=f"q={RARE_WORD}",
        ),
        Page(
            f"listing, search '{COMMON_WORD}'",
            f"/themas/?q={COMMON_WORD}",
            filter_query=f"q={COMMON_WORD}",
        ),
        Page("listing, page 50", "/themas/?pagina=50", filter_query=""),
        Page("theme detail", "{detail}"),
        Page("overview", "/"),
        Page("API listing", API_URL, filter_query=""),
        Page(
            f"CSV download, section {DOWNLOAD_SECTION}",
            f"/themas/download.csv?section={DOWNLOAD_SECTION}",
            paged=False,
            filter_query=f"section={DOWNLOAD_SECTION}",
        ),
    ]


# --- the database ---------------------------------------------------------------------------


def is_postgresql(url):
    return urlsplit(url).scheme.startswith(("postgres", "pgsql"))


class BenchDatabase:
    """A new database on the server ``url`` names, made and dropped through its ``postgres``
    database (the database ``url`` itself names is never opened)."""

    def __init__(self, url):
        self.name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:8]}"
        self.admin_url = self._with_database(url, "postgres")
        self.url = self._with_database(url, self.name)
        self.created = False

    @staticmethod
    def _with_database(url, name):
        return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))

    def _admin_sql(self, statement):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(statement)

    def create(self):
        self._admin_sql(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def drop(self):
        if not self.created:
            return
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        self._admin_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


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


def production_like_requests():
    """DEBUG off for the measured requests; the test Client's host allowed."""
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Whitenoise warns once that STATIC_ROOT does not exist; the benchmark serves no files.
    warnings.filterwarnings("ignore", message="No directory at")


def describe_database():
    from django.db import connection

    connection.ensure_connection()
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor} (database {connection.settings_dict['NAME']})"


def load_starting_state():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", str(ANNEX_FIXTURE), verbosity=0)


# --- the generated registry -----------------------------------------------------------------


class Generator:
    """Grows the registry with COPY; the same themes on every run (a fixed seed)."""

    def __init__(self):
        from registry.choices import (
            AgreementKind,
            AgreementStatus,
            DutchRole,
            Framework,
            ThemeStatus,
        )
        from registry.models import Command, Edition, Partner, Section, Theme

        self.rng = random.Random(SEED)
        themes = list(Theme.objects.values("title", "description"))
        self.titles = sorted({theme["title"] for theme in themes})
        self.texts = [theme["description"].split() for theme in themes]
        self.sections = {section.key: section.pk for section in Section.objects.all()}
        others = [pk for key, pk in self.sections.items() if key != DOWNLOAD_SECTION]
        other_share = (1 - DOWNLOAD_SHARE) / len(others)
        self.section_ids = [self.sections[DOWNLOAD_SECTION], *others]
        self.section_weights = [DOWNLOAD_SHARE, *([other_share] * len(others))]
        self.positions = dict.fromkeys(self.sections.values(), 0)
        for row in Theme.objects.values("section_id", "position"):
            self.positions[row["section_id"]] = max(
                self.positions[row["section_id"]], row["position"]
            )
        commands = list(Command.objects.order_by("position"))
        self.command_ids = [command.pk for command in commands]
        self.command_codes = {command.pk: command.code for command in commands}
        # The operational commands are named more often than the other parts of defence.
        self.command_weights = [3 if command.kind == "operational" else 1 for command in commands]
        self.edition_id = Edition.objects.get(year=EDITION_YEAR).pk
        self.partner_ids, self.partner_weights = self._partners(Partner, Theme)
        self.statuses = ThemeStatus.values
        self.roles = ["", *DutchRole.values]
        self.frameworks = ["", *Framework.values]
        self.agreement_kinds = AgreementKind.values
        self.agreement_statuses = AgreementStatus.values
        self.first_theme = Theme.objects.order_by("pk").values_list("pk", flat=True).first()
        self.next_theme = Theme.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
        self.agreements = 0

    def _partners(self, partner_model, theme_model):
        """The annex's partners, weighted by how often the annex names them, and generated
        countries (user-assigned ISO codes XAA...) and organisations with small weights."""
        from django.db.models import Count

        new = []
        for number in range(GENERATED_PARTNERS):
            if number % 2:
                code = "X" + chr(65 + number // 26 % 26) + chr(65 + number % 26)
                new.append(
                    partner_model(
                        code=code, kind="country", name_nl=f"Land {code}", name_en=f"Country {code}"
                    )
                )
            else:
                code = f"ORG-{number:03d}"
                new.append(
                    partner_model(
                        code=code,
                        kind="organisation",
                        name_nl=f"Organisatie {code}",
                        name_en=f"Organisation {code}",
                    )
                )
        partner_model.objects.bulk_create(new)
        counted = partner_model.objects.annotate(named=Count("themes"))
        ids, weights = [], []
        for partner in counted.order_by("code"):
            ids.append(partner.pk)
            weights.append(partner.named if partner.named else 0.5)
        return ids, weights

    def description(self):
        """About 300 characters of the annex's own sentences, cut at word boundaries."""
        parts, length = [], 0
        while length < TEXT_LENGTH:
            words = self.rng.choice(self.texts)
            start = self.rng.randrange(len(words))
            for word in words[start:]:
                if length >= TEXT_LENGTH:
                    break
                parts.append(word.capitalize() if not parts else word)
                length += len(word) + 1
        return " ".join(parts)

    def sample(self, population, weights, low, high):
        wanted = self.rng.randint(low, high)
        chosen = []
        while len(chosen) < wanted:
            pick = self.rng.choices(population, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        return chosen

    def grow_to(self, size):
        """Add themes (and their links, and agreements) until the registry holds ``size``."""
        from django.db import transaction
        from django.utils.text import slugify

        from registry.models import Theme, ThemeCommand, ThemeEdition

        missing = size - Theme.objects.count()
        if missing <= 0:
            return
        themes, partners, commands, editions = [], [], [], []
        first_new = self.next_theme
        for pk in range(first_new, first_new + missing):
            section_id = self.rng.choices(self.section_ids, self.section_weights)[0]
            self.positions[section_id] += 1
            title = f"{self.rng.choice(self.titles)} {pk}"
            text = self.description()
            themes.append(
                {
                    "id": pk,
                    "section_id": section_id,
                    "title": title,
                    "slug": slugify(title),
                    "position": self.positions[section_id],
                    "description": text,
                    "status": self.rng.choices(self.statuses, [6, 2, 1, 1])[0],
                    "dutch_role": self.rng.choice(self.roles),
                    "framework": self.rng.choice(self.frameworks),
                    "target_year": self.rng.choice([None, None, *range(2017, 2031)]),
                    "is_archived": self.rng.random() < 0.03,
                    "is_internal": self.rng.random() < 0.01,
                }
            )
            for partner_id in self.sample(self.partner_ids, self.partner_weights, 1, 5):
                partners.append({"theme_id": pk, "partner_id": partner_id})
            chosen = self.sample(self.command_ids, self.command_weights, 1, 4)
            for position, command_id in enumerate(chosen, start=1):
                commands.append({"theme_id": pk, "command_id": command_id, "position": position})
            editions.append(
                {
                    "theme_id": pk,
                    "edition_id": self.edition_id,
                    "title": title,
                    "description": text,
                    "commands": "|".join(self.command_codes[c] for c in chosen),
                }
            )
        self.next_theme = first_new + missing
        with transaction.atomic():
            copy(Theme, themes)
            copy(Theme.partners.through, partners)
            copy(ThemeCommand, commands)
            copy(ThemeEdition, editions)
            self._agreements(size, first_new)

    def _agreements(self, size, first_new):
        """One agreement per THEMES_PER_AGREEMENT themes, each with 1-3 parties and 1-10
        themes, most of them of this growth step."""
        from registry.models import Agreement

        wanted = size // THEMES_PER_AGREEMENT - self.agreements
        if wanted <= 0:
            return
        first = Agreement.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
        agreements, parties, links = [], [], []
        for pk in range(first, first + wanted):
            self.agreements += 1
            precision = self.rng.choice(["day", "month", "year", "unknown"])
            signed = date(self.rng.randint(2000, 2016), self.rng.randint(1, 12), 1)
            if precision == "day":
                signed = signed.replace(day=self.rng.randint(1, 28))
            elif precision == "year":
                signed = signed.replace(month=1)
            agreements.append(
                {
                    "id": pk,
                    "slug": f"overeenkomst-{self.agreements}",
                    "kind": self.rng.choice(self.agreement_kinds),
                    "title": f"Overeenkomst {self.agreements}",
                    "date_signed": None if precision == "unknown" else signed,
                    "date_precision": precision,
                    "status": self.rng.choice(self.agreement_statuses),
                    "description": self.description()[:120],
                    "is_internal": self.rng.random() < 0.02,
                }
            )
            for partner_id in self.sample(self.partner_ids, self.partner_weights, 1, 3):
                parties.append({"agreement_id": pk, "partner_id": partner_id})
            newest = self.next_theme - 1
            for theme_id in {
                self.rng.randint(first_new if self.rng.random() < 0.8 else self.first_theme, newest)
                for _ in range(self.rng.randint(1, 10))
            }:
                links.append({"agreement_id": pk, "theme_id": theme_id})
        copy(Agreement, agreements)
        copy(Agreement.parties.through, parties)
        copy(Agreement.themes.through, links)


def copy(model, rows):
    """COPY rows (dicts of column values) into the model's table. Columns a row leaves out
    get the field's default as Django would save it, so fields added to the models later need
    no change here; generated columns and database defaults are left to the database. When
    the rows give ids, the table's sequence is moved past them."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    if not rows:
        return
    given = rows[0].keys()
    fields, defaults = [], []
    for f in model._meta.concrete_fields:
        if f.attname in given:
            fields.append(f)
            defaults.append(None)
        elif f.primary_key or getattr(f, "generated", False) or f.db_default is not NOT_PROVIDED:
            continue
        else:
            fields.append(f)
            defaults.append(f.get_db_prep_save(f.get_default(), connection))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pairs = list(zip([f.attname for f in fields], defaults, strict=True))
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as writer:
            for row in rows:
                writer.write_row([row.get(name, default) for name, default in pairs])
        if model._meta.pk.attname in given:
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT MAX({pk}) FROM {table}))",
                [model._meta.db_table, model._meta.pk.column],
            )


def vacuum_analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def load_average():
    """Other processes on the machine slow the requests down; the reader should know."""
    try:
        return " ".join(f"{load:.2f}" for load in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"
    except OSError:
        return "unknown"


def describe_registry():
    from registry.models import Agreement, Partner, Theme, ThemeCommand

    themes = Theme.objects.count()
    public = Theme.objects.filter(is_internal=False, is_archived=False).count()
    return (
        f"{themes:,} themes ({public:,} public and current), "
        f"{Partner.objects.count():,} partners, {Agreement.objects.count():,} agreements, "
        f"{Theme.partners.through.objects.count():,} theme-partner and "
        f"{ThemeCommand.objects.count():,} theme-command links"
    )


# --- measuring ------------------------------------------------------------------------------


def api_available():
    from django.urls import Resolver404, resolve

    try:
        resolve(API_URL)
    except Resolver404:
        return False
    return True


def detail_url():
    """A theme in the middle of the download section: its page lists the section's others."""
    from registry.models import Theme

    themes = Theme.objects.filter(
        section__key=DOWNLOAD_SECTION, is_internal=False, is_archived=False
    ).order_by("pk")
    middle = themes.count() // 2
    return themes.select_related("section")[middle].get_absolute_url()


def selected_themes(query):
    from django.http import QueryDict

    from registry.filters import ThemeFilterSet
    from registry.selectors import public_themes

    filterset = ThemeFilterSet(QueryDict(query), queryset=public_themes())
    return filterset.qs.count()


def csv_rows(content):
    text = content.decode("utf-8-sig")
    return max(sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";")) - 1, 0)


def measure(page, url, repeat, explain, out):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    result = Result(page, url)
    if page.url == API_URL and not api_available():
        result.available = False
        return result
    client = Client()

    def get():
        response = client.get(url)
        content = response.getvalue() if response.streaming else response.content
        return response, content

    for _ in range(WARM_UP):
        response, content = get()
    result.status = response.status_code
    if result.status != 200:
        return result
    with CaptureQueriesContext(connection) as captured:
        response, content = get()
    # A copy now: the next request's request_started signal empties the connection's log.
    queries = list(captured.captured_queries)
    result.queries = len(queries)
    if page.filter_query is not None:
        result.themes = selected_themes(page.filter_query)
    if not page.paged:
        result.rows = csv_rows(content)
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        result.times_ms.append((time.perf_counter() - started) * 1000)
    if explain:
        explain_slowest(page, queries, out)
    return result


def explain_slowest(page, queries, out, count=2):
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest queries of a request."""
    from django.db import connection

    slowest = sorted(queries, key=lambda query: float(query["time"]), reverse=True)[:count]
    for query in slowest:
        print(f"\n--- {page.label}: {float(query['time']) * 1000:.1f} ms", file=out)
        print(query["sql"], file=out)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            for (line,) in cursor.fetchall():
                print(f"    {line}", file=out)


# --- the tables -----------------------------------------------------------------------------

LABEL_WIDTH = max(len(page.label) for page in pages())
SIZE_HEADER = (
    f"{'page':<{LABEL_WIDTH}}  {'queries':>7}  {'median ms':>9}  {'p95 ms':>8}  {'themes':>8}  note"
)


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def print_size_table(results, out):
    print(SIZE_HEADER, file=out)
    print("-" * len(SIZE_HEADER), file=out)
    for result in results:
        label = result.page.label
        if not result.available:
            print(f"{label:<{LABEL_WIDTH}}  not available ({API_URL} does not resolve)", file=out)
            continue
        if result.status != 200:
            print(
                f"{label:<{LABEL_WIDTH}}  FAILED: HTTP {result.status} for {result.url}", file=out
            )
            continue
        themes = "" if result.themes is None else f"{result.themes:,}"
        note = result.url
        if result.rows is not None:
            note = f"{result.rows:,} rows, {result.rows_per_second:,.0f} rows/s; {result.url}"
        print(
            f"{label:<{LABEL_WIDTH}}  {result.queries:>7}  {ms(result.median):>9}  "
            f"{ms(result.p95):>8}  {themes:>8}  {note}",
            file=out,
        )


def verdict(small, large):
    if not (small.available and large.available):
        return "not available"
    if small.status != 200 or large.status != 200:
        return "FAILED"
    if not large.page.paged:
        return (
            f"exempt: {small.rows_per_second or 0:,.0f} -> {large.rows_per_second or 0:,.0f} rows/s"
        )
    misses = []
    ratio = large.median / small.median
    if ratio > AIM_RATIO:
        misses.append(f"ratio {ratio:.1f} > {AIM_RATIO}")
    if large.median >= AIM_MS:
        misses.append(f"median {large.median:.0f} >= {AIM_MS} ms")
    if large.queries != small.queries:
        misses.append(f"queries {small.queries} -> {large.queries}")
    return "meets the aim" if not misses else "MISSES: " + ", ".join(misses)


def print_comparison(sizes, by_size, out):
    small_size, large_size = sizes[0], sizes[-1]
    small_head, large_head = f"{small_size:,} ms", f"{large_size:,} ms"
    header = (
        f"{'page':<{LABEL_WIDTH}}  {small_head:>10}  {large_head:>10}  {'ratio':>6}  "
        f"{'queries':>9}  aim (median < {AIM_MS} ms and ratio <= {AIM_RATIO})"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for small, large in zip(by_size[small_size], by_size[large_size], strict=True):
        label = small.page.label
        if not (small.available and large.available):
            print(f"{label:<{LABEL_WIDTH}}  not available", file=out)
            continue
        if small.status != 200 or large.status != 200:
            print(f"{label:<{LABEL_WIDTH}}  FAILED", file=out)
            continue
        ratio = large.median / small.median
        queries = f"{small.queries}->{large.queries}"
        print(
            f"{label:<{LABEL_WIDTH}}  {ms(small.median):>10}  {ms(large.median):>10}  "
            f"{ratio:>6.2f}  {queries:>9}  {verdict(small, large)}",
            file=out,
        )


# --- main -----------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 100_000],
        help="registry sizes in themes, measured in ascending order (default: 1000 100000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=20, help="timed requests per page (default: 20)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL,
        help="the PostgreSQL server (default: DATABASE_URL when set, else "
        f"{DEFAULT_SERVER_URL}); the script makes a database of its own on it",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of each page's slowest queries at the largest size",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.sizes = sorted(set(args.sizes))
    return args


def main(argv=None, out=sys.stdout):
    args = parse_args(argv)
    if not is_postgresql(args.database_url):
        print(REFUSAL.format(url=args.database_url), file=sys.stderr)
        return 2
    database = BenchDatabase(args.database_url)
    # A terminated run (a CI timeout) still drops its database: SIGTERM unwinds through finally.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    failed = False
    try:
        database.create()
        setup_django(database.url)
        load_starting_state()
        from registry.models import Theme

        annex = Theme.objects.count()
        if args.sizes[0] < annex:
            print(
                f"Every size must be at least {annex} (the 2016 annex's themes).", file=sys.stderr
            )
            return 2
        production_like_requests()
        print(f"database: {describe_database()}", file=out)
        print(
            "times: Django's test Client in this process (Django + database, no network, no "
            f"web server), DEBUG off; median and p95 of {args.repeat} requests after "
            f"{WARM_UP} warm-up requests; queries counted in one more request",
            file=out,
        )
        generator = Generator()
        by_size = {}
        detail = None
        for size in args.sizes:
            started = time.perf_counter()
            generator.grow_to(size)
            vacuum_analyze()
            seconds = time.perf_counter() - started
            detail = detail or detail_url()
            print(f"\n== {size:,} themes (grown and analysed in {seconds:.1f} s)", file=out)
            print(describe_registry(), file=out)
            explain = args.explain and size == args.sizes[-1]
            results = []
            for page in pages():
                url = page.url.format(detail=detail)
                results.append(measure(page, url, args.repeat, explain, out))
            print(file=out)
            print_size_table(results, out)
            print(f"load average of the machine after measuring: {load_average()}", file=out)
            by_size[size] = results
            failed = failed or not all(result.ok for result in results)
        print(f"\n== comparison: {args.sizes[-1]:,} against {args.sizes[0]:,} themes", file=out)
        print_comparison(args.sizes, by_size, out)
    finally:
        database.drop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
