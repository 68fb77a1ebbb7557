"""Departments' API for joint rewards and punishments: credit checks (信用核查) with their log and
feedback, domain blacklists pushed by their departments, and the measures catalogue in force.

Scopes: ``checks:write`` to make checks, read one's own and give feedback (a staff session: any
signed-in staff account with write access; reading a check needs only a region);
``blacklists:write`` to push one's own domain's blacklist (department tokens only).

Why ``/credit/batch`` stays beside ``/checks``: the batch computes credit *scores* with their
explanation (any indicator model, for up to 500 organizations) and logs nothing; a check answers the
status and the *measures* a department must or may apply in a business matter, for up to 10,000
subjects (organizations and persons), from the stored status, and is logged for feedback. A
department deciding a matter calls ``/checks``; one studying scores calls ``/credit/batch``.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from socredit.apps.measures import catalogues, services
from socredit.apps.measures.access import access_check, access_checks, lacking_feedback
from socredit.apps.measures.models import CreditCheck
from socredit.common.api import FieldErrorsOut, PageNumber, is_token, require
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.measures.catalogue import SCENARIO_CODES

router = Router()

CHECKS_WRITE = "checks:write"
CHECKS_READ = "checks:read"
BLACKLISTS_WRITE = "blacklists:write"


def _reader(request: HttpRequest) -> Any:
    """A token needs ``checks:write`` to read its department's checks; staff need a region."""
    principal = require(request, CHECKS_WRITE if is_token(getattr(request, "auth", None)) else CHECKS_READ)
    return principal


# --- schemas ----------------------------------------------------------------------------------------


class CheckIn(Schema):
    scenario: str = Field(description=f"业务场景：{'、'.join(SCENARIO_CODES)}")
    codes: list[str] = Field(default_factory=list, description="社会组织统一社会信用代码")
    id_numbers: list[str] = Field(
        default_factory=list, description="自然人身份证号码（法定代表人、负责人等）"
    )
    as_of: dt.date | None = Field(None, description="核查日期 YYYY-MM-DD，默认今天；可为过去的日期")


class MeasureRefOut(Schema):
    code: str
    kind: str = Field(description="reward 激励 / punishment 惩戒")
    force: str = Field(description="mandatory 强制性 / recommended 推荐性")
    reason: str = Field(description="适用的条件")


class DomainOut(Schema):
    domain: str
    list_name: str
    entered_on: str
    document_number: str


class CheckResultOut(Schema):
    n: int = Field(description="主体序号：codes 在前，id_numbers 在后，从0起；反馈时使用")
    kind: str = Field(description="organization / person")
    subject: str = Field(description="统一社会信用代码；身份证号码只显示部分位数")
    error: str | None = Field(None, description="该主体无法核查的原因（格式错误、未找到）")
    name: str | None = None
    level: str | None = Field(None, description="信用等级 A/B/C/D")
    lists: list[dict[str, Any]] = Field(
        default_factory=list, description="在列的名录、名单（abnormal/serious/red）"
    )
    red_list: bool | None = None
    domains: list[DomainOut] = Field(default_factory=list, description="各领域黑名单")
    domains_count: int | None = Field(None, description="被纳入黑名单的领域数（含民政严重违法失信名单）")
    clean_years: int | None = Field(None, description="连续无不良信用记录的整年数")
    green_channel: bool | None = Field(None, description="是否符合绿色通道、容缺受理条件")
    bans: list[dict[str, Any]] = Field(default_factory=list, description="个人：在效的从业禁止、任职限制")
    listings: list[dict[str, Any]] = Field(
        default_factory=list, description="个人：作为法定代表人、负责人被记入的严重违法失信名单"
    )
    measures: list[MeasureRefOut] = Field(default_factory=list, description="适用的措施，强制性在前")


class MeasureOut(Schema):
    code: str
    kind: str
    force: str
    text: str
    department: str
    basis: list[str] = Field(description="法律、法规、政策依据")
    valid_from: str
    valid_until: str | None


class CheckOut(Schema):
    number: str = Field(description="核查编号")
    made_at: str
    digest: str = Field(description="核查结果的 SHA-256 摘要")
    scenario: str
    scenario_label: str
    as_of: str
    catalogue: dict[str, str]
    results: list[CheckResultOut]
    measures: dict[str, MeasureOut] = Field(description="结果中出现的措施：内容、实施部门、依据")


class CheckSummaryOut(Schema):
    number: str
    scenario: str
    as_of: dt.date
    made_at: dt.datetime
    subjects: int = Field(alias="subjects_count")
    measures: int = Field(alias="pairs_count")
    feedback: int = Field(alias="feedback_count")
    feedback_due: dt.date | None


class FeedbackItemIn(Schema):
    n: int = Field(description="主体序号（核查结果中的 n）")
    measure: str = Field(description="措施代码")
    outcome: str = Field(description="applied 已实施 / not_applied 未实施 / exempted 豁免")
    reason: str = Field("", description="未实施或豁免的理由")


class FeedbackIn(Schema):
    items: list[FeedbackItemIn]


class FeedbackOut(Schema):
    number: str
    recorded: int
    feedback: int
    measures: int
    complete: bool


class ListingIn(Schema):
    subject_kind: str = Field(description="organization / person")
    code: str = Field("", description="组织的统一社会信用代码")
    id_number: str = Field("", description="自然人的身份证号码")
    name: str
    entered_on: dt.date
    left_on: dt.date | None = None
    document_number: str = Field(description="列入决定的文号")
    source: str = ""


class ListingsIn(Schema):
    items: list[ListingIn]


class PushErrorOut(Schema):
    index: int
    field: str
    message: str


class PushOut(Schema):
    domain: str
    received: int
    created: int
    updated: int
    unchanged: int
    refused: int
    errors: list[PushErrorOut]


class CheckFilter(Schema):
    lacking_feedback: bool = Field(False, description="true：只列出反馈期限已过仍缺反馈的核查")


# --- endpoints --------------------------------------------------------------------------------------


@router.post("/checks", response={200: CheckOut, 422: FieldErrorsOut},
             summary=f"A credit check of up to {services.MAX_SUBJECTS} subjects in a scenario, logged")  # fmt: skip
def make_check(request: HttpRequest, payload: CheckIn) -> HttpResponse:
    principal = require(request, CHECKS_WRITE)
    check, canonical = services.run_check(principal, scenario=payload.scenario, codes=payload.codes,
                                          id_numbers=payload.id_numbers, as_of=payload.as_of, channel="api")  # fmt: skip
    return _answer(services.answer_json(check, canonical))


def _answer(body: bytes) -> HttpResponse:
    """The answer as JSON, written once by the service (CheckOut documents its shape): validating
    10,000 results again through the schema would cost more than the check itself. No whole ID number
    is in it, so it needs none of the API's audit of unmasked reads."""
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/checks", response=list[CheckSummaryOut], summary="The checks one may read, newest first")
@paginate(PageNumber)
def list_checks(request: HttpRequest, filters: Query[CheckFilter]) -> Any:
    qs = access_checks(_reader(request))
    if filters.lacking_feedback:
        qs = lacking_feedback(qs, today())
    return qs.order_by("-made_at", "-id")


@router.get("/checks/{number}", response=CheckOut, summary="A logged check, as it was answered")
def get_check(request: HttpRequest, number: str) -> HttpResponse:
    check: CreditCheck = access_check(_reader(request), number)
    return _answer(services.answer_json(check))


@router.post("/checks/{number}/feedback", response={200: FeedbackOut, 422: FieldErrorsOut},
             summary="Feedback: what the department did per subject and measure")  # fmt: skip
def give_feedback(request: HttpRequest, number: str, payload: FeedbackIn) -> dict[str, Any]:
    principal = require(request, CHECKS_WRITE)
    check = access_check(principal, number)
    recorded = services.record_feedback(principal, check, [i.dict() for i in payload.items], channel="api")
    return {"number": check.number, "recorded": recorded, "feedback": check.feedback_count,
            "measures": check.pairs_count, "complete": check.feedback_complete}  # fmt: skip


@router.post("/blacklists", response={200: PushOut, 422: FieldErrorsOut},
             summary="Push one's own domain's blacklist entries (idempotent)")  # fmt: skip
def push_blacklist(request: HttpRequest, payload: ListingsIn) -> dict[str, Any]:
    principal = require(request, BLACKLISTS_WRITE)
    return services.push_domain_listings(principal, [i.dict() for i in payload.items], channel="api")


@router.get(
    "/measures",
    response={200: list[MeasureOut], 422: FieldErrorsOut},
    summary="The measures catalogue in force on a day",
)
def catalogue_in_force(request: HttpRequest, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    _reader(request)
    day = as_of or today()
    try:
        catalogue = catalogues.catalogue_on(day)
    except catalogues.NoCatalogue:
        raise FieldErrors(
            as_of=gettext("No measures catalogue is in force on %(day)s") % {"day": day}
        ) from None
    return list(services.catalogue_details(catalogue).values())
