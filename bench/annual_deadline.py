"""Benchmark of the annual-report deadline run (not a test): ``annualreports.deadlines.run_deadlines``
over every organization — who must file the report on the year before, who is missing the day after
their deadline, who filed late — and the records it writes through the records service's batch path;
then the same run again, which must write nothing (idempotent).

Reports on the year are made for most organizations (on time), some late, none for the rest, as
plain rows (bulk insert, not timed). The answers are checked against a plain per-organization count
(who was obliged and has no report, who filed after the deadline).

By default a scratch SQLite database loaded with the demo generator (``--orgs``, 20,000); ``--smoke``
2,000 organizations, failing only on a wrong answer. ``--db`` runs IN PLACE on a prepared database (the
national one of ``bench/evaluate.py --keep``, 1,000,000 organizations: copy it first, the run writes).
DEBUG off as in production. The machine is shared: timings are indicative. The last line is a
``BENCH-RESULT`` (``bench/_common.py``).

    .venv/bin/python bench/annual_deadline.py [--orgs 20000] [--smoke] [--keep]
    cp /tmp/n1m.sqlite3 /tmp/n1m-ar.sqlite3 && .venv/bin/python bench/annual_deadline.py --db /tmp/n1m-ar.sqlite3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import add_in_place_arguments, load_demo_unless_in_place  # noqa: E402

LATE_SHARE, MISSING_SHARE = 0.05, 0.07
TARGET_PER_MILLION_S = 600
"""The first run at 1,000,000 organizations (design target: well within the nightly window)."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_in_place_arguments(parser)
    args = parser.parse_args()

    from bench._common import Results, finish_scratch, start_django

    scratch, _url = start_django(args.db)
    import datetime as dt
    import random

    from socredit.apps.annualreports.deadlines import obligations, profile_for_year, run_deadlines
    from socredit.apps.annualreports.models import AnnualReport
    from socredit.apps.records.models import CreditRecord
    from socredit.apps.registry.models import Organization
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today
    from socredit.core.annualreports.deadlines import (
        OBLIGED_STATUSES,
        filer_kind,
        must_file,
        rules_from_profile,
    )

    actor = SystemPrincipal("bench")
    as_of = today()
    year = as_of.year - 1
    load_demo_unless_in_place(args, as_of, evaluate=True)
    orgs = Organization.objects.count()

    # reports on the year: on time for most, late for some, none for the rest (plain rows, not timed)
    AnnualReport.objects.filter(year=year).delete()
    rng = random.Random(args.seed)
    on_time, late_day = dt.date(year + 1, 3, 2), dt.date(year + 1, 7, 15)
    rows, late_ids, t = [], set(), time.perf_counter()
    for pk in Organization.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=20_000):
        r = rng.random()
        if r < MISSING_SHARE:
            continue
        late = r < MISSING_SHARE + LATE_SHARE
        if late:
            late_ids.add(pk)
        rows.append(AnnualReport(organization_id=pk, year=year, state="submitted",
                                 submitted_on=late_day if late else on_time,
                                 content={"charity_organization": "no"}))  # fmt: skip
        if len(rows) >= 5_000:
            AnnualReport.objects.bulk_create(rows)
            rows = []
    AnnualReport.objects.bulk_create(rows)
    print(
        f"reports on {year}: {AnnualReport.objects.filter(year=year).count():,} in {time.perf_counter() - t:.1f}s"
    )

    results = Results("annual_deadline")
    wrong = results.wrong
    t = time.perf_counter()
    frame = obligations(year, as_of)
    read_s = time.perf_counter() - t
    # the same answer one organization at a time (the scalar rule), to check the set-based run
    rules = rules_from_profile(profile_for_year(None, year))
    reported = set(AnnualReport.objects.filter(year=year).values_list("organization_id", flat=True))
    expected_missing = expected_late = obliged = 0
    for pk, org_type, status, registered_on in Organization.objects.values_list(
        "pk", "org_type", "status", "registered_on"
    ).iterator(chunk_size=20_000):
        kind = filer_kind(org_type)
        if status not in OBLIGED_STATUSES or kind is None or not must_file(registered_on, year, rules[kind]):
            continue
        obliged += 1
        expected_missing += pk not in reported
        expected_late += pk in late_ids
    if obliged != frame.height:
        wrong.append(f"obliged: {frame.height} by the run, {obliged} one by one")
    before = CreditRecord.objects.count()

    t, cpu = time.perf_counter(), time.process_time()
    first = run_deadlines(actor, as_of=as_of, year=year)
    first_s, first_cpu = time.perf_counter() - t, time.process_time() - cpu
    written = CreditRecord.objects.count() - before
    print(f"{'who must file, due dates (read)':<36} {read_s:7.2f}s  {frame.height:,} obliged of {orgs:,}")
    print(f"{'first run':<36} {first_s:7.2f}s (cpu {first_cpu:6.2f}s)  missing {first.written_missing:,}, "
          f"late {first.written_late:,}, errors {len(first.errors)}")  # fmt: skip
    t = time.perf_counter()
    second = run_deadlines(actor, as_of=as_of, year=year)
    second_s = time.perf_counter() - t
    print(
        f"{'second run (nothing to write)':<36} {second_s:7.2f}s  missing {second.written_missing}, late {second.written_late}"
    )

    # the answers, checked
    if first.missing != expected_missing or first.written_missing != expected_missing:
        wrong.append(f"missing: {first.written_missing} written, {expected_missing} expected")
    if first.late != expected_late or first.written_late != expected_late:
        wrong.append(f"late: {first.written_late} written, {expected_late} expected")
    if written != first.written_missing + first.written_late:
        wrong.append(f"{written} records written, {first.written_missing + first.written_late} reported")
    if second.written_missing or second.written_late or CreditRecord.objects.count() != before + written:
        wrong.append("the second run wrote records")
    if first.errors:
        wrong.append(f"errors: {first.errors[:3]}")
    read_per_million = read_s * 1_000_000 / max(orgs, 1)
    rate = written / first_s if first_s else 0.0
    estimate = read_per_million + (1_000_000 * (MISSING_SHARE + LATE_SHARE)) / rate if rate else 0.0
    results.add("organizations", orgs, "organizations")
    results.add("first run", round(first_s, 2), "s")
    results.add("second run (idempotent)", round(second_s, 2), "s")
    results.add("who must file and due dates, per 1,000,000 organizations", round(read_per_million, 1), "s")
    results.add("records written per second (first run)", round(rate, 1), "records/s")
    results.add("first run at 1,000,000 organizations (estimate)", round(estimate), "s",
                None if args.smoke or orgs < 100_000 else TARGET_PER_MILLION_S)  # fmt: skip
    print(f"estimate at 1,000,000 organizations ({MISSING_SHARE + LATE_SHARE:.0%} of them written): "
          f"{read_per_million:,.0f}s reading + {estimate - read_per_million:,.0f}s writing = {estimate:,.0f}s "
          "(indicative: 2 shared cores)")  # fmt: skip
    finish_scratch(scratch, args.keep or bool(args.db))
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
