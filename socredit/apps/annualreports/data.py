"""年报数据 — the figures of filed annual work reports as other systems and staff read them: the
department API (``api_data``), the staff export and ``socredit annualreport_figures``.

Only filed reports are read here (已提交 and 已办结): a draft, and a report returned for correction,
is the organization's work in progress. Everything goes through ``access_filed_reports`` (region
scoping by ``access.access_reports``, the same for a staff account and a department token); an
organization out of scope and one without a report give the same 404.

A region's figures for a year are a table with one row per report and one column per figure code
(``FIGURES`` order); the export labels the columns in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from socredit.apps.annualreports.access import access_reports
from socredit.apps.annualreports.models import AnnualReport, ReportFigure
from socredit.apps.registry.models import Region
from socredit.common.access import scope_path_of
from socredit.core.annualreports.schema import FIGURES, ReportState

FILED_STATES = (ReportState.SUBMITTED.value, ReportState.CONCLUDED.value)
"""The reports other systems read: filed (submitted) and concluded ones."""

CHUNK = 2000
"""Reports read per query by the export (keyset paging by id)."""


def with_figures(queryset: QuerySet[AnnualReport]) -> QuerySet[AnnualReport]:
    """The reports with their figures read in one more query per page (``report.figures.all()``)."""
    return queryset.prefetch_related(Prefetch("figures", queryset=ReportFigure.objects.order_by("code")))


def access_filed_reports(principal: Any) -> QuerySet[AnnualReport]:
    """Filed and concluded reports of organizations within the principal's region."""
    return access_reports(principal).filter(state__in=FILED_STATES)


def region_in_scope(principal: Any, code: str | None) -> Region | None:
    """The region ``code`` (GB/T 2260) if the principal may read it (its own or one below); None for
    no code (the principal's whole region). Http404 for an unknown or out-of-scope region."""
    if not code:
        return None
    region = Region.objects.filter(code=str(code).strip()).first()
    scope = scope_path_of(principal)
    if region is None or scope is None or not region.path.startswith(scope):
        raise Http404
    return region


def region_reports(principal: Any, year: int, region: Region | None = None) -> QuerySet[AnnualReport]:
    """The filed reports on ``year`` of the organizations in ``region`` (default: the principal's
    whole region), in the order of the organizations' codes."""
    qs = access_filed_reports(principal).filter(year=year)
    if region is not None:
        qs = qs.filter(organization__region__path__startswith=region.path)
    return qs.order_by("organization__code", "id")


def figures_of(report: AnnualReport) -> dict[str, Decimal]:
    """code → amount of one report (through the prefetched figures when there are some)."""
    return {f.code: f.value for f in report.figures.all()}


# --- the export table --------------------------------------------------------------------------

BASE_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("organization_code", _("Unified social credit code")),
    ("organization_name", _("Name")),
    ("region", _("Region")),
    ("year", _("Year reported")),
    ("state", _("State")),
    ("channel", _("Channel")),
    ("submitted_on", _("Submitted on")),
    ("result", _("Inspection result")),
    ("concluded_on", _("Concluded on")),
)


def export_headers(language: str) -> list[str]:
    """The column titles: the report's own, then every figure in its statement's order, 元."""
    return [str(title) for _key, title in BASE_COLUMNS] + [
        f"{f.label(language)}（元）" if not language.startswith("en") else f"{f.label(language)} (yuan)"
        for f in FIGURES
    ]


def export_rows(reports: QuerySet[AnnualReport]) -> Iterator[list[Any]]:
    """One line per report, figures in ``FIGURES`` order (blank: not reported); read by keyset pages
    of ``CHUNK`` reports, each with its figures in one more query, so memory stays flat."""
    ordered = reports.order_by("id")
    last = 0
    while True:
        page = list(with_figures(ordered.filter(id__gt=last))[:CHUNK])
        if not page:
            return
        for report in page:
            org = report.organization
            values = figures_of(report)
            yield [
                org.code, org.name, org.region.name, report.year, report.state_label, report.channel_label,
                report.submitted_on, report.result_label, report.concluded_on,
                *[values.get(f.code) for f in FIGURES],
            ]  # fmt: skip
        last = page[-1].pk
