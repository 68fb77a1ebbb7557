"""Bans API (从业禁止、任职限制): departments push their bans on persons and read a person's bans in force.

- ``POST /bans`` (scope ``bans:write``; a staff session needs a writing post): up to ``BATCH_MAX``
  bans in ``items``. Each item is checked on its own: the answer lists, by index, the bans written
  (``created``), those already recorded under the same department, document number, kind and person
  (``existing``: nothing written, so a retry after a lost answer is safe) and the items refused with
  their errors by field (``errors``); one bad item never stops the others. A token's bans are its
  department's decisions: ``authority`` is the department's name whatever the body says.
- ``GET /bans?id_number=&as_of=`` (scope ``bans:read``): the person's bans in force on the day
  (default today), wherever decided — a ban binds wherever the person is appointed. An invalid ID
  number is a 422 on ``id_number``; an unknown person and one without a ban give the same empty answer.

Answers carry no ID number, whole or masked, and no registered name: the caller knows whom it asked
about, and a person registered in another region is answered exactly like an unregistered one
(``tests/system/test_person_scoping.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from socredit.apps.accounts.models import TokenScope
from socredit.apps.bans import services
from socredit.apps.bans.access import bans_in_force
from socredit.apps.bans.models import Ban
from socredit.common.api import FieldErrorsOut, ItemErrorsOut, is_token, require, token_department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, validate_id_number

router = Router()

BATCH_MAX = 500


class BanIn(Schema):
    # Dates and years are taken as text so that a bad one is reported on its item, not the request.
    name: str | None = Field(None, max_length=200, description="姓名")
    id_number: str | None = Field(None, max_length=40, description="居民身份证号码（18位）")
    ground: str | None = Field(
        None,
        max_length=40,
        description="事由代码：charity_head / foundation_officer / charity_penalty / serious_list_sector / other",
    )
    kind: str | None = Field(
        None,
        max_length=40,
        description="种类（事由为 other 时必填）：employment_ban 从业禁止 / post_restriction 任职限制",
    )
    ground_text: str | None = Field(None, max_length=2000, description="事由（事由为 other 时必填）")
    legal_basis: str | None = Field(
        None, max_length=2000, description="法律依据：名称和条款（事由为 other 时必填）"
    )
    scope: str | None = Field(
        None, max_length=2000, description="禁止或限制的范围：职务、行业（事由为 other 时必填）"
    )
    scope_region: str | None = Field(
        None, max_length=20, description="限制的地域：行政区划代码（空：不限地域）"
    )
    authority: str | None = Field(
        None, max_length=200, description="作出决定的机关（令牌调用时为令牌所属部门）"
    )
    document_number: str | None = Field(None, max_length=200, description="决定文号")
    decided_on: str | None = Field(None, max_length=40, description="决定日期 YYYY-MM-DD")
    start_on: str | None = Field(None, max_length=40, description="起始日期（默认：决定日期）")
    until: str | None = Field(
        None, max_length=40, description="截止日期（含当日；与 years 二选一；空：至解除）"
    )
    years: str | int | None = Field(None, description="期限（年）")
    organization: str | None = Field(None, max_length=40, description="所涉组织的统一社会信用代码")
    post: str | None = Field(
        None, max_length=40, description="在所涉组织的职务代码（legal_rep / responsible / chair …）"
    )


class BanBatchIn(Schema):
    items: list[BanIn] = Field(description=f"至多 {BATCH_MAX} 条")


class BanOut(Schema):
    name: str = Field(description="决定所载姓名")
    kind: str
    kind_label: str
    ground: str
    legal_basis: str
    scope: str
    authority: str
    document_number: str
    decided_on: dt.date
    start_on: dt.date
    until: dt.date | None
    state: str = Field(description="proposed / in_force / lifted / dismissed")
    lifted_on: dt.date | None


class BanWritten(Schema):
    index: int
    ban: BanOut


class BanBatchOut(Schema):
    created: list[BanWritten]
    existing: list[BanWritten] = Field(description="已记录的同一决定（未重复写入）")
    errors: list[ItemErrorsOut]


def ban_out(ban: Ban) -> dict[str, Any]:
    return {
        "name": ban.person_name, "kind": ban.kind,
        "kind_label": ban.kind_label, "ground": ban.ground_text, "legal_basis": ban.legal_basis, "scope": ban.scope,
        "authority": ban.authority_name, "document_number": ban.document_number, "decided_on": ban.decided_on,
        "start_on": ban.start_on, "until": ban.until, "state": ban.state, "lifted_on": ban.lifted_on,
    }  # fmt: skip


@router.post("/bans", response={200: BanBatchOut, 422: FieldErrorsOut},
             summary="Push bans on persons (从业禁止、任职限制): per-item results, idempotent by document")  # fmt: skip
def push_bans(request: HttpRequest, payload: BanBatchIn) -> dict[str, Any]:
    principal = require(request, TokenScope.BANS_WRITE)
    if len(payload.items) > BATCH_MAX:
        raise FieldErrors(items=gettext("At most %(max)s bans at a time; %(count)s were sent")
                          % {"max": BATCH_MAX, "count": len(payload.items)})  # fmt: skip
    dept = token_department(principal) if is_token(principal) else None
    out: dict[str, list[Any]] = {"created": [], "existing": [], "errors": []}
    with translation.override("zh-hans"), transaction.atomic():
        for index, item in enumerate(payload.items):
            data = item.dict()
            if dept is not None:
                data["authority"] = dept.name
            try:
                ban, created = services.record_ban(actor=principal, channel="api", data=data)
            except FieldErrors as exc:
                out["errors"].append({"index": index, "errors": exc.errors})
                continue
            out["created" if created else "existing"].append({"index": index, "ban": ban_out(ban)})
    return out


class BansQuery(Schema):
    id_number: str = Field(max_length=40, description="居民身份证号码（18位）")
    as_of: dt.date | None = Field(None, description="日期 YYYY-MM-DD（默认：今天）")


class BanInForceOut(Schema):
    kind: str
    kind_label: str
    ground: str
    authority: str
    document_number: str
    decided_on: dt.date
    start_on: dt.date
    until: dt.date | None = Field(description="最后一日（空：至解除）")
    scope: str
    scope_region: str
    legal_basis: str
    source: str


class PersonBansOut(Schema):
    as_of: dt.date
    bans: list[BanInForceOut]


@router.get("/bans", response={200: PersonBansOut, 422: FieldErrorsOut},
            summary="A person's bans in force on a day (从业禁止、任职限制), wherever decided")  # fmt: skip
def person_bans(request: HttpRequest, params: Query[BansQuery]) -> dict[str, Any]:
    require(request, TokenScope.BANS_READ)
    try:
        number = validate_id_number(params.id_number, today=today())
    except CodeError as exc:
        raise FieldErrors(id_number=str(exc)) from None
    day = params.as_of or today()
    with translation.override("zh-hans"):
        views = bans_in_force([number], day).get(number, [])
    return {"as_of": day, "bans": [vars(v) for v in views]}
