"""Benchmark of the staff organization list (not a test): the page under each filter and sort, for a
national account and a city account (410100), through the Django test client with DEBUG off.

    .venv/bin/python bench/orglist.py --db PATH_OR_URL [--runs 3] [--only NAME,...] [--max-seconds 30]

Run it on a copy of the national database (1,000,000 organizations; migrated first, pending
migrations only). Two staff users (viewers, national and 410100) are created in it when missing.
Prints, per case, the median and the slowest of ``--runs`` requests (a case slower than
``--max-seconds`` on its first request is not repeated), and one ``BENCH-RESULT`` line
(bench/_common.py; target: the median under 100 ms). Every page must answer 200 with rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results, database_url, production_environment  # noqa: E402

TARGET_MS = 100.0
CASES = [
    ("national", "first page", ""),
    ("national", "region by code", "region=410105"),
    ("national", "region by name", "region=金水区"),
    ("national", "sort by score", "sort=score_desc"),
    ("national", "sort by level", "sort=level"),
    ("national", "level A", "level=A"),
    ("national", "level D (rare)", "level=D"),
    ("national", "not evaluated", "level=none"),
    ("national", "score from 99", "score_min=99"),
    ("national", "registered from", "registered_from=2020-01-01"),
    ("national", "page 400", "page=400"),
    ("city", "first page", ""),
    ("city", "region by code", "region=410105"),
    ("city", "region by name", "region=金水区"),
    ("city", "sort by score", "sort=score_desc"),
    ("city", "score from 90", "score_min=90"),
    ("city", "registered from", "registered_from=2020-01-01"),
    ("city", "page 400", "page=400"),
    ("city", "region + score sort", "region=410105&sort=score_asc"),
]


def _users() -> dict[str, object]:
    from socredit.apps.accounts.models import User
    from socredit.apps.registry.models import Region

    users = {}
    for key, code in (("national", "100000"), ("city", "410100")):
        region = Region.objects.get(code=code)
        user, _created = User.objects.get_or_create(
            username=f"bench-list-{key}", defaults={"region": region, "staff_role": "viewer"}
        )
        users[key] = user
    return users


def _slow_queries(limit_ms: float):  # type: ignore[no-untyped-def]
    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - start) * 1000
            if ms > limit_ms:
                print(f"    {ms:8.1f} ms  {sql[:160]} … {sql[-200:]}")

    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="SQLite path or DATABASE_URL (a copy: users are added)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated case names (substring match)")
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument(
        "--slow-queries", type=float, default=0, help="print statements slower than this (ms)"
    )
    args = parser.parse_args()
    production_environment(database_url(args.db, Path(".")), Path(tempfile.gettempdir()))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()
    users = _users()
    clients = {}
    for key, user in users.items():
        clients[key] = Client(HTTP_ACCEPT_LANGUAGE="en")
        clients[key].force_login(user)
    results = Results("orglist")
    if args.slow_queries:
        connection.execute_wrappers.append(_slow_queries(args.slow_queries))
    only = [o for o in args.only.split(",") if o]
    print(f"{'account':10} {'case':24} {'median ms':>10} {'max ms':>10}")
    for account, name, query in CASES:
        label = f"{account} {name}"
        if only and not any(o in label for o in only):
            continue
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = clients[account].get(f"/organizations/?{query}")
            times.append((time.perf_counter() - start) * 1000)
            body = response.content.decode()
            if response.status_code != 200 or "/organizations/" not in body:
                results.wrong.append(f"{label}: {response.status_code}")
            if times[-1] > args.max_seconds * 1000:
                break
        median = statistics.median(times)
        print(f"{account:10} {name:24} {median:10.1f} {max(times):10.1f}", flush=True)
        results.add(label, round(median, 1), "ms", TARGET_MS, "<")
    results.emit()
    return 1 if results.wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
