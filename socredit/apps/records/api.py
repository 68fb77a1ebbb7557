"""Records API: push, batch push, list, read, revoke and correct credit records; the kind catalogue;
the change feed (outbox) departments follow with a cursor.

A department token always reports as its own department and may revoke or correct only the
records its department issued; it never sees records marked 内部使用 (see access_records).
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from socredit.apps.records import outbox, services
from socredit.apps.records.access import access_record, access_records, record_kinds
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.access import access_organization
from socredit.common.api import (
    FieldErrorsOut,
    ItemErrorsOut,
    PageNumber,
    id_number_for,
    request_allows,
    require,
    token_department,
)
from socredit.common.errors import FieldErrors
from socredit.core.types import RecordCategory

router = Router()

RECORDS_READ, RECORDS_WRITE = "records:read", "records:write"
PERSONS_READ = "persons:read"
CHANGES_READ = "changes:read"


# --- Schemas ------------------------------------------------------------------------------------

Text = str | None
Short = Annotated[str, Field(max_length=40)]
"""A date, an amount or a code typed as text: 40 characters is more than any of them needs."""
IdNumber = Annotated[str, Field(max_length=20)]
PERSONS_MAX = 100


class RecordIn(Schema):
    """One record. Values are checked by the same rules as the form and the import
    (records.validation), so enum fields take the code or the Chinese label, and dates
    take YYYY-MM-DD (or 2024年5月10日)."""

    organization: str = Field(max_length=18, description="统一社会信用代码")
    kind: str = Field(max_length=100, description="信用信息事项代码（见 /record-kinds）或名称")
    occurred_on: dt.date | Short = Field(description="发生日期")
    decided_on: dt.date | Short | None = None
    document_number: Text = Field(None, max_length=100, description="文书号；同一部门内唯一")
    # Not length-capped here: a long text would fall through to float (as inf); parse_amount refuses
    # it by its length (40 characters) with a message naming the field and the range.
    amount: str | int | float | None = Field(
        None, description="金额（元），0 至 999,999,999,999.99，最多两位小数；文本最多40个字符"
    )
    department: Text = Field(None, max_length=100, description="发布部门代码；令牌可省略（总是本部门）")
    summary: Text = Field(None, max_length=2000)
    visibility: Short | int | None = Field(
        None, description="公开范围 1 社会公开 / 2 政务共享 / 3 内部使用；默认取事项设置"
    )
    dishonesty_class: Text = Field(None, max_length=20)
    persons: list[IdNumber] | Annotated[str, Field(max_length=PERSONS_MAX * 20)] | None = Field(
        None, max_length=PERSONS_MAX, description=f"涉及人员身份证号码（最多 {PERSONS_MAX} 人）"
    )
    external_id: Text = Field(None, max_length=100, description="报送系统的记录编号；同一部门内唯一")


class RecordBatchIn(Schema):
    items: list[RecordIn] = Field(max_length=services.BATCH_MAX)


class BatchDuplicate(Schema):
    index: int
    id: int


class RecordBatchOut(Schema):
    created: list[int] = Field(description="新写入记录的 id（按条目顺序）")
    duplicates: list[BatchDuplicate] = Field(description="已存在且内容相同的条目（未重复写入）")
    errors: list[ItemErrorsOut]


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class RecordCorrectIn(Schema):
    reason: str = Field(max_length=500)
    changes: dict[str, Any] = Field(
        max_length=20, description="要更正的字段及新值（字段同 RecordIn，组织不可改）"
    )


class PersonRef(Schema):
    id: int
    name: str
    id_number: str

    @staticmethod
    def resolve_id_number(obj: Any, context: Any) -> str:
        return id_number_for(obj, context)


class RecordOut(Schema):
    id: int
    organization: str = Field(alias="organization.code")
    organization_name: str = Field(alias="organization.name")
    kind: str = Field(alias="kind.code")
    kind_name: str = Field(alias="kind.name")
    category: str = Field(alias="kind.category")
    category_label: str = Field(alias="kind.category_label")
    polarity: str = Field(alias="kind.polarity")
    occurred_on: dt.date
    decided_on: dt.date | None
    document_number: str
    amount: Decimal | None
    department: str = Field(alias="department.code")
    department_name: str = Field(alias="department.name")
    summary: str
    dishonesty_class: str
    dishonesty_label: str
    visibility: int
    visibility_label: str
    status: int
    status_label: str
    source: int
    source_label: str
    external_id: str
    is_current: bool
    supersedes: int | None = Field(alias="supersedes_id")
    under_objection: bool = Field(
        description="异议中：该记录有正在办理的异议；处理期间继续有效并公示（异议处理结束后为 false）"
    )
    objection_number: str | None = Field(description="正在办理的异议案件编号（异议中时）")
    persons: list[PersonRef] = Field(
        description="涉及人员（姓名、身份证号码）；令牌须有 persons:read 权限，否则为空列表"
    )

    @staticmethod
    def resolve_persons(obj: CreditRecord, context: Any) -> list[Any]:
        # need to know: a token reads who is implicated only with persons:read (staff: their post)
        return list(obj.persons.all()) if request_allows(context, PERSONS_READ) else []

    @staticmethod
    def resolve_objection_number(obj: CreditRecord) -> str | None:
        # queried only for the few records marked 异议中 (a list page stays one query per page)
        if not obj.under_objection:
            return None
        link = (
            obj.case_links.filter(case__kind="objection", case__status="open")
            .select_related("case")
            .order_by("-case__received_on", "-case_id")
            .first()
        )
        return link.case.number if link is not None else None


class RecordStateChangeOut(Schema):
    at: dt.datetime
    from_status: int | None
    to_status: int
    to_label: str
    reason: str
    actor: str = Field(alias="actor_label")
    channel: str
    related: int | None = Field(alias="related_id")


class RecordDetailOut(RecordOut):
    superseded_by: int | None
    history: list[RecordStateChangeOut]

    @staticmethod
    def resolve_superseded_by(obj: CreditRecord) -> int | None:
        nxt = getattr(obj, "superseded_by", None)
        return nxt.pk if nxt is not None else None

    @staticmethod
    def resolve_history(obj: CreditRecord) -> list[Any]:
        return list(obj.history.all())


class RecordQuery(Schema):
    category: str | None = Field(None, description="信息类别代码")
    kind: str | None = Field(None, description="事项代码")
    status: int | None = Field(None, description="状态 1 有效 / 2 已更正 / 3 已撤销 / 4 已修复 / 5 已过期")
    current: bool = Field(True, description="只列当前版本（更正前的旧版本除外）")


class RecordKindOut(Schema):
    code: str
    name_zh: str
    name_en: str
    category: str
    category_label: str
    polarity: str
    polarity_label: str
    default_dishonesty_class: str
    default_publicity_months: int | None
    default_visibility: int
    legal_basis: str


# --- Helpers ------------------------------------------------------------------------------------


def _detail(principal: Any, pk: int) -> CreditRecord:
    return access_record(principal, pk)


def _own_department_only(principal: Any, record: CreditRecord) -> None:
    """A token may change only the records its own department issued."""
    dept = token_department(principal)
    if dept is not None and record.department_id != dept.pk:
        raise HttpError(
            403,
            gettext("Only records published by your own department (%(name)s) can be revoked or corrected")
            % {"name": dept.name},
        )


def _input(payload: Schema) -> dict[str, Any]:
    return {k: v for k, v in payload.dict().items() if v is not None}


# --- Endpoints ----------------------------------------------------------------------------------


@router.get("/record-kinds", response=list[RecordKindOut], summary="The catalogue of record kinds")
@paginate(PageNumber)
def list_record_kinds(request: HttpRequest) -> Any:
    return record_kinds().order_by("category", "code")


@router.post("/records", response={201: RecordDetailOut, 422: FieldErrorsOut}, summary="Push one record")
def create_record(request: HttpRequest, payload: RecordIn) -> Status[Any]:
    principal = require(request, RECORDS_WRITE)
    record = services.create_record(actor=principal, channel="api", data=_input(payload),
                                    fixed_department=token_department(principal))  # fmt: skip
    return Status(201, record)


@router.post(
    "/records/batch", response={200: RecordBatchOut, 422: FieldErrorsOut}, summary="Push up to 1000 records"
)
def create_records_batch(request: HttpRequest, payload: RecordBatchIn) -> dict[str, Any]:
    principal = require(request, RECORDS_WRITE)
    return services.create_records_batch(actor=principal, channel="api", items=[_input(i) for i in payload.items],
                                         fixed_department=token_department(principal))  # fmt: skip


@router.get("/organizations/{code}/records", response=list[RecordOut], summary="Records of an organization")
@paginate(PageNumber)
def list_organization_records(request: HttpRequest, code: str, filters: Query[RecordQuery]) -> Any:
    principal = require(request, RECORDS_READ)
    org = access_organization(principal, code)
    qs = access_records(principal).filter(organization=org).prefetch_related("persons")
    if filters.current:
        qs = qs.filter(is_current=True)
    if filters.category:
        try:
            qs = qs.filter(kind__category=RecordCategory.from_text(filters.category).value)
        except ValueError as exc:
            raise FieldErrors(category=str(exc)) from None
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-occurred_on", "-id")


@router.get("/records/{record_id}", response=RecordDetailOut, summary="One record with its state history")
def get_record(request: HttpRequest, record_id: int) -> CreditRecord:
    return _detail(require(request, RECORDS_READ), record_id)


@router.post(
    "/records/{record_id}/revoke",
    response={200: RecordDetailOut, 422: FieldErrorsOut},
    summary="Revoke a record",
)
def revoke_record(request: HttpRequest, record_id: int, payload: ReasonIn) -> CreditRecord:
    principal = require(request, RECORDS_WRITE)
    record = _detail(principal, record_id)
    _own_department_only(principal, record)
    services.revoke_record(actor=principal, channel="api", record=record, reason=payload.reason)
    return _detail(principal, record_id)


@router.post(
    "/records/{record_id}/correct",
    response={201: RecordDetailOut, 422: FieldErrorsOut},
    summary="Correct a record (supersedes it with a new version)",
)
def correct_record(request: HttpRequest, record_id: int, payload: RecordCorrectIn) -> Status[Any]:
    principal = require(request, RECORDS_WRITE)
    record = _detail(principal, record_id)
    _own_department_only(principal, record)
    new = services.correct_record(actor=principal, channel="api", record=record, data=payload.changes,
                                  reason=payload.reason)  # fmt: skip
    return Status(201, new)


# --- Change feed (outbox) -----------------------------------------------------------------------


class ChangeEventOut(Schema):
    id: int = Field(description="事件编号（游标），按提交顺序递增")
    at: dt.datetime
    kind: str = Field(description="record.corrected / record.revoked / record.repaired / record.expired / "
                                  "list.entered / list.removed / credit.level_changed (credit:read) / "
                                  "ban.created (persons:read)")  # fmt: skip
    kind_label: str
    organization: str = Field(alias="organization.code")
    organization_name: str = Field(alias="organization.name")
    record: int | None = Field(alias="record_id")
    payload: dict[str, Any]

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return outbox.KINDS.get(obj.kind, obj.kind)


class ChangesOut(Schema):
    items: list[ChangeEventOut]
    next: int = Field(description="下次请求的 after 参数（本页最后一个事件编号；无新事件时不变）")
    has_more: bool = Field(description="是否还有更多事件（可立即用 next 继续读取）")


@router.get("/changes", response=ChangesOut, summary="Change events after a cursor (repairs, corrections, "
            "revocations, expiries, list entries and removals)")  # fmt: skip
def list_changes(
    request: HttpRequest,
    after: int = Query(0, ge=0, description="上次读到的事件编号；首次为 0"),
    limit: int = Query(outbox.DEFAULT_LIMIT, ge=1, le=outbox.MAX_LIMIT),
) -> dict[str, Any]:
    principal = require(request, CHANGES_READ)
    items, cursor, more = outbox.read(principal, after, limit)
    return {"items": items, "next": cursor, "has_more": more}
