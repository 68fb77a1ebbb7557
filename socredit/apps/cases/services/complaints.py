"""举报 — complaints about social organizations (or bodies acting as one without registration).

A complaint comes in through one of three doors: the public form (公众), a staff member entering
one received by phone or letter (工作人员录入), or a department passing one on through the API
(部门移送). It then runs the ``COMPLAINT`` plan of ``socredit.core.cases``: 登记分办 (accept or refuse,
give to a handler), 调查核实 (investigation notes), 作出处理结论 (unfounded, or founded → a negative
credit record), 答复举报人 (a reply the reporter reads with the case number and a 查询码).

Confidentiality (seed 004 §五 对举报人信息严格保密): the reporter's identity lives only in
``Reporter``, which ``access.reporter_for`` gives to the assigned handler alone. Nothing written
here — audit events, timeline texts, ``Case.details``, documents, error messages — carries the
reporter's name, phone, e-mail, address or IP address. The 查询码 is shown once and only its keyed
hash is stored.

Every verb is one atomic, audited transaction; bad input raises ``FieldErrors`` with Chinese
messages naming the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import READ_PLACES, record_event, record_sensitive_read
from socredit.apps.cases import documents, labels
from socredit.apps.cases.access import REPORTER_READ, access_cases, can_see_reporter, reporter_for
from socredit.apps.cases.models import (
    Case,
    CaseChannel,
    CaseDocument,
    CaseKind,
    CaseRecord,
    CaseStatus,
    Evidence,
    Reporter,
)
from socredit.apps.cases.services.common import (
    add_event,
    assign,
    attach_evidence,
    audit_channel,
    check_day,
    close_case,
    complete_step,
    issue_document,
    open_case,
    require_open,
    require_step,
    today,
)
from socredit.apps.cases.timeline import bilingual
from socredit.apps.records.models import RecordKind
from socredit.apps.records.services import create_record
from socredit.apps.registry import services as registry
from socredit.apps.registry.models import Department, Organization, Region
from socredit.common.errors import FieldErrors
from socredit.common.uploads import check_evidence
from socredit.core.cases import COMPLAINT, COMPLAINT_TOTAL
from socredit.core.codes import CodeError, validate_social_org_code

CONTENT_MIN = 10
CONTENT_MAX = 5000
NOTE_MAX = 2000
REASON_MAX = 2000
DEFAULT_RECORD_KIND = "complaint_verified"
"""投诉举报经查属实 (record catalogue, rules.md R1.3): the record a founded complaint produces by default."""

LOOKUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""查询码 characters: no 0/O, 1/I/L, which are misread when a code is read out over the phone."""
LOOKUP_LENGTH = 8

REPLY_DOCUMENT = "complaint_reply"
REJECT_DOCUMENT = "complaint_rejection"

CHANNEL_TEXT = {
    CaseChannel.PUBLIC: "网上举报",
    CaseChannel.STAFF: "工作人员录入",
    CaseChannel.DEPARTMENT: "部门移送",
}
OUTCOME_TEXT = {"founded": "举报事项经查属实", "unfounded": "举报事项经查不属实", "not_accepted": "不予受理"}

REJECT_GROUNDS = {
    "out_of_scope": "不属于社会组织登记管理机关职责范围",
    "duplicate": "重复举报，已在办理或已办结",
    "no_facts": "未提供具体违法违规事实或线索",
    "other": "其他",
}
"""不予受理的常见事由; the handler still writes the concrete reason."""

_MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")

# --- the 查询码 -----------------------------------------------------------------------------------------


def new_lookup_code() -> str:
    """A random 8-character 查询码 from an unambiguous alphabet (about 40 bits)."""
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_LENGTH))


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def lookup_digest(number: str, code: str) -> str:
    """The stored form of a 查询码: keyed with the secret key and bound to its case number, so that a
    copied database alone does not let anyone test codes offline."""
    message = f"{number.strip().upper()}:{normalize_code(code)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- rate limit of the public form ----------------------------------------------------------------------


def _rate_key(kind: str, ip: str) -> str:
    # Only a hash of the address reaches the cache: the IP address identifies the reporter.
    return f"complaints:{kind}:{hashlib.sha256(ip.encode()).hexdigest()[:32]}"


def rate_limited(kind: str, ip: str | None, limit: int) -> bool:
    """Has ``ip`` used up its ``limit`` of ``kind`` (submit / lookup) in the current hour?"""
    if not ip or limit <= 0:
        return False
    return int(cache.get(_rate_key(kind, ip), 0)) >= limit


def count_attempt(kind: str, ip: str | None) -> None:
    if not ip:
        return
    key = _rate_key(kind, ip)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=3600)


def submit_limit() -> int:
    return int(getattr(settings, "SOCREDIT_COMPLAINTS_PER_IP_HOUR", 5))


def lookup_limit() -> int:
    return int(getattr(settings, "SOCREDIT_COMPLAINT_LOOKUPS_PER_IP_HOUR", 30))


# --- validation -------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def resolve_region(text: str) -> tuple[Region | None, str | None]:
    """A current region by its GB/T 2260 code or by a name that is unique; (None, message) otherwise."""
    text = text.strip()
    if text.isdigit():
        region = Region.objects.filter(code=text, active=True).first()
        return (
            (region, None)
            if region
            else (None, gettext("The region code %(code)s does not exist or is abolished") % {"code": text})
        )
    found = list(Region.objects.filter(name=text, active=True).select_related("parent")[:6])
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, gettext("No region is named “%(name)s”; enter the 6-digit region code") % {"name": text}
    options = "、".join(f"{r.parent.name if r.parent else ''}{r.name}（{r.code}）" for r in found)
    return None, gettext("More than one region is named “%(name)s”; enter the code: %(options)s") % {
        "name": text, "options": options}  # fmt: skip


def _in_scope(principal: Any, region: Region) -> bool:
    path = principal.scope_path() if hasattr(principal, "scope_path") else None
    return path is not None and region.path.startswith(path)


def clean_reporter(data: Mapping[str, Any] | None, errors: FieldErrors) -> dict[str, Any]:
    """The reporter's fields; asking for anonymity (or giving nothing) drops every identity field."""
    data = data or {}
    values = {f: _text(data.get(f)) for f in ("name", "phone", "email", "address")}
    anonymous = bool(data.get("anonymous")) or not any(values.values())
    if anonymous:
        return {"anonymous": True, "name": "", "phone": "", "email": "", "address": ""}
    for field, limit in (("name", 50), ("email", 100), ("address", 200)):
        if len(values[field]) > limit:
            errors.add(
                f"reporter_{field}",
                gettext("At most %(limit)s characters; it has %(count)s")
                % {"limit": limit, "count": len(values[field])},
            )
    phone = re.sub(r"\s", "", values["phone"])
    if phone and not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        errors.add(
            "reporter_phone",
            gettext(
                "The telephone number is not valid: a mobile number has 11 digits (e.g. 13800000000), a landline looks like 0371-12345678"
            ),
        )
    values["phone"] = phone
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.add("reporter_email", gettext("The e-mail address is not valid (e.g. name@example.com)"))
    return {"anonymous": False, **values}


def clean_complaint(
    principal: Any, channel: str, *, subject_name: str, organization_code: str | None, region_code: str | None,
    content: str, reporter: Mapping[str, Any] | None, files: Sequence[Any], received_on: dt.date | None,
) -> dict[str, Any]:  # fmt: skip
    """Validate a complaint from any door; the values ``submit_complaint`` writes, or FieldErrors."""
    errors = FieldErrors()
    out: dict[str, Any] = {"organization": None, "named_code": ""}

    code = _text(organization_code).upper()
    if code:
        try:
            code = validate_social_org_code(code).code
        except CodeError as exc:
            errors.add("organization_code", str(exc))
        else:
            out["organization"] = Organization.objects.select_related("region").filter(code=code).first()
            out["named_code"] = code
    org = out["organization"]

    name = _text(subject_name)
    if not name and org is None:
        errors.add("subject_name", gettext("Enter the name of the organization complained of"))
    elif len(name) > 200:
        errors.add(
            "subject_name",
            gettext("The name may have at most 200 characters; it has %(count)s") % {"count": len(name)},
        )
    out["subject_name"] = name or (org.name if org else "")

    region = org.region if org is not None else None
    if region is None:
        text = _text(region_code)
        if text:
            region, message = resolve_region(text)
            if message:
                errors.add("region_code", message)
        elif "organization_code" not in errors.errors:
            errors.add(
                "region_code",
                gettext(
                    "Where the organization complained of is not registered or its unified social credit code is not given, choose its region"
                ),
            )
    if region is not None and channel != CaseChannel.PUBLIC and not _in_scope(principal, region):
        errors.add(
            "region_code",
            gettext("%(name)s is outside your region; pass the complaint to its registration authority")
            % {"name": region.name},
        )
    out["region"] = region

    text = _text(content)
    if len(text) < CONTENT_MIN:
        errors.add(
            "content",
            gettext(
                "The complaint needs at least %(content_min)s characters stating the facts (when, where, what was done); it has %(count)s"
            )
            % {"content_min": CONTENT_MIN, "count": len(text)},
        )
    elif len(text) > CONTENT_MAX:
        errors.add(
            "content",
            gettext("The complaint may have at most %(content_max)s characters; it has %(count)s")
            % {"content_max": CONTENT_MAX, "count": len(text)},
        )
    out["content"] = text

    out["reporter"] = clean_reporter(reporter, errors)

    if channel == CaseChannel.PUBLIC or received_on is None:
        out["received_on"] = today()
    else:
        try:
            out["received_on"] = check_day(received_on, field="received_on")
        except FieldErrors as exc:
            errors.errors.update(exc.errors)

    try:
        check_evidence(list(files))
    except FieldErrors as exc:
        errors.errors.update(exc.errors)
    for f in files:  # checked once here for the combined message; attach_evidence reads them again
        if hasattr(f, "seek"):
            f.seek(0)

    errors.raise_if_any()
    return out


# --- submission -----------------------------------------------------------------------------------------


@transaction.atomic
def submit_complaint(
    actor: Any, channel: str, *, subject_name: str = "", organization_code: str | None = None,
    region_code: str | None = None, content: str, reporter: Mapping[str, Any] | None = None,
    files: Sequence[Any] = (), received_on: dt.date | None = None, client_ip: str | None = None,
    honeypot: str = "", applicant_name: str = "", applicant_contact: str = "", via: str | None = None,
) -> tuple[Case, str]:  # fmt: skip
    """受理举报: open a complaint case; returns it and the 查询码, which is shown once and never stored.

    ``channel`` is public (no account: ``actor`` is ignored and recorded as "public", so that a
    signed-in person reporting is not identified by their account), staff (a writer entering a
    complaint received by phone or letter) or department (an API token; ``applicant_*`` hold the
    department's own contact, not the reporter's). The public door also refuses a filled honeypot
    field and more than ``SOCREDIT_COMPLAINTS_PER_IP_HOUR`` submissions per address and hour.
    """
    if channel not in CHANNEL_TEXT:
        raise ValueError(f"unknown complaint channel {channel!r}")
    if channel == CaseChannel.PUBLIC:
        actor = "public"
        if honeypot.strip():
            raise FieldErrors(
                {
                    "__all__": [
                        gettext("The submission could not be received; reload the page and fill it in again")
                    ]
                }
            )
        if rate_limited("submit", client_ip, submit_limit()):
            raise FieldErrors(
                {
                    "__all__": [
                        gettext(
                            "At most %(submit_limit)s complaints an hour can be submitted from one network; try again later"
                        )
                        % {"submit_limit": submit_limit()}
                    ]
                }
            )
    elif channel == CaseChannel.STAFF and not getattr(actor, "can_write", False):
        raise FieldErrors({"__all__": [gettext("A read-only account cannot enter complaints")]})
    values = clean_complaint(actor, channel, subject_name=subject_name, organization_code=organization_code,
                             region_code=region_code, content=content, reporter=reporter, files=files,
                             received_on=received_on)  # fmt: skip
    code = new_lookup_code()
    org = values["organization"]
    details: dict[str, Any] = {}
    if values["named_code"] and org is None:
        details["named_code"] = values["named_code"]  # a valid code that no registered organization holds
    case = open_case(
        actor=actor, kind=CaseKind.COMPLAINT, channel=channel, region=values["region"],
        received_on=values["received_on"], reasons=values["content"], plan=COMPLAINT, total_param=COMPLAINT_TOTAL,
        organization=org, subject_name=values["subject_name"], applicant_name=applicant_name[:100],
        applicant_contact=applicant_contact[:100], details=details,
    )  # fmt: skip
    case.lookup_hash = lookup_digest(case.number, code)
    case.save(update_fields=["lookup_hash"])
    Reporter.objects.create(case=case, **values["reporter"])
    add_event(case, "receive", actor, key="complaint_received",
              params=bilingual("channel", lambda: labels.COMPLAINT_CHANNELS[channel]), public=True)  # fmt: skip
    party = Evidence.Party.DEPARTMENT if channel == CaseChannel.DEPARTMENT else Evidence.Party.APPLICANT
    for i, f in enumerate(files, 1):
        # A file's own name may carry the reporter's (王某举报材料.pdf); the timeline and the evidence list,
        # read by everyone in the region, get a neutral one.
        f.name = f"举报材料{i}{PurePath(str(f.name or '')).suffix.lower()}"
    evidence = attach_evidence(case, list(files), party=party, actor=actor)
    record_event(actor=actor, channel=via or audit_channel(channel), action="complaint.submit", target=case,
                 summary=f"{case.number}：收到举报（{CHANNEL_TEXT[channel]}），被举报对象 {case.subject_name}",
                 data={"channel": channel, "organization": org.pk if org else None, "region": case.region.code,
                       "anonymous": values["reporter"]["anonymous"], "evidence": len(evidence)})  # fmt: skip
    if channel == CaseChannel.PUBLIC:
        count_attempt("submit", client_ip)
    return case, code


# --- handling -----------------------------------------------------------------------------------------


def _lock(actor: Any, case: Case) -> Case:
    """The case, locked, if ``actor`` is a writer who can see it (views have already given 404/403)."""
    if not getattr(actor, "can_write", False):
        raise FieldErrors({"__all__": [gettext("A read-only account cannot handle complaints")]})
    locked = (
        access_cases(actor)
        .select_for_update(of=("self",))
        .filter(pk=case.pk, kind=CaseKind.COMPLAINT)
        .first()
    )
    if locked is None:
        raise FieldErrors({"__all__": [gettext("This case is outside your region")]})
    return locked


def _free_text(actor: Any, case: Case, field: str, value: str, *, required: str, limit: int) -> str:
    """A staff-written text: required, bounded, and — for the handler, who alone knows it — free of the
    reporter's identity, since everyone in the region reads the timeline and the documents."""
    text = _text(value)
    if not text:
        raise FieldErrors({field: [required]})
    if len(text) > limit:
        raise FieldErrors(
            {
                field: [
                    gettext("At most %(limit)s characters; it has %(count)s")
                    % {"limit": limit, "count": len(text)}
                ]
            }
        )
    if can_see_reporter(actor, case):
        reporter = Reporter.objects.filter(case=case).first()
        marks = [v for v in (reporter.name, reporter.phone, reporter.email, reporter.address) if len(v) >= 2] if reporter else []  # fmt: skip
        if any(m in text for m in marks):
            raise FieldErrors(
                {
                    field: [
                        gettext(
                            "Do not write the reporter's name, telephone, e-mail or address (the reporter's identity is kept strictly confidential); refer to them as “the reporter”"
                        )
                    ]
                }
            )
    return text


def registering_department(case: Case) -> Department | None:
    """The 登记管理机关 that issues a founded complaint's record: the department the organization names
    as its registration authority, else the civil-affairs department of its region or the nearest above."""
    org = case.organization
    if org is None:
        return registry.registering_department(case.region)
    return registry.registering_department(org.region, org.registration_authority)


@transaction.atomic
def triage(actor: Any, case: Case, *, accept: bool, reason: str = "", ground: str = "",
           handler: Any = None, on: dt.date | None = None, channel: str = "form") -> Case:  # fmt: skip
    """登记分办: accept (the triage step is done; optionally give the case to ``handler``) or refuse
    (不予受理: a ground and a reason are required; the case closes as rejected with a reply document)."""
    case = _lock(actor, case)
    triage_step = require_step(case, "triage", action=gettext("register and assign the complaint"))
    on = check_day(
        on,
        field="on",
        not_before=case.received_on,
        not_before_label=gettext("the day the complaint was received"),
    )
    if accept:
        note = _free_text(actor, case, "reason", reason, required="", limit=500) if _text(reason) else ""
        complete_step(case, "triage", on=on, actor=actor, note=note)
        add_event(case, "triage", actor, key="complaint_accepted", public=True)
        record_event(actor=actor, channel=channel, action="complaint.accept", target=case,
                     summary=f"{case.number}：予以受理", data={"on": on})  # fmt: skip
        if handler is not None:
            assign(actor, case, handler, reason=note, channel=channel)
            case.refresh_from_db()
        return case
    if ground not in REJECT_GROUNDS:
        raise FieldErrors(ground=gettext("Choose the ground for not accepting"))
    reason = _free_text(
        actor, case, "reason", reason, required=gettext("Not accepting needs a reason"), limit=REASON_MAX
    )
    complete_step(case, triage_step.code, on=on, actor=actor, note=reason)
    body = documents.complaint_reject(case, ground=REJECT_GROUNDS[ground], reason=reason, on=on)
    doc = issue_document(case, kind=REJECT_DOCUMENT, title="举报不予受理告知书", body=body, addressee="举报人",
                         on=on, actor=actor)  # fmt: skip
    case.details["reject_ground"] = ground
    case.decided_on = on
    case.save(update_fields=["details", "decided_on", "updated_at"])
    close_case(case, status=CaseStatus.REJECTED, outcome="not_accepted", reason=reason, on=on)
    record_event(actor=actor, channel=channel, action="complaint.reject", target=case,
                 summary=f"{case.number}：不予受理（{REJECT_GROUNDS[ground]}）",
                 data={"ground": ground, "document": doc.number})  # fmt: skip
    return case


@transaction.atomic
def add_note(actor: Any, case: Case, text: str, *, channel: str = "form") -> Case:
    """调查记录: an internal timeline entry (never shown to the reporter). Any writer of the region may add
    one, so that colleagues who help with the investigation can record what they found."""
    case = _lock(actor, case)
    require_open(case)
    text = _free_text(
        actor, case, "text", text, required=gettext("The investigation note cannot be empty"), limit=NOTE_MAX
    )
    add_event(case, "note", actor, text=text, public=False)
    record_event(actor=actor, channel=channel, action="complaint.note", target=case,
                 summary=f"{case.number}：调查记录", data={"length": len(text)})  # fmt: skip
    return case


@transaction.atomic
def link_organization(actor: Any, case: Case, organization_code: str, *, channel: str = "form") -> Case:
    """关联组织: the complaint turns out to concern a registered organization (named differently, or
    without its code). The organization must lie in the case's region or below; the case moves to it."""
    case = _lock(actor, case)
    require_open(case)
    try:
        code = validate_social_org_code(_text(organization_code)).code
    except CodeError as exc:
        raise FieldErrors(organization_code=str(exc)) from None
    org = Organization.objects.select_related("region").filter(code=code).first()
    if org is None or not _in_scope(actor, org.region):
        raise FieldErrors(
            organization_code=gettext(
                "The unified social credit code %(code)s is not registered or is outside your region"
            )
            % {"code": code}
        )
    if not org.region.path.startswith(case.region.path):
        raise FieldErrors(
            organization_code=gettext(
                "%(name)s is registered by %(name2)s, outside the region of this case; pass the case on"
            )
            % {"name": org.name, "name2": org.region.name}
        )
    before = case.organization
    case.organization = org
    case.region = org.region
    case.save(update_fields=["organization", "region", "updated_at"])
    add_event(case, "link", actor, key="complaint_linked",
              params={"name": org.name, "code": org.code, **({"before": before.name} if before else {})})  # fmt: skip
    record_event(actor=actor, channel=channel, action="complaint.link", target=case,
                 summary=f"{case.number}：关联组织 {org.name}",
                 data={"organization": org.pk, "before": before.pk if before else None})  # fmt: skip
    return case


def _negative_kind(code: str | None) -> RecordKind:
    code = _text(code) or DEFAULT_RECORD_KIND
    kind = RecordKind.objects.filter(code=code, active=True).first()
    if kind is None:
        raise FieldErrors(
            record_kind=gettext("Unknown kind of credit information “%(code)s”") % {"code": code}
        )
    if not kind.is_negative:
        raise FieldErrors(
            record_kind=gettext(
                "“%(name_zh)s” is not a kind of dishonesty information; a founded complaint can only be recorded as dishonesty information"
            )
            % {"name_zh": kind.name}
        )
    return kind


@transaction.atomic
def conclude(
    actor: Any, case: Case, *, founded: bool, reason: str, record_kind: str | None = None,
    occurred_on: dt.date | None = None, document_number: str = "", on: dt.date | None = None,
    channel: str = "form",
) -> Case:  # fmt: skip
    """调查核实、作出处理结论 (completes both steps). Refused before the complaint is accepted.

    Unfounded: the reason is required. Founded: the organization must be a registered one (an
    unregistered body is dealt with by 取缔非法社会组织, outside the credit file; or link the case to an
    organization first), and a negative credit record is created — ``complaint_verified`` unless the
    handler picks another negative kind — issued by the organization's registration authority, with
    ``occurred_on`` (the day of the conduct; default: the day of the conclusion) and ``document_number``
    (default: the case number).
    """
    case = _lock(actor, case)
    require_step(case, "investigate", action=gettext("conclude the complaint"))
    accepted_on = case.steps.get(code="triage").done_on
    on = check_day(on, field="on", not_before=accepted_on, not_before_label=gettext("the date of acceptance"))
    reason = _free_text(actor, case, "reason", reason, required=gettext("The conclusion needs its reasons (the facts found and their basis)"),
                        limit=REASON_MAX)  # fmt: skip
    record = None
    if founded:
        org = case.organization
        if org is None:
            raise FieldErrors(organization_code=(
                gettext("“%(subject_name)s” is not a registered social organization and cannot be entered in a credit file: activity in the name of a social organization without registration is banned as an illegal social organization (handled outside the credit files); if it is in fact registered, link the organization first") % {"subject_name": case.subject_name}
            ))  # fmt: skip
        kind = _negative_kind(record_kind)
        dept = registering_department(case)
        if dept is None:
            raise FieldErrors(
                __all__=gettext(
                    "No registration authority of %(name)s was found (%(name2)s or a higher civil affairs department); it cannot be entered in the credit file"
                )
                % {"name": org.name, "name2": case.region.name}
            )
        data = {
            "organization": org.code, "kind": kind.code, "occurred_on": occurred_on or on, "decided_on": on,
            "document_number": _text(document_number) or case.number, "department": dept.code,
            "summary": f"举报查实（{case.number}）：{reason}"[:2000],
        }  # fmt: skip
        record = create_record(actor=actor, channel=channel, data=data)
        CaseRecord.objects.create(
            case=case, record=record, result_record=record, action=CaseRecord.Action.CREATED
        )
        case.details["record_id"] = record.pk
    complete_step(case, "investigate", on=on, actor=actor)
    complete_step(case, "decide", on=on, actor=actor, note=reason)
    case.outcome = "founded" if founded else "unfounded"
    case.outcome_reason = reason
    case.decided_on = on
    case.save(update_fields=["outcome", "outcome_reason", "decided_on", "details", "updated_at"])
    finding = bilingual("outcome", lambda: labels.COMPLAINT_FINDINGS[case.outcome])
    if record is not None:
        reference = record.document_number or str(record.occurred_on)
        add_event(case, "conclude", actor, key="complaint_concluded_record", params={
            **finding, "record": f"{record.kind.name_zh} {reference}", "record_en": f"{record.kind.name_en} {reference}"})  # fmt: skip
    else:
        add_event(case, "conclude", actor, key="complaint_concluded", params=finding)
    record_event(actor=actor, channel=channel, action="complaint.conclude", target=case,
                 summary=f"{case.number}：{OUTCOME_TEXT[case.outcome]}",
                 data={"founded": founded, "record": record.pk if record else None})  # fmt: skip
    return case


@transaction.atomic
def reply(
    actor: Any, case: Case, *, text: str, on: dt.date | None = None, channel: str = "form"
) -> CaseDocument:
    """答复举报人: the reply document (addressed to 举报人, never by name), then the case closes. The
    reporter reads it with the case number and the 查询码."""
    case = _lock(actor, case)
    require_step(case, "reply", action=gettext("reply to the reporter"))
    on = check_day(
        on, field="on", not_before=case.decided_on, not_before_label=gettext("the day of the conclusion")
    )
    text = _free_text(
        actor, case, "text", text, required=gettext("The reply cannot be empty"), limit=CONTENT_MAX
    )
    body = documents.complaint_reply(
        case, outcome=OUTCOME_TEXT.get(case.outcome, case.outcome), text=text, on=on
    )
    doc = issue_document(case, kind=REPLY_DOCUMENT, title="举报答复书", body=body, addressee="举报人", on=on,
                         actor=actor)  # fmt: skip
    complete_step(case, "reply", on=on, actor=actor)
    close_case(case, status=CaseStatus.CLOSED, outcome=case.outcome, reason=case.outcome_reason, on=on)
    record_event(actor=actor, channel=channel, action="complaint.reply", target=case,
                 summary=f"{case.number}：答复举报人，办结", data={"document": doc.number})  # fmt: skip
    return doc


# --- the reporter's identity ---------------------------------------------------------------------------

REPORTER_SHOWN_ON = {k: READ_PLACES[k] for k in ("case_page", "document")}
"""Where the identity was shown, as the supervisor's review names it."""
_SHOWN_ON_ZH = {"case_page": "案件页面", "document": "打印文书"}  # the audit summary (stored, in Chinese)


@transaction.atomic
def read_reporter(user: Any, case: Case, *, shown_on: str) -> Reporter | None:
    """The reporter for the assigned handler (``access.reporter_for``), each showing of an identity
    recorded as an audit event that the complaint's supervisor reviews (``access.reporter_reads``).
    An anonymous report has no identity to show, and nothing is recorded for it."""
    reporter = reporter_for(user, case)
    if reporter is not None and not reporter.anonymous:
        record_sensitive_read(actor=user, channel="form", action=REPORTER_READ, target=case,
                              summary=f"{case.number}：承办人查看举报人信息（{_SHOWN_ON_ZH[shown_on]}）",
                              data={"shown_on": shown_on})  # fmt: skip
    return reporter


# --- the reporter's lookup --------------------------------------------------------------------------------


def lookup(number: str, code: str) -> dict[str, Any] | None:
    """查询: what the reporter may read with the case number and the 查询码 — status, stage, dates and
    the reply once there is one; never the reporter's data nor internal notes. A wrong number and a
    wrong code give the same None (and take the same work: a digest is always compared)."""
    number = _text(number).upper()
    given = lookup_digest(number, code)
    case = (
        Case.objects.filter(kind=CaseKind.COMPLAINT, number=number).exclude(lookup_hash="").first()
        if number and normalize_code(code) else None
    )  # fmt: skip
    stored = case.lookup_hash if case is not None else lookup_digest("", secrets.token_hex(8))
    if not hmac.compare_digest(given, stored) or case is None:
        return None
    stage = case.steps.filter(code=case.stage).values_list("title", flat=True).first()
    doc = (
        case.documents.filter(kind__in=[REPLY_DOCUMENT, REJECT_DOCUMENT]).order_by("-issued_on", "-id").first()
        if not case.is_open else None
    )  # fmt: skip
    return {
        "number": case.number,
        "status": case.status,
        "status_text": case.get_status_display(),
        "stage": labels.step_title(stage) if stage else case.get_status_display(),
        "received_on": case.received_on,
        "due_on": case.due_on if case.is_open else None,
        "closed_on": case.closed_on,
        "reply_title": doc.title if doc else "",
        "reply_on": doc.issued_on if doc else None,
        "reply": doc.body if doc else "",
    }
