"""The public read-only API (公开接口, /api/public/v1/): no credentials, the same public data as the
portal's pages (``portal.public``), limited per client. Mounted by ``socredit/public_api.py``,
separate from the departments' API (/api/v1/)."""

from __future__ import annotations

import re
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema, Status

from socredit.apps.lists.models import RED
from socredit.apps.portal.public import SEARCH_CAP, listing, public_entries, public_search
from socredit.apps.portal.stored import answer_body, stored_answer
from socredit.apps.registry.regions import resolve_region
from socredit.apps.reports import content
from socredit.apps.reports.services import find_by_code, verify
from socredit.apps.reports.signing import format_code, normalize_code
from socredit.common.clock import today
from socredit.common.limits import over_limit, retry_after
from socredit.core.lists.grounds import ABNORMAL, SERIOUS

router = Router()

_CODE = re.compile(r"[0-9A-Z]{18}")
LIST_KEYS = {"abnormal": ABNORMAL, "serious": SERIOUS, "red": RED}
MAX_PAGE_SIZE = 100


class RateLimited(Exception):
    """The client is over its limit (answered 429 by the public API's handler)."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


NOT_FOUND = {"detail": "未找到该统一社会信用代码的社会组织"}


def rate_limited_body(seconds: int) -> dict[str, str]:
    return {"detail": f"请求过于频繁，请 {seconds} 秒后再试（每个客户端的调用次数有限制）"}


def _limit(request: HttpRequest) -> None:
    if over_limit(request, "api"):
        raise RateLimited(retry_after("api"))


class Problem(Schema):
    detail: str


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="名称、曾用名或统一社会信用代码的任一部分（两个字起）")
    type: str = Field("", max_length=10, description="组织类型")
    region: str = Field("", max_length=100, description="地区名称或行政区划代码（含下级）")
    page: int = Field(1, ge=1, le=500)


class SearchOut(Schema):
    query: str
    page: int
    total: int | None = Field(
        description=f"匹配总数；超过 {SEARCH_CAP} 个时为 null（more 为 true）。有查询内容时按相关度（代码或名称"
        f"完全相同、开头相同、其他）和名称排列；匹配超过 {SEARCH_CAP} 个时名称完全相同的在前，其余按登记先后排列"
    )
    more: bool
    has_next: bool
    items: list[dict[str, Any]]


class ListQuery(Schema):
    region: str = Field("", max_length=100, description="地区名称或行政区划代码（含下级）")
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ListOut(Schema):
    list: str
    page: int
    has_next: bool
    items: list[dict[str, Any]]


class VerificationOut(Schema):
    number: str = Field(description="报告编号")
    verification_code: str
    organization_code: str
    generated_at: str
    as_of: str
    intact: bool = Field(description="报告存档与签名一致（未被篡改）")
    changed_since: list[str] = Field(description="此后发生变化的公开信用状况（空：无变化）")
    content: dict[str, Any] = Field(description="报告所载内容（公开信用信息）")


def _profile_json(code: str) -> bytes | None:
    """The profile's JSON answer: the stored answer when it is fresh (one indexed query,
    ``portal.stored``), else built now (and stored for the next caller). None for an unknown code."""
    folded = code.strip().upper()
    if not _CODE.fullmatch(folded):
        return None
    day = today()
    body = stored_answer(folded, day)
    if body is None:
        org = content.organization(folded)
        if org is None:
            return None
        body = answer_body(org, day)
    return body


def organization_lookup(request: HttpRequest, code: str) -> HttpResponse:
    """The profile lookup as a plain view, matched before the API's own routes (``socredit/urls.py``):
    the public call made most often, so it skips the resolver's walk through the API's patterns and
    the framework's per-operation work (parameter models, a response object made and discarded). The
    operation below documents it in the OpenAPI schema and answers the same."""
    if request.method != "GET":
        return JsonResponse({"detail": "Method not allowed"}, status=405, headers={"Allow": "GET"})
    if over_limit(request, "api"):
        seconds = retry_after("api")
        return JsonResponse(rate_limited_body(seconds), status=429, headers={"Retry-After": str(seconds)},
                            json_dumps_params={"ensure_ascii": False})  # fmt: skip
    body = _profile_json(code)
    if body is None:
        return JsonResponse(NOT_FOUND, status=404, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/organizations/{code}", response={200: dict[str, Any], 404: Problem, 429: Problem},
            url_name="organization", summary="Public credit profile by 统一社会信用代码")  # fmt: skip
def organization(request: HttpRequest, code: str) -> Any:
    _limit(request)
    body = _profile_json(code)
    if body is None:
        return Status(404, NOT_FOUND)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/organizations", response={200: SearchOut, 422: Problem, 429: Problem}, url_name="search",
            summary="Search organizations by name, former name or code")  # fmt: skip
def search(request: HttpRequest, filters: Query[SearchQuery]) -> Any:
    _limit(request)
    found = public_search(filters.q, org_type=filters.type, region=filters.region, page=filters.page,
                          language=content.LANGUAGE)  # fmt: skip
    if found.errors:
        return Status(422, {"detail": "；".join(found.errors.values())})
    if not found.searched:
        return Status(422, {"detail": "请提供查询内容（名称或统一社会信用代码）或筛选条件"})
    return {"query": found.query, "page": found.page, "total": found.total, "more": found.more,
            "has_next": found.has_next, "items": found.rows}  # fmt: skip


@router.get("/lists/{kind}", response={200: ListOut, 404: Problem, 422: Problem, 429: Problem},
            url_name="list", summary="Organizations on a list today (abnormal, serious, red)")  # fmt: skip
def list_members(request: HttpRequest, kind: Literal["abnormal", "serious", "red"],
                 filters: Query[ListQuery]) -> Any:  # fmt: skip
    _limit(request)
    day = today()
    qs = (
        public_entries()
        .filter(list=LIST_KEYS[kind], entered_on__lte=day, publicity_suspended=False)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
    )
    if filters.region:
        try:
            region = resolve_region(filters.region, None)
        except ValidationError as exc:
            return Status(422, {"detail": " ".join(str(m) for m in exc.messages)})
        qs = qs.filter(organization__region__path__startswith=region.path)
    start = (filters.page - 1) * filters.page_size
    rows = list(
        qs.select_related("organization", "entry_decision", "exit_decision").order_by("-entered_on", "-id")[
            start : start + filters.page_size + 1
        ]
    )
    items = [
        {"organization_code": e.organization.code, "organization_name": e.organization.name, **listing(e)}
        for e in rows[: filters.page_size]
    ]
    return {"list": kind, "page": filters.page, "has_next": len(rows) > filters.page_size, "items": items}


@router.get("/reports/{code}", response={200: VerificationOut, 404: Problem, 422: Problem, 429: Problem},
            url_name="report", summary="Verify a credit report by its verification code")  # fmt: skip
def report(request: HttpRequest, code: str) -> Any:
    _limit(request)
    if normalize_code(code) is None:
        return Status(422, {"detail": "验证码格式有误：应为报告上印的12位字母和数字（如 7KQ2-M9XD-3FHT）"})
    found = find_by_code(code)
    if found is None:
        raise Http404
    v = verify(found)
    return {
        "number": found.number, "verification_code": format_code(found.verification_code),
        "organization_code": found.organization.code, "generated_at": found.generated_at.isoformat(),
        "as_of": found.as_of.isoformat(), "intact": v.intact, "changed_since": v.changes, "content": v.content,
    }  # fmt: skip
