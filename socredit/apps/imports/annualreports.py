"""导入往年年度工作报告 — the annual work reports of past years, from the spreadsheets the offices keep:
one row per organization and year, the financial figures in columns (the contract's codes, or their
Chinese names), the inspection result and its dates where the year was concluded.

Each row is checked like a filed report (``core.annualreports.validation``: every amount, the sign
of each line, the sub-totals, the balance, the totals a filed report must state, a year that has
ended and not before the organization was registered) and gets its errors by row, column and
reason; a bad row never stops the good ones.

A row becomes a report filed on paper (``channel`` paper, entered by the import): concluded with
its result when the row has one (``annual_inspection_<result>`` is then written as a credit record
with the report's external id, as a conclusion on the page does), submitted otherwise.

Idempotent by (organization, year): a report already there with the same figures, result and
dates is unchanged; one filed online or otherwise different is an error on the row (a report is
corrected on its own page, never overwritten by a file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext

from socredit.apps.annualreports.models import AnnualReport, ReportFigure, ReportStateChange
from socredit.apps.annualreports.services import write_report_record
from socredit.apps.audit.services import actor_label
from socredit.apps.imports.models import ImportKind
from socredit.apps.imports.services import CHUNK, IMPORTERS, Importer, PreloadedLookups
from socredit.apps.records import bulk
from socredit.apps.records.signals import collected_changes
from socredit.apps.registry.models import Organization
from socredit.apps.registry.validation import organization_not_found
from socredit.core.annualreports.schema import (
    FIGURE_BY_CODE,
    FIGURES,
    REQUIRED_FIGURES,
    Channel,
    InspectionResult,
    ReportState,
)
from socredit.core.annualreports.validation import check_figures, check_year, parse_figure
from socredit.core.values import parse_date

FIRST_YEAR = 2000
"""No electronic annual report of a social organization predates it (as for the evaluation)."""

RESULTS = {
    **{r.value: r for r in InspectionResult},
    **{r.zh: r for r in InspectionResult},
    **{r.en.lower(): r for r in InspectionResult},
}


def parse_result(text: str) -> InspectionResult | None:
    """合格 / 基本合格 / 不合格 (or pass / basic / fail, or the English words)."""
    return RESULTS.get(text.strip()) or RESULTS.get(text.strip().lower())


class AnnualReportImporter(Importer):
    kind = ImportKind.ANNUAL_REPORTS

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        lookups = PreloadedLookups(self.actor, with_persons=False)
        pending: list[tuple[int, dict[str, Any]]] = []
        seen: dict[tuple[int, int], int] = {}
        for n, row in rows:
            self.total += 1
            values = self._clean(n, row, lookups)
            if values is None:
                continue
            key = (values["organization"].pk, values["year"])
            if key in seen:
                self.error(n, "year", gettext("The organization and year repeat row %(row)s (one report per year)")
                           % {"row": seen[key]})  # fmt: skip
                continue
            seen[key] = n
            pending.append((n, values))

        existing: dict[tuple[int, int], AnnualReport] = {}
        keys = list(seen)
        for chunk in bulk.chunks(keys, CHUNK):
            orgs = {org for org, _year in chunk}
            for report in AnnualReport.objects.filter(organization_id__in=orgs).prefetch_related("figures"):
                existing[(report.organization_id, report.year)] = report
        self.new: list[dict[str, Any]] = []
        for n, values in pending:
            report = existing.get((values["organization"].pk, values["year"]))
            if report is None:
                self.new.append(values)
                self.created += 1
            elif self._same(report, values):
                self.unchanged += 1
            elif report.channel != Channel.PAPER.value or not report.entered_by_label.startswith("批量导入"):
                self.error(n, "year", gettext(
                    "The organization already has a report on %(year)s filed in the system; it is corrected on its own "
                    "page, not by a file"
                ) % {"year": values["year"]})  # fmt: skip
            else:
                self.error(n, "year", gettext(
                    "A report on %(year)s was imported before with other values; correct it on its own page"
                ) % {"year": values["year"]})  # fmt: skip

    def _clean(self, n: int, row: dict[str, Any], lookups: PreloadedLookups) -> dict[str, Any] | None:
        """The row's values, or None after recording every error of the row."""
        before = len(self.errors)
        code = str(row.get("organization") or "").strip().upper().replace(" ", "")
        org: Organization | None = lookups.organization(code) if code else None
        if not code:
            self.error(n, "organization", gettext("Enter the unified social credit code"))
        elif org is None:
            self.error(n, "organization", organization_not_found(code))
        year = _year(row.get("year"))
        if year is None:
            self.error(n, "year", gettext("Enter the year reported as four digits, e.g. 2024"))
        elif org is not None:
            for p in check_year(year, today=self.today, registered_on=org.registered_on):
                self.error(n, "year", p.text(_language()))
        figures: dict[str, Decimal] = {}
        for f in FIGURES:
            value, problem = parse_figure(f.code, row.get(f.code))
            if problem:
                self.error(n, f.code, problem.text(_language()))
            elif value is not None:
                figures[f.code] = value
        if len(self.errors) == before:
            for p in check_figures(figures):
                self.error(n, p.field, p.text(_language()))
            for code_ in REQUIRED_FIGURES:
                if code_ not in figures:
                    self.error(n, code_, gettext("Fill in “%(name)s” (0 if none)")
                               % {"name": FIGURE_BY_CODE[code_].label(_language())})  # fmt: skip
        result_text = str(row.get("result") or "").strip()
        result = parse_result(result_text) if result_text else None
        if result_text and result is None:
            self.error(n, "result", gettext("The result must be one of 合格, 基本合格, 不合格"))
        submitted_on = self._date(n, row, "submitted_on")
        concluded_on = self._date(n, row, "concluded_on")
        if result is not None and concluded_on is None and "concluded_on" not in self.error_fields(n):
            self.error(n, "concluded_on", gettext("Enter the day the inspection was concluded"))
        if result is None and concluded_on is not None and not result_text:
            self.error(n, "result", gettext("Enter the result of the inspection concluded on that day"))
        if year is not None:
            for field, day in (("submitted_on", submitted_on), ("concluded_on", concluded_on)):
                if day is not None and day.year <= year:
                    self.error(n, field, gettext("The day must be after the year reported has ended"))
        if submitted_on and concluded_on and concluded_on < submitted_on:
            self.error(n, "concluded_on", gettext("The day cannot be earlier than the submission"))
        if len(self.errors) > before:
            return None
        assert org is not None and year is not None  # for the type checker: errors above otherwise
        return {"organization": org, "year": year, "figures": figures, "result": result,
                "submitted_on": submitted_on or concluded_on, "concluded_on": concluded_on}  # fmt: skip

    def error_fields(self, n: int) -> set[str]:
        return {e["field"] for e in self.errors if e["row"] == n}

    def _date(self, n: int, row: dict[str, Any], field: str) -> dt.date | None:
        raw = row.get(field)
        if raw in (None, ""):
            return None
        try:
            return parse_date(raw, today=self.today)
        except ValueError as exc:
            self.error(n, field, str(exc))
            return None

    @staticmethod
    def _same(report: AnnualReport, values: dict[str, Any]) -> bool:
        stored = {f.code: f.value for f in report.figures.all()}
        result = values["result"].value if values["result"] else None
        return (stored == values["figures"] and report.result == result
                and report.concluded_on == values["concluded_on"]
                and report.submitted_on == values["submitted_on"])  # fmt: skip

    def write(self) -> None:
        label = f"批量导入（{self.run.file_name}）"[:150]
        by = actor_label(self.actor)[:150]
        with collected_changes(label):
            for values in self.new:
                result: InspectionResult | None = values["result"]
                report = AnnualReport.objects.create(
                    organization=values["organization"], year=values["year"], channel=Channel.PAPER.value,
                    state=(ReportState.CONCLUDED if result else ReportState.SUBMITTED).value,
                    submitted_on=values["submitted_on"], result=result.value if result else None,
                    concluded_on=values["concluded_on"], entered_by_label=label,
                    conclusion_note=label if result else "",
                )  # fmt: skip
                ReportFigure.objects.bulk_create(
                    ReportFigure(report=report, code=code, value=value)
                    for code, value in values["figures"].items()
                )
                ReportStateChange.objects.create(report=report, from_state="", to_state=report.state,
                                                 actor_label=by, reason=label)  # fmt: skip
                if result is not None:
                    summary = f"{report.year}年度检查结论：{result.zh}（{label}）"
                    report.inspection_record = write_report_record(
                        self.actor, self.run.channel, report, result.record_kind, "inspection",
                        values["concluded_on"], summary[:500],
                    )  # fmt: skip
                    report.save(update_fields=["inspection_record"])

    def audit_data(self) -> dict[str, Any]:
        return {"reports": [[v["organization"].code, v["year"]] for v in self.new][:1000]}


def _year(raw: Any) -> int | None:
    text = str(raw if raw is not None else "").strip().removesuffix("年度").removesuffix("年")
    if not (text.isdigit() and len(text) == 4):
        return None
    year = int(text)
    return year if year >= FIRST_YEAR else None


def _language() -> str:
    return get_language() or "zh-hans"


IMPORTERS[ImportKind.ANNUAL_REPORTS] = AnnualReportImporter
