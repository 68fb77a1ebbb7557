"""The only writers of annual work reports (年度工作报告 / 年检): save a draft, attach files, submit
with a signed statement of truthfulness, return for correction, conclude the inspection.

Each verb is one atomic, audited transaction that validates through ``core.annualreports.validation``
(FieldErrors per field, nothing written on an error) and writes a state-history line. Two verbs
write credit records through ``records.services.create_record``, which announces the organization so
that it is re-scored and the lists react:

- the first submission, when it is on or before the filing deadline: ``annual_report_on_time``
  (a late filing is written by the deadline run, with ``annual_report_late``);
- the conclusion: ``annual_inspection_pass`` / ``_basic`` / ``_fail``.

Records carry the external id ``annualreport-<pk>-on-time`` / ``annualreport-<pk>-inspection`` and
are issued by the organization's registration authority, so each is written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext

from socredit.apps.annualreports.deadlines import due_date_for
from socredit.apps.annualreports.models import AnnualReport, ReportAttachment, ReportFigure, ReportStateChange
from socredit.apps.annualreports.risk import store_flags
from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import create_record
from socredit.apps.records.validation import RecordLookups
from socredit.apps.registry.models import Department, Organization
from socredit.apps.registry.services import registering_department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.uploads import check_evidence
from socredit.core.annualreports import validation
from socredit.core.annualreports.schema import (
    EDITABLE_STATES,
    ON_TIME_KIND,
    AttachmentKind,
    Channel,
    FieldKind,
    InspectionResult,
    ReportState,
    fields_for,
)
from socredit.core.types import OrgStatus, OrgType

DECLARATION = (
    "本组织郑重声明：本年度工作报告所填报的内容及所附材料真实、准确、完整，没有虚假记载、误导性陈述或者重大遗漏，"
    "本组织对其真实性承担法律责任。"
)
"""The statement of truthfulness signed on submission (stored with the report as signed)."""

NOTE_MAX, REASON_MAX, NAME_MAX = 2000, 2000, 50
CLOSED_STATUSES = (OrgStatus.DEREGISTERED.value, OrgStatus.REVOKED.value)

# --- the filing deadline ------------------------------------------------------------------------


def filing_deadline(organization: Organization, year: int) -> dt.date:
    """报送截止日 of the report on ``year``: the profile's day for the organization's kind of filer
    (charities their own), moved past rest days and holidays (annualreports.deadlines). A type that
    files no report under the profile (``OrgType.OTHER``) is shown the associations' day."""
    due = due_date_for(organization, year, otherwise="association")
    assert due is not None  # noqa: S101 — a kind was named
    return due.due


# --- helpers ------------------------------------------------------------------------------------


def _refuse_paper_to_organization(actor: Any, report: AnnualReport) -> None:
    """An organization's account may not change a report filed on paper: the authority enters it."""
    if getattr(actor, "is_org_account", False) and report.channel == Channel.PAPER.value:
        raise FieldErrors({"__all__": [gettext(
            "This report was filed on paper and is entered by the registration authority; "
            "ask the registration authority to change it"
        )]})  # fmt: skip


def _raise(problems: Sequence[validation.Problem]) -> None:
    if problems:
        errors = FieldErrors()
        language = get_language()
        for p in problems:
            errors.add(p.field, p.text(language))
        raise errors


def _history(report: AnnualReport, before: str, after: str, actor: Any, reason: str = "") -> None:
    ReportStateChange.objects.create(report=report, from_state=before, to_state=after, actor=staff_user_of(actor),
                                     actor_label=actor_label(actor)[:150], reason=reason)  # fmt: skip


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("organization__region").get(pk=report.pk)


def _state_error(report: AnnualReport, doing: str) -> FieldErrors:
    return FieldErrors({"__all__": [
        gettext("The report is “%(state)s”; it cannot be %(doing)s now") % {"state": report.state_label, "doing": doing}
    ]})  # fmt: skip


def clean_content(organization: Organization, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The facts as stored: text stripped, counts as ints (a bad count is left as typed so that
    validation names it), yes/no as "yes"/"no", empty answers dropped; only this type's fields."""
    out: dict[str, Any] = {}
    for spec in fields_for(OrgType(organization.org_type)):
        value = raw.get(spec.code)
        if value is None:
            continue
        if spec.kind is FieldKind.COUNT and not isinstance(value, int):
            text = str(value).strip()
            if not text:
                continue
            value = int(text) if text.isdigit() else text
        elif spec.kind is FieldKind.YES_NO and isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        out[spec.code] = value
    return out


def parse_figures(raw: Mapping[str, Any]) -> tuple[dict[str, Decimal], list[validation.Problem]]:
    """Amounts as typed (code → text) → (code → Decimal, problems); empty ones are left out."""
    figures: dict[str, Decimal] = {}
    problems: list[validation.Problem] = []
    for code, text in raw.items():
        if isinstance(text, Decimal):
            value, problem = text, validation.check_amount(code, text)
        else:
            value, problem = validation.parse_figure(code, text)
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            figures[code] = value
    return figures, problems


def _write_figures(report: AnnualReport, figures: Mapping[str, Decimal]) -> None:
    """Replace the report's figures by ``figures`` (one row per code)."""
    existing = {f.code: f for f in report.figures.all()}
    for code, figure in existing.items():
        if code not in figures:
            figure.delete()
        elif figure.value != figures[code]:
            figure.value = figures[code]
            figure.save(update_fields=["value"])
    ReportFigure.objects.bulk_create(
        [ReportFigure(report=report, code=c, value=v) for c, v in figures.items() if c not in existing]
    )


def _figures_of(report: AnnualReport) -> dict[str, Decimal]:
    return {f.code: f.value for f in report.figures.all()}


# --- drafts -------------------------------------------------------------------------------------


@transaction.atomic
def save_draft(actor: Any, channel: str, organization: Organization, year: int, *, content: Mapping[str, Any],
               figures: Mapping[str, Any], report_channel: str = Channel.ONLINE.value) -> AnnualReport:  # fmt: skip
    """保存草稿: create the report on ``year`` or update it while it is a draft or returned.

    ``content``: field code → value as typed; ``figures``: figure code → amount as typed. Checked at
    the draft level (numbers are numbers, amounts in range and of the right sign, typed totals add
    up, the balance sheet balances); on any problem nothing is written and FieldErrors name each field.
    """
    if organization.status in CLOSED_STATUSES:
        raise FieldErrors(
            {"__all__": [gettext("The organization is no longer registered; it files no report")]}
        )
    report = AnnualReport.objects.select_for_update().filter(organization=organization, year=year).first()
    existing = ReportState(report.state) if report else None
    _raise(
        validation.check_year(
            year, today=today(), registered_on=organization.registered_on, existing=existing
        )
    )
    if report is not None and ReportState(report.state) not in EDITABLE_STATES:
        raise _state_error(report, gettext("changed"))
    if report is not None:
        _refuse_paper_to_organization(actor, report)
    clean = clean_content(organization, content)
    amounts, problems = parse_figures(figures)
    _raise(problems + validation.check_draft(clean, amounts, OrgType(organization.org_type)))
    created = report is None
    if report is None:
        report = AnnualReport.objects.create(organization=organization, year=year, content=clean,
                                             channel=report_channel, entered_by_label=actor_label(actor)[:150])  # fmt: skip
        _history(report, "", ReportState.DRAFT.value, actor)
    else:
        report.content = clean
        report.save(update_fields=["content", "updated_at"])
    _write_figures(report, amounts)
    record_event(actor=actor, channel=channel, action="annualreport.create" if created else "annualreport.save",
                 target=report, summary=f"{organization.name}：{year}年度工作报告（草稿）",
                 data={"organization": organization.code, "year": year, "fields": sorted(clean),
                       "figures": sorted(amounts)})  # fmt: skip
    return report


@transaction.atomic
def add_attachments(actor: Any, channel: str, report: AnnualReport, kind: str, files: Sequence[Any]) -> list[
    ReportAttachment
]:  # fmt: skip
    """上传附件: files checked by content (PDF, OFD, JPG, PNG) and size; FieldErrors name the bad file."""
    report = _locked(report)
    if not report.editable:
        raise _state_error(report, gettext("changed"))
    _refuse_paper_to_organization(actor, report)
    try:
        kind_enum = AttachmentKind(kind)
    except ValueError:
        raise FieldErrors({"kind": [gettext("Choose what the file is")]}) from None
    if not files:
        raise FieldErrors({"files": [gettext("Choose a file to upload")]})
    out = []
    for f in check_evidence(list(files), field="files"):
        att = ReportAttachment(report=report, kind=kind_enum.value, original_name=f.name, content_type=f.content_type,
                               size=f.size, sha256=f.sha256, uploaded_by_label=actor_label(actor)[:150])  # fmt: skip
        att.file.save(f.sha256, ContentFile(f.content), save=False)
        att.save()
        out.append(att)
    record_event(actor=actor, channel=channel, action="annualreport.attach", target=report,
                 summary=f"{report.organization.name}：{report.year}年度工作报告 上传附件",
                 data={"kind": kind_enum.value, "files": [a.original_name for a in out]})  # fmt: skip
    return out


@transaction.atomic
def remove_attachment(actor: Any, channel: str, attachment: ReportAttachment) -> None:
    report = _locked(attachment.report)
    if not report.editable:
        raise _state_error(report, gettext("changed"))
    _refuse_paper_to_organization(actor, report)
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
    record_event(actor=actor, channel=channel, action="annualreport.detach", target=report,
                 summary=f"{report.organization.name}：{report.year}年度工作报告 删除附件", data={"file": name})  # fmt: skip


# --- submission ---------------------------------------------------------------------------------


class _Own(RecordLookups):
    """Resolves the report's own organization whoever acts: the caller was already allowed to act
    for it (its own account, or staff through access_*), and an organization account has no scope."""

    def __init__(self, principal: Any, organization: Organization) -> None:
        super().__init__(principal)
        self._orgs[organization.code] = organization


def registration_authority(organization: Organization) -> Department | None:
    return registering_department(organization.region, organization.registration_authority)


def write_report_record(actor: Any, channel: str, report: AnnualReport, kind: str, suffix: str, day: dt.date,
                        summary: str) -> CreditRecord:  # fmt: skip
    """The report's credit record of ``kind``, written once (an existing one with its id is reused): the
    on-time filing, the inspection result; also what the import of past years writes."""
    org = report.organization
    department = registration_authority(org)
    if department is None:
        raise FieldErrors({"__all__": [gettext(
            "The organization's registration authority (%(authority)s) is not found; the credit record cannot "
            "be written"
        ) % {"authority": org.registration_authority}]})  # fmt: skip
    external_id = f"annualreport-{report.pk}-{suffix}"
    existing = CreditRecord.objects.filter(
        department=department, external_id=external_id, is_current=True
    ).first()
    if existing is not None:
        return existing
    data = {"organization": org.code, "kind": kind, "occurred_on": day, "department": department.code,
            "external_id": external_id, "summary": summary}  # fmt: skip
    try:
        return create_record(actor=actor, channel=channel, data=data, lookups=_Own(actor, org))
    except FieldErrors as exc:
        raise FieldErrors({"__all__": [
            gettext("The credit record cannot be written: %(as_text)s") % {"as_text": exc.as_text()}
        ]}) from None  # fmt: skip


@transaction.atomic
def submit_report(actor: Any, channel: str, report: AnnualReport, *, declared_by_name: str,
                  received_on: dt.date | None = None) -> AnnualReport:  # fmt: skip
    """提交 (or resubmit after a return): the complete-report checks, the signed statement of
    truthfulness (who, when, the text), and on the first submission on or before the deadline the
    ``annual_report_on_time`` record.

    ``received_on`` is for a paper report entered by staff: the day the authority received it
    (not later than today, not before the year ended); an online report is submitted today.
    """
    report = _locked(report)
    org = report.organization
    if ReportState(report.state) not in EDITABLE_STATES:
        raise _state_error(report, gettext("submitted"))
    _refuse_paper_to_organization(actor, report)
    errors = FieldErrors()
    name = (declared_by_name or "").strip()
    if not name:
        errors.add("declared_by_name", gettext("Enter the name of the person signing the statement"))
    elif len(name) > NAME_MAX:
        errors.add(
            "declared_by_name", gettext("The name is too long (at most %(n)s characters)") % {"n": NAME_MAX}
        )
    day = today()
    if received_on is not None:
        if report.channel != Channel.PAPER.value:
            errors.add("received_on", gettext("Only a paper report has a day of receipt"))
        elif received_on > day:
            errors.add("received_on", gettext("The day of receipt cannot be later than today"))
        elif received_on.year <= report.year:
            errors.add("received_on", gettext("The day of receipt must be after the year reported has ended"))
        else:
            day = received_on
    errors.raise_if_any()
    kinds = set(report.attachments.values_list("kind", flat=True))
    _raise(validation.check_submission(report.content, _figures_of(report), OrgType(org.org_type),
                                       attachments=[AttachmentKind(k) for k in kinds]))  # fmt: skip
    before = report.state
    first = report.submitted_on is None
    now = timezone.now()
    if timezone.localdate(now) != day:  # a paper report received earlier, or a replay: that day, at noon
        now = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    report.state = ReportState.SUBMITTED.value
    report.submitted_on = report.submitted_on or day
    report.last_submitted_at = now
    report.declared_by_name = name
    report.declaration_text = DECLARATION
    report.declared_at = now
    report.declared_by = staff_user_of(actor)
    report.save()
    _history(report, before, report.state, actor)
    store_flags(report)  # the automatic review checks' findings, in this transaction
    deadline = filing_deadline(org, report.year)
    if first and day <= deadline:
        report.timeliness_record = write_report_record(actor, channel, report, ON_TIME_KIND, "on-time", day,
                                                 f"{report.year}年度工作报告于{day:%Y-%m-%d}报送（截止日{deadline:%Y-%m-%d}）")  # fmt: skip
        report.save(update_fields=["timeliness_record"])
    record_event(actor=actor, channel=channel, action="annualreport.submit", target=report,
                 summary=f"{org.name}：{report.year}年度工作报告 {'提交' if first else '重新提交'}",
                 data={"organization": org.code, "year": report.year, "submitted_on": report.submitted_on,
                       "declared_by": name, "deadline": deadline, "first": first,
                       "record": report.timeliness_record_id})  # fmt: skip
    return report


# --- review -------------------------------------------------------------------------------------


def _clean_text(
    errors: FieldErrors, field: str, text: str, *, required: bool, limit: int, missing: str
) -> str:
    text = (text or "").strip()
    if required and not text:
        errors.add(field, missing)
    elif len(text) > limit:
        errors.add(field, gettext("Too long (at most %(n)s characters)") % {"n": limit})
    return text


@transaction.atomic
def return_report(actor: Any, channel: str, report: AnnualReport, *, reasons: str) -> AnnualReport:
    """退回修改: the organization sees the reasons, corrects the report and submits it again."""
    report = _locked(report)
    if report.state != ReportState.SUBMITTED.value:
        raise _state_error(report, gettext("returned"))
    errors = FieldErrors()
    reasons = _clean_text(errors, "reasons", reasons, required=True, limit=REASON_MAX,
                          missing=gettext("Say what must be corrected"))  # fmt: skip
    errors.raise_if_any()
    report.state = ReportState.RETURNED.value
    report.return_reasons = reasons
    report.save(update_fields=["state", "return_reasons", "updated_at"])
    _history(report, ReportState.SUBMITTED.value, report.state, actor, reasons)
    record_event(actor=actor, channel=channel, action="annualreport.return", target=report,
                 summary=f"{report.organization.name}：{report.year}年度工作报告 退回修改",
                 data={"reasons": reasons})  # fmt: skip
    return report


@transaction.atomic
def conclude_report(actor: Any, channel: str, report: AnnualReport, *, result: str, note: str = "",
                    on: dt.date | None = None) -> AnnualReport:  # fmt: skip
    """办结年检: 合格 / 基本合格 / 不合格 with a note (required unless 合格), and the inspection record."""
    report = _locked(report)
    if report.state != ReportState.SUBMITTED.value:
        raise _state_error(report, gettext("concluded"))
    errors = FieldErrors()
    try:
        outcome = InspectionResult(result)
    except ValueError:
        outcome = None
        errors.add("result", gettext("Choose the result of the inspection"))
    note = _clean_text(errors, "note", note, required=outcome not in (None, InspectionResult.PASS), limit=NOTE_MAX,
                       missing=gettext("Say why the report basically passed or failed"))  # fmt: skip
    day = on or today()
    if day > today():
        errors.add("on", gettext("The day cannot be later than today"))
    elif report.submitted_on and day < report.submitted_on:
        errors.add("on", gettext("The day cannot be earlier than the submission"))
    errors.raise_if_any()
    assert outcome is not None  # for the type checker: refused above
    report.state = ReportState.CONCLUDED.value
    report.result = outcome.value
    report.concluded_on = day
    report.conclusion_note = note
    report.concluded_by = staff_user_of(actor)
    report.save()
    _history(report, ReportState.SUBMITTED.value, report.state, actor, note)
    summary = f"{report.year}年度检查结论：{outcome.zh}" + (f"（{note}）" if note else "")
    report.inspection_record = write_report_record(actor, channel, report, outcome.record_kind, "inspection", day,
                                             summary[:500])  # fmt: skip
    report.save(update_fields=["inspection_record"])
    record_event(actor=actor, channel=channel, action="annualreport.conclude", target=report,
                 summary=f"{report.organization.name}：{summary}",
                 data={"result": outcome.value, "on": day, "note": note, "record": report.inspection_record_id})  # fmt: skip
    return report


def attachment_kinds(report: AnnualReport) -> Iterable[str]:
    return report.attachments.values_list("kind", flat=True)


@transaction.atomic
def enter_paper_report(actor: Any, channel: str, organization: Organization, year: int, *,
                       content: Mapping[str, Any], figures: Mapping[str, Any], submit: bool = False,
                       declared_by_name: str = "", received_on: dt.date | None = None) -> AnnualReport:  # fmt: skip
    """录入纸质报告: staff type in a report the organization filed on paper (channel ``paper``), as a
    draft, or submitted at once with the day it was received and who signed it — all or nothing."""
    existing = AnnualReport.objects.filter(organization=organization, year=year).first()
    if existing is not None and existing.channel != Channel.PAPER.value and existing.editable:
        raise FieldErrors({"year": [gettext(
            "The organization is filing its report on %(year)s online; it corrects that report itself"
        ) % {"year": year}]})  # fmt: skip
    report = save_draft(actor, channel, organization, year, content=content, figures=figures,
                        report_channel=Channel.PAPER.value)  # fmt: skip
    if submit:
        report = submit_report(
            actor, channel, report, declared_by_name=declared_by_name, received_on=received_on
        )
    return report
