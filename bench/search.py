"""Benchmark of organization search (not a test): latency of the first page of a name or code search
through ``registry.search.search`` at national scale, checked against a plain scan.

    .venv/bin/python bench/search.py [--orgs 1000000] [--queries 300] [--seed 2026] [--smoke]
                                     [--db PATH_OR_URL | --database-url postgres://…] [--keep]

1. without ``--db``: migrates a scratch database (SQLite in a temporary directory, or the empty
   PostgreSQL database given by ``--database-url``, left migrated) and inserts N organizations over
   the real regions with realistic names (region + brand or topic + suffix, from the demo name
   lists) by ``executemany``: the index triggers run for every row, as for any writer; 1 % are then
   renamed by a raw UPDATE that keeps the old name as a former name. With ``--db`` (an SQLite path
   or a URL, e.g. the national database ``bench/evaluate.py --keep`` builds): that database,
   migrated first (pending migrations only), nothing inserted; former-name queries are skipped
   when no organization there has a former name;
2. times the first page (26 rows: a page of 25 and "is there a next one") of 1-, 2-, 3+-character
   name queries, former-name queries and code prefixes, drawn from the rows, plus the count the
   staff list shows (``registry.search.match_count``: exact among few candidates, none for a broad
   search);
3. checks every first page on a sample against a plain scan of all rows in memory (``core.search``):
   the set and the order must be equal. Exit status 1 on any wrong result; the latencies are
   printed against the targets (p99: 3+ characters and codes < 10 ms, 1–2 characters < 150 ms),
   and as one ``BENCH-RESULT`` line (bench/_common.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results, database_url, percentile, production_environment, scratch_sqlite  # noqa: E402

PAGE = 26
TARGETS_MS = {"1 char": 150.0, "2 chars": 150.0, "3+ chars": 10.0, "former name": 10.0, "code prefix": 10.0}
COUNT_TARGET_MS = 10.0
BATCH = 50_000


def _setup(args: argparse.Namespace) -> Path | None:
    scratch = None
    if args.db:
        url = database_url(args.db, Path("."))
    elif args.database_url:
        url = args.database_url
    else:
        scratch, url = scratch_sqlite("socredit-search-")
    production_environment(url, scratch or Path(tempfile.gettempdir()))
    import django

    django.setup()
    return scratch


def _names(rng: random.Random, places: list[str], n: int) -> list[str]:
    from socredit.apps.demo import names as N

    kinds = [
        (N.ELDER_BRANDS, N.ELDER_SUFFIXES, 14), (N.EDU_BRANDS, N.EDU_SUFFIXES, 20),
        (N.GENERIC_STREETS, N.COMMUNITY_SUFFIXES, 12), (N.RESEARCH_TOPICS, N.RESEARCH_SUFFIXES, 4),
        (N.SOCIAL_BRANDS, N.SOCIAL_SUFFIXES, 8), (N.INDUSTRIES, N.INDUSTRY_SUFFIXES, 12),
        (N.CULTURE_TOPICS, N.CULTURE_SUFFIXES, 13), (N.DISCIPLINES, ("学会", "研究会"), 4),
        (("",), N.OTHER_ASSOCIATIONS, 8), (N.FOUNDATION_BRANDS, N.FOUNDATION_SUFFIXES, 5),
    ]  # fmt: skip
    weights = [k[2] for k in kinds]
    picks = rng.choices(range(len(kinds)), weights=weights, k=n)
    latin = ("IT", "ABC", "AI", "e家", "5G", "VR")
    out = []
    for i in picks:
        first, last, _w = kinds[i]
        word = rng.choice(first) if rng.random() > 0.02 else rng.choice(latin)
        out.append(f"{rng.choice(places)}{word}{rng.choice(last)}")
    return out


def _load(n: int, rng: random.Random) -> float:
    from django.db import connection, transaction

    from socredit.apps.registry.models import Region
    from socredit.core.codes import make_social_org_code
    from socredit.core.types import OrgType

    regions = list(Region.objects.filter(active=True, level=3).values_list("id", "code", "name"))
    places = [name for _i, _c, name in regions]
    names = _names(rng, places, n)
    types = [OrgType.ASSOCIATION, OrgType.SERVICE_INSTITUTION, OrgType.FOUNDATION]
    sql = (
        "INSERT INTO registry_organization (code, name, former_names, org_type, region_id, registration_authority, "
        "supervisory_unit, field, registered_on, status, address, contact_person, contact_phone, created_at, "
        "updated_at) VALUES (%s, %s, '', %s, %s, '民政局', '', 'other', '2015-03-01', 'normal', '', '', '', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            pk, code, _name = regions[i % len(regions)]
            org_type = types[(i // len(regions)) % 3]
            serial = i // (len(regions) * 3) + 1
            rows.append((make_social_org_code(code, org_type, serial), names[i], org_type.value, pk))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    # 1 % renamed behind the services' back: the triggers keep the old and the new name findable
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM registry_organization WHERE mod(id, 100) = 7")
        renames = [
            (name, f"{name[:2]}{rng.choice('新华东西南北')}{name[2:]}", pk) for pk, name in cursor.fetchall()
        ]
        cursor.executemany(
            "UPDATE registry_organization SET former_names = %s, name = %s WHERE id = %s", renames
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - t0


def _queries(rows: list[Any], rng: random.Random, count: int) -> dict[str, list[str]]:
    renamed = [r for r in rows if r.former_names]
    out: dict[str, list[str]] = {k: [] for k in TARGETS_MS if renamed or k != "former name"}
    while min(len(v) for v in out.values()) < count:
        org = rng.choice(rows)
        name = org.name
        start = rng.randrange(len(name))
        out["1 char"].append(name[start])
        if start + 2 <= len(name):
            out["2 chars"].append(name[start : start + 2])
        k = rng.randint(3, 6)
        if start + k <= len(name):
            out["3+ chars"].append(name[start : start + k])
        if renamed:
            former = rng.choice(renamed).former_names
            s = rng.randrange(max(1, len(former) - 4))
            out["former name"].append(former[s : s + rng.randint(3, 5)])
        out["code prefix"].append(org.code[: rng.randint(4, 17)])
    return {k: v[:count] for k, v in out.items()}


def _measure(
    rows: list[Any], queries: dict[str, list[str]], cap: int, check: int, results: Results | None
) -> list[str]:
    """Times every query's first page and count with candidate cap ``cap``, prints the table, adds the
    figures to ``results`` (the product's cap only); the queries whose first page differs from the plain scan."""
    from django.db import connection

    from socredit.apps.registry.models import Organization
    from socredit.apps.registry.search import match_count, search
    from socredit.core.search import normalise, plain_scan

    base = Organization.objects.all()
    wrong = []
    print(f"\nfirst page ({PAGE} rows) of a search, {len(next(iter(queries.values())))} queries per kind, "
          f"candidate cap {cap:,}; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(
        f"{'kind':<12} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target p99':>11}        count p50/p99 ms  CPU ms/query"
    )
    count_all: list[float] = []
    for kind, qs in queries.items():
        times, count_times = [], []
        cpu = 0.0
        for i, q in enumerate(qs):
            cache: dict[Any, list[int]] = {}  # one page view: the rows and the count share the candidates
            c, t = time.process_time(), time.perf_counter()
            searched = search(base, q, cap=cap, cache=cache)
            page = list(searched.values_list("pk", flat=True)[:PAGE])
            times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            match_count(searched, q, cap=cap, cache=cache)
            count_times.append((time.perf_counter() - t) * 1000)
            cpu += time.process_time() - c
            if i < check:
                everything = plain_scan(rows, q)
                if len(everything) > cap:  # many matches: walked in id order
                    everything = sorted(everything)
                if connection.vendor == "postgresql":  # names sort by the database's collation
                    ok = set(page) <= set(everything) and len(page) == min(PAGE, len(everything))
                else:
                    ok = page == everything[:PAGE]
                if not ok:
                    wrong.append(f"cap {cap} {kind}: {normalise(q)}")
        cpu_ms = cpu * 1000 / len(qs)  # page and count, this process (SQLite runs in it)
        p99 = percentile(times, 0.99)
        count_all += count_times
        verdict = "PASS" if p99 < TARGETS_MS[kind] else "FAIL"
        print(f"{kind:<12} {statistics.median(times):8.2f} {p99:8.2f} {max(times):8.2f} "
              f"{'< ' + str(TARGETS_MS[kind]):>11}  {verdict}  {statistics.median(count_times):6.2f} {percentile(count_times, 0.99):6.2f}  {cpu_ms:8.2f}")  # fmt: skip
        if results is not None:
            results.add(f"search p99 {kind}", round(p99, 2), "ms", TARGETS_MS[kind])
    if results is not None:
        results.add("search count p99", round(percentile(count_all, 0.99), 2), "ms", COUNT_TARGET_MS)
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=1_000_000, help="organizations to insert (not with --db)")
    parser.add_argument("--queries", type=int, default=300, help="per kind of query")
    parser.add_argument("--check", type=int, default=25, help="queries per kind checked against a plain scan")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="CI size: a wrong result fails, times are shown")
    parser.add_argument(
        "--db", help="measure on this existing database (an SQLite path or a URL); nothing inserted"
    )
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database to load instead of a scratch SQLite file"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite directory")
    parser.add_argument(
        "--caps", default="", help="candidate caps to compare, e.g. 1000,2000,5000 (default: the product's)"
    )
    args = parser.parse_args()
    scratch = _setup(args)
    from django.db import connection

    from socredit.apps.registry.models import Organization
    from socredit.apps.registry.search import CANDIDATE_CAP
    from socredit.core.search import Searchable

    rng = random.Random(args.seed)
    results = Results("search")
    try:
        t0 = time.perf_counter()
        from socredit.testing.scratch import migrate_scratch_database

        migrate_scratch_database()
        print(f"database: {connection.vendor}; migrated in {time.perf_counter() - t0:.1f} s")
        if not args.db:
            load = _load(args.orgs, rng)
            print(f"{args.orgs:,} organizations inserted and indexed by the triggers in {load:.1f} s "
                  f"({load / args.orgs * 1e6:.0f} µs each)")  # fmt: skip
        rows = [
            Searchable(*r) for r in Organization.objects.values_list("id", "code", "name", "former_names")
        ]
        print(f"{len(rows):,} organizations searched")
        queries = _queries(rows, rng, args.queries)
        if "former name" not in queries:
            print("no organization has a former name: former-name queries skipped")
        caps = [int(c) for c in args.caps.split(",") if c] or [CANDIDATE_CAP]
        for cap in caps:
            results.wrong += _measure(
                rows, queries, cap, args.check, results if cap == CANDIDATE_CAP else None
            )
        if results.wrong:
            print(f"\nWRONG RESULTS against the plain scan: {results.wrong[:10]}")
        else:
            print(f"\nresults equal to a plain scan for {args.check} queries of each kind")
        if args.smoke:
            print("(smoke run: the times are not judged at this size)")
        results.emit()
        return 1 if results.wrong else 0
    finally:
        if scratch and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        elif scratch:
            print(f"kept {scratch}")


if __name__ == "__main__":
    sys.exit(main())
