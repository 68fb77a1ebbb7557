"""Credit API: an organization's score and level today (or on a past date), a batch of them,
the installed indicator models, and the history of level changes.

The answer for today with the current model is read from the stored score when it is known to be
today's (``services.stored_explanation``: scored today by a live update, or by a finished batch run
of today that covered it), with its packed breakdown unpacked; otherwise — a past date, another
model, a score not yet brought to today — it is computed on the fly by the same functions as the
credit file page (``services.explain_organization``; ``services.evaluate_organizations`` for many).
Either way the answer is the same. ``stored`` shows what the last live update or batch run wrote.
Token callers need the scope ``credit:read``; staff sessions read within their region.

``/credit/batch`` computes scores with their explanation and logs nothing; a department deciding a
matter (a subsidy, a purchase, an honour, a registration) uses the logged credit check
``POST /checks`` instead, which answers the status and the measures that apply for up to 10,000
subjects and takes the department's feedback (``measures/api.py``; docs/measures.md says why both).
"""

import datetime as dt
from typing import Annotated, Any

import numpy as np
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from socredit.apps.evaluation import hooks, services
from socredit.apps.evaluation.access import access_level_changes
from socredit.apps.evaluation.indicators import (
    UnknownModel,
    available_models,
    default_version,
    get_model,
    recent_kind_ids,
)
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.registry.access import access_organization, access_organizations
from socredit.apps.registry.models import Organization
from socredit.common.api import FieldErrorsOut, PageNumber, require
from socredit.common.errors import FieldErrors
from socredit.core.citations import public_basis, public_text
from socredit.core.scoring.evaluate import EvaluationInputError, Explanation, check_as_of
from socredit.core.scoring.facts import day_number, from_day_number
from socredit.core.scoring.model import IndicatorModel, LevelRule

router = Router()

CREDIT_READ = "credit:read"
BATCH_MAX = 500
NOT_FOUND = "未找到该统一社会信用代码的组织，或不在本账号/令牌的辖区内"


# --- Schemas ------------------------------------------------------------------------------------


class CreditQuery(Schema):
    as_of: dt.date | None = Field(None, description="评价日期 YYYY-MM-DD（2000-01-01 至今天），默认今天")
    model: str | None = Field(
        None, max_length=60, description="评价模型版本（见 /credit/models），默认当前使用的模型"
    )


class DecidedByOut(Schema):
    kind: str = Field(description="score：按得分阈值；rule：由等级规则决定")
    rule: str | None = Field(description="等级规则 id（kind=rule 时）")
    reason: str
    basis: str


class ModelRefOut(Schema):
    version: str
    title: str


class BreakdownLineOut(Schema):
    indicator: str = Field(description="指标 id")
    name: str
    group: str = Field(description="分组 id")
    group_name: str
    count: int = Field(description="计入的记录数")
    raw_points: int = Field(description="封顶前的分值")
    points: int = Field(description="计入得分的分值")
    capped: bool
    reason: str
    basis: str


class StoredScoreOut(Schema):
    score: int
    level: str
    model_version: str
    as_of: dt.date
    evaluated_at: dt.datetime


class ListStatusOut(Schema):
    list: str = Field(description="serious 严重违法失信名单 / abnormal 活动异常名录 / red 红名单")
    since: dt.date = Field(description="列入日期")


class CreditResultOut(Schema):
    code: str = Field(description="统一社会信用代码")
    name: str
    score: int
    level: str = Field(description="A 诚信 / B 良好 / C 警示 / D 失信（名称以模型为准）")
    level_name: str
    score_level: str = Field(description="仅按得分阈值得到的等级（等级规则调整前）")
    decided_by: DecidedByOut
    breakdown: list[BreakdownLineOut] = Field(description="有记录计入的指标")
    lists: list[ListStatusOut] = Field(description="评价日期当天所在的名录（名录模块提供）")


class CreditOut(CreditResultOut):
    model: ModelRefOut
    as_of: dt.date
    base: int = Field(description="起评分")
    stored: StoredScoreOut | None = Field(
        description="最近一次写入的评价结果（实时更新或批量评价）；从未评价为 null"
    )


class CreditBatchIn(Schema):
    codes: list[Annotated[str, Field(max_length=40)]] = Field(  # spaces around a code are forgiven
        max_length=BATCH_MAX,
        description=f"统一社会信用代码，1–{BATCH_MAX} 个",
        json_schema_extra={"minItems": 1},
    )
    as_of: dt.date | None = Field(None, description="评价日期 YYYY-MM-DD，默认今天")
    model: str | None = Field(None, max_length=60, description="评价模型版本，默认当前使用的模型")


class CreditBatchResultOut(CreditResultOut):
    index: int = Field(description="在 codes 中的位置（从 0 开始）")


class CreditBatchError(Schema):
    index: int
    code: str
    message: str


class CreditBatchOut(Schema):
    as_of: dt.date
    model: ModelRefOut
    results: list[CreditBatchResultOut] = Field(description="按 codes 的顺序；重复的代码每次出现各列一次")
    errors: list[CreditBatchError]


class ModelSummaryOut(Schema):
    version: str
    title: str
    effective_from: dt.date
    default: bool = Field(description="未指定模型时使用的模型")


class LevelOut(Schema):
    code: str
    name: str
    min_score: int


class GroupOut(Schema):
    id: str
    name: str


class AmountStepOut(Schema):
    at_least: float
    points: int


class IndicatorOut(Schema):
    id: str
    group: str
    name: str
    kinds: list[str]
    points: int
    by_kind: dict[str, int] | None
    by_class: dict[str, int] | None
    amount_steps: list[AmountStepOut]
    cap: int | None
    window_months: int | None
    mode: str = Field(description="sum：累加并封顶；max：取最高的一条")
    reason: str
    basis: str
    figure: str | None = Field(
        None, description="读取的年度工作报告数据项代码（如 bs_total_net_assets；读取记录的指标为空）"
    )
    below: float | None = Field(None, description="数据项低于此金额（元）时计分")
    at_least: float | None = Field(None, description="数据项不低于此金额（元）时计分")


class LevelRuleOut(Schema):
    id: str
    when: str = Field(description="list：名单；kinds：有某类记录")
    on_list: str | None = Field(description="serious 严重违法失信名单 / abnormal 活动异常名录 / red 红名单")
    kinds: list[str]
    without_negative: bool
    window_months: int | None
    effect: str = Field(description="set 设为 / at_most 最高为 / at_least 至少为")
    level: str
    reason: str
    basis: str


class ModelDetailOut(ModelSummaryOut):
    description: str
    base: int
    min_score: int
    max_score: int
    levels: list[LevelOut]
    groups: list[GroupOut]
    indicators: list[IndicatorOut]
    level_rules: list[LevelRuleOut]


class LevelChangeOut(Schema):
    from_level: str = Field(description="空字符串：首次评价")
    to_level: str
    from_score: int | None
    to_score: int
    as_of: dt.date
    at: dt.datetime
    cause: str = Field(description="score 或等级规则 id")
    trigger: str
    model_version: str


# --- Helpers ------------------------------------------------------------------------------------


def _inputs(as_of: dt.date | None, version: str | None) -> tuple[dt.date, IndicatorModel]:
    """The evaluation date and model, or a 422 naming the field (the checks explain_organization makes)."""
    errors = FieldErrors()
    day = as_of or services.today()
    try:
        check_as_of(day, today=services.today())
    except EvaluationInputError as exc:
        errors.add("as_of", str(exc))
    try:
        model = get_model(version or None, kinds=recent_kind_ids())
    except UnknownModel as exc:
        errors.add("model", str(exc))
    errors.raise_if_any()
    return day, model


def _level_name(model: IndicatorModel, code: str) -> str:
    return next((lv.name for lv in model.levels if lv.code == code), "")


def _decided_by(model: IndicatorModel, ex: Explanation) -> dict[str, Any]:
    rule: LevelRule | None = ex.rule
    if rule is not None:
        return {
            "kind": "rule",
            "rule": rule.id,
            "reason": public_text(rule.reason),
            "basis": public_basis(rule.basis),
        }
    floor = next((lv.min_score for lv in model.levels if lv.code == ex.level), 0)
    reason = f"得分 {ex.score} 分（≥ {floor} 分）对应等级 {ex.level}（{_level_name(model, ex.level)}）"
    return {"kind": "score", "rule": None, "reason": reason, "basis": f"评价模型 {model.version} 等级阈值"}


def _result(org: Organization, model: IndicatorModel, ex: Explanation) -> dict[str, Any]:
    groups = {g.id: g.name for g in model.groups}
    return {
        "code": org.code,
        "name": org.name,
        "score": ex.score,
        "level": ex.level,
        "level_name": _level_name(model, ex.level),
        "score_level": ex.score_level,
        "decided_by": _decided_by(model, ex),
        "breakdown": [
            {
                "indicator": line.indicator.id,
                "name": line.indicator.name,
                "group": line.indicator.group,
                "group_name": groups.get(line.indicator.group, ""),
                "count": line.count,
                "raw_points": line.raw_points,
                "points": line.points,
                "capped": line.capped,
                "reason": public_text(line.indicator.reason),
                "basis": public_basis(line.indicator.basis),
            }
            for line in ex.lines
        ],
    }


def _lists_on(orgs: list[Organization], day: dt.date) -> dict[int, list[dict[str, Any]]]:
    """Each organization's list memberships on ``day``, from the membership sources (hooks)."""
    ids = np.asarray(sorted(o.pk for o in orgs), dtype=np.int64)
    out: dict[int, list[dict[str, Any]]] = {int(i): [] for i in ids}
    if not len(ids):
        return out
    n = day_number(day)
    frame = hooks.memberships(int(ids[0]), int(ids[-1]) + 1, ids)
    if not frame.height:
        return out
    for row in frame.sort("list").iter_rows(named=True):
        if row["org_id"] in out and row["since"] <= n < row["until"]:
            out[row["org_id"]].append({"list": row["list"], "since": from_day_number(row["since"])})
    return out


def _model_ref(model: IndicatorModel) -> dict[str, str]:
    return {"version": model.version, "title": model.title}


def _summary(model: IndicatorModel) -> dict[str, Any]:
    return {"version": model.version, "title": model.title, "effective_from": model.effective_from,
            "default": model.version == default_version()}  # fmt: skip


def _rule(rule: LevelRule) -> dict[str, Any]:
    effect = next(name for name in ("set", "at_most", "at_least") if getattr(rule, name))
    return {"id": rule.id, "when": rule.when, "on_list": rule.list, "kinds": list(rule.kinds),
            "without_negative": rule.without_negative, "window_months": rule.window_months,
            "effect": effect, "level": getattr(rule, effect), "reason": rule.reason, "basis": rule.basis}  # fmt: skip


# --- Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/organizations/{code}/credit",
    response={200: CreditOut, 422: FieldErrorsOut},
    summary="An organization's credit score and level today (stored), or on a past date (computed)",
)
def get_credit(request: HttpRequest, code: str, params: Query[CreditQuery]) -> dict[str, Any]:
    principal = require(request, CREDIT_READ)
    # the organization, its region and its stored score in one query (the score by its primary key)
    org = access_organization(principal, code, related=("credit",))
    day, model = _inputs(params.as_of, params.model)
    stored: CreditScore | None = getattr(org, "credit", None)
    ex = services.stored_explanation(org, stored, day, model)
    if ex is None:  # a past date, another model, or a score not yet brought to today: computed now
        ex = services.explain_organization(org, as_of=day, model_version=model.version)
    return {**_result(org, model, ex), "model": _model_ref(model), "as_of": day, "base": ex.base,
            "stored": stored, "lists": _lists_on([org], day)[org.pk]}  # fmt: skip


@router.post(
    "/credit/batch",
    response={200: CreditBatchOut, 422: FieldErrorsOut},
    summary=f"Credit scores of up to {BATCH_MAX} organizations",
)
def credit_batch(request: HttpRequest, payload: CreditBatchIn) -> dict[str, Any]:
    principal = require(request, CREDIT_READ)
    if not payload.codes:
        raise FieldErrors(codes=gettext("At least one unified social credit code is needed"))
    day, model = _inputs(payload.as_of, payload.model)
    wanted = [str(c).strip().upper() for c in payload.codes]
    # a code with a NUL character is no code (answered as not found); PostgreSQL would refuse the query
    lookup = {c for c in wanted if "\x00" not in c}
    found = {o.code: o for o in access_organizations(principal).filter(code__in=lookup)}
    batch = services.evaluate_organizations(found.values(), as_of=day, model_version=model.version)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    computed: dict[str, dict[str, Any]] = {}
    lists = _lists_on(list(found.values()), day)
    for index, (sent, code) in enumerate(zip(payload.codes, wanted, strict=True)):
        org = found.get(code)
        if org is None:
            errors.append({"index": index, "code": sent, "message": NOT_FOUND})
            continue
        if code not in computed:
            computed[code] = {**_result(org, model, batch.explanations[org.pk]), "lists": lists[org.pk]}
        results.append({**computed[code], "index": index})
    return {"as_of": day, "model": _model_ref(model), "results": results, "errors": errors}


@router.get("/credit/models", response=list[ModelSummaryOut], summary="Installed indicator models")
def list_models(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, CREDIT_READ)
    return [_summary(m) for m in available_models()]


@router.get("/credit/models/{version}", response=ModelDetailOut, summary="One indicator model in full")
def get_model_detail(request: HttpRequest, version: str) -> dict[str, Any]:
    require(request, CREDIT_READ)
    try:
        model = get_model(version)
    except UnknownModel as exc:
        raise HttpError(404, str(exc)) from None
    return {
        **_summary(model),
        "description": model.description.strip(),
        "base": model.base,
        "min_score": model.min_score,
        "max_score": model.max_score,
        "levels": model.levels,
        "groups": model.groups,
        "indicators": [
            {
                **vars(ind),
                "kinds": list(ind.kinds),
                "by_kind": dict(ind.by_kind) if ind.by_kind else None,
                "by_class": dict(ind.by_class) if ind.by_class else None,
                "amount_steps": list(ind.amount_steps),
            }
            for ind in model.indicators
        ],  # fmt: skip
        "level_rules": [_rule(r) for r in model.level_rules],
    }


@router.get(
    "/organizations/{code}/credit/history",
    response=list[LevelChangeOut],
    summary="An organization's level changes, newest first",
)
@paginate(PageNumber)
def credit_history(request: HttpRequest, code: str) -> Any:
    principal = require(request, CREDIT_READ)
    org = access_organization(principal, code)
    return access_level_changes(principal, org).order_by("-at", "-id")
