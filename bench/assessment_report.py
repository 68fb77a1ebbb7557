"""Benchmark of the assessment report (not a test): ``generate_assessment_report`` for the whole
country, a city and a county over the last 90 days — the stored figures of the data date and the
grouped queries of the lists' movements, the cases and the checks, then the PDF and the XLSX.

Checked against plain counts: the report's list entries in the period (its total row) against the
entries counted directly for the region, and its existing organizations against the organizations
counted. By default a scratch SQLite database loaded with the demo generator (``--orgs``, 20,000);
``--smoke`` 2,000 organizations, failing only on a wrong answer. ``--db`` runs IN PLACE on a
prepared database (copy it first: the run writes figures and reports). DEBUG off as in production.
The machine is shared: timings are indicative. The last line is a ``BENCH-RESULT``.

    .venv/bin/python bench/assessment_report.py [--orgs 20000] [--smoke] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import add_in_place_arguments, load_demo_unless_in_place  # noqa: E402

TARGET_REPORT_S = 30.0
"""Design target: a national report (PDF and XLSX included) within half a minute."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_in_place_arguments(parser)
    args = parser.parse_args()

    from bench._common import Results, finish_scratch, start_django

    scratch, _url = start_django(args.db)
    from socredit.apps.lists.models import ListEntry
    from socredit.apps.registry.models import Organization, Region
    from socredit.apps.statistics.aggregate import EXISTING, aggregate_day
    from socredit.apps.statistics.assessment.services import generate_assessment_report
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today

    actor = SystemPrincipal("bench")
    day = today()
    load_demo_unless_in_place(args, day, evaluate=True)
    aggregate_day(actor, day)
    orgs = Organization.objects.count()
    results = Results("assessment_report")
    wrong = results.wrong
    start = day - dt.timedelta(days=89)
    regions: list[tuple[str, Region | None]] = [("national", None)]
    city = Region.objects.filter(level=2, organizations__isnull=False).order_by("code").first()
    county = Region.objects.filter(level=3, organizations__isnull=False).order_by("code").first()
    regions += [(k, r) for k, r in (("city", city), ("county", county)) if r is not None]
    for key, region in regions:
        t = time.perf_counter()
        report = generate_assessment_report(actor, region, start, day, "zh-hans", channel="cli")
        seconds = time.perf_counter() - t
        print(
            f"{'report ' + key:<24} {seconds:7.2f}s  PDF {report.pdf.size:,} B, XLSX {report.xlsx.size:,} B"
        )
        results.add(f"report {key}", round(seconds, 2), "s",
                    None if args.smoke or key != "national" or orgs < 100_000 else TARGET_REPORT_S)  # fmt: skip
        path = region.path if region is not None else ""
        sections = {s["key"]: s for s in report.content["sections"]}
        entries = ListEntry.objects.filter(entered_on__gte=start, entered_on__lte=day)
        existing = Organization.objects.filter(status__in=EXISTING)
        if path:
            entries = entries.filter(organization__region__path__startswith=path)
            existing = existing.filter(region__path__startswith=path)
        rows = sections["lists"]["rows"]
        shown = rows[-1][2] if rows else 0
        if shown != entries.count():
            wrong.append(f"{key}: {shown} list entries in the report, {entries.count()} counted")
        first = sections["figures"]["rows"][0][1]
        if first != existing.count():
            wrong.append(f"{key}: {first} existing organizations in the report, {existing.count()} counted")
    results.add("organizations", orgs, "organizations")
    finish_scratch(scratch, args.keep or bool(args.db))
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
