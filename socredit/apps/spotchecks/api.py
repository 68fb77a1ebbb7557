"""Spot-check API (双随机、一公开) for departments' systems and staff sessions.

- ``GET /spot-checks/plans``: the plans of authorities within the caller's region, newest first (paged).
- ``GET /spot-checks/plans/{id}``: one plan with its published seed, method, frame digest, rates and
  progress.
- ``GET /spot-checks/plans/{id}/checks``: the organizations drawn, in the order of the draw, each
  with its mode, inspectors and result (paged).
- ``POST /spot-checks/plans/{id}/results``: record one drawn organization's result, through the same
  service and validation as the check's page (a plan not drawn, an organization not drawn, a result
  already recorded, a date out of range: 422 naming the field).

Token callers need ``spotchecks:read`` (and ``spotchecks:write`` to record); staff sessions read
within their region and record when they may write. A plan of an authority outside the caller's
region and an unknown one are the same 404.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from socredit.apps.accounts.models import TokenScope
from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.access import access_checks, access_plan, access_plans
from socredit.apps.spotchecks.models import SpotCheck, SpotCheckPlan
from socredit.common.api import FieldErrorsOut, PageNumber, require

router = Router()

READ, WRITE = TokenScope.SPOTCHECKS_READ.value, TokenScope.SPOTCHECKS_WRITE.value


class PlanOut(Schema):
    id: int
    title: str
    year: int
    kind: str = Field(description="regular 定期抽查 / special 不定期抽查")
    authority: str = Field(alias="authority.code", description="登记管理机关所在行政区划代码")
    authority_name: str = Field(alias="authority.name")
    state: str = Field(
        description="draft 草稿 / announced 已公布随机种子 / drawn 已抽取 / published 已公开结果"
    )
    base_rate: float = Field(description="基础抽查比例（0–1）")
    onsite_ratio: float = Field(description="现场检查比例（0–1）")
    seed: str = Field(description="公布的随机种子（抽取前公布）")
    method: str = Field(description="抽取方法（可据此复核）")
    frame_digest: str = Field(description="检查对象名录库的摘要")
    frame_size: int = Field(description="检查对象数")
    required: int = Field(description="法定最低抽查数")
    drawn_on: dt.date | None
    published_at: dt.datetime | None
    checks: int = Field(alias="n_checks", description="抽中的组织数")
    checked: int = Field(alias="n_done", description="已录入结果数")


class CheckOut(Schema):
    organization: str = Field(alias="organization.code", description="统一社会信用代码")
    organization_name: str = Field(alias="organization.name")
    order: int = Field(description="抽取顺序")
    stratum: str = Field(description="分层")
    onsite: bool = Field(description="现场检查")
    inspectors: list[str] = Field(description="检查人员（执法证号）")
    result: str | None = Field(
        description="no_problem 未发现问题 / problems 发现问题责令整改 / unreachable 通过登记住所无法取得联系 / other 其他；未录入为空"
    )
    checked_on: dt.date | None
    findings: str
    rectify_by: dt.date | None
    rectified_on: dt.date | None

    @staticmethod
    def resolve_inspectors(obj: SpotCheck) -> list[str]:
        return [a.inspector.badge_number for a in obj.assignments.all() if a.active]

    @staticmethod
    def resolve_result(obj: SpotCheck) -> str | None:
        return obj.result or None


class ResultIn(Schema):
    organization: str = Field(max_length=18, description="统一社会信用代码（须为本计划抽中的组织）")
    result: str = Field(max_length=12, description="no_problem / problems / unreachable / other")
    checked_on: dt.date = Field(description="检查日期（不早于抽取日，不晚于今天）")
    findings: str = Field("", max_length=2000, description="发现的问题（problems、other 必填）")
    rectify_by: dt.date | None = Field(None, description="整改期限（problems 必填，晚于检查日期）")


@router.get("/spot-checks/plans", response=list[PlanOut], summary="Spot-check plans (paged)")
@paginate(PageNumber)
def list_plans(request: HttpRequest) -> Any:
    return access_plans(require(request, READ))


@router.get("/spot-checks/plans/{int:plan_id}", response=PlanOut, summary="One spot-check plan")
def get_plan(request: HttpRequest, plan_id: int) -> SpotCheckPlan:
    return access_plan(require(request, READ), plan_id)


@router.get(
    "/spot-checks/plans/{int:plan_id}/checks",
    response=list[CheckOut],
    summary="The organizations a plan drew, with their inspectors and results (paged)",
)
@paginate(PageNumber)
def list_checks(request: HttpRequest, plan_id: int) -> Any:
    principal = require(request, READ)
    plan = access_plan(principal, plan_id)
    return (
        access_checks(principal)
        .filter(plan=plan)
        .prefetch_related("assignments__inspector")
        .order_by("order")
    )


@router.post(
    "/spot-checks/plans/{int:plan_id}/results",
    response={200: CheckOut, 422: FieldErrorsOut},
    summary="Record the result of one organization drawn in a plan",
)
def record_result(request: HttpRequest, plan_id: int, payload: ResultIn) -> SpotCheck:
    principal = require(request, WRITE)
    plan = access_plan(principal, plan_id)
    check = services.record_result(actor=principal, channel="api", plan=plan,
                                   organization=payload.organization.strip().upper(), data=payload.dict())  # fmt: skip
    return access_checks(principal).prefetch_related("assignments__inspector").get(pk=check.pk)
