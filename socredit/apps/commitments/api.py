"""Commitments API: an organization's published credit commitments (信用承诺, seed 004 §四(一)).

Token callers need the scope ``records:read`` (a commitment is part of the credit file); staff read
within their region. Out-of-region and unknown organizations are the same 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from socredit.apps.commitments.access import access_commitments
from socredit.apps.commitments.models import Commitment
from socredit.apps.commitments.services import published_commitments
from socredit.apps.registry.access import access_organization
from socredit.common.api import require

router = Router()

RECORDS_READ = "records:read"
"""A commitment is part of the credit file: whoever may read records may read it."""


class CommitmentOut(Schema):
    id: int
    template: str = Field(description="承诺书模板代码（general / repair / funds / licence / tolerance …）")
    title: str = Field(description="承诺书名称")
    matter: str = Field(description="承诺事项类型")
    subject: str = Field(description="承诺所涉事项（如申请的项目）")
    text: str = Field(description="签署时的承诺书全文")
    legal_basis: str
    signed_by_name: str = Field(description="签署人")
    signed_on: dt.date
    due_on: dt.date | None = Field(description="承诺履行期限（容缺受理等）")
    status: str = Field(description="in_force / fulfilled / broken")
    decided_on: dt.date | None = Field(description="认定履行或违背的日期")


def _out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk, "template": c.template.code, "title": c.template.title, "matter": c.matter,
        "subject": c.subject, "text": c.text, "legal_basis": c.template.legal_basis,
        "signed_by_name": c.signed_by_name, "signed_on": c.signed_on, "due_on": c.due_on,
        "status": c.status, "decided_on": c.decided_on,
    }  # fmt: skip


@router.get(
    "/organizations/{code}/commitments",
    response=list[CommitmentOut],
    summary="An organization's published credit commitments, newest first",
)
def organization_commitments(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    principal = require(request, RECORDS_READ)
    org = access_organization(principal, code)
    return [_out(c) for c in published_commitments(org, within=access_commitments(principal))]
