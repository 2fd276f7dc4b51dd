"""Admin benchmark: the start page, the attention lists and the bulk actions at 100,000 themes.

    DEBUG=true .venv/bin/python benchmarks/admin_benchmark.py [--sizes 1000 100000]
        [--repeat 10] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

PostgreSQL only, in a database of its own (``coopregistry_adminbench_<random>``, dropped at the
end), grown as ``public_benchmark.py`` grows it. Every generated theme also gets the history an
annex import gives it (a "+" record without a user), and one in ten a later save by a person,
so that the list "facts the rules guessed, not confirmed since" has both kinds. For each size it
prints, for a reader signed in (DEBUG off): the start page and the theme lists that its
attention panel links to (median and p95 of --repeat requests, and the queries of one), then
the time of a bulk action (mark internal, then public again) on a page of 50 themes and on
every theme of the section "deu" (select across: about a tenth of the themes).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import public_benchmark as base

base.DATABASE_PREFIX = "coopregistry_adminbench_"
PAGE_SIZE = 50


def write_history(user_id):
    """History for the generated themes as an annex import and, for a tenth, a person wrote it."""
    from django.utils import timezone

    from registry.models import Theme
    from registry.services.history import record_history

    historical = set(Theme.history.values_list("id", flat=True).distinct())
    new = list(Theme.objects.exclude(pk__in=historical).order_by("pk"))
    record_history(Theme, [("+", theme) for theme in new], date=timezone.now())
    saved = new[::10]
    record_history(Theme, [("~", theme) for theme in saved], date=timezone.now(), user_id=user_id)
    return len(new), len(saved)


def signed_in_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_get(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries


def time_bulk(client, pks, select_across_url=None):
    from django.contrib.admin import helpers
    from django.urls import reverse

    url = select_across_url or reverse("admin:registry_theme_changelist")
    seconds = []
    for action in ("mark_internal", "mark_public"):
        data = {"action": action, helpers.ACTION_CHECKBOX_NAME: pks, "post": "yes"}
        if select_across_url:
            data["select_across"] = "1"
        started = time.perf_counter()
        response = client.post(url, data)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    return seconds


def explain_queries(client, url, out):
    """Each query of one request, timed again on its own, slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timed = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            started = time.perf_counter()
            cursor.execute(query["sql"])
            cursor.fetchall()
            timed.append(((time.perf_counter() - started) * 1000, query["sql"]))
    for ms, sql in sorted(timed, reverse=True)[:6]:
        print(f"  {ms:7.1f} ms  {sql[:150]}", file=out)


def main(argv=None, out=sys.stdout):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--explain", action="store_true", help="the time of each query of the start page"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL") or base.DEFAULT_SERVER_URL
    )
    args = parser.parse_args(argv)
    if not base.is_postgresql(args.database_url):
        print("admin_benchmark.py runs on PostgreSQL only.", file=sys.stderr)
        return 2
    database = base.BenchDatabase(args.database_url)
    try:
        database.create()
        base.setup_django(database.url)
        base.load_starting_state()
        from django.contrib.auth.models import Group, User
        from django.urls import reverse

        from registry.management.commands.load_annex import start_history
        from registry.models import Section, Theme
        from registry.roles import IMPORTERS

        start_history()  # the annex's history, as load_annex writes it
        base.production_like_requests()
        user = User.objects.create_user("bench", is_staff=True)
        user.groups.add(Group.objects.get(name=IMPORTERS))
        client = signed_in_client(user)
        generator = base.Generator()
        print(f"database: {base.describe_database()}", file=out)
        for size in args.sizes:
            started = time.perf_counter()
            generator.grow_to(size)
            made, saved = write_history(user.pk)
            base.vacuum_analyze()
            print(
                f"\n== {size:,} themes (grown, {made:,} with history, {saved:,} saved by a "
                f"person, analysed in {time.perf_counter() - started:.1f} s)",
                file=out,
            )
            themes = reverse("admin:registry_theme_changelist")
            pages = {
                "start page": reverse("admin:index"),
                "all themes (for comparison)": themes,
                "themes without partners": f"{themes}?is_archived__exact=0&partners__isnull=True",
                "facts guessed, not confirmed": f"{themes}?is_archived__exact=0&facts=guessed",
                "internal themes": f"{themes}?is_internal__exact=1",
            }
            print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}", file=out)
            for name, url in pages.items():
                median, p95, queries = time_get(client, url, args.repeat)
                print(f"{name:32} {median:10.1f} {p95:8.1f} {queries:8}", file=out)
            if args.explain:
                explain_queries(client, pages["start page"], out)
            page = list(Theme.objects.order_by("pk").values_list("pk", flat=True)[:PAGE_SIZE])
            internal, public = time_bulk(client, page)
            print(
                f"bulk action on {PAGE_SIZE} themes: mark internal {internal * 1000:.0f} ms, "
                f"mark public {public * 1000:.0f} ms",
                file=out,
            )
            deu = Section.objects.get(key="deu")
            across = f"{themes}?section__id__exact={deu.pk}"
            count = Theme.objects.filter(section=deu).count()
            internal, public = time_bulk(client, page[:1], select_across_url=across)
            print(
                f"bulk action across {count:,} themes of deu: mark internal {internal:.2f} s, "
                f"mark public {public:.2f} s",
                file=out,
            )
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
