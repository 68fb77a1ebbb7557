"""Benchmark of the daily risk-warning run (not a test): ``riskwarnings.run.run_daily`` over every
organization — every enabled rule evaluated in Polars, new warnings raised, open ones merged, cleared
ones marked — then the same run again, which must write nothing (idempotent).

The demo generator's organizations come with their records (late and missing reports, unreachable
addresses, verified complaints…). On top, as plain rows (bulk insert, not timed): filed annual
reports on the last two years for most organizations, some naming an election, with income and
abroad figures for a share of them, bans in force on some legal representatives, and transactions
a finance department reported (资金往来, about 3 % of the organizations, some related-party or
cross-border) that the amount rules read besides the figures. Three rules get
thresholds that make them fire at this size (complaints: 1 in 365 days; terms of 3 years), so that
the recount checks positives of every rule. The dormant rule has no thresholds of its own (the one
definition of ``core.dormancy``, with the profile's parameters): its recount is the dormancy
clean-up's identification (``dormancy.identify.candidates``, recounted in ``bench/dormancy_identify.py``).

The answers are checked against a per-organization recount on a sample (``--sample``): the same
conditions asked of the database one organization at a time with the ORM, compared with the
warnings the run left open.

By default a scratch SQLite database loaded with the demo generator (``--orgs``, 20,000); ``--smoke``
2,000 organizations, failing only on a wrong answer. ``--db`` runs IN PLACE on a prepared database
(e.g. the national one of ``bench/evaluate.py --keep``: copy it first, the run writes). DEBUG off as
in production. The machine is shared: timings are indicative. The last line is a ``BENCH-RESULT``.

    .venv/bin/python bench/warning_run.py [--orgs 20000] [--smoke] [--keep]
    cp /tmp/n1m.sqlite3 /tmp/n1m-rw.sqlite3 && .venv/bin/python bench/warning_run.py --db /tmp/n1m-rw.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import add_in_place_arguments, load_demo_unless_in_place  # noqa: E402

TARGET_PER_MILLION_S = 120
"""Issue 17: the daily warning run over 1,000,000 organizations in under two minutes."""


def _prepare(seed: int, as_of: dt.date) -> dict[str, int]:
    """Filed reports (two years), figures, bans on legal representatives: plain rows, not timed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from socredit.apps.annualreports.models import AnnualReport, ReportFigure
    from socredit.apps.registry.models import Organization, Region, Role

    rng = random.Random(seed)
    made = {"reports": 0, "figures": 0, "bans": 0}
    y1, y2 = as_of.year - 1, as_of.year - 2
    AnnualReport.objects.filter(year__in=[y1, y2]).delete()
    pks = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), 5_000):
        reports, figures = [], []
        for pk in pks[start : start + 5_000]:
            for year in (y2, y1):
                if rng.random() < 0.12:
                    continue
                reports.append(AnnualReport(organization_id=pk, year=year, state="submitted",
                                            submitted_on=dt.date(year + 1, 3, 20),
                                            content={"election_held": "yes" if rng.random() < 0.1 else "no"}))  # fmt: skip
        with transaction.atomic():
            AnnualReport.objects.bulk_create(reports)
            for r in reports:
                if rng.random() < 0.3:
                    base = rng.choice([200_000, 1_500_000, 8_000_000])
                    figures.append(
                        ReportFigure(
                            report=r, code="ia_total_income", value=base * rng.choice([0.5, 1, 1.1, 2.5])
                        )
                    )
                    figures.append(
                        ReportFigure(
                            report=r, code="ia_total_expenses", value=base * rng.choice([0.4, 1, 2.2])
                        )
                    )
                    if rng.random() < 0.05:
                        figures.append(
                            ReportFigure(
                                report=r, code="overseas_income", value=rng.choice([0, 20_000, 300_000])
                            )
                        )
                    if rng.random() < 0.05:
                        figures.append(
                            ReportFigure(
                                report=r, code="largest_transaction", value=rng.choice([100_000, 6_000_000])
                            )
                        )
                    if rng.random() < 0.05:
                        figures.append(
                            ReportFigure(
                                report=r, code="related_party_amount", value=rng.choice([50_000, 2_000_000])
                            )
                        )
            ReportFigure.objects.bulk_create(figures)
        made["reports"] += len(reports)
        made["figures"] += len(figures)
    region = Region.objects.filter(level=2).values_list("pk", flat=True).first()
    persons = list(
        Role.objects.filter(kind="legal_rep", end_on__isnull=True)
        .order_by("pk")
        .values_list("person_id", flat=True)
        .distinct()
    )
    chosen = rng.sample(persons, max(1, len(persons) // 200)) if persons else []
    now = timezone.now()
    rows = [(p, f"人员{p}", "post_restriction", "other", "测试事由", "测试依据", "测试范围", "", "郑州市民政局",
             f"郑民禁〔{as_of.year}〕{p}号", as_of - dt.timedelta(days=30), as_of - dt.timedelta(days=30), None, "decision",
             f"bench-rw|{p}", region, "in_force", "", None, "", "bench", "", now) for p in chosen]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM bans_ban WHERE natural_key LIKE 'bench-rw|%'")  # a second run in place
        cur.executemany(
            "INSERT INTO bans_ban (person_id, person_name, kind, ground, ground_text, legal_basis, scope, post,"
            " authority_name, document_number, decided_on, start_on, until, source, natural_key, region_id,"
            " state, state_reason, lifted_on, policy_version, recorded_by_label, decided_by_label, created_at)"
            " VALUES (" + ", ".join(["%s"] * 23) + ")",
            rows,
        )
    made["bans"] = len(rows)
    # transactions a finance department reported (资金往来) for about 3 % of the organizations
    from socredit.apps.registry.models import Department
    from socredit.apps.riskwarnings.models import FinancialTransaction

    dept = (
        Department.objects.filter(kind="finance").order_by("pk").first()
        or Department.objects.order_by("pk").first()
    )
    moves = [
        FinancialTransaction(
            organization_id=pk, department=dept, reference=f"bench-{pk}-{i}", channel="system", batch="bench",
            occurred_on=as_of - dt.timedelta(days=rng.randint(0, 500)),
            amount=Decimal(rng.choice([50_000, 400_000, 900_000, 3_000_000, 6_000_000])),
            direction=rng.choice(["in", "out"]), counterparty=f"对方单位{rng.randint(1, 300)}",
            related_party=rng.random() < 0.3, overseas=rng.random() < 0.15,
        )
        for pk in pks if rng.random() < 0.03 for i in range(rng.randint(1, 4))
    ]  # fmt: skip
    FinancialTransaction.objects.filter(batch="bench").delete()  # a second run in place starts again
    FinancialTransaction.objects.bulk_create(moves, batch_size=5_000)
    made["transactions"] = len(moves)
    return made


_DORMANT: dict[dt.date, set[int]] = {}


def _dormant(as_of: dt.date) -> set[int]:
    from socredit.apps.dormancy.identify import candidates

    if as_of not in _DORMANT:
        _DORMANT[as_of] = {c.org for c in candidates(as_of)}
    return _DORMANT[as_of]


def recount(org_id: int, rule, t: dict, as_of: dt.date) -> bool:  # noqa: ANN001 - a model instance
    """Whether ``rule`` holds for one organization, asked of the database one query at a time (the
    independent check of the set-based run)."""
    from django.db.models import Q

    from socredit.apps.annualreports.models import AnnualReport, ReportFigure
    from socredit.apps.bans.access import binding_on
    from socredit.apps.bans.models import Ban
    from socredit.apps.lists.models import PersonListing
    from socredit.apps.records.models import CreditRecord
    from socredit.apps.registry.models import Organization, Role
    from socredit.apps.spotchecks.models import SpotCheck

    org = Organization.objects.get(pk=org_id)
    filed = AnnualReport.objects.filter(
        organization_id=org_id, state__in=["submitted", "concluded"], submitted_on__lte=as_of
    )
    recs = CreditRecord.objects.filter(
        organization_id=org_id, is_current=True, status=1, occurred_on__lte=as_of
    )
    kind = rule.kind
    if kind == "annual_report_overdue":
        for r in recs.filter(
            kind__code="annual_report_missing", occurred_on__lte=as_of - dt.timedelta(days=t["grace_days"])
        ):
            year = (
                int(r.external_id.split("-")[2])
                if r.external_id.startswith("annualreport-missing-")
                else r.occurred_on.year - 1
            )
            if year >= as_of.year - 2 and not filed.filter(year=year).exists():
                return True
        return False
    if kind == "dormant":
        return org_id in _dormant(as_of)
    if kind == "address_unreachable":
        since = as_of - dt.timedelta(days=t["lookback_days"])
        return SpotCheck.objects.filter(organization_id=org_id, result="unreachable", checked_on__gte=since,
                                        checked_on__lte=as_of).exists() or recs.filter(
            kind__code="address_unreachable", occurred_on__gte=since).exists()  # fmt: skip
    if kind == "election_overdue":
        starts = [org.registered_on]
        starts += [
            dt.date(y, 12, 31)
            for y, e in filed.filter(year__gte=as_of.year - 10).values_list("year", "content__election_held")
            if e == "yes"
        ]
        starts += list(
            recs.filter(
                kind__code="election_on_time", occurred_on__gte=dt.date(as_of.year - 10, 1, 1)
            ).values_list("occurred_on", flat=True)
        )
        starts += list(Role.objects.filter(organization_id=org_id, kind__in=["legal_rep", "chair"], stated_name="", start_on__lte=as_of)
                       .filter(Q(end_on__isnull=True) | Q(end_on__gte=as_of)).values_list("start_on", flat=True))  # fmt: skip
        start = max(starts)
        try:
            end = start.replace(year=start.year + t["term_years"])
        except ValueError:  # 29 February
            end = start.replace(year=start.year + t["term_years"], day=28)
        return end < as_of - dt.timedelta(days=t["grace_days"])
    if kind == "banned_person":
        persons = Role.objects.filter(organization_id=org_id, kind__in=t["posts"], stated_name="", start_on__lte=as_of).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=as_of)).values_list("person_id", flat=True)  # fmt: skip
        for p in persons:
            if Ban.objects.filter(binding_on(as_of), person_id=p).exists():
                return True
            if t["include_serious_list"] and PersonListing.objects.filter(
                person_id=p, public=True, erased=False, archived_on__isnull=True, from_date__lte=as_of,
                retention_until__gte=as_of).exists():  # fmt: skip
                return True
        return False
    if kind == "complaint_burst":
        n = recs.filter(
            kind__code="complaint_verified", occurred_on__gt=as_of - dt.timedelta(days=t["days"])
        ).count()
        return n >= t["count"]
    figs = ReportFigure.objects.filter(report__organization_id=org_id, report__state__in=["submitted", "concluded"],
                                       report__year__gte=as_of.year - 3, report__year__lt=as_of.year)  # fmt: skip
    if kind == "figure_change":
        code = t["figure"][0]
        by_year = dict(figs.filter(code=code).values_list("report__year", "value"))
        recent = [y for y in by_year if y >= as_of.year - 2]
        if not recent:
            return False
        y = max(recent)
        cur, prev = float(by_year[y]), by_year.get(y - 1)
        if prev is None or float(prev) <= 0:
            return False
        return (
            abs(cur - float(prev)) / float(prev) >= t["ratio"] - 1e-9
            and max(cur, float(prev)) >= t["min_amount"]
        )
    if kind == "figure_amount":
        rows = list(
            figs.filter(code__in=t["figures"], report__year__gte=as_of.year - 2).values_list(
                "report__year", "value"
            )
        )
        if rows:
            y = max(r[0] for r in rows)
            total = sum(float(v) for yr, v in rows if yr == y)
            if total > 0 and total >= t["amount"]:
                return True
        mode = t["transactions"][0]
        if mode == "off":
            return False
        from socredit.apps.riskwarnings.models import FinancialTransaction

        moves = FinancialTransaction.objects.filter(
            organization_id=org_id, occurred_on__lte=as_of,
            occurred_on__gte=as_of - dt.timedelta(days=t["lookback_days"]),
        )  # fmt: skip
        if mode == "single":
            return moves.filter(amount__gt=0, amount__gte=t["amount"]).exists()
        total = sum(float(m.amount) for m in moves.filter(**{mode: True}))
        return total > 0 and total >= t["amount"]
    raise ValueError(kind)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_in_place_arguments(parser)
    parser.add_argument("--sample", type=int, default=300, help="organizations recounted one by one")
    args = parser.parse_args()

    from bench._common import Results, finish_scratch, start_django

    scratch, _url = start_django(args.db)
    from socredit.apps.annualreports.deadlines import run_deadlines
    from socredit.apps.registry.models import Organization
    from socredit.apps.riskwarnings.frames import WATCHED_STATUSES
    from socredit.apps.riskwarnings.models import OPEN_STATES, RiskWarning, WarningEvent, WarningRule
    from socredit.apps.riskwarnings.run import rules_in_force, run_daily
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today
    from socredit.core.riskwarnings.rules import validate_thresholds

    actor = SystemPrincipal("bench")
    as_of = today()
    load_demo_unless_in_place(args, as_of, evaluate=False)
    t = time.perf_counter()
    made = _prepare(args.seed, as_of)
    run_deadlines(actor, as_of=as_of)  # the annual_report_missing records the overdue rule reads
    # thresholds that make every rule fire at this size (the recount then checks positives too)
    WarningRule.objects.filter(code="complaint-burst").update(thresholds={"count": 1, "days": 365})
    WarningRule.objects.filter(code="election-overdue").update(thresholds={"term_years": 3, "grace_days": 0})
    print(
        f"prepared: {made['reports']:,} reports, {made['figures']:,} figures, {made['bans']:,} bans, {made['transactions']:,} transactions in {time.perf_counter() - t:.1f}s"
    )
    orgs = Organization.objects.count()

    results = Results("warning_run")
    wrong = results.wrong
    t, cpu = time.perf_counter(), time.process_time()
    first = run_daily(actor, as_of=as_of)
    first_s, first_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"{'first run':<34} {first_s:7.2f}s (cpu {first_cpu:6.2f}s)  {first.line()}")
    for code, n in sorted(first.by_rule.items()):
        print(f"   {code:<30} {n:>8,}")
    events = WarningEvent.objects.count()
    t = time.perf_counter()
    second = run_daily(actor, as_of=as_of)
    second_s = time.perf_counter() - t
    print(f"{'second run (nothing to write)':<34} {second_s:7.2f}s  {second.line()}")
    if (
        second.raised
        or second.updated
        or second.cleared
        or second.escalated
        or WarningEvent.objects.count() != events
    ):
        wrong.append("the second run on the same day wrote")
    t = time.perf_counter()
    third = run_daily(actor, as_of=as_of + dt.timedelta(days=1))
    third_s = time.perf_counter() - t
    print(f"{'next day (last seen, clear)':<34} {third_s:7.2f}s  {third.line()}")

    if first.errors:
        wrong.append(f"errors: {first.errors[:3]}")
    if first.raised != first.found:
        wrong.append(f"{first.raised} raised of {first.found} found on a database without warnings")
    # the per-organization recount on a sample, against the warnings left open after the first run's day
    rules = [(r, validate_thresholds(r.kind, r.thresholds)) for r in rules_in_force(as_of)]
    rng = random.Random(args.seed)
    watched = list(Organization.objects.filter(status__in=WATCHED_STATUSES).values_list("pk", flat=True))
    sample = rng.sample(watched, min(args.sample, len(watched)))
    open_pairs = set(
        RiskWarning.objects.filter(organization_id__in=sample, first_seen=as_of).values_list(
            "organization_id", "rule_id"
        )
    )
    mismatches = []
    for org in sample:
        for rule, th in rules:
            if recount(org, rule, th, as_of) != ((org, rule.pk) in open_pairs):
                mismatches.append(f"{org}/{rule.code}")
    if mismatches:
        wrong.append(f"recount differs for {len(mismatches)}: {mismatches[:5]}")
    print(f"recount of {len(sample)} organizations × {len(rules)} rules: {len(mismatches)} differences")
    still_open = RiskWarning.objects.filter(state__in=OPEN_STATES).count()
    results.add("organizations", orgs, "organizations")
    results.add("warnings found", first.found, "warnings")
    results.add("first run", round(first_s, 2), "s")
    results.add("second run (idempotent)", round(second_s, 2), "s")
    results.add("next day's run", round(third_s, 2), "s")
    results.add("open warnings", still_open, "warnings")
    estimate = first_s * 1_000_000 / max(orgs, 1)
    results.add("first run at 1,000,000 organizations (linear estimate)", round(estimate), "s",
                None if args.smoke or orgs < 100_000 else TARGET_PER_MILLION_S)  # fmt: skip
    print(f"linear estimate at 1,000,000 organizations: {estimate:,.0f}s first run, "
          f"{third_s * 1_000_000 / max(orgs, 1):,.0f}s a following day (indicative: 2 shared cores)")  # fmt: skip
    finish_scratch(scratch, args.keep or bool(args.db))
    if wrong:
        print("WRONG RESULT: " + "; ".join(wrong))
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
