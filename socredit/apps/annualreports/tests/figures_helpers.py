"""Filed reports for the tests of the readers (API, export, public profile, evaluation): written
straight into the tables, as a concluded or submitted report would leave them, so that a reader's
test does not depend on the filing workflow's own checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socredit.apps.annualreports.models import AnnualReport, ReportFigure

BALANCED = {
    "bs_current_assets": "800000.00", "bs_fixed_assets": "200000.00", "bs_total_assets": "1000000.00",
    "bs_current_liabilities": "300000.00", "bs_total_liabilities": "300000.00",
    "bs_unrestricted_net_assets": "500000.00", "bs_restricted_net_assets": "200000.00",
    "bs_total_net_assets": "700000.00", "bs_total_liabilities_and_net_assets": "1000000.00",
    "ia_donation": "400000.00", "ia_total_income": "400000.00", "ia_program_costs": "250000.00",
    "ia_management_expenses": "50000.00", "ia_total_expenses": "300000.00", "ia_net_asset_change": "100000.00",
    "staff_compensation": "123456.78", "related_party_amount": "8765.43",
}  # fmt: skip
"""A balanced report; staff_compensation and related_party_amount are not public for a 社会团体."""


def filed_report(org, year: int, figures: dict[str, str] | None = None, *, state: str = "concluded",
                 result: str | None = "pass", content: dict | None = None, channel: str = "online",
                 submitted_on: dt.date | None = None, concluded_on: dt.date | None = None) -> AnnualReport:  # fmt: skip
    concluded = state == "concluded"
    report = AnnualReport.objects.create(
        organization=org, year=year, state=state, channel=channel,
        content=content if content is not None else {"activities_summary": f"{year}年开展公益活动", "contact_phone": "13800000000",
                                                      "contact_person": "李联系", "charity_organization": False},
        submitted_on=submitted_on or dt.date(year + 1, 3, 1),
        result=result if concluded else None,
        concluded_on=(concluded_on or dt.date(year + 1, 4, 1)) if concluded else None,
    )  # fmt: skip
    ReportFigure.objects.bulk_create(
        ReportFigure(report=report, code=code, value=Decimal(value))
        for code, value in (BALANCED if figures is None else figures).items()
    )
    return report
