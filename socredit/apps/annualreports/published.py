"""年报公开 — the public part of an organization's annual work reports, as the portal publishes it.

Which reports: the concluded ones (已办结). A foundation publishes its annual work report once the
registration authority has reviewed it (《基金会信息公布办法》（民政部令第31号）第五条), and the
conclusion is that review; for the other types the same moment is the design default, so that
nothing the authority has not reviewed appears on the portal as the organization's 年报信息. (A
charity's own publication on the national charity platform is its own, not this portal's.)

What of each report: ``core.annualreports.schema.disclosure`` decides, by the organization's type
and whether the report says it is a charity — the whole report for foundations and charities, the
年报信息 of the summary for the others — and never the contact person's name and telephone. A field
or figure that is not public is never read into the answer, so it cannot leak into the page, the
stored answer or the open data, which all serialise this.

``published_reports(org, language)`` → a list, newest year first, of::

    {"year": 2025, "result": "合格", "concluded_on": "2026-04-01", "submitted_on": "2026-03-01",
     "whole_report": false, "basis": ["《社会组织信用信息管理办法》（民政部令第60号）第六条、第七条"],
     "fields": [{"code": "activities_summary", "label": "本年度业务活动情况", "value": "…"}, …],
     "figures": [{"code": "bs_total_assets", "label": "资产总计", "statement": "资产负债表",
                  "value": "1000000.00"}, …]}

``code`` is a stable key (the open data's column), never shown as text; values are text, amounts
decimal strings in yuan. The text of a field is given as stored: the portal scrubs it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from socredit.apps.annualreports.display import report_disclosure
from socredit.apps.annualreports.models import AnnualReport, ReportFigure
from socredit.apps.registry.models import Organization
from socredit.core.annualreports.schema import (
    FIGURES,
    FieldKind,
    InspectionResult,
    ReportField,
    ReportState,
    fields_for,
    yes,
)
from socredit.core.types import OrgType

PUBLISHED_STATES = (ReportState.CONCLUDED.value,)
"""The reports the public reads (see the module docstring)."""

_YES_NO = {True: ("是", "Yes"), False: ("否", "No")}


def _english(language: str) -> bool:
    return language.startswith("en")


def field_text(f: ReportField, value: Any, language: str) -> str:
    """A field's stored value as a reader reads it ("" for nothing filled in)."""
    if value is None or value == "":
        return ""
    if f.kind is FieldKind.YES_NO:
        zh, en = _YES_NO[yes(value)]
        return en if _english(language) else zh
    if f.kind is FieldKind.CHOICE:
        choice = f.choice(str(value))
        return choice.label(language) if choice else ""
    return str(value)


def published_reports(org: Organization, language: str = "zh-hans") -> list[dict[str, Any]]:
    """The public part of ``org``'s concluded reports, newest year first (see the module docstring)."""
    reports = (
        AnnualReport.objects.filter(organization=org, state__in=PUBLISHED_STATES)
        .prefetch_related(Prefetch("figures", queryset=ReportFigure.objects.order_by("code")))
        .order_by("-year")
    )
    try:
        org_type = OrgType(org.org_type)
    except ValueError:
        return []
    out = []
    for report in reports:
        content = report.content or {}
        report.organization = org
        rules = report_disclosure(report)
        values = {fig.code: fig.value for fig in report.figures.all()}
        fields = [
            {"code": f.code, "label": f.label(language), "value": text}
            for f in fields_for(org_type)
            if rules.field_public(f.code) and (text := field_text(f, content.get(f.code), language))
        ]
        figures = [
            {"code": f.code, "label": f.label(language), "statement": f.statement.label(language),
             "value": f"{values[f.code]:.2f}"}
            for f in FIGURES
            if rules.figure_public(f.code) and f.code in values
        ]  # fmt: skip
        out.append(
            {
                "year": report.year,
                "result": InspectionResult(report.result).label(language) if report.result else "",
                "concluded_on": report.concluded_on.isoformat() if report.concluded_on else None,
                "submitted_on": report.submitted_on.isoformat() if report.submitted_on else None,
                "whole_report": rules.whole_report,
                "basis": list(rules.basis),
                "fields": fields,
                "figures": figures,
            }
        )
    return out
