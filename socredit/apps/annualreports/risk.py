"""The automatic review checks on submitted reports: run, store, read, and filter the queue by them.

``store_flags(report)`` runs ``core.annualreports.checks`` on the report's figures, the previous
year's submitted report (if any) and the organization's facts (type; charity and public fundraising
as the report states them), under the policy profile of the organization's registration authority
on the day of submission, and replaces the stored findings. It is called by the submission (inside
its transaction) and by ``socredit annualreports recheck``. ``flags_for(report)`` reads them (or
computes them, without storing, for a report never checked). ``filter_by_risk`` narrows a queryset
of reports (the review queue) by severity or finding.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language

from socredit.apps.annualreports.models import AnnualReport, ReportFigure
from socredit.apps.annualreports.models_checks import ReportCheck, ReportFlag
from socredit.apps.audit.services import record_event
from socredit.apps.registry.services import authority_region
from socredit.common.clock import today
from socredit.common.policy import NoProfile, policy_profile
from socredit.core.annualreports.checks import (
    FLAG_CODES,
    FLAG_TITLES,
    SEVERITIES,
    CheckParameters,
    Flag,
    OrgFacts,
    run_checks,
    worst,
)
from socredit.core.annualreports.schema import ReportState, yes

CHECKED_STATES = (ReportState.SUBMITTED.value, ReportState.RETURNED.value, ReportState.CONCLUDED.value)
"""States in which a report's figures have been submitted at least once."""


def statement_of(report: AnnualReport) -> dict[str, Decimal]:
    return {
        code: value for code, value in ReportFigure.objects.filter(report=report).values_list("code", "value")
    }


def previous_statement(report: AnnualReport) -> dict[str, Decimal] | None:
    """The figures of the organization's report on the year before, if it was ever submitted."""
    previous = (
        AnnualReport.objects.filter(
            organization_id=report.organization_id, year=report.year - 1, submitted_on__isnull=False
        )  # fmt: skip
        .only("pk")
        .first()
    )
    return statement_of(previous) if previous is not None else None


def facts_of(report: AnnualReport) -> OrgFacts:
    content = report.content or {}
    return OrgFacts(
        org_type=report.organization.org_type,
        is_charity=yes(content.get("charity_organization")),
        public_fundraising=yes(content.get("public_fundraising")),
    )


def compute_flags(report: AnnualReport, *, day: dt.date | None = None) -> tuple[list[Flag], str]:
    """The checks' findings on ``report`` and the version of the profile they used."""
    day = day or report.submitted_on or today()
    region = authority_region(report.organization)
    try:
        profile = policy_profile(day, region)
    except NoProfile:  # a paper report received before the oldest profile: today's thresholds (recorded)
        profile = policy_profile(today(), region)
    flags = run_checks(statement_of(report), previous_statement(report), facts_of(report),
                       CheckParameters.from_profile(profile))  # fmt: skip
    return flags, profile.version


@transaction.atomic
def store_flags(report: AnnualReport, *, actor: Any = None, channel: str = "system") -> list[Flag]:
    """Run the checks on ``report`` and replace its stored findings (one transaction).

    Called by the submission inside its own transaction (then ``actor`` is None: the submission's
    audit event covers it); a recheck from the console passes its actor and is audited here."""
    day = today()
    flags, version = compute_flags(report, day=report.submitted_on or day)
    ReportFlag.objects.filter(report=report).delete()
    ReportFlag.objects.bulk_create(
        ReportFlag(report=report, code=f.code, severity=f.severity, message_zh=f.message_zh,
                   message_en=f.message_en, figures={k: str(v) for k, v in f.figures.items()})
        for f in flags
    )  # fmt: skip
    ReportCheck.objects.update_or_create(
        report=report,
        defaults={"worst": worst(flags) or "", "flag_count": len(flags), "checked_on": day,
                  "profile_version": version},
    )  # fmt: skip
    if actor is not None:
        record_event(actor=actor, channel=channel, action="annualreport.check", target=report,
                     summary=f"{report.organization.name}：{report.year}年度工作报告自动审核，提示 {len(flags)} 项",
                     data={"flags": [f.code for f in flags], "worst": worst(flags), "profile": version})  # fmt: skip
    return flags


def flags_for(report: AnnualReport) -> list[Flag]:
    """The findings on ``report``: the stored ones when it was checked, else computed now (not stored)."""
    if ReportCheck.objects.filter(report=report).exists():
        return [
            Flag(
                r.code, r.severity, r.message_zh, r.message_en, {k: Decimal(v) for k, v in r.figures.items()}
            )  # type: ignore[arg-type] # severity is one of SEVERITIES: only store_flags writes it
            for r in ReportFlag.objects.filter(report=report).order_by("id")
        ]
    return compute_flags(report)[0]


def message(flag: Flag | ReportFlag) -> str:
    """The finding's message in the current language."""
    return flag.message_en if (get_language() or "").startswith("en") else flag.message_zh


def flag_title(code: str) -> str:
    zh, en = FLAG_TITLES.get(code, (code, code))
    return en if (get_language() or "").startswith("en") else zh


def risk_filter_choices() -> list[tuple[str, str]]:
    """Choices for the queue's risk filter: by severity (``sev:<severity>``) then by finding."""
    from django.utils.translation import gettext

    choices = [
        ("sev:high", gettext("Over a legal limit")),
        ("sev:warning", gettext("Inconsistency or worse")),
        ("sev:info", gettext("Any finding")),
        ("none", gettext("No findings")),
    ]
    return choices + [(code, flag_title(code)) for code in FLAG_CODES]


def filter_by_risk(reports: QuerySet[AnnualReport], value: str) -> QuerySet[AnnualReport]:
    """Narrow ``reports`` by a ``risk_filter_choices`` value: ``sev:<s>`` keeps reports whose worst
    finding is ``s`` or worse, ``none`` those checked without findings, a finding code those with
    that finding; an empty or unknown value changes nothing."""
    if value.startswith("sev:") and value[4:] in SEVERITIES:
        at_least = SEVERITIES[SEVERITIES.index(value[4:]) :]
        return reports.filter(check_summary__worst__in=at_least)
    if value == "none":
        return reports.filter(check_summary__flag_count=0)
    if value in FLAG_CODES:
        # the reports with the finding read from the (code, report) index first; a correlated EXISTS
        # per report walked every report of the queue (bench/annual_queue.py)
        return reports.filter(pk__in=ReportFlag.objects.filter(code=value).values("report_id"))
    return reports


def flag_labels_for(reports: list[AnnualReport]) -> dict[int, list[str]]:
    """Short labels of each report's stored findings, worst first, for a page of the queue (one query):
    report id → labels (in the current language); reports without findings are absent."""
    out: dict[int, list[tuple[int, str]]] = {}
    rows = ReportFlag.objects.filter(report_id__in=[r.pk for r in reports]).values_list(
        "report_id", "code", "severity"
    )
    for report_id, code, severity in rows.order_by("report_id", "id"):
        out.setdefault(report_id, []).append((SEVERITIES.index(severity), flag_title(code)))
    return {
        rid: list(dict.fromkeys(label for _rank, label in sorted(items, key=lambda x: -x[0])))
        for rid, items in out.items()
    }


def severity_label(severity: str) -> str:
    """A severity as pages name it (提示关注 / 数据不符 / 超出法定比例)."""
    from socredit.apps.annualreports.models_checks import SEVERITY_LABELS

    return str(SEVERITY_LABELS.get(severity, severity))
