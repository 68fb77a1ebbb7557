"""Lists API: the members of 活动异常名录 / 严重违法失信名单 / 守信红名单 now or on a past date, and an
organization's list history. Token callers need the scope ``lists:read``; staff read within their
region. Fields follow rules.md R1.17 (name, code, date of listing, ground, deciding authority, date
and ground of removal).

``GET /persons/screening?id_number=&as_of=`` screens one person (``screening.screen_person``): the
caller submits a full ID number, so a token needs ``persons:pii``; a staff session needs only a
region. An invalid ID number is a 422 on ``id_number``. An unknown person, one outside the caller's
region and one with nothing on record give the same empty answer (200, not 404), so that the
answer does not tell whether an ID number is registered."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from socredit.apps.accounts.models import TokenScope
from socredit.apps.lists import screening, services
from socredit.apps.lists.access import access_entries
from socredit.apps.lists.models import LIST_TITLES, ListEntry
from socredit.apps.registry.access import access_organization
from socredit.common.api import FieldErrorsOut, PageNumber, caller, is_token, require
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, validate_id_number

router = Router()

LISTS_READ = "lists:read"


class ListQuery(Schema):
    as_of: dt.date | None = Field(None, description="名录状态日期 YYYY-MM-DD（默认：当前在列）")
    region: str | None = Field(None, max_length=64, description="行政区划代码（含下级）")
    ground: str | None = Field(None, max_length=40, description="列入事由代码，如 R1.6(5)")
    q: str | None = Field(None, max_length=1000, description="名称或统一社会信用代码（包含）")


class ListEntryOut(Schema):
    list: str = Field(description="abnormal / serious / red")
    list_title: str
    name: str = Field(description="组织名称")
    code: str = Field(description="统一社会信用代码")
    region: str = Field(description="行政区划代码")
    entered_on: dt.date = Field(description="列入日期")
    ground: str = Field(description="列入事由代码")
    ground_title: str
    legal_basis: str
    document_number: str = Field(description="列入决定文号")
    authority: str = Field(description="作出决定的机关")
    clock_start: dt.date = Field(description="列入时限起算日（重新计算后）")
    left_on: dt.date | None = Field(description="移出日期（未移出为 null）")
    exit_ground: str | None = Field(description="移出事由代码")
    exit_ground_title: str | None
    exit_document_number: str | None


def _out(e: ListEntry) -> dict[str, Any]:
    d = e.entry_decision
    x = e.exit_decision
    return {
        "list": e.list,
        "list_title": LIST_TITLES.get(e.list, e.list),
        "name": e.organization.name,
        "code": e.organization.code,
        "region": e.organization.region.code,
        "entered_on": e.entered_on,
        "ground": e.ground,
        "ground_title": services.ground_title(e.ground),
        "legal_basis": d.legal_basis if d else services.ground_basis(e.ground),
        "document_number": d.document_number,
        "authority": d.authority_name,
        "clock_start": e.clock_start,
        "left_on": e.left_on,
        "exit_ground": e.exit_ground or None,
        "exit_ground_title": services.ground_title(e.exit_ground) or None,
        "exit_document_number": x.document_number if x else None,
    }


class _Rows:
    """A lazily sliced queryset mapped to output dicts (pagination slices, then we serialize)."""

    def __init__(self, qs: QuerySet[ListEntry]) -> None:
        self.qs = qs

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_out(e) for e in self.qs[item]]

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.qs.count()


@router.get(
    "/lists/{list}",
    response=list[ListEntryOut],
    summary="Members of a list (abnormal | serious | red), now or on a past date",
)
@paginate(PageNumber)
def list_members(request: HttpRequest, list: str, params: Query[ListQuery]) -> Any:  # noqa: A002
    principal = require(request, LISTS_READ)
    if list not in LIST_TITLES:
        raise HttpError(404, gettext("The list must be abnormal, serious or red"))
    # An entry whose publicity is suspended during an objection (objection.listing_continues = false)
    # is not shown as a current member.
    qs = access_entries(principal).filter(list=list)
    qs = (
        qs.in_force(params.as_of)
        if params.as_of
        else qs.filter(left_on__isnull=True, publicity_suspended=False)
    )
    if params.region:
        qs = qs.filter(organization__region__path__contains=f"/{params.region.strip()}/")
    if params.ground:
        qs = qs.filter(ground=params.ground.strip())
    if params.q:
        text = params.q.strip()
        qs = qs.filter(Q(organization__name__icontains=text) | Q(organization__code__icontains=text))
    return _Rows(qs.order_by("-entered_on", "-id"))


@router.get(
    "/organizations/{code}/lists",
    response=list[ListEntryOut],
    summary="An organization's list history (every entry and exit), newest first",
)
def organization_lists(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    principal = require(request, LISTS_READ)
    org = access_organization(principal, code)
    return [
        _out(e) for e in access_entries(principal).filter(organization=org).order_by("-entered_on", "-id")
    ]


# --- person screening (失信惩戒落实到人) ----------------------------------------------------------


class ScreeningQuery(Schema):
    id_number: str = Field(max_length=20, description="居民身份证号码（18位）")
    as_of: dt.date | None = Field(None, description="筛查日期 YYYY-MM-DD（默认：今天）")


class ScreeningListingOut(Schema):
    organization_name: str = Field(description="被列入严重违法失信名单的组织名称")
    organization_code: str = Field(description="统一社会信用代码")
    list: str
    list_title: str
    ground: str = Field(description="列入事由代码")
    ground_title: str
    document_number: str = Field(description="列入决定文号")
    decided_on: dt.date = Field(description="决定日期")
    post: str = Field(description="任职类型代码（legal_rep / responsible）")
    post_label: str
    from_date: dt.date
    retention_until: dt.date = Field(description="公示保留至")


class ScreeningPostOut(Schema):
    organization_name: str = Field(description="现任职组织名称")
    organization_code: str
    post: str
    post_label: str
    start_on: dt.date
    warning: str


class ScreeningOut(Schema):
    as_of: dt.date
    flagged: bool = Field(description="在列且在其他组织现任职")
    listings: list[ScreeningListingOut]
    posts_elsewhere: list[ScreeningPostOut]


@router.get(
    "/persons/screening",
    response={200: ScreeningOut, 422: FieldErrorsOut},
    summary="Screen a person by ID number: serious-list records in force and posts in other organizations",
)
def person_screening(request: HttpRequest, params: Query[ScreeningQuery]) -> Any:
    principal = require(
        request, TokenScope.PERSONS_PII if is_token(caller(request)) else TokenScope.PERSONS_READ
    )
    try:
        number = validate_id_number(params.id_number, today=services.today())
    except CodeError as exc:
        raise FieldErrors(id_number=str(exc)) from None
    with translation.override("zh-hans"):
        result = screening.screen_person(number, params.as_of, principal=principal)
    return {
        "as_of": result.as_of,
        "flagged": result.flagged,
        "listings": [vars(h) for h in result.listings],
        "posts_elsewhere": [vars(p) for p in result.posts_elsewhere],
    }
