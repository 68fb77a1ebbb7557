"""Benchmark of the identification of dormant organizations (not a test): ``dormancy.services.identify``
over every organization — who has filed no annual report for the last two years due and shown no
activity for 24 months — then the same run again, which must open nothing (idempotent).

The demo generator gives every organization recent records; a share of them (``--dormant``) is made
dormant by moving their records back in time (a plain UPDATE of the scratch database, not timed).
The generator files no annual report rows, so every obliged organization misses its reports, and the
activity criterion decides: the answer is checked against the organizations made dormant (less
those registered too late to be obliged in both years, or with a registration act in the period).

By default a scratch SQLite database loaded with the demo generator (``--orgs``, 20,000); ``--smoke``
2,000 organizations, failing only on a wrong answer. ``--db`` runs IN PLACE on a prepared database
(copy it first: the run writes). The machine is shared: timings are indicative. The last line is a
``BENCH-RESULT`` (``bench/_common.py``).

    .venv/bin/python bench/dormancy_identify.py [--orgs 20000] [--dormant 0.03] [--smoke] [--keep]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import add_in_place_arguments, load_demo_unless_in_place  # noqa: E402

TARGET_PER_MILLION_S = 600
"""Design target at 1,000,000 organizations (a nightly duty): ten minutes."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_in_place_arguments(parser)
    parser.add_argument("--dormant", type=float, default=0.03, help="share of organizations made dormant")
    args = parser.parse_args()

    from bench._common import Results, finish_scratch, start_django

    scratch, _url = start_django(args.db)
    import datetime as dt
    import random

    from socredit.apps.dormancy.models import DormancyCase
    from socredit.apps.dormancy.services import identify
    from socredit.apps.records.models import CreditRecord
    from socredit.apps.registry.models import Organization, RegistrationChange
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today

    actor = SystemPrincipal("bench")
    as_of = today()
    load_demo_unless_in_place(args, as_of, evaluate=False)
    orgs = Organization.objects.count()

    # make a share dormant: their records moved back before the period without activity (not timed)
    rng = random.Random(args.seed)
    latest_registration = dt.date(as_of.year - 3, 6, 30)  # obliged in both report years of the window
    pool = list(
        Organization.objects.filter(status="normal", registered_on__lte=latest_registration)
        .order_by("pk").values_list("pk", flat=True)
    )  # fmt: skip
    chosen = set(rng.sample(pool, max(1, int(len(pool) * args.dormant))))
    old = dt.date(as_of.year - 4, 1, 15)
    ids = sorted(chosen)
    for start in range(0, len(ids), 500):
        CreditRecord.objects.filter(organization_id__in=ids[start : start + 500]).update(occurred_on=old)
    since = dt.date(as_of.year - 2, as_of.month, min(as_of.day, 28))
    recent_acts = set(
        RegistrationChange.objects.filter(organization_id__in=ids, effective_on__gte=since).values_list(
            "organization_id", flat=True
        )
    )
    expected = chosen - recent_acts
    print(f"made dormant: {len(chosen):,} (expected candidates {len(expected):,})")

    results = Results("dormancy_identify")
    wrong = results.wrong
    DormancyCase.objects.all().delete()
    t, cpu = time.perf_counter(), time.process_time()
    first = identify(actor=actor, channel="system", as_of=as_of)
    first_s, first_cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    second = identify(actor=actor, channel="system", as_of=as_of)
    second_s = time.perf_counter() - t
    print(f"{'first run':<30} {first_s:7.2f}s (cpu {first_cpu:6.2f}s)  opened {first.opened:,} of {orgs:,}")
    print(f"{'second run (nothing to open)':<30} {second_s:7.2f}s  opened {second.opened}")

    opened = set(DormancyCase.objects.values_list("organization_id", flat=True))
    if opened != expected:
        wrong.append(f"opened {len(opened)}, expected {len(expected)}: "
                     f"{len(opened - expected)} too many, {len(expected - opened)} missing")  # fmt: skip
    if second.opened or DormancyCase.objects.count() != first.opened:
        wrong.append("the second run opened cases")
    per_million = first_s * 1_000_000 / max(orgs, 1)
    results.add("organizations", orgs, "organizations")
    results.add("first run", round(first_s, 2), "s")
    results.add("second run (idempotent)", round(second_s, 2), "s")
    results.add("first run at 1,000,000 organizations (linear estimate)", round(per_million), "s",
                None if args.smoke or orgs < 100_000 else TARGET_PER_MILLION_S)  # fmt: skip
    print(f"linear estimate at 1,000,000 organizations: {per_million:,.0f}s (indicative: 2 shared cores)")
    finish_scratch(scratch, args.keep or bool(args.db))
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
