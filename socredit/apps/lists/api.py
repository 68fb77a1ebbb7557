"""Lists API: the members of 活动异常名录 / 严重违法失信名单 / 守信红名单 now or on a past date, and an
organization's list history. Token callers need the scope ``lists:read``; staff read within their
region. Fields follow rules.md R1.17 (name, code, date of listing, ground, deciding authority, date
and ground of removal)."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from socredit.apps.lists import services
from socredit.apps.lists.access import access_entries
from socredit.apps.lists.models import LIST_TITLES, ListEntry
from socredit.apps.registry.access import access_organization
from socredit.common.api import PageNumber, require
from socredit.core.lists.grounds import basis_of

router = Router()

LISTS_READ = "lists:read"


class ListQuery(Schema):
    as_of: dt.date | None = Field(None, description="名录状态日期 YYYY-MM-DD（默认：当前在列）")
    region: str | None = Field(None, description="行政区划代码（含下级）")
    ground: str | None = Field(None, description="列入事由代码，如 R1.6(5)")
    q: str | None = Field(None, description="名称或统一社会信用代码（包含）")


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
        "legal_basis": d.legal_basis if d else basis_of(e.ground),
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


def on_date(qs: QuerySet[ListEntry], day: dt.date) -> QuerySet[ListEntry]:
    """Entries in force on ``day``: entered_on ≤ day < left_on."""
    return qs.filter(entered_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


@router.get(
    "/lists/{list}",
    response=list[ListEntryOut],
    summary="Members of a list (abnormal | serious | red), now or on a past date",
)
@paginate(PageNumber)
def list_members(request: HttpRequest, list: str, params: Query[ListQuery]) -> Any:  # noqa: A002
    principal = require(request, LISTS_READ)
    if list not in LIST_TITLES:
        raise HttpError(404, "名录应为 abnormal、serious 或 red")
    qs = access_entries(principal).filter(list=list)
    qs = on_date(qs, params.as_of) if params.as_of else qs.filter(left_on__isnull=True)
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
