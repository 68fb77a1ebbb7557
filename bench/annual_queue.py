"""Benchmark of the annual-report review queue (not a test): the first page of submitted reports and a
page filtered by the automatic checks' findings (worst finding "over a legal limit"; one finding
code), with ``--reports`` submitted reports (default 100,000; ``--smoke`` 2,000) whose findings are
stored as the submission stores them (``ReportCheck`` / ``ReportFlag``, about 15% flagged).

The page (``annualreports:report_list``, its risk filter the ``risk`` parameter of
``annualreports.risk.filter_by_risk``) is served by gunicorn (2 sync workers, DEBUG off) on loopback
and requested over HTTP with the session cookie of a national administrator, one request at a time
after warm-up requests side by side (both workers warm): p50 and p95 of the wall time, and the
server's CPU per request (which the machine's other work does not inflate). The answers are checked: the count the page shows against a
count of the stored findings, and the page's rows.

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

    scratch, url = start_django()
    import re
    import secrets
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode

    from django.db import connection
    from django.urls import reverse

    from bench.lookups import (
        _environment,
        _free_port,
        fetch,
        server_cpu,
        signed_in_session,
        start_server,
        stop_server,
    )
    from socredit.apps.accounts.models import StaffRole
    from socredit.apps.accounts.services import create_staff_user
    from socredit.apps.annualreports.models import ReportCheck, ReportFlag

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
    user = create_staff_user(actor=None, channel="system", username="bench_national",
                             password=secrets.token_urlsafe(16), region=None, staff_role=StaffRole.ADMIN,
                             superuser=True)  # fmt: skip
    cookie = {"Cookie": f"sessionid={signed_in_session(user)}", "Accept-Language": "zh-hans"}
    path = reverse("annualreports:report_list")
    connection.close()
    from django.conf import settings

    # the server signs and reads the session with this process's key
    env = {**_environment(url, scratch), "SOCREDIT_SECRET_KEY": settings.SECRET_KEY}
    port = _free_port()
    server = start_server(env, port, 2)
    timings: dict[str, list[float]] = {}
    cpu: dict[str, float] = {}
    print(f"the queue page {path} behind gunicorn (2 sync workers, DEBUG off), one request at a time")
    try:
        for label, risk in cases.items():
            query = (
                path
                + "?"
                + urlencode({"year": "2025", "state": "submitted", **({"risk": risk} if risk else {})})
            )
            status, body, _t = fetch(port, query, cookie)
            # both workers warm (their first page loads templates and catalogues): requests side by side,
            # since one after another may all reach the same worker
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(fetch, [port] * 8, [query] * 8, [cookie] * 8))
            text = body.decode()
            if status != 200:
                wrong.append(f"{label}: status {status}")
                continue
            # the page says how many reports it holds beside its heading, and lists the first page's
            found = re.search(r'<h2 id="h-reports">[^<]*<span class="muted small">([0-9,]+)</span>', text)
            shown = int(found.group(1).replace(",", "")) if found else None
            if shown != expected[label]:
                wrong.append(f"{label}: {shown} reports shown, {expected[label]} expected")
            rows = text.count("<tr>") - 1  # less the heading row
            if rows != min(PER_PAGE, expected[label]):
                wrong.append(
                    f"{label}: {rows} rows on the first page, {min(PER_PAGE, expected[label])} expected"
                )
            timings[label] = []
            before = sum(server_cpu(server).values())
            for _ in range(args.runs):
                status, _body, elapsed = fetch(port, query, cookie)
                if status != 200:
                    wrong.append(f"{label}: status {status} while timing")
                    break
                timings[label].append(elapsed * 1000)
            cpu[label] = (sum(server_cpu(server).values()) - before) / max(1, len(timings[label])) * 1000
    finally:
        stop_server(server)
    for label, values in timings.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{label:<26} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   server CPU {cpu[label]:6.1f} ms"
              f"   ({expected[label]:,} reports)")  # fmt: skip
        results.add(f"{label} p95", round(p95, 1), "ms", None if args.smoke else TARGET_PAGE_MS)
        results.add(f"{label} server CPU per request", round(cpu[label], 1), "ms")
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
