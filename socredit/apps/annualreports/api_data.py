"""Annual report figures API (年度工作报告财务数据) for departments' systems and staff sessions.

- ``GET /organizations/{code}/annual-reports``: the organization's filed reports, newest year first,
  each with its state, result and figures by code (``?year=`` for one year).
- ``GET /annual-reports/figures?year=&region=``: a region's filed reports on one year, paged, in the
  order of the organizations' codes (``region`` a GB/T 2260 code at or below the caller's region;
  default: the caller's whole region).

Token callers need the scope ``annualreports:read``; staff sessions read within their region. Only
filed reports (submitted or concluded) are answered; an organization out of the caller's region and
an unknown one are the same 404. Amounts are decimal strings in yuan with two places; a code that
is absent was not reported.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from socredit.apps.accounts.models import TokenScope
from socredit.apps.annualreports.data import (
    access_filed_reports,
    figures_of,
    region_in_scope,
    region_reports,
    with_figures,
)
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.registry.access import access_organization
from socredit.common.api import PageNumber, require
from socredit.core.annualreports.schema import FIGURES

router = Router()

READ = TokenScope.ANNUALREPORTS_READ.value
YEARS = (2000, 2100)
FIGURE_CODES = ", ".join(f.code for f in FIGURES)


class ReportFiguresOut(Schema):
    organization_code: str = Field(description="统一社会信用代码")
    organization_name: str = Field(description="名称")
    year: int = Field(description="报告年度")
    state: str = Field(description="submitted 已提交待审核 / concluded 已办结")
    channel: str = Field(description="online 网上报送 / paper 纸质报送")
    submitted_on: dt.date | None = Field(description="首次提交日期")
    result: str | None = Field(description="年检结论：pass 合格 / basic 基本合格 / fail 不合格（办结前为空）")
    concluded_on: dt.date | None = Field(description="办结日期")
    figures: dict[str, str] = Field(
        description=f"财务数据，数据项代码 → 金额（元，两位小数）；没有的代码为未填报。代码：{FIGURE_CODES}"
    )

    @staticmethod
    def resolve_organization_code(obj: Any) -> str:
        return str(obj["organization_code"] if isinstance(obj, dict) else obj.organization.code)

    @staticmethod
    def resolve_organization_name(obj: Any) -> str:
        return str(obj["organization_name"] if isinstance(obj, dict) else obj.organization.name)

    @staticmethod
    def resolve_figures(obj: Any) -> dict[str, str]:
        if isinstance(obj, dict):
            return dict(obj["figures"])
        return {code: f"{value:.2f}" for code, value in figures_of(obj).items()}


def report_out(report: AnnualReport) -> dict[str, Any]:
    org = report.organization
    return {
        "organization_code": org.code, "organization_name": org.name, "year": report.year,
        "state": report.state, "channel": report.channel, "submitted_on": report.submitted_on,
        "result": report.result, "concluded_on": report.concluded_on,
        "figures": {code: f"{value:.2f}" for code, value in figures_of(report).items()},
    }  # fmt: skip


class OrganizationReportsQuery(Schema):
    year: int | None = Field(None, ge=YEARS[0], le=YEARS[1], description="报告年度（默认：全部）")


@router.get(
    "/organizations/{code}/annual-reports",
    response=list[ReportFiguresOut],
    summary="An organization's filed annual work reports with their figures, newest year first",
)
def organization_reports(
    request: HttpRequest, code: str, params: Query[OrganizationReportsQuery]
) -> list[dict[str, Any]]:
    principal = require(request, READ)
    org = access_organization(principal, code)
    reports = access_filed_reports(principal).filter(organization=org)
    if params.year is not None:
        reports = reports.filter(year=params.year)
    return [report_out(r) for r in with_figures(reports.order_by("-year"))]


class RegionFiguresQuery(Schema):
    year: int = Field(ge=YEARS[0], le=YEARS[1], description="报告年度")
    region: str | None = Field(
        None, max_length=12, description="行政区划代码（本辖区或下级；默认：调用方的整个辖区）"
    )


@router.get(
    "/annual-reports/figures",
    response=list[ReportFiguresOut],
    summary="A region's filed annual work reports on one year with their figures (paged)",
)
@paginate(PageNumber)
def region_figures(request: HttpRequest, params: Query[RegionFiguresQuery]) -> Any:
    principal = require(request, READ)
    region = region_in_scope(principal, params.region)
    return with_figures(region_reports(principal, params.year, region))
