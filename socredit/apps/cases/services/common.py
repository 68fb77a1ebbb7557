"""The case engine shared by objections, repairs and complaints: numbers, steps and their deadlines,
the timeline, documents, evidence, assignment, escalation of overdue steps.

Every public verb here runs inside the caller's service transaction (the kind-specific services
are the atomic, audited entry points); the helpers never commit on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from socredit.apps.accounts.models import StaffRole, User
from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.cases.access import may_handle_complaint
from socredit.apps.cases.labels import step_title
from socredit.apps.cases.models import (
    CASE_PREFIX,
    Case,
    CaseCounter,
    CaseDocument,
    CaseEvent,
    CaseKind,
    CaseNotice,
    CaseStatus,
    CaseStep,
    Evidence,
)
from socredit.apps.cases.timeline import EVENTS, bilingual
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services import authority_region
from socredit.apps.workdays.services import working_calendar
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.policy import NoProfile, policy_profile
from socredit.common.uploads import check_evidence
from socredit.core.calendar import WorkingCalendar
from socredit.core.cases import RECEIVED, StepSpec, limits
from socredit.core.policy import PolicyProfile
from socredit.core.regions import ancestor_paths

AUDIT_CHANNEL = {"organization": "form", "paper": "form", "staff": "form", "public": "form",
                 "department": "api", "api": "api", "form": "form", "cli": "cli", "system": "system"}  # fmt: skip


def audit_channel(channel: str) -> str:
    return AUDIT_CHANNEL.get(channel, "form")


# --- numbers -----------------------------------------------------------------------------------------


def next_number(kind: str, year: int) -> str:
    """The next case number of ``kind`` in ``year`` (YY-2026-000001); the counter row is locked."""
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{CASE_PREFIX[kind]}-{year}-{counter.last:06d}"


# --- deadlines ---------------------------------------------------------------------------------------


def parameter_snapshot(profile: PolicyProfile, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for key in keys:
        p = profile.parameter(key)
        out[key] = {"value": p.value, "item": p.item, "tag": p.tag, "citation": p.citation}
    return out


def _limit(case: Case, key: str | None) -> int | None:
    if key is None or key not in case.parameters:
        return None
    return int(case.parameters[key]["value"])


def schedule(case: Case, cal: WorkingCalendar | None = None) -> None:
    """(Re)compute the due date of every step whose anchor is known, and the overall deadline.

    Called when a case opens, when a step is done (its dependants start counting) and when the
    holiday table changes (a provisional date becomes exact).
    """
    cal = cal or working_calendar()
    steps = {s.code: s for s in case.steps.all()}
    plan = case.details.get("plan", [])
    provisional = False
    for spec in plan:
        step = steps[spec["code"]]
        anchor = spec["anchor"]
        start = case.received_on if anchor == RECEIVED else getattr(steps.get(anchor), "done_on", None)
        days = _limit(case, spec["param"])
        due, prov = None, False
        if start is not None and days is not None:
            d = cal.deadline(start, days)
            due, prov = d.due, d.provisional
        if (step.started_on, step.working_days, step.due_on, step.provisional) != (start, days, due, prov):
            step.started_on, step.working_days, step.due_on, step.provisional = start, days, due, prov
            step.save(update_fields=["started_on", "working_days", "due_on", "provisional"])
        provisional |= prov and step.done_on is None
    total = case.details.get("total_param")
    days = _limit(case, total)
    if days is not None:
        total_due = cal.deadline(case.received_on, days)
        case.due_on = total_due.due
        provisional |= total_due.provisional and case.is_open
    case.provisional = provisional
    case.save(update_fields=["due_on", "provisional", "updated_at"])


def case_profile(case: Case, day: dt.date) -> PolicyProfile:
    """The profile in force on ``day`` for the authority handling ``case`` (as ``open_case`` chose it)."""
    org = case.organization
    return policy_profile(day, authority_region(org) if org is not None else case.region)


def open_case(
    *,
    actor: Any,
    kind: str,
    channel: str,
    region: Region,
    received_on: dt.date,
    reasons: str,
    plan: Sequence[StepSpec],
    total_param: str | None,
    organization: Organization | None = None,
    subject_name: str = "",
    applicant_name: str = "",
    applicant_contact: str = "",
    details: dict[str, Any] | None = None,
    **fields: Any,
) -> Case:
    """Open a case: number, steps from the profile in force on the day of receipt for the authority
    concerned (the organization's registering authority; without an organization, ``region``),
    deadlines, timeline."""
    try:
        profile = policy_profile(received_on, authority_region(organization) if organization else region)
    except NoProfile as exc:
        raise FieldErrors(
            received_on=gettext("The policy parameters cannot be applied: %(message)s")
            % {"message": exc.message}
        ) from None
    params = limits(tuple(plan), profile, total_param)
    case = Case.objects.create(
        number=next_number(kind, received_on.year),
        kind=kind,
        stage=plan[0].code,
        organization=organization,
        subject_name=subject_name or (organization.name if organization else ""),
        region=region,
        channel=channel,
        applicant_name=applicant_name,
        applicant_contact=applicant_contact,
        reasons=reasons,
        received_on=received_on,
        filed_by=staff_user_of(actor),
        filed_by_label=actor_label(actor),
        profile_version=profile.version,
        parameters=parameter_snapshot(profile, params),
        details={
            **(details or {}),
            "plan": [{"code": s.code, "title": s.title, "param": s.param, "anchor": s.anchor} for s in plan],
            "total_param": total_param,
        },
        **fields,
    )
    CaseStep.objects.bulk_create(
        CaseStep(case=case, order=i, code=s.code, title=s.title,
                 basis=case.parameters[s.param]["citation"] if s.param in case.parameters else "")
        for i, s in enumerate(plan)
    )  # fmt: skip
    schedule(case)
    return case


# --- steps -------------------------------------------------------------------------------------------


def step(case: Case, code: str) -> CaseStep:
    return case.steps.get(code=code)


def require_open(case: Case) -> None:
    if not case.is_open:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("Case %(number)s is already %(get_status_display)s and can no longer be handled")
                    % {"number": case.number, "get_status_display": case.get_status_display()}
                ]
            }
        )


def require_step(case: Case, code: str, *, action: str) -> CaseStep:
    """The step ``code`` if it is the one to do now; otherwise FieldErrors saying what comes first."""
    require_open(case)
    steps = list(case.steps.order_by("order"))
    target = next((s for s in steps if s.code == code), None)
    if target is None:
        raise FieldErrors({"__all__": [gettext("This case has no step “%(action)s”") % {"action": action}]})
    if target.done_on is not None:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("“%(title)s” was completed on %(done_on)s and cannot be done again")
                    % {"title": step_title(target.title), "done_on": target.done_on}
                ]
            }
        )
    pending = [s for s in steps if s.order < target.order and s.done_on is None]
    if pending:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("“%(title)s” must be completed first, before: %(action)s")
                    % {"title": step_title(pending[0].title), "action": action}
                ]
            }
        )
    return target


def check_day(day: dt.date | None, *, field: str, not_before: dt.date | None = None,
              not_before_label: str = "") -> dt.date:  # fmt: skip
    day = day or today()
    if day > today():
        raise FieldErrors({field: [gettext("The date %(day)s is later than today") % {"day": day}]})
    if not_before and day < not_before:
        raise FieldErrors(
            {
                field: [
                    gettext("The date %(day)s is earlier than %(not_before_label)s (%(not_before)s)")
                    % {"day": day, "not_before_label": not_before_label, "not_before": not_before}
                ]
            }
        )
    return day


def complete_step(case: Case, code: str, *, on: dt.date, actor: Any, note: str = "") -> CaseStep:
    """Mark step ``code`` done on ``on``; the next undone step becomes the stage, dependants start counting."""
    s = step(case, code)
    s.done_on = on
    s.done_by_label = actor_label(actor)[:150]
    s.note = note[:500]
    s.save(update_fields=["done_on", "done_by_label", "note"])
    following = case.steps.filter(done_on__isnull=True).order_by("order").first()
    case.stage = following.code if following else "done"
    case.save(update_fields=["stage", "updated_at"])
    schedule(case)
    return s


def close_case(case: Case, *, status: str, outcome: str, reason: str, on: dt.date) -> None:
    case.status = status
    case.outcome = outcome
    case.outcome_reason = reason
    case.closed_on = on
    case.stage = "done"
    case.save(update_fields=["status", "outcome", "outcome_reason", "closed_on", "stage", "updated_at"])
    schedule(case)


def add_event(case: Case, action: str, actor: Any, *, key: str = "", params: dict[str, Any] | None = None,
              text: str = "", public: bool = False, document: CaseDocument | None = None) -> CaseEvent:  # fmt: skip
    """A timeline line: what the product did as ``key`` + ``params`` (``timeline.EVENTS``), what a person
    wrote as ``text``."""
    if key and key not in EVENTS:
        raise ValueError(f"unknown case event {key!r}")
    return CaseEvent.objects.create(case=case, action=action, key=key, params=params or {}, text=text,
                                    actor=staff_user_of(actor), actor_label=actor_label(actor)[:150], public=public,
                                    document=document)  # fmt: skip


def issue_document(case: Case, *, kind: str, title: str, body: str, addressee: str, on: dt.date,
                   actor: Any, public: bool = True) -> CaseDocument:  # fmt: skip
    """A printable notice (文书) with a number derived from the case number, and its timeline entry."""
    seq = case.documents.count() + 1
    doc = CaseDocument.objects.create(case=case, kind=kind, title=title, number=f"{case.number}-{seq:02d}",
                                      issued_on=on, body=body, addressee=addressee)  # fmt: skip
    add_event(case, "document", actor, key="document", params={"title": title, "number": doc.number}, public=public,
              document=doc)  # fmt: skip
    return doc


def attach_evidence(case: Case, files: Sequence[Any], *, party: str, actor: Any) -> list[Evidence]:
    """Store checked evidence files (type by content, size limit); FieldErrors name the bad file."""
    out = []
    for f in check_evidence(list(files)):
        ev = Evidence(case=case, original_name=f.name, content_type=f.content_type, size=f.size, sha256=f.sha256,
                      party=party, uploaded_by_label=actor_label(actor)[:150])  # fmt: skip
        ev.file.save(f.sha256, ContentFile(f.content), save=False)
        ev.save()
        out.append(ev)
    if out:
        add_event(case, "evidence", actor, key="evidence", params={"files": [e.original_name for e in out]},
                  public=party == Evidence.Party.APPLICANT)  # fmt: skip
    return out


# --- assignment --------------------------------------------------------------------------------------


def handlers_for(case: Case) -> list[User]:
    """Staff who may handle the case: active writers of its region or a region above it."""
    ancestors = ancestor_paths(case.region.path)
    return list(
        User.objects.filter(is_active=True, organization__isnull=True, region__path__in=ancestors,
                            staff_role__in=[StaffRole.ADMIN, StaffRole.OFFICER])
        .select_related("region").order_by("region__path", "username")
    )  # fmt: skip


ASSIGN_REASON_MAX = 500


def _complaint_assignment(
    actor: Any, case: Case, handler: User | None, before: User | None, reason: str
) -> str:
    """The rules of giving a complaint to someone, since its handler reads the reporter's identity:
    whoever assigns one holds a post that may handle complaints (`access.may_handle_complaint`), and
    assigning it to oneself, or taking it from the handler who has it, needs a reason (kept on the
    timeline and told to that handler). Returns the cleaned reason."""
    if not may_handle_complaint(actor, case):
        raise FieldErrors(
            {
                "__all__": [
                    gettext(
                        "Only officers and administrators of the complaint's region or a higher registration authority may assign complaint cases"
                    )
                ]
            }
        )
    reason = (reason or "").strip()
    to_self = handler is not None and handler.pk == getattr(actor, "pk", None) and before != handler
    actor_pk = getattr(actor, "pk", None)
    taken = before is not None and before.pk != actor_pk and (handler is None or handler.pk != before.pk)
    if (to_self or taken) and not reason:
        raise FieldErrors(
            reason=gettext(
                "Assigning a complaint to yourself, or taking it back from or reassigning it away from its handler, needs a reason"
            )
        )
    if len(reason) > ASSIGN_REASON_MAX:
        raise FieldErrors(
            reason=gettext("The reason may have at most %(assign_reason_max)s characters; it has %(count)s")
            % {"assign_reason_max": ASSIGN_REASON_MAX, "count": len(reason)}
        )
    return reason


@transaction.atomic
def assign(actor: Any, case: Case, handler: User | None, *, reason: str = "", channel: str = "form") -> Case:
    """分办: give the case to a handler of its region (or take it back with None).

    A complaint follows `_complaint_assignment` (a post that may handle it; a reason to take it for
    oneself or from its handler); the handler it is taken from gets a notice in their inbox.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_open(case)
    if not getattr(actor, "can_write", False):
        raise FieldErrors({"__all__": [gettext("A read-only account cannot assign cases")]})
    before = case.assigned_to
    if case.kind == CaseKind.COMPLAINT:
        reason = _complaint_assignment(actor, case, handler, before, reason)
    if handler is not None and handler.pk not in {u.pk for u in handlers_for(case)}:
        raise FieldErrors(
            assigned_to=gettext(
                "%(handler)s is not active staff of %(name)s or a higher authority and cannot handle this case"
            )
            % {"handler": handler, "name": case.region.name}
        )
    case.assigned_to = handler
    case.save(update_fields=["assigned_to", "updated_at"])
    who = {"handler": str(handler)} if handler else {}
    add_event(case, "assign", actor, key="assign" if handler else "unassign",
              params={**who, **({"before": str(before)} if before else {})}, text=reason)  # fmt: skip
    if (
        before is not None
        and (handler is None or handler.pk != before.pk)
        and before.pk != getattr(actor, "pk", None)
    ):
        CaseNotice.objects.create(user=before, case=case, text=f"{case.number} 已由 {actor_label(actor)} "
                                  f"{f'改派给 {handler}' if handler else '收回'}。理由：{reason or '（未填写）'}")  # fmt: skip
    record_event(actor=actor, channel=audit_channel(channel), action="case.assign", target=case,
                 summary=f"{case.number}：{f'分办给 {handler}' if handler else '收回分办'}",
                 data={"handler": handler.pk if handler else None, "before": before.pk if before else None,
                       "reason": reason})  # fmt: skip
    return case


def notices_seen(user: Any, case: Case) -> int:
    """Mark the user's notices about ``case`` seen (they opened it); not audited: it changes no record
    and no right, only what their inbox shows."""
    return CaseNotice.objects.filter(
        user_id=getattr(user, "pk", None), case=case, seen_at__isnull=True
    ).update(seen_at=timezone.now())


# --- escalation and recomputation ---------------------------------------------------------------------


@transaction.atomic
def escalate_overdue(actor: Any = None, as_of: dt.date | None = None) -> int:
    """督办: mark every overdue undone step of an open case as escalated (once) and say so on the timeline.

    A case past its overall limit is escalated once too. Escalations show in the inbox; the daily job
    runs this. Returns the number of steps and cases escalated now.
    """
    as_of = check_day(as_of, field="as_of")  # an escalation on a day that has not come is refused
    actor = actor or "system"
    steps = (
        CaseStep.objects.filter(case__status=CaseStatus.OPEN, done_on__isnull=True, due_on__lt=as_of,
                                escalated_on__isnull=True)
        .select_related("case__region")
    )  # fmt: skip
    n = 0
    for s in steps:
        s.escalated_on = as_of
        s.save(update_fields=["escalated_on"])
        add_event(s.case, "escalate", actor, key="escalate_step", params={
            **bilingual("step", lambda s=s: step_title(s.title)), "due": str(s.due_on), "region": s.case.region.name})  # fmt: skip
        n += 1
    overdue_cases = Case.objects.filter(status=CaseStatus.OPEN, due_on__lt=as_of).exclude(
        details__has_key="escalated_total_on"
    )
    for case in overdue_cases:
        case.details["escalated_total_on"] = as_of.isoformat()
        case.save(update_fields=["details", "updated_at"])
        add_event(case, "escalate", actor, key="escalate_total", params={"due": str(case.due_on)})
        n += 1
    if n:
        record_event(actor=actor, channel="system", action="case.escalate", target_type="cases.case",
                     summary=f"{as_of} 超期督办 {n} 项")  # fmt: skip
    return n


@transaction.atomic
def recompute_provisional() -> int:
    """Recompute the deadlines of open cases counted on a guessed year (the holiday table changed)."""
    cal = working_calendar()
    n = 0
    qs = Case.objects.filter(status=CaseStatus.OPEN).filter(Q(provisional=True) | Q(steps__provisional=True))
    for case in qs.distinct():
        schedule(case, cal)
        add_event(
            case, "recompute", "system", key="recompute_provisional" if case.provisional else "recompute"
        )
        n += 1
    return n


def on_calendar_changed(sender: Any, **kwargs: Any) -> None:
    recompute_provisional()
