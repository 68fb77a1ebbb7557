"""登记 through the API: 成立登记, 变更登记, 注销登记 and 撤销登记 by the registration services the staff
pages use (``services/registration.py``), with the scope ``registrations:write`` (a staff session
needs a writing post), within the caller's region (another region's organization is answered as not
found, a new organization in another region is refused on ``region``).

Each act is identified by its document: sent again with the same document number (for a change, the
same item too), it answers 200 with the act already recorded and writes nothing, so a caller may
retry after a lost answer. Input errors are the API's 422 ``{"detail", "errors": {field: [...]}}``;
a screening with findings not yet confirmed names them under ``screening``, warnings of a
deregistration or revocation not yet confirmed under ``warnings``. The documents are given by number
and date (a file is attached on the staff page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from socredit.apps.registry import hooks
from socredit.apps.registry.access import access_organization, access_organizations
from socredit.apps.registry.api import RegisteredFacts
from socredit.apps.registry.models import ChangedItem, Organization, RegistrationAct, RegistrationChange
from socredit.apps.registry.services import change_registration, end_registration, register_organization
from socredit.apps.registry.validation import BUSINESS_SCOPE_MAX
from socredit.common.api import FieldErrorsOut, require
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, validate_id_number, validate_social_org_code

router = Router()

REGISTRATIONS_WRITE = "registrations:write"
"""The scope of the registration acts (accounts.TokenScope.REGISTRATIONS_WRITE)."""
Day = dt.date | Annotated[str, Field(max_length=40)]


class DocumentIn(Schema):
    document_number: str = Field("", max_length=100, description="登记所依据文书的文号")
    document_date: Day | None = Field(None, description="文书日期 YYYY-MM-DD")


class EstablishmentIn(RegisteredFacts, DocumentIn):
    """成立登记: the organization, its legal representative and the approval (document number)."""

    registered_on: Day = Field(description="成立登记日期 YYYY-MM-DD，不晚于今天")
    address: str = Field("", max_length=200)
    street: str | None = Field(
        None,
        max_length=12,
        description="住所所在乡镇（街道）代码：9位，或12位统计用区划代码；须在登记的行政区划内",
    )
    business_scope: str = Field("", max_length=BUSINESS_SCOPE_MAX)
    legal_rep_name: str = Field(max_length=50, description="法定代表人姓名")
    legal_rep_id_number: str = Field(max_length=18, description="法定代表人身份证号码（登记前核查）")
    screening_confirmed: bool = Field(False, description="核查有记录时，确认已阅并仍予登记")


class ChangeIn(DocumentIn):
    """变更登记 of one item: ``value`` for a text item, the legal representative by name and ID number."""

    item: str = Field(
        max_length=20, description="变更事项：name / legal_rep / address / business_scope / supervisory_unit"
    )
    value: str | None = Field(None, max_length=2000, description="新的登记内容（法定代表人以外的事项）")
    legal_rep_name: str | None = Field(None, max_length=50)
    legal_rep_id_number: str | None = Field(None, max_length=18)
    effective_on: Day = Field(description="变更生效日期，不晚于今天")
    screening_confirmed: bool = False


class EndIn(DocumentIn):
    """注销登记 or 撤销登记: the date, the reason and the document; warnings confirmed."""

    effective_on: Day = Field(description="生效日期，不晚于今天")
    reason: str = Field(max_length=1000)
    warnings_confirmed: bool = Field(False, description="有警示（如仍在名录中）时，确认已阅并继续")


class RegistrationActOut(Schema):
    organization: str = Field(alias="organization.code", description="统一社会信用代码")
    organization_name: str = Field(alias="organization.name")
    organization_status: str = Field(alias="organization.status")
    act: str
    act_label: str
    item: str
    item_label: str
    before: str = Field(alias="before_shown", description="变更前")
    after: str = Field(alias="after_shown", description="变更后")
    effective_on: dt.date
    document_number: str
    document_date: dt.date | None
    reason: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_act_label(obj: RegistrationChange) -> str:
        return str(obj.get_act_display())

    @staticmethod
    def resolve_item_label(obj: RegistrationChange) -> str:
        return str(obj.get_item_display()) if obj.item else ""


ANSWERS = {200: RegistrationActOut, 201: RegistrationActOut, 422: FieldErrorsOut}


def _recorded(org: Organization | None, act: str, number: str, item: str = "") -> Any:
    """The act already recorded under this document number (a retry), or None."""
    if org is None or not number.strip():
        return None
    return (
        org.registration_changes.filter(act=act, item=item, document_number=number.strip(), branch=None)
        .select_related("organization")
        .first()
    )


def _explained(call: Callable[[], Any], id_number: str | None, org: Organization | None, act: str,
               principal: Any) -> Any:  # fmt: skip
    """``call()``; a refusal waiting for a confirmation also names what is to be confirmed."""
    try:
        return call()
    except FieldErrors as exc:
        errors = dict(exc.errors)
        if "screening_confirmed" in errors and id_number:
            try:
                number = validate_id_number(id_number, today=today())
            except CodeError:
                pass
            else:
                errors["screening"] = [f.text for f in hooks.screen_person(number, principal, today())]
        if "warnings_confirmed" in errors and org is not None:
            errors["warnings"] = [f.text for f in hooks.status_findings(org, act, today()) if not f.blocking]
        raise FieldErrors(errors) from None


@router.post("/registrations", response=ANSWERS, summary="成立登记 (register a new organization)")
def establish(request: HttpRequest, payload: EstablishmentIn) -> Status[Any]:
    principal = require(request, REGISTRATIONS_WRITE)
    try:
        code = validate_social_org_code(payload.code).code
    except CodeError:
        code = ""
    existing = access_organizations(principal).filter(code=code).first() if code else None
    if row := _recorded(existing, RegistrationAct.ESTABLISH, payload.document_number):
        return Status(200, row)
    data = payload.dict()
    org = _explained(
        lambda: register_organization(actor=principal, channel="api", data=data,
                                      screening_confirmed=payload.screening_confirmed),
        payload.legal_rep_id_number, None, RegistrationAct.ESTABLISH, principal,
    )  # fmt: skip
    return Status(201, org.registration_changes.select_related("organization").get())


@router.post(
    "/organizations/{code}/registration-changes",
    response=ANSWERS,
    summary="变更登记 (registration of change)",
)
def change(request: HttpRequest, code: str, payload: ChangeIn) -> Status[Any]:
    principal = require(request, REGISTRATIONS_WRITE)
    org = access_organization(principal, code)
    item = payload.item if payload.item in ChangedItem.values else ""
    if item and (row := _recorded(org, RegistrationAct.CHANGE, payload.document_number, item)):
        return Status(200, row)
    data = payload.dict(exclude_none=True)
    row = _explained(
        lambda: change_registration(actor=principal, channel="api", organization=org, item=payload.item,
                                    data=data, screening_confirmed=payload.screening_confirmed),
        payload.legal_rep_id_number, org, RegistrationAct.CHANGE, principal,
    )  # fmt: skip
    return Status(201, row)


def _end(request: HttpRequest, code: str, payload: EndIn, act: str) -> Status[Any]:
    principal = require(request, REGISTRATIONS_WRITE)
    org = access_organization(principal, code)
    if row := _recorded(org, act, payload.document_number):
        return Status(200, row)
    data = payload.dict()
    row = _explained(
        lambda: end_registration(actor=principal, channel="api", organization=org, act=act, data=data,
                                 warnings_confirmed=payload.warnings_confirmed),
        None, org, act, principal,
    )  # fmt: skip
    return Status(201, row)


@router.post("/organizations/{code}/deregistration", response=ANSWERS, summary="注销登记 (deregistration)")
def deregister(request: HttpRequest, code: str, payload: EndIn) -> Status[Any]:
    """Refused while a case on the organization is open; a listing in force is a warning to confirm."""
    return _end(request, code, payload, RegistrationAct.DEREGISTER)


@router.post("/organizations/{code}/revocation", response=ANSWERS, summary="撤销登记 (revocation)")
def revoke(request: HttpRequest, code: str, payload: EndIn) -> Status[Any]:
    """A penalty: open cases and listings are warnings to confirm."""
    return _end(request, code, payload, RegistrationAct.REVOKE)
