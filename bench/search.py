"""Benchmark of organization search (not a test): latency of the first page of a name or code search
through ``registry.search.search`` at national scale, checked against a plain scan.

    .venv/bin/python bench/search.py [--orgs 1000000] [--queries 300] [--seed 2026] [--smoke]
                                     [--database-url postgres://…] [--keep]

1. migrates a scratch database (SQLite in a temporary directory, or the PostgreSQL database given,
   which must be empty and is left migrated) and inserts N organizations over the real regions with
   realistic names (region + brand or topic + suffix, from the demo name lists) by ``executemany``:
   the index triggers run for every row, as for any writer; 1 % are then renamed by a raw UPDATE
   that keeps the old name as a former name;
2. times the first page (26 rows: a page of 25 and "is there a next one") of 1-, 2-, 3+-character
   name queries, former-name queries and code prefixes, drawn from the generated rows, plus the
   capped count (1,001) the staff list shows for a filtered list;
3. checks every first page on a sample against a plain scan of all rows in memory (``core.search``):
   the set and the order must be equal. Exit status 1 on any wrong result; the latencies are
   printed against the targets (3+ characters p99 < 10 ms, 1–2 characters p99 < 150 ms).
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

PAGE = 26
COUNT_CAP = 1001
TARGETS_MS = {"1 char": 150.0, "2 chars": 150.0, "3+ chars": 10.0, "former name": 10.0, "code prefix": 10.0}
BATCH = 50_000


def _setup(args: argparse.Namespace) -> Path | None:
    scratch = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        scratch = Path(tempfile.mkdtemp(prefix="socredit-search-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'search.sqlite3'}"
        os.environ["SOCREDIT_VAR_DIR"] = str(scratch)
    os.environ["SOCREDIT_DEBUG"] = "0"  # DEBUG would keep every statement in memory
    os.environ.setdefault("SOCREDIT_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socredit.settings")
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
    out: dict[str, list[str]] = {k: [] for k in TARGETS_MS}
    renamed = [r for r in rows if r.former_names]
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


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300, help="per kind of query")
    parser.add_argument("--check", type=int, default=25, help="queries per kind checked against a plain scan")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="CI size: a wrong result fails, times are shown")
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database instead of a scratch SQLite file"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite directory")
    parser.add_argument(
        "--caps", default="", help="candidate caps to compare, e.g. 1000,2000,5000 (default: the product's)"
    )
    args = parser.parse_args()
    scratch = _setup(args)
    from django.core.management import call_command
    from django.db import connection

    from socredit.apps.registry.models import Organization
    from socredit.apps.registry.search import CANDIDATE_CAP, search
    from socredit.core.search import Searchable, normalise, plain_scan

    rng = random.Random(args.seed)
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}; migrated in {time.perf_counter() - t0:.1f} s")
        load = _load(args.orgs, rng)
        print(f"{args.orgs:,} organizations inserted and indexed by the triggers in {load:.1f} s "
              f"({load / args.orgs * 1e6:.0f} µs each)")  # fmt: skip
        rows = [
            Searchable(*r) for r in Organization.objects.values_list("id", "code", "name", "former_names")
        ]
        queries = _queries(rows, rng, args.queries)
        base = Organization.objects.all()
        wrong: list[tuple[int, str, str]] = []
        caps = [int(c) for c in args.caps.split(",") if c] or [CANDIDATE_CAP]
        for cap in caps:
            print(f"\nfirst page ({PAGE} rows) of a search, {args.queries} queries per kind, candidate cap {cap:,}; "
                  f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
            print(
                f"{'kind':<12} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target p99':>11}        count≤1001 p99 ms"
            )
            for kind, qs in queries.items():
                times, count_times = [], []
                for i, q in enumerate(qs):
                    t = time.perf_counter()
                    page = list(search(base, q, cap=cap).values_list("pk", flat=True)[:PAGE])
                    times.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    search(base, q, cap=cap)[:COUNT_CAP].count()
                    count_times.append((time.perf_counter() - t) * 1000)
                    if i < args.check:
                        everything = plain_scan(rows, q)
                        if len(everything) > cap:  # many matches: walked in id order
                            everything = sorted(everything)
                        if connection.vendor == "postgresql":  # names sort by the database's collation
                            ok = set(page) <= set(everything) and len(page) == min(PAGE, len(everything))
                        else:
                            ok = page == everything[:PAGE]
                        if not ok:
                            wrong.append((cap, kind, normalise(q)))
                p99 = _pct(times, 0.99)
                verdict = "PASS" if p99 < TARGETS_MS[kind] else "FAIL"
                print(f"{kind:<12} {statistics.median(times):8.2f} {p99:8.2f} {max(times):8.2f} "
                      f"{'< ' + str(TARGETS_MS[kind]):>11}  {verdict}  {_pct(count_times, 0.99):8.2f}")  # fmt: skip
        if wrong:
            print(f"\nWRONG RESULTS against the plain scan: {wrong[:10]}")
            return 1
        print(f"\nresults equal to a plain scan for {args.check} queries of each kind")
        if args.smoke:
            print("(smoke run: the times are not judged at this size)")
        return 0
    finally:
        if scratch and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        elif scratch:
            print(f"kept {scratch}")


if __name__ == "__main__":
    sys.exit(main())
