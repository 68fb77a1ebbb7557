"""异议 — objections against credit records or a list decision (rules.md R1.18, R6.1–R6.3; seed 004 §六(三)).

The steps and their limits come from the policy profile in force on the day of receipt
(``socredit.core.cases``): information supplied by another department is forwarded to it, verified
there, decided on and the applicant told; information the registration authority formed itself is
verified and decided here. While the objection is open the records stay effective and published,
marked 异议中 (R6.2). A founded objection corrects or revokes the records through the records
services (a new version with history; never an overwrite), or removes the list entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.cases import documents
from socredit.apps.cases.labels import outcome_label
from socredit.apps.cases.models import (
    Case,
    CaseChannel,
    CaseKind,
    CaseRecord,
    CaseStatus,
    Evidence,
    Verification,
)
from socredit.apps.cases.services.common import (
    add_event,
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
from socredit.apps.cases.timeline import bilingual, both
from socredit.apps.lists.models import ListDecision
from socredit.apps.lists.services import annul_entry_on_objection, suspend_on_objection
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import correct_record, revoke_record, set_objection_mark
from socredit.apps.registry.models import Department, Organization
from socredit.common.documents import zh_date
from socredit.common.errors import FieldErrors
from socredit.core.cases import OBJECTION_FORWARDED, OBJECTION_OWN, OBJECTION_TOTAL
from socredit.core.types import DepartmentKind, RecordStatus

OUTCOMES = {"corrected": "异议成立", "partly": "异议部分成立", "upheld": "异议不成立，维持原信息"}
"""The outcome in one word for the staff timeline; the result notice says what was done per record
(更正 / 撤销 / 维持, ``cases.documents.objection_outcome``)."""
RECORD_ACTIONS = {"upheld": "维持", "correct": "更正", "revoke": "撤销"}
MIN_REASONS = 10


def _ref(record: CreditRecord) -> str:
    """The record as an error message names it to the organization: kind and document number (文书号)."""
    return f"{record.kind.name} {record.document_number or record.occurred_on}"


def is_own_information(record: CreditRecord) -> bool:
    """Information the registration authority formed itself (民政部门), verified without forwarding."""
    return record.department.kind == DepartmentKind.CIVIL_AFFAIRS.value


def _clean_filing(organization: Organization, records: Sequence[CreditRecord], decision: ListDecision | None,
                  reasons: str) -> None:  # fmt: skip
    errors = FieldErrors()
    if not records and decision is None:
        errors.add("records", gettext("Choose at least one credit record or list decision"))
    for r in records:
        if r.organization_id != organization.pk:
            errors.add(
                "records",
                gettext(
                    "The record “%(ref)s” does not belong to %(name)s; no objection can be filed against it"
                )
                % {"ref": _ref(r), "name": organization.name},
            )
        elif not r.is_current or r.status != RecordStatus.EFFECTIVE.value:
            errors.add(
                "records",
                gettext(
                    "The record “%(ref)s” is “%(status_label)s”; objections can only be filed against records in force"
                )
                % {"ref": _ref(r), "status_label": r.status_label},
            )
    if decision is not None and decision.organization_id != organization.pk:
        errors.add(
            "list_decision",
            gettext("The list decision %(document_number)s was not made about %(name)s")
            % {"document_number": decision.document_number, "name": organization.name},
        )
    if decision is not None and decision.kind not in (ListDecision.Kind.ENTRY, ListDecision.Kind.TRANSFER,
                                                      ListDecision.Kind.RESTART):  # fmt: skip
        errors.add(
            "list_decision",
            gettext(
                "Objections can only be filed against decisions that list, transfer or restart a listing period"
            ),
        )
    text = (reasons or "").strip()
    if len(text) < MIN_REASONS:
        errors.add(
            "reasons",
            gettext("State the facts and reasons of the objection (at least %(min_reasons)s characters)")
            % {"min_reasons": MIN_REASONS},
        )
    elif len(text) > 5000:
        errors.add("reasons", gettext("The reasons of the objection are too long (at most 5000 characters)"))
    errors.raise_if_any()
    open_ids = set(
        CaseRecord.objects.filter(record__in=records, case__kind=CaseKind.OBJECTION, case__status=CaseStatus.OPEN)
        .values_list("record_id", flat=True)
    )  # fmt: skip
    for r in records:
        if r.pk in open_ids:
            case = Case.objects.filter(
                kind=CaseKind.OBJECTION, status=CaseStatus.OPEN, case_records__record=r
            ).first()
            errors.add(
                "records",
                gettext(
                    "The record “%(ref)s” already has an objection in progress (%(value)s); wait for its answer"
                )
                % {"ref": _ref(r), "value": case.number if case else ""},
            )
    if decision is not None and Case.objects.filter(kind=CaseKind.OBJECTION, status=CaseStatus.OPEN,
                                                    list_decision=decision).exists():  # fmt: skip
        errors.add("list_decision", gettext("This list decision already has an objection in progress"))
    errors.raise_if_any()


def _refuse_before_decisions(received_on: dt.date, records: Sequence[CreditRecord],
                             decision: ListDecision | None) -> None:  # fmt: skip
    """An objection cannot be received before the decision it objects to was made (决定日期; the
    day it occurred for a record that is no decision)."""
    errors = FieldErrors()
    for r in records:
        made_on = r.decided_on or r.occurred_on
        if received_on < made_on:
            what = gettext("date of the decision") if r.decided_on else gettext("date of the conduct")
            errors.add("received_on", gettext("The day the objection was received, %(received_on)s, is earlier than the %(what)s of %(name)s %(document_number)s (%(name_zh)s), %(made_on)s") % {"received_on": received_on, "name": r.department.name, "document_number": r.document_number, "name_zh": r.kind.name, "what": what, "made_on": made_on})  # fmt: skip
    if decision is not None and received_on < decision.decided_on:
        errors.add("received_on", gettext("The day the objection was received, %(received_on)s, is earlier than the date of the list decision %(document_number)s, %(decided_on)s") % {"received_on": received_on, "document_number": decision.document_number, "decided_on": decision.decided_on})  # fmt: skip
    errors.raise_if_any()


@transaction.atomic
def file_objection(
    actor: Any,
    *,
    channel: str,
    organization: Organization,
    records: Sequence[CreditRecord] = (),
    list_decision: ListDecision | None = None,
    reasons: str,
    files: Sequence[Any] = (),
    received_on: dt.date | None = None,
    applicant_name: str = "",
    applicant_contact: str = "",
) -> Case:
    """提出异议: open the case, mark the records 异议中 at once, store the evidence, issue the receipt.

    ``channel`` is "organization" (the organization's own account) or "paper" (staff entering a
    written objection, with the day it was received).
    """
    if getattr(actor, "is_org_account", False) and actor.organization_id != organization.pk:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("An organization account can only object to its own organization's information")
                ]
            }
        )
    if channel not in (CaseChannel.ORGANIZATION, CaseChannel.PAPER, CaseChannel.STAFF):
        raise FieldErrors(channel=gettext("Unknown channel “%(channel)s”") % {"channel": channel})
    if channel == CaseChannel.ORGANIZATION:
        received_on = today()  # filed online: received the day it is filed
    received_on = check_day(received_on, field="received_on")
    records = list(CreditRecord.objects.select_for_update(of=("self",), no_key=True).select_related("department", "kind")
                   .filter(pk__in=[r.pk for r in records]))  # fmt: skip
    _clean_filing(organization, records, list_decision, reasons)
    _refuse_before_decisions(received_on, records, list_decision)
    own = all(is_own_information(r) for r in records)
    plan = OBJECTION_OWN if own else OBJECTION_FORWARDED
    if channel == CaseChannel.ORGANIZATION and not applicant_name:
        applicant_name = getattr(actor, "full_name", "") or actor_label(actor)
    case = open_case(
        actor=actor, kind=CaseKind.OBJECTION, channel=channel, region=organization.region, received_on=received_on,
        reasons=reasons.strip(), plan=plan, total_param=OBJECTION_TOTAL, organization=organization,
        applicant_name=applicant_name.strip()[:100], applicant_contact=applicant_contact.strip()[:100],
        details={"own_information": own}, list_decision=list_decision,
        list_entry=getattr(list_decision, "entry", None) if list_decision else None,
    )  # fmt: skip
    CaseRecord.objects.bulk_create(CaseRecord(case=case, record=r) for r in records)
    attach_evidence(case, files, party=Evidence.Party.APPLICANT, actor=actor)
    what = "、".join(
        f"{r.kind.name_zh}{f'（{r.document_number}）' if r.document_number else ''}" for r in records
    )
    what_en = [f"{r.kind.name_en}{f' ({r.document_number})' if r.document_number else ''}" for r in records]
    if list_decision is not None:
        what = "、".join(filter(None, [what, f"名录决定 {list_decision.document_number}"]))
        what_en.append(f"list decision {list_decision.document_number}")
    add_event(case, "received", actor, key="objection_received", public=True, params={
        **bilingual("channel", case.get_channel_display), "what": what, "what_en": what_en})  # fmt: skip
    # 异议标注 on receipt (R6.1; 深圳 "immediately", 上海 within 1 working day): done by the system now.
    set_objection_mark(records, marked=True)
    complete_step(case, "mark", on=max(received_on, today()), actor="system", note="系统自动标注“异议中”")
    suspended = suspend_on_objection(case.list_entry, day=received_on, open_=True)
    add_event(case, "mark", "system", key="objection_marked_suspended" if suspended else "objection_marked",
              public=True)  # fmt: skip
    extra = [f"{list_decision.authority_name}{zh_date(list_decision.decided_on)}作出的名录决定"
             f"（{list_decision.document_number}）；"] if list_decision is not None else []  # fmt: skip
    total = case.parameters.get(OBJECTION_TOTAL, {}).get("value")
    issue_document(case, kind="receipt", title="异议申请受理回执", addressee=organization.name, on=today(), actor=actor,
                   body=documents.objection_receipt(case, records, extra, today(), total, suspended=suspended))  # fmt: skip
    record_event(actor=actor, channel=audit_channel(channel), action="objection.file", target=case,
                 summary=f"{case.number}：{organization.name} 对 {what} 提出异议",
                 data={"records": [r.pk for r in records], "list_decision": getattr(list_decision, "pk", None),
                       "received_on": received_on, "own": own})  # fmt: skip
    return case


@transaction.atomic
def forward(actor: Any, case: Case, *, on: dt.date | None = None, note: str = "") -> list[Verification]:
    """转办: send the objection to each department that supplied a record, with its verification deadline."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_step(case, "forward", action=gettext("forward to the department that supplied the record"))
    on = check_day(
        on,
        field="forwarded_on",
        not_before=case.received_on,
        not_before_label=gettext("the day the objection was received"),
    )
    by_dept: dict[int, list[CreditRecord]] = defaultdict(list)
    for link in case.case_records.select_related("record__department"):
        if not is_own_information(link.record):
            by_dept[link.record.department_id].append(link.record)
    complete_step(case, "forward", on=on, actor=actor, note=note)
    verify = case.steps.get(code="verify")
    out = []
    for recs in by_dept.values():
        dept = recs[0].department
        v = Verification.objects.create(case=case, department=dept, forwarded_on=on, due_on=verify.due_on or on,
                                        provisional=verify.provisional)  # fmt: skip
        v.records.set(recs)
        out.append(v)
        issue_document(case, kind="forward", title="异议转办函", addressee=dept.name, on=on, actor=actor, public=False,
                       body=documents.objection_forward(
                           case, dept, recs, v.due_on,
                           case.parameters.get("objection.verify_working_days", {}).get("value"), on))  # fmt: skip
    add_event(case, "forward", actor, key="objection_forwarded",
              params={"departments": [v.department.name for v in out]}, public=True)  # fmt: skip
    record_event(actor=actor, channel="form", action="objection.forward", target=case,
                 summary=f"{case.number} 转交 " + "、".join(v.department.name for v in out),
                 data={"departments": [v.department_id for v in out], "on": on})  # fmt: skip
    return out


VERIFICATION_RESULTS = {Verification.Result.NO_ERROR, Verification.Result.ERROR, Verification.Result.PARTLY}


@transaction.atomic
def record_verification(
    actor: Any,
    case: Case,
    *,
    department: Department,
    result: str,
    note: str,
    corrections: Sequence[Mapping[str, Any]] = (),
    on: dt.date | None = None,
    channel: str = "form",
) -> Verification:
    """核查结果: a department's answer (by API, or entered by staff from its letter)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_open(case)
    v = Verification.objects.filter(case=case, department=department).first()
    if v is None:
        if case.steps.filter(code="forward", done_on__isnull=True).exists():
            raise FieldErrors(
                {
                    "__all__": [
                        gettext(
                            "The objection has not been forwarded to the supplying department yet; no verification result can be entered"
                        )
                    ]
                }
            )
        raise FieldErrors(
            department=gettext("This objection was not forwarded to %(name)s for verification")
            % {"name": department.name}
        )
    if v.answered_on is not None:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("%(name)s answered the verification on %(answered_on)s and cannot answer again")
                    % {"name": department.name, "answered_on": v.answered_on}
                ]
            }
        )
    errors = FieldErrors()
    if result not in VERIFICATION_RESULTS:
        errors.add(
            "result",
            gettext(
                "The verification result must be no_error (information correct), error (information wrong) or partly (partly wrong)"
            ),
        )
    if not (note or "").strip():
        errors.add("note", gettext("Enter the verification opinion"))
    record_ids = set(v.records.values_list("pk", flat=True))
    clean: list[dict[str, Any]] = []
    for i, c in enumerate(corrections):
        rid, action = c.get("record_id"), c.get("action")
        if rid not in record_ids:
            errors.add(
                "corrections",
                gettext(
                    "Item %(value)s: record #%(rid)s is not among the records forwarded to this department"
                )
                % {"value": i + 1, "rid": rid},
            )
        elif action not in ("correct", "revoke"):
            errors.add(
                "corrections",
                gettext("Item %(value)s: the action must be correct or revoke") % {"value": i + 1},
            )
        else:
            clean.append({"record_id": rid, "action": action, "data": dict(c.get("data") or {})})
    if result == Verification.Result.NO_ERROR and clean:
        errors.add(
            "corrections", gettext("No corrections may be proposed when the result is “information correct”")
        )
    errors.raise_if_any()
    on = check_day(
        on,
        field="answered_on",
        not_before=v.forwarded_on,
        not_before_label=gettext("the day it was forwarded"),
    )
    v.result, v.note, v.corrections, v.answered_on = result, note.strip(), clean, on
    v.answered_by_label = actor_label(actor)[:150]
    v.save()
    late = on > v.due_on
    add_event(case, "verification", actor, key="objection_verified", public=True, params={
        "department": department.name, **bilingual("result", v.get_result_display), **({"late": True} if late else {})})  # fmt: skip
    if not case.verifications.filter(answered_on__isnull=True).exists():
        last = max(x.answered_on for x in case.verifications.all() if x.answered_on)
        complete_step(case, "verify", on=last, actor=actor, note="全部信息提供单位已反馈")
    record_event(actor=actor, channel=audit_channel(channel), action="objection.verification", target=case,
                 summary=f"{case.number}：{department.name} {v.get_result_display()}",
                 data={"result": result, "corrections": clean, "on": on})  # fmt: skip
    return v


@transaction.atomic
def decide(
    actor: Any,
    case: Case,
    *,
    reason: str,
    actions: Mapping[int, Mapping[str, Any]],
    list_action: str = "",
    on: dt.date | None = None,
) -> Case:
    """处理决定: for each record upheld / corrected (new values) / revoked, and for a list decision upheld or
    annulled; the outcome (成立 / 部分成立 / 不成立) follows from what was changed.

    ``actions`` maps record id → {"action": "upheld"|"correct"|"revoke", "data": {...} for a correction}.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_step(case, "decide", action=gettext("decide on the objection"))
    reason = (reason or "").strip()
    errors = FieldErrors()
    if not reason:
        errors.add("reason", gettext("The decision needs its reasons"))
    links = {
        link.record_id: link
        for link in case.case_records.select_related("record__kind", "record__department")
    }
    for rid, link in links.items():
        a = (actions.get(rid) or {}).get("action")
        if a not in RECORD_ACTIONS:
            errors.add(
                "actions",
                gettext("Choose what to do with the record “%(record)s”: uphold, correct or revoke")
                % {"record": _ref(link.record)},
            )
    for rid in actions:
        if rid not in links:
            errors.add("actions", gettext("Record #%(rid)s is not part of this objection") % {"rid": rid})
    if case.list_decision_id and list_action not in ("upheld", "annul"):
        errors.add("list_action", gettext("Choose for the list decision: uphold it or annul the listing"))
    errors.raise_if_any()
    on = check_day(
        on,
        field="decided_on",
        not_before=case.received_on,
        not_before_label=gettext("the day the objection was received"),
    )
    set_objection_mark([link.record for link in links.values()], marked=False)
    suspend_on_objection(case.list_entry, day=on, open_=False)
    changed = 0
    for rid, link in links.items():
        a = actions[rid]
        record = link.record
        why = f"异议{case.number}成立：{reason}"[:500]
        if a["action"] == "correct":
            try:
                new = correct_record(actor=actor, channel="form", record=record, data=dict(a.get("data") or {}),
                                     reason=why)  # fmt: skip
            except FieldErrors as exc:
                raise FieldErrors({f"record_{rid}": [exc.as_text()]}) from None
            link.action, link.result_record = CaseRecord.Action.CORRECTED, new
            changed += 1
        elif a["action"] == "revoke":
            revoke_record(actor=actor, channel="form", record=record, reason=why)
            link.action = CaseRecord.Action.REVOKED
            changed += 1
        else:
            link.action = CaseRecord.Action.UPHELD
        link.save(update_fields=["action", "result_record"])
    if case.list_decision_id and list_action == "annul":
        removal = annul_entry_on_objection(actor, case.list_decision, case_number=case.number, reason=reason,
                                           decided_on=on)  # fmt: skip
        if removal is None:
            raise FieldErrors(
                list_action=gettext(
                    "The listing of this decision has already ended; there is nothing to annul"
                )
            )
        case.details["list_annulled"] = removal.pk
        changed += 1
    total = len(links) + (1 if case.list_decision_id else 0)
    outcome = "upheld" if changed == 0 else ("corrected" if changed == total else "partly")
    case.outcome, case.outcome_reason, case.decided_on = outcome, reason, on
    case.save(update_fields=["outcome", "outcome_reason", "decided_on", "details", "updated_at"])
    said = documents.objection_outcome(case)
    complete_step(case, "decide", on=on, actor=actor, note=said)
    add_event(case, "decide", actor, key="objection_decided", text=reason, public=True,
              params={"outcome": said, "outcome_en": both(lambda: outcome_label(outcome))[1]})  # fmt: skip
    record_event(actor=actor, channel="form", action="objection.decide", target=case,
                 summary=f"{case.number}：{OUTCOMES[outcome]}",
                 data={"outcome": outcome, "actions": {str(k): v for k, v in actions.items()},
                       "list_action": list_action, "on": on})  # fmt: skip
    return case


@transaction.atomic
def notify(actor: Any, case: Case, *, on: dt.date | None = None) -> Case:
    """书面告知: the 异议处理结果告知书 with the outcome, what changed, and the remedies; closes the case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_step(case, "notify", action=gettext("notify the applicant in writing"))
    on = check_day(
        on,
        field="notified_on",
        not_before=case.decided_on,
        not_before_label=gettext("the day of the decision"),
    )
    issue_document(case, kind="result", title="异议处理结果告知书", addressee=case.organization.name
                   if case.organization else case.applicant_name, on=on, actor=actor,
                   body=documents.objection_result(case, on))  # fmt: skip
    complete_step(case, "notify", on=on, actor=actor)
    close_case(case, status=CaseStatus.CLOSED, outcome=case.outcome, reason=case.outcome_reason, on=on)
    late = case.due_on is not None and on > case.due_on
    add_event(
        case, "notify", actor, key="objection_notified", params={"late": True} if late else {}, public=True
    )
    record_event(actor=actor, channel="form", action="objection.notify", target=case,
                 summary=f"{case.number} 已告知：{documents.objection_outcome(case)}", data={"on": on, "late": late})  # fmt: skip
    return case


@transaction.atomic
def withdraw(actor: Any, case: Case, *, reason: str) -> Case:
    """撤回: the applicant withdraws an open objection; the 异议中 marks are cleared."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_open(case)
    if getattr(actor, "is_org_account", False) and actor.organization_id != case.organization_id:
        raise FieldErrors({"__all__": [gettext("Only your own organization's objections can be withdrawn")]})
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors(reason=gettext("Enter the reason for withdrawing"))
    records = [link.record for link in case.case_records.select_related("record")]
    set_objection_mark(records, marked=False)
    suspend_on_objection(case.list_entry, day=today(), open_=False)
    close_case(case, status=CaseStatus.WITHDRAWN, outcome="withdrawn", reason=reason, on=today())
    add_event(case, "withdraw", actor, key="objection_withdrawn", text=reason, public=True)
    record_event(
        actor=actor, channel="form", action="objection.withdraw", target=case, summary=f"{case.number} 撤回"
    )
    return case
