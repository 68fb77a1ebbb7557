"""Benchmark of the annual-report review queue (not a test): the first page of submitted reports and a
page filtered by the automatic checks' findings (worst finding "over a legal limit"; one finding
code), with ``--reports`` submitted reports (default 100,000; ``--smoke`` 2,000) whose findings are
stored as the submission stores them (``ReportCheck`` / ``ReportFlag``, about 15% flagged).

The page is served through Django's test client with DEBUG off, signed in as a national
administrator, when the queue page (``annualreports:report_list``) is installed; its risk filter is
the ``risk`` parameter (``annualreports.risk.filter_by_risk``). Without the page, the queue's own
queries are timed (the page's count and its first 50 rows, ordered as the queue orders them). The
answers are checked against a count of the stored findings. The machine is shared: indicative.

    .venv/bin/python bench/annual_queue.py [--reports 100000] [--runs 20] [--smoke] [--keep]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PAGE_MS = 300
PER_PAGE = 50


def build(n: int, seed: int) -> None:
    """Organizations, their submitted reports and the findings on some (plain rows, not timed)."""
    import datetime as dt
    import random

    from socredit.apps.annualreports.models import AnnualReport, ReportCheck, ReportFlag
    from socredit.apps.registry.models import Organization, Region
    from socredit.core.annualreports.checks import FLAG_CODES
    from socredit.core.codes import make_social_org_code
    from socredit.core.types import OrgType

    rng = random.Random(seed)
    districts = list(Region.objects.filter(parent__code__in=["410100", "410300"]).order_by("code"))
    types = [OrgType.ASSOCIATION, OrgType.SERVICE_INSTITUTION, OrgType.FOUNDATION]
    orgs = []
    for i in range(n):
        region, kind = districts[i % len(districts)], types[i % 3]
        orgs.append(Organization(
            code=make_social_org_code(region.code, kind, 100_000 + i), name=f"{region.name}第{i}号年报测试组织",
            org_type=kind.value, region=region, registration_authority=f"{region.name}民政局",
            registered_on=dt.date(2015, 1, 1) + dt.timedelta(days=i % 3000),
        ))  # fmt: skip
    Organization.objects.bulk_create(orgs, batch_size=5000)
    ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    AnnualReport.objects.bulk_create(
        (AnnualReport(organization_id=pk, year=2025, state="submitted",
                      submitted_on=dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(80)),
                      content={"charity_organization": "no"}) for pk in ids),
        batch_size=5000,
    )  # fmt: skip
    severities = {"balance_sheet_unbalanced": "warning", "foundation_public_benefit_ratio": "high",
                  "charity_management_ratio": "high", "related_party": "info", "overseas_income": "info",
                  "large_transaction": "warning", "yoy_income_change": "info"}  # fmt: skip
    checks, flags = [], []
    for rid in AnnualReport.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=20_000):
        mine = rng.sample(sorted(severities), rng.randint(1, 2)) if rng.random() < 0.15 else []
        order = ("info", "warning", "high")
        worst = max((severities[c] for c in mine), key=order.index, default="")
        checks.append(ReportCheck(report_id=rid, worst=worst, flag_count=len(mine), checked_on=dt.date(2026, 4, 1),
                                  profile_version="national-2026.1"))  # fmt: skip
        flags += [ReportFlag(report_id=rid, code=c, severity=severities[c], message_zh="基准", message_en="bench",
                             figures={}) for c in mine if c in FLAG_CODES]  # fmt: skip
        if len(checks) >= 5000:
            ReportCheck.objects.bulk_create(checks)
            ReportFlag.objects.bulk_create(flags)
            checks, flags = [], []
    ReportCheck.objects.bulk_create(checks)
    ReportFlag.objects.bulk_create(flags)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="2,000 reports; fail only on a wrong answer")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    n = 2_000 if args.smoke else args.reports

    from bench._common import Results, finish_scratch, percentile, start_django

    scratch, _url = start_django()
    import secrets

    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from socredit.apps.accounts.models import StaffRole
    from socredit.apps.accounts.services import create_staff_user
    from socredit.apps.annualreports.models import AnnualReport, ReportCheck, ReportFlag
    from socredit.apps.annualreports.risk import filter_by_risk

    t = time.perf_counter()
    build(n, args.seed)
    print(
        f"setup: {n:,} submitted reports, {ReportFlag.objects.count():,} findings in {time.perf_counter() - t:.1f}s"
    )

    results = Results("annual_queue")
    wrong = results.wrong
    high = ReportCheck.objects.filter(worst="high").count()
    related = ReportFlag.objects.filter(code="related_party").values("report").distinct().count()
    cases = {"first page": "", "worst finding high": "sev:high", "finding related_party": "related_party"}
    expected = {"first page": n, "worst finding high": high, "finding related_party": related}
    try:
        url = reverse("annualreports:report_list")
    except NoReverseMatch:
        url = None
    timings: dict[str, list[float]] = {}
    if url is not None:
        user = create_staff_user(actor=None, channel="system", username="bench_national",
                                 password=secrets.token_urlsafe(16), region=None, staff_role=StaffRole.ADMIN,
                                 superuser=True)  # fmt: skip
        client = Client()
        client.force_login(user)
        print(f"the queue page {url} through the test client, DEBUG off")
        for label, risk in cases.items():
            query = {"year": "2025", "state": "submitted", **({"risk": risk} if risk else {})}
            page = client.get(url, query)
            if page.status_code != 200:
                wrong.append(f"{label}: status {page.status_code}")
                continue
            shown = page.context["page"].paginator.count if page.context and "page" in page.context else None
            if shown is not None and shown != expected[label]:
                wrong.append(f"{label}: {shown} reports shown, {expected[label]} expected")
            timings[label] = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(url, query)
                timings[label].append((time.perf_counter() - t) * 1000)
    else:
        from django.core.paginator import Paginator

        print("the queue page is not installed: timing the queue's queries (count and first 50 rows)")
        base = AnnualReport.objects.filter(year=2025, state="submitted").select_related("organization")
        for label, risk in cases.items():
            timings[label] = []
            for _ in range(args.runs + 1):
                t = time.perf_counter()
                page = Paginator(
                    filter_by_risk(base, risk).order_by("-year", "submitted_on", "id"), PER_PAGE
                ).get_page(1)
                rows = list(page.object_list)
                count = page.paginator.count
                timings[label].append((time.perf_counter() - t) * 1000)
            timings[label] = timings[label][1:]  # the first run warms the caches
            if count != expected[label] or len(rows) != min(PER_PAGE, expected[label]):
                wrong.append(f"{label}: {count} reports counted, {expected[label]} expected")
    for label, values in timings.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{label:<26} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({expected[label]:,} reports)")
        results.add(f"{label} p95", round(p95, 1), "ms", None if args.smoke else TARGET_PAGE_MS)
    if timings.get("first page") and timings.get("worst finding high"):
        ratio = percentile(timings["worst finding high"], 0.5) / max(
            percentile(timings["first page"], 0.5), 1e-9
        )
        print(f"filtered / unfiltered (p50): {ratio:.2f}")
        results.add("filtered / first page (p50)", round(ratio, 2), "×")
    finish_scratch(scratch, args.keep)
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
