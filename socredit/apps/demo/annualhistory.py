"""The demo's annual work reports of past years (历年年度工作报告), matching its credit records.

The generator writes, for each organization and year, the record of how its report was filed
(按时报送 / 逾期报送 / 未按规定报送) and often an inspection conclusion (合格 / 基本合格 / 不合格), but
no report behind them: the review queue, the filing rate of the statistics and the public profile's
annual report would then show next to nothing. This step files, for every on-time or late record,
the report it speaks of — submitted on the record's day, concluded with the inspection's result on
its day where there is one, linked to both records — with statements that hold together (in
proportion to a size drawn per organization, each year's net assets following from the last; a
few show a loss) and the contents a report carries. Organizations recorded as not filing get no report, so the
figures and the records agree.

Reports already there (the hand-made ones of ``demo.annualreports``) are left as they are. The
rows are written in bulk, like the rest of the demo load; the automatic review checks are stored
for last year's reports still waiting in the queue, as a submission stores them.

Deterministic for a given database: the sizes come from the organization's code.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections import Counter
from decimal import Decimal

from django.db import transaction

from socredit.apps.annualreports.models import AnnualReport, ReportFigure, ReportStateChange
from socredit.apps.annualreports.risk import store_flags
from socredit.apps.demo.annualreports import _facts, _figures
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.common import clock
from socredit.core.annualreports.schema import LATE_KIND, ON_TIME_KIND, Channel, InspectionResult, ReportState

INSPECTION = {r.record_kind: r for r in InspectionResult}
ONLINE_SINCE = 2021
"""From this report year on, the demo's organizations file online; earlier reports were on paper."""
PAPER_LABEL = "登记管理机关录入（纸质年报）"
BATCH = 2_000


def _first_records(kinds: list[str]) -> dict[tuple[int, int], tuple[int, dt.date, str]]:
    """(org, year reported) → (record id, day, kind) of the first record of ``kinds`` about that year's
    report (written in the year after it)."""
    out: dict[tuple[int, int], tuple[int, dt.date, str]] = {}
    rows = (
        CreditRecord.objects.filter(kind__code__in=kinds)
        .order_by("occurred_on", "pk")
        .values_list("pk", "organization_id", "occurred_on", "kind__code")
    )
    for pk, org, day, kind in rows.iterator(chunk_size=10_000):
        out.setdefault((org, day.year - 1), (pk, day, kind))
    return out


def _scale(scales: dict[int, tuple[int, Decimal]], org: int, year: int, seed: int, loss: bool) -> Decimal:
    """The size of an organization's statements in ``year``, chained to its previous report so that
    last year's closing net assets plus this year's change give this year's (``demo.annualreports._figures``:
    net assets 8 s, change +s, or -s in a year with a loss), as a real organization's statements do."""
    previous = scales.get(org)
    if previous is not None and previous[0] == year - 1:
        scale = (previous[1] * 8 / (9 if loss else 7)).quantize(Decimal("0.01"))
    else:
        scale = Decimal(5_000 + seed % 60_000)
    scales[org] = (year, scale)
    return scale


def create_report_history(*, today: dt.date) -> Counter[str]:
    """File the reports the demo's timeliness records speak of; a second call adds nothing."""
    out: Counter[str] = Counter()
    filed = _first_records([ON_TIME_KIND, LATE_KIND])
    inspected = _first_records(list(INSPECTION))
    have = set(AnnualReport.objects.values_list("organization_id", "year"))
    wanted = sorted(key for key in filed if key not in have and key[1] < today.year)
    orgs = Organization.objects.in_bulk({org for org, _year in wanted})
    queue: list[AnnualReport] = []
    scales: dict[int, tuple[int, Decimal]] = {}
    for start in range(0, len(wanted), BATCH):
        reports, statements = [], []
        for org_id, year in wanted[start : start + BATCH]:
            org = orgs[org_id]
            record, submitted_on, _kind = filed[(org_id, year)]
            seed = zlib.crc32(org.code.encode())
            rng = random.Random(seed * 10_000 + year)
            loss = rng.random() < 0.05
            scale = _scale(scales, org_id, year, seed, loss)
            facts = _facts(org, seed % 97)
            # most, not all, have written Party building into their charter (the target is 100 %)
            facts["party_building_in_charter"] = "yes" if seed % 100 < 93 else "no"
            report = AnnualReport(
                organization=org, year=year, content=facts, submitted_on=submitted_on,
                timeliness_record_id=record, state=ReportState.SUBMITTED.value,
            )  # fmt: skip
            if year >= ONLINE_SINCE:
                report.channel = Channel.ONLINE.value
                report.declared_by_name = facts["legal_representative"]
            else:
                report.channel = Channel.PAPER.value
                report.entered_by_label = PAPER_LABEL
            conclusion = inspected.get((org_id, year))
            if conclusion is not None and conclusion[1] >= submitted_on:
                report.inspection_record_id, report.concluded_on, kind = conclusion
                report.result = INSPECTION[kind].value
                report.state = ReportState.CONCLUDED.value
            reports.append(report)
            statements.append(_figures(scale, loss=loss))
        with transaction.atomic():
            AnnualReport.objects.bulk_create(reports)
            ReportFigure.objects.bulk_create(
                (ReportFigure(report=r, code=code, value=value)
                 for r, figures in zip(reports, statements, strict=True) for code, value in figures.items()),
                batch_size=5_000,
            )  # fmt: skip
            ReportStateChange.objects.bulk_create(
                ReportStateChange(
                    report=r, from_state="", to_state=r.state, actor_label="演示数据", reason="历年年报"
                )
                for r in reports
            )
        for r in reports:
            out[r.state] += 1
            if r.state == ReportState.SUBMITTED.value and r.year == today.year - 1:
                queue.append(r)
    with clock.fixed(today), transaction.atomic():
        for r in queue:  # the automatic review checks, as a submission stores them
            store_flags(r)
    out["checked"] = len(queue)
    return out
