"""Forwarded objections for the departments that supplied the information (scope ``objections:verify``).

A department's system lists the objections forwarded to it, reads one, and returns its verification
result (information correct / wrong / partly wrong, its opinion, and the corrections it proposes).
A department sees only the objections forwarded to itself; anything else is a 404, as if missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from socredit.apps.accounts.models import TokenScope
from socredit.apps.cases.models import Case, CaseKind, Verification
from socredit.apps.cases.services import objections
from socredit.common.api import FieldErrorsOut, is_token, require

router = Router()


class RecordRef(Schema):
    id: int
    kind: str
    kind_name: str
    document_number: str
    occurred_on: dt.date
    amount: str | None


class ForwardedObjectionOut(Schema):
    number: str = Field(description="异议编号")
    organization_code: str
    organization_name: str
    reasons: str = Field(description="异议的事实和理由")
    received_on: dt.date
    forwarded_on: dt.date
    due_on: dt.date = Field(description="核查反馈期限（工作日计算）")
    provisional: bool = Field(description="期限涉及未录入放假安排的年度，按周末推算")
    answered_on: dt.date | None
    result: str
    records: list[RecordRef]


CORRECTIONS_MAX = 500
"""A verification answers for the records of one objection; far fewer than this in practice."""


class CorrectionIn(Schema):
    record_id: int
    action: Literal["correct", "revoke"]
    data: dict[str, Any] = Field(
        default_factory=dict, max_length=20, description="更正后的字段，如 amount、occurred_on、summary"
    )


class VerificationIn(Schema):
    result: Literal["no_error", "error", "partly"] = Field(description="信息无误 / 有误 / 部分有误")
    note: str = Field(description="核查意见", max_length=5000)
    corrections: list[CorrectionIn] = Field(default_factory=list, max_length=CORRECTIONS_MAX)
    answered_on: dt.date | None = None


def _department(request: HttpRequest) -> Any:
    principal = require(request, TokenScope.OBJECTIONS_VERIFY)
    if not is_token(principal):
        raise HttpError(
            403, gettext("The verification answer endpoint is for the systems of supplying departments")
        )
    return principal.department


def _out(v: Verification) -> dict[str, Any]:
    case = v.case
    return {
        "number": case.number,
        "organization_code": case.organization.code if case.organization else "",
        "organization_name": case.organization.name if case.organization else case.subject_name,
        "reasons": case.reasons,
        "received_on": case.received_on,
        "forwarded_on": v.forwarded_on,
        "due_on": v.due_on,
        "provisional": v.provisional,
        "answered_on": v.answered_on,
        "result": v.result,
        "records": [
            {"id": r.pk, "kind": r.kind.code, "kind_name": r.kind.name_zh, "document_number": r.document_number,
             "occurred_on": r.occurred_on, "amount": str(r.amount) if r.amount is not None else None}
            for r in v.records.select_related("kind").order_by("pk")
        ],
    }  # fmt: skip


def _verifications(department: Any) -> Any:
    return Verification.objects.filter(department=department, case__kind=CaseKind.OBJECTION).select_related(
        "case__organization"
    )


@router.get("/objections/forwarded", response=list[ForwardedObjectionOut],
            summary="Objections forwarded to the calling department (open ones unless all=true)")  # fmt: skip
def forwarded(request: HttpRequest, all: bool = False) -> list[dict[str, Any]]:  # noqa: A002
    qs = _verifications(_department(request))
    if not all:
        qs = qs.filter(answered_on__isnull=True, case__status="open")
    return [_out(v) for v in qs.order_by("due_on", "id")[:500]]


@router.get(
    "/objections/{number}", response=ForwardedObjectionOut, summary="One objection forwarded to the caller"
)
def forwarded_one(request: HttpRequest, number: str) -> dict[str, Any]:
    v = _verifications(_department(request)).filter(case__number=number).first()
    if v is None:
        raise HttpError(404, "Not found")
    return _out(v)


@router.post("/objections/{number}/verification", response={200: ForwardedObjectionOut, 422: FieldErrorsOut},
             summary="Return the verification result of a forwarded objection")  # fmt: skip
def verification(request: HttpRequest, number: str, body: VerificationIn) -> Any:
    department = _department(request)
    v = _verifications(department).filter(case__number=number).first()
    if v is None:
        raise HttpError(404, "Not found")
    case = Case.objects.get(pk=v.case_id)
    objections.record_verification(
        request.auth, case, department=department, result=body.result, note=body.note,
        corrections=[c.dict() for c in body.corrections], on=body.answered_on, channel="api",
    )  # fmt: skip
    v.refresh_from_db()
    return _out(v)
