"""Benchmark of the statistics (not a test): the daily aggregation (``statistics.aggregate.aggregate_day``)
over every organization, its re-run (which must store the same figures), and the dashboard's answer
time through the test client for the whole country, a city and a county.

The figures are checked against plain counts: organizations per status for the country, per credit
level for the city, and the dashboard's table of organizations by type against the same count.

By default a scratch SQLite database loaded with the demo generator (``--orgs``, 20,000) and
evaluated; ``--smoke`` 2,000 organizations, failing only on a wrong answer. ``--db`` runs IN PLACE on
a prepared database (the national one of ``bench/evaluate.py --keep``; copy it first: the run writes
the figures). DEBUG off as in production. The machine is shared: timings are indicative. The last
line is a ``BENCH-RESULT`` (``bench/_common.py``).

    .venv/bin/python bench/statistics_daily.py [--orgs 20000] [--smoke] [--runs 10] [--keep]
    cp /tmp/n1m.sqlite3 /tmp/n1m-st.sqlite3 && .venv/bin/python bench/statistics_daily.py --db /tmp/n1m-st.sqlite3
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import add_in_place_arguments, load_demo_unless_in_place  # noqa: E402

TARGET_AGGREGATE_PER_MILLION_S = 60
"""Issue 18: the aggregation runs in under a minute at national scale."""
TARGET_DASHBOARD_S = 1.0
"""Issue 18: the whole country's dashboard answers in under a second after the aggregation."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_in_place_arguments(parser)
    parser.add_argument("--runs", type=int, default=10, help="dashboard requests timed per region")
    args = parser.parse_args()

    from bench._common import Results, finish_scratch, percentile, start_django

    scratch, _url = start_django(args.db)
    import secrets

    from django.db.models import Count
    from django.test import Client

    from socredit.apps.accounts.models import StaffRole
    from socredit.apps.accounts.services import create_staff_user
    from socredit.apps.registry.models import Organization, Region
    from socredit.apps.statistics.aggregate import EXISTING, aggregate_day
    from socredit.apps.statistics.models import Figure
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today

    actor = SystemPrincipal("bench")
    day = today()
    load_demo_unless_in_place(args, day, evaluate=True)
    orgs = Organization.objects.count()
    results = Results("statistics")
    wrong = results.wrong

    t, cpu = time.perf_counter(), time.process_time()
    first = aggregate_day(actor, day)
    first_s, first_cpu = time.perf_counter() - t, time.process_time() - cpu
    stored = set(Figure.objects.filter(day=day).values_list("path", "metric", "dimension", "value"))
    t = time.perf_counter()
    aggregate_day(actor, day)
    second_s = time.perf_counter() - t
    again = set(Figure.objects.filter(day=day).values_list("path", "metric", "dimension", "value"))
    print(
        f"{'aggregation':<34} {first_s:7.2f}s (cpu {first_cpu:6.2f}s)  {first.figures:,} figures, {orgs:,} organizations"
    )
    print(f"{'aggregation again (replaces)':<34} {second_s:7.2f}s")
    if again != stored:
        wrong.append(f"the re-run stored other figures ({len(stored ^ again)} differ)")

    # the figures against plain counts
    by_status = dict(Organization.objects.values_list("status").annotate(n=Count("id")).order_by())
    national = dict(
        Figure.objects.filter(day=day, path="", metric="org_status").values_list("dimension", "value")
    )
    if by_status != national:
        wrong.append(f"organizations by status: {national} stored, {by_status} counted")
    city = (
        Region.objects.filter(level=2, organizations__isnull=False).order_by("code").first()
        or Region.objects.filter(level=2).order_by("code").first()
    )
    county = Region.objects.filter(level=3, organizations__isnull=False).order_by("code").first()
    if city is not None:
        counted = {
            (lvl or "none"): n
            for lvl, n in Organization.objects.filter(region__path__startswith=city.path, status__in=EXISTING)
            .values_list("credit__level")
            .annotate(n=Count("id"))
            .order_by()
        }
        stored_levels = dict(
            Figure.objects.filter(day=day, path=city.path, metric="credit_level").values_list(
                "dimension", "value"
            )
        )
        if counted != stored_levels:
            wrong.append(f"{city.name} levels: {stored_levels} stored, {counted} counted")

    # the dashboard through the test client (DEBUG off)
    from socredit.apps.accounts.models import User

    def account(name: str, region: Any, role: StaffRole, superuser: bool = False) -> Any:
        """The bench account (kept from an earlier run on the same database, or made now)."""
        return User.objects.filter(username=name).first() or create_staff_user(
            actor=None, channel="system", username=name, password=secrets.token_urlsafe(16), region=region,
            staff_role=role, superuser=superuser,
        )  # fmt: skip

    users = {"national": account("bench_stats_national", None, StaffRole.ADMIN, superuser=True)}
    for key, region in (("city", city), ("county", county)):
        if region is not None:
            users[key] = account(f"bench_stats_{key}_{region.code}", region, StaffRole.VIEWER)
    timings: dict[str, list[float]] = {}
    for key, user in users.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        page = client.get("/statistics/")
        if page.status_code != 200:
            wrong.append(f"{key}: dashboard status {page.status_code}")
            continue
        found = re.search(
            r'<script id="statistics-data" type="application/json">(.*?)</script>', page.content.decode()
        )
        panels = json.loads(found.group(1))["panels"] if found else []
        shown = {row[0]: row[1] for p in panels if p["key"] == "org_type" for row in p["rows"]}
        scope = "" if key == "national" else user.region.path
        expected = Organization.objects.filter(status__in=EXISTING)
        if scope:
            expected = expected.filter(region__path__startswith=scope)
        if sum(shown.values()) != expected.count():
            wrong.append(
                f"{key}: {sum(shown.values())} organizations by type shown, {expected.count()} counted"
            )
        timings[key] = []
        for _ in range(args.runs):
            t = time.perf_counter()
            client.get("/statistics/")
            timings[key].append(time.perf_counter() - t)
        print(f"{'dashboard ' + key:<34} median {percentile(timings[key], 0.5) * 1000:7.1f} ms  "
              f"p95 {percentile(timings[key], 0.95) * 1000:7.1f} ms")  # fmt: skip

    per_million = first_s * 1_000_000 / max(orgs, 1)
    results.add("organizations", orgs, "organizations")
    results.add("figures stored", first.figures, "figures")
    results.add("aggregation", round(first_s, 2), "s")
    results.add("aggregation again (replaces the day)", round(second_s, 2), "s")
    results.add("aggregation per 1,000,000 organizations (linear estimate)", round(per_million, 1), "s",
                None if args.smoke or orgs < 100_000 else TARGET_AGGREGATE_PER_MILLION_S)  # fmt: skip
    for key, values in timings.items():
        results.add(f"dashboard {key} (median)", round(percentile(values, 0.5), 3), "s",
                    None if args.smoke or key != "national" or orgs < 100_000 else TARGET_DASHBOARD_S)  # fmt: skip
    print(f"linear estimate at 1,000,000 organizations: {per_million:,.0f}s (indicative: 2 shared cores)")
    finish_scratch(scratch, args.keep or bool(args.db))
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
