"""API of complaints (举报): a department passes on a complaint it received (``POST /complaints``).

Token callers need the scope ``complaints:write``; a staff session needs a writing post. The
department's own contact is stored as the case's applicant (移送单位), not as the reporter; a
department that received the complaint from a person may pass that reporter on (``reporter``), and
then gives the person the case number and the lookup code returned here. Nothing in this API
returns a reporter's identity (seed 004 §五 对举报人信息严格保密).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from socredit.apps.accounts.models import TokenScope
from socredit.apps.cases.models import CaseChannel
from socredit.apps.cases.services.complaints import submit_complaint
from socredit.common.api import FieldErrorsOut, is_token, require, token_department

router = Router()


class ReporterIn(Schema):
    anonymous: bool = Field(False, description="举报人要求匿名（其余字段将被丢弃）")
    name: str = Field("", max_length=50, description="举报人姓名")
    phone: str = Field("", max_length=30, description="举报人电话")
    email: str = Field("", max_length=100, description="举报人电子邮箱")
    address: str = Field("", max_length=200, description="举报人地址")


class ComplaintIn(Schema):
    subject_name: str = Field("", max_length=200, description="被举报组织名称（可为未登记的组织）")
    organization_code: str | None = Field(
        None, max_length=18, description="被举报组织统一社会信用代码（如知道）"
    )
    region_code: str | None = Field(
        None, max_length=64, description="被举报组织所在地行政区划代码（组织未登记时必填）"
    )
    content: str = Field(max_length=5000, description="举报内容（10–5000字）")
    received_on: dt.date | None = Field(None, description="部门收到举报的日期（默认今天）")
    contact_name: str = Field("", max_length=50, description="移送部门经办人")
    contact_phone: str = Field("", max_length=30, description="移送部门联系电话")
    reporter: ReporterIn | None = Field(None, description="转交的举报人信息（可不填）")


class ComplaintOut(Schema):
    number: str = Field(description="案件编号")
    received_on: dt.date
    due_on: dt.date | None = Field(description="办结期限")
    status: str
    lookup_code: str = Field(description="查询码：仅此一次返回，交举报人凭案件编号查询办理结果")


@router.post(
    "/complaints",
    response={201: ComplaintOut, 422: FieldErrorsOut},
    summary="Pass a complaint (举报) on to the registration authority",
)
def submit(request: HttpRequest, payload: ComplaintIn) -> Status:
    principal = require(request, TokenScope.COMPLAINTS_WRITE)
    dept = token_department(principal)
    applicant = (
        f"{dept.name}（{payload.contact_name.strip()}）" if dept and payload.contact_name.strip() else ""
    )
    case, code = submit_complaint(
        principal, CaseChannel.DEPARTMENT if is_token(principal) else CaseChannel.STAFF,
        subject_name=payload.subject_name, organization_code=payload.organization_code,
        region_code=payload.region_code, content=payload.content, received_on=payload.received_on,
        reporter=payload.reporter.dict() if payload.reporter else None,
        applicant_name=applicant or (dept.name if dept else ""), applicant_contact=payload.contact_phone.strip(),
        via="api",
    )  # fmt: skip
    out = {"number": case.number, "received_on": case.received_on, "due_on": case.due_on, "status": case.status,
           "lookup_code": code}  # fmt: skip
    return Status(201, out)
