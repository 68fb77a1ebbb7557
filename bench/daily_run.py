"""Benchmark of the daily list run (not a test): the first run over every candidate, a run on a day
without new facts, and a run on a day with some new records — incremental runs read only the
organizations that changed or fell due (``ListRunDue``) — then a full run on the same day, which
must find nothing left to do (else the incremental runs missed something: exit status 1).

By default runs in a scratch SQLite database loaded with the demo generator (``socredit demo-data``'s
data, without its accounts and cases); with ``--db`` on an existing database IN PLACE (the national
one that ``bench/evaluate.py --keep`` builds: copy it first, the runs write). DEBUG off as in
production. The last line is a ``BENCH-RESULT`` (``bench/_common.py``).

    .venv/bin/python bench/daily_run.py [--orgs 20000] [--changes 200] [--keep]
    cp /tmp/n1m.sqlite3 /tmp/n1m-run.sqlite3
    .venv/bin/python bench/daily_run.py --db /tmp/n1m-run.sqlite3 [--changes 1000]
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=200, help="new records on the third day")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument(
        "--db",
        help="run on this database in place (an SQLite path or a DATABASE_URL; copy it first: the runs "
        "write), e.g. the one bench/evaluate.py --keep builds, instead of a scratch demo database",
    )
    args = parser.parse_args()

    from bench._common import Results, database_url, production_environment

    scratch = Path(tempfile.mkdtemp(prefix="socredit-bench-"))
    production_environment(database_url(args.db, scratch), scratch)
    import django

    django.setup()
    import datetime as dt
    import random

    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()

    from socredit.apps.demo.loader import load_demo
    from socredit.apps.evaluation.services import rebuild_facts, run_evaluation
    from socredit.apps.lists.models import ListProposal, ListRunDue
    from socredit.apps.lists.services import daily_run
    from socredit.apps.records.services import create_records_batch
    from socredit.apps.registry.models import Department, Organization
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today

    actor = SystemPrincipal("bench")
    day = today()
    t0 = time.perf_counter()
    if args.db:
        from socredit.apps.records.models import CreditRecord

        print(
            f"database {args.db}: {Organization.objects.count():,} organizations, "
            f"{CreditRecord.objects.count():,} records"
        )
    else:
        result = load_demo(orgs=args.orgs, seed=args.seed, today=day)
        rebuild_facts(actor=actor, channel="system")
        run_evaluation(actor=actor, channel="system", as_of=day)
        print(
            f"setup: {result.organizations:,} organizations, {result.records:,} records in {time.perf_counter() - t0:.1f}s"
        )

    results = Results("daily_run")
    wrong: list[str] = results.wrong
    seconds: dict[str, tuple[float, float]] = {}

    def timed(label: str, as_of: dt.date, **kw: bool) -> dict[str, int]:
        t, cpu = time.perf_counter(), time.process_time()
        run = daily_run(actor, as_of, **kw)
        s, c_s = time.perf_counter() - t, time.process_time() - cpu
        seconds[label] = (s, c_s)
        c = run.counts
        print(f"{label:<34} {s:7.2f}s (cpu {c_s:6.2f}s)  read {c['organizations']:>8,} organizations  proposals={c['proposals']:,} "
              f"transfers={c['transfers']} removals={c['removals']} red_removals={c['red_removals']} "
              f"({'full' if run.full else 'incremental'})")  # fmt: skip
        return c

    first = timed("first day (full)", day - dt.timedelta(days=2))
    if first["organizations"] == 0 or first["proposals"] == 0:
        wrong.append("the first run read or proposed nothing")
    quiet = timed("a day without new facts", day - dt.timedelta(days=1))
    # no new facts, but records dated that day start to count: those organizations are due
    if quiet["organizations"] > max(10, first["organizations"] // 20):
        wrong.append("a day without new facts read too much")

    # new records from the civil-affairs bureau on some organizations, through the API batch
    dept = Department.objects.filter(kind="civil_affairs").order_by("id").first()
    codes = list(Organization.objects.order_by("id").values_list("code", flat=True))
    rng = random.Random(args.seed)
    items = [
        {
            "organization": code,
            "kind": "annual_report_missing",
            "occurred_on": (day - dt.timedelta(days=3)).isoformat(),
            "department": dept.code,
            "document_number": f"基准〔{day.year}〕{i}号",
            "summary": "基准测试",
        }  # fmt: skip
        for i, code in enumerate(rng.sample(codes, min(args.changes, len(codes))))
    ]
    t = time.perf_counter()
    made = 0
    for i in range(0, len(items), 1000):
        out = create_records_batch(actor=actor, channel="api", items=items[i : i + 1000])
        made += len(out["created"])
        if out["errors"]:
            wrong.append(f"batch errors: {out['errors'][:2]}")
    s = time.perf_counter() - t
    print(
        f"{'API batch of new records':<34} {s:7.2f}s  {made:,} records ({made / s:,.0f}/s, proposals made at once)"
    )
    changed = timed("a day with new records", day)
    if changed["organizations"] < made or changed["organizations"] > made + max(
        10, first["organizations"] // 20
    ):
        wrong.append("the day with new records did not read exactly the changed organizations")
    proposals_before = ListProposal.objects.count()
    full = timed("the same day again, full (check)", day, full=True)
    if (
        full["proposals"]
        or full["transfers"]
        or full["removals"]
        or ListProposal.objects.count() != proposals_before
    ):
        wrong.append("the full run found work the incremental runs had missed")
    print(f"schedule: {ListRunDue.objects.count():,} organizations with a due date")
    results.add("first day (full)", round(seconds["first day (full)"][0], 2), "s", 120)
    results.add("first day (full), CPU", round(seconds["first day (full)"][1], 2), "s")
    results.add("day without new facts", round(seconds["a day without new facts"][0], 2), "s", 30)
    results.add(f"day with {made} new records", round(seconds["a day with new records"][0], 2), "s")
    results.add("organizations", Organization.objects.count(), "organizations")
    results.add("organizations read on the first day", first["organizations"], "organizations")
    results.add("proposals on the first day", first["proposals"], "proposals")
    if args.keep and not args.db:
        print(f"scratch database kept in {scratch}")
    else:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
