"""Benchmark of the records import (not a test): a dry run, a real import and a second, idempotent
import of the same CSV (100,000 rows over 500 organizations by default), wall-clock and CPU seconds.

Without ``--db`` it runs in a scratch SQLite database (migrated from scratch, removed afterwards)
with its organizations in four districts of 郑州. With ``--db PATH_OR_URL`` it imports into that
database (an SQLite file such as the national one ``bench/evaluate.py --keep`` builds, or a
PostgreSQL URL): it creates a district of its own under 郑州 with fresh codes, its department, an
account and ``--orgs`` organizations there, imports into them, and leaves them.

    .venv/bin/python bench/import.py [--rows 100000] [--orgs 500] [--db PATH_OR_URL] [--keep]

Last line: ``BENCH-RESULT {...}`` (bench/_common.py); exit status 1 if a count is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import Results, finish_scratch, start_django  # noqa: E402

TARGET_SECONDS = 15.0
"""The real import of 100,000 records on 2 cores (issue 11)."""


def _own_district() -> tuple[Any, list[Any], Any]:
    """A district of the benchmark's own under 郑州 (a code no region has), its department and an
    account of it: an existing database gets fresh organizations, never touches its own."""
    from socredit.apps.accounts.models import StaffRole
    from socredit.apps.registry.models import Department, Region
    from socredit.core.types import DepartmentKind, RegionLevel
    from socredit.testing.factories import staff

    city = (
        Region.objects.filter(code="410100").first()
        or Region.objects.filter(level=RegionLevel.CITY.value).first()
    )
    taken = set(Region.objects.filter(code__startswith=city.code[:4]).values_list("code", flat=True))
    code = next(f"{city.code[:4]}{n:02d}" for n in range(99, 0, -1) if f"{city.code[:4]}{n:02d}" not in taken)
    region = Region.objects.create(
        code=code, name=f"基准测试区{code}", level=RegionLevel.DISTRICT.value, parent=city
    )
    dept = Department.objects.create(code=f"bench-{code}", name=f"基准测试区{code}民政局",
                                     kind=DepartmentKind.CIVIL_AFFAIRS.value, region=region)  # fmt: skip
    return dept, [region.code], staff(f"bench_import_{code}", region.code, StaffRole.ADMIN)


def _scratch_districts() -> tuple[Any, list[str], Any]:
    from socredit.apps.accounts.models import StaffRole
    from socredit.apps.registry.models import Department, Region
    from socredit.core.types import DepartmentKind
    from socredit.testing.factories import staff

    dept = Department.objects.create(code="zz-mzj", name="郑州市民政局", kind=DepartmentKind.CIVIL_AFFAIRS.value,
                                     region=Region.objects.get(code="410100"))  # fmt: skip
    return dept, ["410102", "410103", "410105", "410184"], staff("bench_city", "410100", StaffRole.ADMIN)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=500)
    parser.add_argument(
        "--db", help="import into this database (SQLite path or URL) instead of a scratch one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    if args.rows < 1 or args.orgs < 1:
        parser.error("--rows and --orgs must be positive")

    scratch, url = start_django(args.db)
    import datetime as dt

    from socredit.apps.imports.columns import RECORD_COLUMNS
    from socredit.apps.imports.services import run_import
    from socredit.apps.registry.services import create_organization
    from socredit.common.imports import write_csv
    from socredit.core.codes import make_social_org_code
    from socredit.core.types import OrgType

    t0 = time.perf_counter()
    dept, districts, user = _own_district() if args.db else _scratch_districts()
    codes = []
    for i in range(args.orgs):
        region = districts[i % len(districts)]
        data = {"code": make_social_org_code(region, OrgType.ASSOCIATION, i), "name": f"基准测试协会{region}-{i}号",
                "region": region, "registered_on": dt.date(2010, 1, 1)}  # fmt: skip
        codes.append(create_organization(actor=None, channel="system", data=data).code)
    kinds = ["penalty_warning", "penalty_fine", "annual_report_on_time", "annual_report_late"]
    rows = []
    for i in range(args.rows):
        kind = kinds[i % 4]
        rows.append([codes[i % len(codes)], kind, f"20{15 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}", "",
                     f"郑民〔{2015 + i % 10}〕{i}号", f"{(i % 50) * 100}" if kind == "penalty_fine" else "",
                     dept.name, f"基准测试记录 {i}", "", "", "", ""])  # fmt: skip
    content = write_csv([c.title for c in RECORD_COLUMNS], rows)
    where = url.split("@")[-1] if "://" in url and not url.startswith("sqlite") else url
    print(f"setup: {args.orgs} organizations, {args.rows:,} rows, {len(content) / 1048576:.1f} MB CSV "
          f"in {time.perf_counter() - t0:.1f}s  ({where})")  # fmt: skip

    results = Results("import")
    steps = [  # label, dry run, expected (created, unchanged), figure name, target
        ("dry run", True, (args.rows, 0), "dry run", None),
        ("import", False, (args.rows, 0), f"import {args.rows:,} records", TARGET_SECONDS),
        ("second import (idempotent)", False, (0, args.rows), "second import", None),
    ]
    for label, dry, expected, name, target in steps:
        t, c = time.perf_counter(), time.process_time()
        run = run_import(actor=user, channel="cli", kind="records", content=content, file_name="bench.csv",
                         dry_run=dry)  # fmt: skip
        s, cpu = time.perf_counter() - t, time.process_time() - c
        print(f"{label:<28} {s:6.2f}s  cpu {cpu:6.2f}s  {args.rows / s:9,.0f} rows/s  created={run.created:,} "
              f"unchanged={run.unchanged:,} errors={run.error_rows} status={run.status}")  # fmt: skip
        results.add(name, round(s, 2), "s", target)
        results.add(f"{name} (CPU)", round(cpu, 2), "s")
        if (run.created, run.unchanged) != expected or run.error_rows:
            results.wrong.append(label)
    finish_scratch(scratch, args.keep)
    if results.wrong:
        print(f"WRONG RESULT in: {', '.join(results.wrong)}")
    results.emit()
    return 1 if results.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
