"""Benchmark of the records import (not a test): rows/s for a dry run, a real import and a second,
idempotent import of the same 100,000-row CSV.

Runs in a scratch SQLite database (DATABASE_URL is set before Django starts, so the development
database is never touched), migrated from scratch, with N organizations created through the
registry services.

    .venv/bin/python bench/import.py [--rows 100000] [--orgs 500] [--keep]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="socredit-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["SOCREDIT_VAR_DIR"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socredit.settings")
    # as in production: with DEBUG on Django keeps every SQL statement of the run in memory
    os.environ["SOCREDIT_DEBUG"] = "0"
    os.environ.setdefault("SOCREDIT_SECRET_KEY", "bench-" + os.urandom(16).hex())
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from socredit.apps.accounts.models import StaffRole
    from socredit.apps.imports.columns import RECORD_COLUMNS
    from socredit.apps.imports.services import run_import
    from socredit.apps.registry.models import Department, Region
    from socredit.apps.registry.services import create_organization
    from socredit.common.imports import write_csv
    from socredit.core.codes import make_social_org_code
    from socredit.core.types import DepartmentKind, OrgType
    from socredit.testing.factories import staff

    t0 = time.perf_counter()
    dept = Department.objects.create(code="zz-mzj", name="郑州市民政局", kind=DepartmentKind.CIVIL_AFFAIRS.value,
                                     region=Region.objects.get(code="410100"))  # fmt: skip
    user = staff("bench_city", "410100", StaffRole.ADMIN)
    districts = ["410102", "410103", "410105", "410184"]
    codes = []
    for i in range(args.orgs):
        data = {"code": make_social_org_code(districts[i % 4], OrgType.ASSOCIATION, i), "name": f"基准测试协会{i}号",
                "region": districts[i % 4], "registered_on": dt.date(2010, 1, 1)}  # fmt: skip
        codes.append(create_organization(actor=None, channel="system", data=data).code)
    kinds = ["penalty_warning", "penalty_fine", "annual_report_on_time", "annual_report_late"]
    rows = []
    for i in range(args.rows):
        kind = kinds[i % 4]
        rows.append([codes[i % len(codes)], kind, f"20{15 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}", "",
                     f"郑民〔{2015 + i % 10}〕{i}号", f"{(i % 50) * 100}" if kind == "penalty_fine" else "",
                     dept.name, f"基准测试记录 {i}", "", "", "", ""])  # fmt: skip
    content = write_csv([c.title for c in RECORD_COLUMNS], rows)
    print(f"setup: {args.orgs} organizations, {args.rows:,} rows, {len(content) / 1048576:.1f} MB CSV "
          f"in {time.perf_counter() - t0:.1f}s")  # fmt: skip

    wrong = []
    expected = {
        "dry run": (args.rows, 0),
        "import": (args.rows, 0),
        "second import (idempotent)": (0, args.rows),
    }
    for label, dry in (("dry run", True), ("import", False), ("second import (idempotent)", False)):
        t = time.perf_counter()
        run = run_import(
            actor=user, channel="cli", kind="records", content=content, file_name="bench.csv", dry_run=dry
        )
        s = time.perf_counter() - t
        print(f"{label:<28} {s:6.2f}s  {args.rows / s:9,.0f} rows/s  created={run.created:,} "
              f"unchanged={run.unchanged:,} errors={run.error_rows} status={run.status}")  # fmt: skip
        if (run.created, run.unchanged) != expected[label] or run.error_rows:
            wrong.append(label)
    if args.keep:
        print(f"scratch database kept in {scratch}")
    else:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    if wrong:
        print(f"WRONG RESULT in: {', '.join(wrong)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
