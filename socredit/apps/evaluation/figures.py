"""The report figures the evaluation reads (core.scoring.figures): for an indicator that reads a
figure of the annual work report, the figures of the organizations' concluded reports, each known
from the day the registration authority concluded it (``concluded_on``), in ``FIGURE_SCHEMA``.

Only concluded reports count: a submitted report is not reviewed yet, and the portal publishes the
same ones (``annualreports.published``). One query per chunk of organizations, reading only the
codes the model needs (the figure table's index is on code and report)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import polars as pl

from socredit.apps.annualreports.models import AnnualReport, ReportFigure
from socredit.core.annualreports.schema import ReportState
from socredit.core.scoring.facts import day_number
from socredit.core.scoring.figures import FIGURE_SCHEMA, empty_figures


def report_figures(
    lo: int, hi: int, ids: np.ndarray[Any, Any] | None, codes: Collection[str]
) -> pl.DataFrame:
    """Figures of ``codes`` of the concluded reports of organizations lo <= id < hi (or exactly ``ids``)."""
    if not codes or hi <= lo:
        return empty_figures()
    reports = AnnualReport.objects.filter(state=ReportState.CONCLUDED.value, concluded_on__isnull=False)
    if ids is not None:
        reports = reports.filter(organization_id__in=[int(i) for i in ids])
    else:
        reports = reports.filter(organization_id__gte=lo, organization_id__lt=hi)
    rows = (
        ReportFigure.objects.filter(code__in=sorted(codes), report__in=reports)
        .values_list("report__organization_id", "report__year", "report__concluded_on", "code", "value")
        .order_by()
    )
    data = [
        (org, year, day_number(day), code, float(value)) for org, year, day, code, value in rows.iterator()
    ]
    return pl.DataFrame(data, schema=FIGURE_SCHEMA, orient="row") if data else empty_figures()
