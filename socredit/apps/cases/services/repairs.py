"""信用修复 — repair applications: eligibility, application, acceptance, decision (rules.md §2).

The flow (step plan ``socredit.core.cases.REPAIR``, deadlines from the profile, R2.10):

1. ``apply_for_repair`` — the organization (or staff entering a paper application) applies for one
   record with its reasons, a statement of the obligations performed and evidence files. Refused
   at once, with the reason and nothing written: another organization's record, a kind that cannot
   be repaired (R2.6, R2.11), information that is not negative or no longer effective, information
   made by another department (谁认定、谁修复, R2.9), information past its maximum period (nothing to
   repair, R2.8), a minimum period not yet complete (R2.9(1)), a record that grounds a listing (for
   the lists, repair *is* the removal procedure, R2.13), a repair of the same record already open,
   bad files.
2. ``accept_repair`` (受理, staff confirm the obligations performed, R2.9(2)) or
   ``refuse_acceptance`` (不予受理, with a reason, which closes the case).
3. ``decide_repair`` — approve (every condition must hold on the decision day, including the
   public credit commitment, R2.9(3)) or refuse, with a reason either way. Approval calls
   ``records.services.repair_record``: the record leaves public view and the evaluation from the
   decision day and the departments learn of it through the change outbox (R2.6, R2.4). A
   信用修复决定书 or 不予修复决定书 naming its legal basis is served with the decision (告知).

Each verb is one atomic, audited transaction; the applicant sees the public timeline events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.cases import conditions as condition_words
from socredit.apps.cases import documents
from socredit.apps.cases.access import own_records
from socredit.apps.cases.models import Case, CaseChannel, CaseKind, CaseRecord, CaseStatus, Evidence
from socredit.apps.cases.services.common import (
    add_event,
    attach_evidence,
    audit_channel,
    case_profile,
    check_day,
    close_case,
    complete_step,
    issue_document,
    open_case,
    require_step,
    today,
)
from socredit.apps.cases.timeline import bilingual
from socredit.apps.commitments.services import repair_commitment_for
from socredit.apps.lists.models import RED, ListEntry
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import repair_record
from socredit.apps.registry.models import Organization
from socredit.apps.registry.services import authority_region
from socredit.apps.workdays.services import working_calendar
from socredit.common.errors import FieldErrors
from socredit.common.policy import policy_profile
from socredit.common.uploads import check_evidence
from socredit.core.cases import REPAIR, REPAIR_TOTAL
from socredit.core.policy import PolicyProfile
from socredit.core.repair import Eligibility, RecordFacts, eligibility
from socredit.core.types import DepartmentKind, RecordStatus

REASON_MAX = 2000
TEXT_MAX = 5000


# --- reading ---------------------------------------------------------------------------------------


def repairable_candidates(user: Any) -> QuerySet[CreditRecord]:
    """The organization's own effective negative records (the ones a repair may concern)."""
    return own_records(user).filter(is_current=True, status=RecordStatus.EFFECTIVE.value,
                                    kind__polarity="negative").order_by("-occurred_on", "-id")  # fmt: skip


def own_list_entries(user: Any, as_of: dt.date) -> QuerySet[ListEntry]:
    """The organization's current stays on the abnormal and serious lists (the red list is not a sanction)."""
    if not getattr(user, "is_org_account", False):
        return ListEntry.objects.none()
    return (
        ListEntry.objects.in_force(as_of)
        .filter(organization_id=user.organization_id)
        .exclude(list=RED)
        .order_by("-entered_on", "-id")
    )


def list_entry_for(record: CreditRecord, as_of: dt.date) -> ListEntry | None:
    """The current abnormal/serious listing this record grounds, if any (its repair is removal, R2.13)."""
    return (
        ListEntry.objects.in_force(as_of)
        .filter(organization_id=record.organization_id)
        .exclude(list=RED)
        .filter(Q(trigger_record=record) | Q(entry_decision__records=record))
        .order_by("-entered_on", "-id")
        .first()
    )


def open_repair_for(record: CreditRecord) -> Case | None:
    return Case.objects.filter(
        kind=CaseKind.REPAIR, status=CaseStatus.OPEN, case_records__record=record
    ).first()


def record_facts(record: CreditRecord) -> RecordFacts:
    """The record's facts, its names in the active language (the conditions quote them)."""
    return RecordFacts(
        kind_name=record.kind.name,
        repairable=record.kind.repairable,
        negative=record.kind.is_negative,
        effective=record.is_current and record.status == RecordStatus.EFFECTIVE.value,
        status_label=record.status_label,
        dishonesty_class=record.dishonesty_class,
        occurred_on=record.occurred_on,
        decided_on=record.decided_on,
        department_name=record.department.name,
    )


def check_repair(
    organization: Organization, record: CreditRecord, as_of: dt.date, *, obligations_done: bool | None = None
) -> Eligibility:
    """Whether ``record`` may be repaired on ``as_of``: every condition of R2.9 with its state.

    The commitment is the organization's latest in-force public repair (or general) commitment
    signed by ``as_of``; the obligations stay unknown (None) until staff confirm them at acceptance.
    """
    return eligibility(
        record_facts(record),
        as_of,
        policy_profile(as_of, authority_region(organization)),
        commitment_signed=repair_commitment_for(organization, as_of) is not None,
        obligations_done=obligations_done,
        own_authority=record.department.kind == DepartmentKind.CIVIL_AFFAIRS.value,
    )


def repair_case_record(case: Case) -> CaseRecord:
    return case.case_records.select_related(
        "record__kind", "record__department", "record__organization"
    ).get()


# --- helpers ---------------------------------------------------------------------------------------


def _text(errors: FieldErrors, field: str, value: str, *, what: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, gettext("Enter %(what)s") % {"what": what})
    elif len(value) > limit:
        errors.add(
            field,
            gettext("%(what)s is too long (at most %(limit)s characters)") % {"what": what, "limit": limit},
        )
    return value


def _require_writer(actor: Any) -> None:
    if not (getattr(actor, "can_write", False) or getattr(actor, "is_superuser", False)):
        raise FieldErrors({"__all__": [gettext("A read-only account cannot handle credit repair cases")]})


def _locked_repair(case: Case) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("organization", "region").get(pk=case.pk)
    )
    if case.kind != CaseKind.REPAIR:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("Case %(number)s is not a credit repair application") % {"number": case.number}
                ]
            }
        )
    return case


def _refusal(c: Any) -> str:
    """Why a condition refuses, in the reader's language (the law is cited on the page, not the item)."""
    return condition_words.detail(c)


def _basis_text(profile: PolicyProfile, *keys: str) -> str:
    return "；".join(
        f"{profile.parameter(k).description}：{profile.parameter(k).citation}" for k in keys if profile.has(k)
    )


# --- apply -----------------------------------------------------------------------------------------


@transaction.atomic
def apply_for_repair(
    actor: Any,
    channel: str,
    organization: Organization,
    record: CreditRecord,
    *,
    reasons: str,
    obligations_statement: str,
    files: Sequence[Any],
    received_on: dt.date | None = None,
    applicant_name: str,
    applicant_contact: str,
) -> Case:
    """申请信用修复 for one record; FieldErrors (nothing written) when it cannot be received."""
    if channel not in CaseChannel.values:
        raise ValueError(f"unknown case channel {channel!r}")
    if getattr(actor, "is_org_account", False):
        if actor.organization_id != organization.pk:
            raise FieldErrors(
                {
                    "__all__": [
                        gettext(
                            "An organization account can only apply for repair of its own organization's records"
                        )
                    ]
                }
            )
    else:
        _require_writer(actor)
    # The record row is locked so that two applications for it cannot both pass the "no open case" check.
    record = (
        CreditRecord.objects.select_for_update(of=("self",), no_key=True)
        .select_related("kind", "department")
        .get(pk=record.pk)
    )
    if record.organization_id != organization.pk:
        raise FieldErrors(
            {
                "__all__": [
                    gettext(
                        "The record does not belong to %(name)s; repair cannot be applied for on its behalf"
                    )
                    % {"name": organization.name}
                ]
            }
        )

    errors = FieldErrors()
    reasons = _text(errors, "reasons", reasons, what=gettext("the reasons for the application"))
    statement = _text(
        errors,
        "obligations_statement",
        obligations_statement,
        what=gettext("the statement of the obligations performed and the conduct corrected"),
    )
    name = _text(
        errors,
        "applicant_name",
        applicant_name,
        what=gettext("the applicant's (contact person's) name"),
        limit=100,
    )
    contact = _text(
        errors, "applicant_contact", applicant_contact, what=gettext("the contact details"), limit=100
    )
    try:
        received_on = check_day(received_on, field="received_on", not_before=record.decided_on or record.occurred_on,
                                not_before_label=gettext("the date the information was decided"))  # fmt: skip
    except FieldErrors as exc:
        for field, messages in exc.errors.items():
            for m in messages:
                errors.add(field, m)
        received_on = None
    if not files:
        errors.add("evidence", gettext("Upload proof of the obligations performed and the conduct corrected"))
    else:
        try:
            check_evidence(list(files))
        except FieldErrors as exc:
            for m in exc.errors.get("evidence", []):
                errors.add("evidence", m)
        finally:
            for f in files:  # read once to check; attach_evidence reads again
                if hasattr(f, "seek"):
                    f.seek(0)

    entry = list_entry_for(record, received_on or today())
    if entry is not None:
        errors.add("__all__", gettext("This record grounds a listing on the %(list_title)s. For listed information, credit repair is the removal procedure: apply for removal from the list, not for a separate credit repair") % {"list_title": entry.list_title})  # fmt: skip
    existing = open_repair_for(record)
    if existing is not None:
        errors.add(
            "__all__",
            gettext(
                "This record already has a credit repair application in progress (%(number)s); it cannot be applied for again"
            )
            % {"number": existing.number},
        )
    check = None
    if received_on is not None:
        check = check_repair(organization, record, received_on)
        for c in check.bars:
            errors.add("__all__", _refusal(c))
        minimum = check.condition("min_period")
        if minimum.met is False:
            errors.add("__all__", _refusal(minimum))
    errors.raise_if_any()
    assert check is not None and received_on is not None

    case = open_case(
        actor=actor, kind=CaseKind.REPAIR, channel=channel, region=organization.region, received_on=received_on,
        reasons=reasons, plan=REPAIR, total_param=REPAIR_TOTAL, organization=organization,
        applicant_name=name, applicant_contact=contact,
        details={"record": record.pk, "obligations_statement": statement, "eligibility": check.as_dict()},
    )  # fmt: skip
    CaseRecord.objects.create(case=case, record=record)
    add_event(case, "apply", actor, key="repair_applied", public=True, params={
        "kind": record.kind.name_zh, "kind_en": record.kind.name_en,
        "reference": record.document_number or str(record.occurred_on),
        **bilingual("class", lambda: condition_words.class_label(record.dishonesty_class))})  # fmt: skip
    attach_evidence(case, files, party=Evidence.Party.APPLICANT, actor=actor)
    if check.condition("commitment").met is False:
        add_event(case, "note", actor, key="repair_commitment_missing", public=True)
    record_event(actor=actor, channel=audit_channel(channel), action="case.repair.apply", target=case,
                 summary=f"{case.number}：申请修复记录 #{record.pk}",
                 data={"record": record.pk, "received_on": received_on, "eligibility": check.as_dict()})  # fmt: skip
    return case


# --- acceptance --------------------------------------------------------------------------------------


@transaction.atomic
def accept_repair(actor: Any, case: Case, *, on: dt.date | None, obligations_confirmed: bool, note: str = "",
                  channel: str = "form") -> Case:  # fmt: skip
    """受理: staff have checked the materials and confirm the obligations performed (R2.9(2), R2.10)."""
    _require_writer(actor)
    case = _locked_repair(case)
    require_step(case, "accept", action=gettext("accept"))
    errors = FieldErrors()
    try:
        on = check_day(
            on,
            field="on",
            not_before=case.received_on,
            not_before_label=gettext("the day the application was received"),
        )
    except FieldErrors as exc:
        errors.errors.update(exc.errors)
    if not obligations_confirmed:
        errors.add("obligations_confirmed", gettext("Accept only once it is verified that the applicant has performed the obligations and corrected the conduct; otherwise decide not to accept, with reasons"))  # fmt: skip
    if len(note or "") > 500:
        errors.add("note", gettext("The note is too long (at most 500 characters)"))
    link = repair_case_record(case)
    if not (link.record.is_current and link.record.status == RecordStatus.EFFECTIVE.value):
        errors.add(
            "__all__",
            gettext(
                "The record is now “%(status_label)s” and the application cannot be accepted; decide not to accept it"
            )
            % {"status_label": link.record.status_label},
        )
    errors.raise_if_any()
    assert on is not None
    complete_step(case, "accept", on=on, actor=actor, note=note or "")
    case.details["obligations_confirmed"] = {"on": on.isoformat(), "by": actor_label(actor)}
    case.save(update_fields=["details", "updated_at"])
    issue_document(case, kind="repair_acceptance", title="信用修复申请受理通知书", addressee=_addressee(case), on=on,
                   actor=actor, body=documents.repair_acceptance(case, link.record, on))  # fmt: skip
    add_event(
        case, "accept", actor, key="repair_accepted", params={"on": str(on)}, text=note or "", public=True
    )
    record_event(actor=actor, channel=audit_channel(channel), action="case.repair.accept", target=case,
                 summary=f"{case.number}：受理", data={"on": on, "note": note})  # fmt: skip
    return case


@transaction.atomic
def refuse_acceptance(
    actor: Any, case: Case, *, on: dt.date | None, reason: str, channel: str = "form"
) -> Case:
    """不予受理 with the reason in a written notice; the case closes."""
    _require_writer(actor)
    case = _locked_repair(case)
    require_step(case, "accept", action=gettext("decide not to accept"))
    errors = FieldErrors()
    reason = _text(errors, "reason", reason, what=gettext("the reasons for not accepting"), limit=REASON_MAX)
    try:
        on = check_day(
            on,
            field="on",
            not_before=case.received_on,
            not_before_label=gettext("the day the application was received"),
        )
    except FieldErrors as exc:
        errors.errors.update(exc.errors)
    errors.raise_if_any()
    assert on is not None
    complete_step(case, "accept", on=on, actor=actor, note=f"不予受理：{reason}")
    issue_document(
        case, kind="repair_not_accepted", title="信用修复申请不予受理通知书", addressee=_addressee(case), on=on,
        actor=actor, body=documents.repair_not_accepted(case, repair_case_record(case).record, reason, on),
    )  # fmt: skip
    close_case(case, status=CaseStatus.REJECTED, outcome="not_accepted", reason=reason, on=on)
    add_event(case, "refuse_acceptance", actor, key="repair_not_accepted", params={"on": str(on)}, text=reason,
              public=True)  # fmt: skip
    record_event(actor=actor, channel=audit_channel(channel), action="case.repair.refuse_acceptance", target=case,
                 summary=f"{case.number}：不予受理", data={"on": on, "reason": reason})  # fmt: skip
    return case


# --- decision ------------------------------------------------------------------------------------------


def _addressee(case: Case) -> str:
    return case.organization.name if case.organization else case.subject_name


@transaction.atomic
def decide_repair(actor: Any, case: Case, *, on: dt.date | None, approve: bool, reason: str,
                  min_period_confirmed: bool = False, channel: str = "form") -> Case:  # fmt: skip
    """作出修复决定 (approve or refuse, with a reason), serve the written decision (告知) and close the case.

    Approval needs every condition of R2.9 on ``on``. Where the profile states no period for the
    record's class (e.g. the 新郑 较重 tier), the minimum period cannot be computed: staff judge it
    and say so with ``min_period_confirmed`` (recorded in the decision), never a guessed period.
    """
    _require_writer(actor)
    case = _locked_repair(case)
    require_step(case, "decide", action=gettext("decide on the repair"))
    errors = FieldErrors()
    reason = _text(errors, "reason", reason, what=gettext("the reasons for the decision"), limit=REASON_MAX)
    accepted_on = case.steps.get(code="accept").done_on
    try:
        on = check_day(
            on, field="on", not_before=accepted_on, not_before_label=gettext("the day of acceptance")
        )
    except FieldErrors as exc:
        errors.errors.update(exc.errors)
    errors.raise_if_any()
    assert on is not None and case.organization is not None
    link = repair_case_record(case)
    record = link.record
    profile = case_profile(case, on)
    check = check_repair(case.organization, record, on, obligations_done=True)
    judged = min_period_confirmed and check.condition("min_period").met is None
    open_items = [c for c in check.unknown if not (judged and c.code == "min_period")]
    if approve and (check.missing or open_items):
        raise FieldErrors({"approve": [gettext("On %(on)s the conditions of repair are not met, the repair cannot be granted: ") % {"on": on} + "；".join(
            _refusal(c) for c in [*check.missing, *open_items])]})  # fmt: skip
    if judged:
        reason = f"{reason}（最短公示期经工作人员认定已届满）"
    addressee = _addressee(case)
    with translation.override("zh-hans"):  # the decision document is Chinese and quotes the record's names so
        found = check_repair(case.organization, record, on, obligations_done=True).conditions
        conditions = [f"{condition_words.title(c)}：{'符合' if c.met else '不符合' if c.met is False else '待核实'}"
                      f"（{condition_words.detail(c)}）；" for c in found]  # fmt: skip
    sync_by: dt.date | None = None
    if approve:
        sync_key = "repair.sync_working_days"
        extra: dict[str, Any] = {}
        if profile.has(sync_key):
            sync_by = working_calendar().deadline(on, profile.int_value(sync_key)).due
            extra = {"sync_by": sync_by.isoformat(), "sync_basis": profile.parameter(sync_key).citation}
        repair_record(actor=actor, channel=audit_channel(channel), record=record, on=on, reason=reason,
                      case_number=case.number, extra=extra)  # fmt: skip
        link.action = CaseRecord.Action.REPAIRED
        outcome, title, kind = "repaired", "信用修复决定书", "repair_decision"
    else:
        link.action = CaseRecord.Action.REFUSED
        outcome, title, kind = "refused", "不予信用修复决定书", "repair_refusal"
    body = documents.repair_decision(case, record, approve=approve, reason=reason, conditions=conditions,
                                     accepted_on=accepted_on, sync_by=sync_by, on=on)  # fmt: skip
    link.save(update_fields=["action"])
    complete_step(case, "decide", on=on, actor=actor, note=reason)
    doc = issue_document(case, kind=kind, title=title, body=body, addressee=addressee, on=on, actor=actor)
    complete_step(case, "notify", on=on, actor=actor, note=f"送达《{title}》{doc.number}")
    case.decided_on = on
    case.save(update_fields=["decided_on", "updated_at"])
    close_case(case, status=CaseStatus.CLOSED, outcome=outcome, reason=reason, on=on)
    add_event(case, "decide", actor, key="repair_granted" if approve else "repair_refused", params={"on": str(on)},
              text=reason, public=True)  # fmt: skip
    record_event(actor=actor, channel=audit_channel(channel), action=f"case.repair.{outcome}", target=case,
                 summary=f"{case.number}：{title}", data={"on": on, "reason": reason, "record": record.pk,
                                                          "eligibility": check.as_dict()})  # fmt: skip
    return case
