"""Removal on application (申请移出, R1.10(a), R1.14(a)(b)): apply, verify, decide within working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.lists.models import (
    RED,
    ListDecision,
    ListEntry,
    RemovalApplication,
)
from socredit.apps.lists.services.common import (
    ground_title,
    histories,
    list_records,
    org_region,
    parameters,
)
from socredit.apps.lists.services.decisions import (
    close_entry,
    document_number_for,
    new_decision,
    rescore,
)
from socredit.apps.registry.models import Department, DocumentType
from socredit.apps.workdays.services import working_calendar
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.calendar import CalendarError, WorkingCalendar
from socredit.core.lists import (
    ABNORMAL,
    Fulfilment,
    removal_on_application,
    serious_removal_on_application,
)

# --- removal on application ----------------------------------------------------------------------


@transaction.atomic
def apply_for_removal(actor: Any, entry: ListEntry, *, evidence: str, applied_on: dt.date | None,
                      channel: str = "form") -> RemovalApplication:  # fmt: skip
    """The organization (or staff on its behalf) applies to leave a list with evidence of correction."""
    errors = FieldErrors()
    if not (evidence or "").strip():
        errors.add(
            "evidence",
            gettext("Hand in proof that the obligations are performed or the rectification is complete"),
        )
    if applied_on is None:
        errors.add("applied_on", gettext("Enter the date of the application"))
    elif applied_on > today():
        errors.add("applied_on", gettext("The date of the application cannot be later than today"))
    elif applied_on < entry.entered_on or (entry.left_on is not None and applied_on >= entry.left_on):
        errors.add(
            "applied_on",
            gettext(
                "On the day of application, %(applied_on)s, the organization is not on the %(list_title)s"
            )
            % {"applied_on": applied_on, "list_title": entry.list_title},
        )
    if entry.list == RED:
        errors.add("__all__", gettext("Removal from the red list is not applied for"))
    if entry.applications.filter(status=RemovalApplication.Status.PENDING).exists():
        errors.add("__all__", gettext("This listing already has a removal application waiting"))
    errors.raise_if_any()
    application = RemovalApplication.objects.create(
        entry=entry, applied_on=applied_on, evidence=evidence.strip()
    )
    record_event(actor=actor, channel=channel, action="lists.apply_removal", target=application,
                 summary=f"申请移出{entry.list_title}", data={"entry": entry.pk, "applied_on": applied_on})  # fmt: skip
    return application


def removal_calendar() -> WorkingCalendar:
    # Strict: a removal deadline must not rest on a year whose holidays nobody has entered yet.
    return working_calendar(strict=True)


@transaction.atomic
def verify_removal(actor: Any, application: RemovalApplication, *, verified_on: dt.date | None,
                   fulfilment_confirmed: bool = True, channel: str = "form") -> RemovalApplication:  # fmt: skip
    """Staff verify the application; the removal is due within N working days of this day."""
    errors = FieldErrors()
    if application.status != RemovalApplication.Status.PENDING:
        errors.add("__all__", gettext("This application is already handled"))
    if verified_on is None:
        errors.add("verified_on", gettext("Enter the date of verification"))
    elif verified_on < application.applied_on:
        errors.add(
            "verified_on",
            gettext("The date of verification cannot be earlier than the date of the application"),
        )
    elif verified_on > today():
        errors.add("verified_on", gettext("The date of verification cannot be later than today"))
    errors.raise_if_any()
    assert verified_on is not None
    _profile, params = parameters(verified_on, org_region(application.entry.organization))
    days = (
        params.abnormal_removal_working_days
        if application.entry.list == ABNORMAL
        else params.serious_removal_working_days
    )
    try:
        deadline = removal_calendar().add_working_days(verified_on, days)
    except CalendarError as exc:
        raise FieldErrors(verified_on=str(exc)) from None
    application.verified_on = verified_on
    application.deadline = deadline
    application.fulfilment_confirmed = fulfilment_confirmed
    application.save(update_fields=["verified_on", "deadline", "fulfilment_confirmed"])
    record_event(actor=actor, channel=channel, action="lists.verify_removal", target=application,
                 summary=f"查实移出申请，{days}个工作日内（{deadline}前）办理", data={"deadline": deadline})  # fmt: skip
    return application


@transaction.atomic
def decide_removal(
    actor: Any, application: RemovalApplication, *, approve: bool, reason: str = "", decided_on: dt.date | None,
    document_number: str = "", authority: Department | str | None = None, channel: str = "form",
) -> RemovalApplication:  # fmt: skip
    """Approve (with the core's check of R1.10(a) / R1.14(a)(b)) or refuse with a reason."""
    application = (
        RemovalApplication.objects.select_for_update()
        .select_related("entry__organization")
        .get(pk=application.pk)
    )
    entry = application.entry
    org = entry.organization
    if (
        approve
        and application.status == RemovalApplication.Status.PENDING
        and decided_on
        and decided_on <= today()
    ):
        document_number = document_number_for(document_number, authority, org, DocumentType.REMOVAL_DECISION,
                                              decided_on)  # fmt: skip
    errors = FieldErrors()
    if application.status != RemovalApplication.Status.PENDING:
        errors.add("__all__", gettext("This application is already handled"))
    if decided_on is None:
        errors.add("decided_on", gettext("A decision needs a date"))
    elif decided_on > today():
        errors.add("decided_on", gettext("The decision date cannot be later than today"))
    if not approve and not reason.strip():
        errors.add("reason", gettext("Not removing needs a reason"))
    if approve and not document_number.strip():
        errors.add("document_number", gettext("A removal decision needs a document number"))
    if approve and application.verified_on is None:
        errors.add("__all__", gettext("The application is not verified yet"))
    errors.raise_if_any()
    assert decided_on is not None
    application.decided_on = decided_on
    application.decided_by = staff_user_of(actor)
    application.decided_by_label = actor_label(actor)[:150]
    if not approve:
        application.status = RemovalApplication.Status.REFUSED
        application.reason = reason.strip()
        application.save()
        record_event(actor=actor, channel=channel, action="lists.refuse_removal", target=application,
                     summary=f"不予移出{entry.list_title}", data={"reason": application.reason})  # fmt: skip
        return application
    assert application.verified_on is not None
    profile, params = parameters(decided_on, org_region(org))
    records = list_records([org.pk], profile)
    history = histories([org.pk])[org.pk]
    core_entry = next(
        (e for e in history.entries if e.entered_on == entry.entered_on and e.list == entry.list), None
    )
    facts = Fulfilment(tuple(records), application.fulfilment_confirmed)
    try:
        if entry.list == ABNORMAL and core_entry is not None:
            answer = removal_on_application(core_entry, application.applied_on, application.verified_on, facts,
                                            decided_on, params, removal_calendar())  # fmt: skip
        else:
            answer = serious_removal_on_application(history, records, application.applied_on, application.verified_on,
                                                    facts, decided_on, params, removal_calendar())  # fmt: skip
    except CalendarError as exc:
        raise FieldErrors(decided_on=str(exc)) from None
    if not answer.allowed:
        raise FieldErrors(__all__=answer.reason)
    assert answer.exit_ground is not None
    decision = new_decision(
        org, kind=ListDecision.Kind.REMOVAL, lst=entry.list, ground=answer.exit_ground, profile=profile,
        document_number=document_number, decided_on=decided_on, authority=authority, actor=actor,
        reason=answer.reason + (f"；{reason.strip()}" if reason.strip() else ""),
        action_text=f"将你单位移出{entry.list_title}",
        document={"listed_on": entry.entered_on, "entry_number": entry.entry_decision.document_number,
                  "applied_on": application.applied_on, "verified_on": application.verified_on},
    )  # fmt: skip
    decision.entry = entry
    decision.save(update_fields=["entry"])
    close_entry(entry, decision, decided_on, answer.exit_ground)
    application.status = RemovalApplication.Status.APPROVED
    application.reason = decision.reason
    application.overdue = answer.overdue
    application.decision = decision
    application.save()
    record_event(actor=actor, channel=channel, action="lists.removal", target=decision,
                 summary=f"移出{entry.list_title}：{ground_title(answer.exit_ground or '')} {decision.document_number}",
                 data={"organization": org.pk, "entry": entry.pk, "overdue": answer.overdue,
                       "deadline": answer.deadline, "policy": profile.version})  # fmt: skip
    rescore([org.pk], f"移出{entry.list_title}（{decision.document_number}）", actor)
    return application
