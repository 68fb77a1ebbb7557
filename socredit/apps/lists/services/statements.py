"""陈述申辩 before a listing (R1.5): the period a prior notice gives the organization to state its case,
its statement (on paper, or from its own account under /my/) or waiver, the authority's answer after
review (复核), and the check that keeps a listing decision from being made before all this is done.

The period is ``lists.notice.statement_working_days`` working days counted on the working calendar
from the day the notice was served (for the internet announcement of R1.7, the day it was
published): the last day is the N-th working day after that day, as for every deadline in working
days (``core.calendar``). rules.md gives no number for it (R1.5 is DRAFT-ONLY / UNVERIFIED): the
national profile's 5 working days is a design default after 行政处罚法 practice (3–5 working days).
The due date is computed once, when the notice is served, printed on the notice and honoured as
printed.

A decision on a proposal whose notice gives a period is refused until the period has ended (the
decision is dated after its last day), unless the organization waived its right (then from the day
of the waiver) or its statement was reviewed and not upheld (then from the day of the answer). A
statement awaiting review blocks the decision; an upheld statement withdraws the proposal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext, pgettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.lists.models import (
    ListDecision,
    ListNotice,
    ListProposal,
    ListStatement,
    StatementEvidence,
)
from socredit.apps.workdays.services import working_calendar
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.uploads import check_evidence
from socredit.core.policy import PolicyProfile

PERIOD_KEY = "lists.notice.statement_working_days"
UPHELD_REASON = "陈述申辩理由成立"
"""The reason a proposal is withdrawn after an upheld statement (不予列入)."""


# --- the period --------------------------------------------------------------------------------------


def statement_working_days(profile: PolicyProfile) -> int:
    return profile.int_value(PERIOD_KEY)


def statement_due_on(served_on: dt.date, profile: PolicyProfile) -> dt.date:
    """The last day of the 陈述申辩 period of a notice served (or announced) on ``served_on``."""
    return working_calendar().add_working_days(served_on, statement_working_days(profile))


def current_notice(proposal: ListProposal) -> ListNotice | None:
    """The notice whose period governs the proposal: the latest one served (read from the proposal's
    prefetched notices when a page loaded them)."""
    return max(proposal.notices.all(), key=lambda n: (n.served_on, n.pk), default=None)


def statement_on(notice: ListNotice) -> ListStatement | None:
    """The statement or waiver filed on a notice (at most one), the latest first."""
    return notice.statements.order_by("-received_on", "-id").first()


def decision_statement(decision: ListDecision) -> ListStatement | None:
    """The statement (or waiver) in the file of a listing decision, through the proposal it decided."""
    return (
        ListStatement.objects.filter(proposal__decision=decision)
        .exclude(outcome=ListStatement.Outcome.PENDING)
        .select_related("notice")
        .order_by("-received_on", "-id")
        .first()
    )


@dataclass(frozen=True)
class NoStatement:
    """What a decision prints when the period ran out without a statement or waiver (the documents'
    ``StatementLike``: outcome, text, answer, received_on)."""

    due_on: dt.date
    outcome: str = "none"
    text: str = ""
    answer: str = ""
    received_on: dt.date | None = None


def statement_for_decision(proposal: ListProposal) -> ListStatement | NoStatement | None:
    """The 陈述申辩 a listing decision on ``proposal`` reports: the waiver or the statement answered as
    not upheld, ``NoStatement`` when the period of the notice ran out without one, None when the
    notice gave no period (or none was served). Call after ``check_statement_period``."""
    notice = current_notice(proposal)
    if notice is None or notice.statement_due_on is None:
        return None
    statement = statement_on(notice)
    if statement is not None and statement.outcome in (
        ListStatement.Outcome.WAIVED,
        ListStatement.Outcome.REJECTED,
    ):
        return statement
    return NoStatement(notice.statement_due_on)


def check_statement_period(proposal: ListProposal, decided_on: dt.date) -> None:
    """Refuse a listing decision before the 陈述申辩 period has run its course (see the module doc)."""
    notice = current_notice(proposal)
    if notice is None or notice.statement_due_on is None:
        return
    due = notice.statement_due_on
    pending = (
        proposal.statements.filter(outcome=ListStatement.Outcome.PENDING).order_by("received_on").first()
    )
    statement = pending or statement_on(notice)
    if statement is not None and statement.outcome == ListStatement.Outcome.PENDING:
        raise FieldErrors(
            __all__=gettext(
                "The statement and defence the organization made on %(received_on)s is not reviewed yet: review and answer it first; only if it is unfounded may the decision be made (the period for statements ends on %(due)s)"
            )
            % {"received_on": statement.received_on, "due": due}
        )
    if statement is not None and statement.outcome == ListStatement.Outcome.WAIVED:
        if decided_on < statement.received_on:
            raise FieldErrors(
                decided_on=gettext(
                    "The decision date %(decided_on)s is earlier than the day the organization waived its statement and defence, %(received_on)s"
                )
                % {"decided_on": decided_on, "received_on": statement.received_on}
            )
        return
    if statement is not None and statement.outcome == ListStatement.Outcome.REJECTED:
        assert statement.answered_on is not None
        if decided_on < statement.answered_on:
            raise FieldErrors(
                decided_on=gettext(
                    "The decision date %(decided_on)s is earlier than the day the statement and defence was answered, %(answered_on)s"
                )
                % {"decided_on": decided_on, "answered_on": statement.answered_on}
            )
        return
    if decided_on <= due:
        raise FieldErrors(
            decided_on=gettext(
                "The period for statements has not ended: the notice %(document_number)s was served on %(served_on)s, the period ends on %(due)s; the decision date must be after %(due2)s (unless the organization waived its statement and defence or it was reviewed and found unfounded)"
            )
            % {
                "document_number": notice.document_number,
                "served_on": notice.served_on,
                "due": due,
                "due2": due,
            }
        )


# --- statements, waivers and answers -----------------------------------------------------------------


def _check_filing(notice: ListNotice, received_on: dt.date | None, errors: FieldErrors) -> None:
    proposal = notice.proposal
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add(
            "__all__",
            gettext(
                "This listing proposal is already handled (%(get_status_display)s); statements and defences are no longer received"
            )
            % {"get_status_display": proposal.get_status_display()},
        )
    latest = current_notice(proposal)
    if latest is not None and latest.pk != notice.pk:
        errors.add(
            "__all__",
            gettext(
                "This notice is replaced by %(document_number)s (served on %(served_on)s); respond to the new notice"
            )
            % {"document_number": latest.document_number, "served_on": latest.served_on},
        )
    earlier = statement_on(notice)
    if earlier is not None:
        what = (
            pgettext("statement", "waived its statement and defence")
            if earlier.waived
            else pgettext("statement", "made its statement and defence")
        )
        errors.add(
            "__all__",
            gettext(
                "The organization already %(what)s on this notice on %(received_on)s and cannot submit again"
            )
            % {"received_on": earlier.received_on, "what": what},
        )
    if notice.statement_due_on is None:
        errors.add(
            "__all__",
            gettext(
                "This notice was served without a period for statements; handle it in writing outside the notice records"
            ),
        )
    if received_on is None:
        errors.add("received_on", gettext("Enter the date it was received"))
        return
    if received_on > today():
        errors.add(
            "received_on",
            gettext("The date received, %(received_on)s, cannot be later than today")
            % {"received_on": received_on},
        )
    elif received_on < notice.served_on:
        errors.add(
            "received_on",
            gettext(
                "The date received, %(received_on)s, is earlier than the day the notice was served, %(served_on)s"
            )
            % {"received_on": received_on, "served_on": notice.served_on},
        )
    elif notice.statement_due_on is not None and received_on > notice.statement_due_on:
        errors.add(
            "received_on",
            gettext(
                "The period for statements ended on %(statement_due_on)s (the notice %(document_number)s was served on %(served_on)s); a statement and defence made on %(received_on)s is not received"
            )
            % {
                "statement_due_on": notice.statement_due_on,
                "document_number": notice.document_number,
                "served_on": notice.served_on,
                "received_on": received_on,
            },
        )


@transaction.atomic
def file_statement(
    actor: Any, notice: ListNotice, *, text: str, received_on: dt.date | None, channel: str,
    files: Sequence[Any] = (), waive: bool = False, audit_channel: str = "form",
) -> ListStatement:  # fmt: skip
    """Record the organization's 陈述申辩 on a prior notice (or, with ``waive``, its 放弃陈述申辩): on
    paper by staff with the day it was received, or from its own account on the day it is sent.

    Refused, with nothing stored, after the period (the message names its last day), for a proposal
    already decided, a superseded notice, a second filing, an empty statement or a bad file."""
    notice = (
        ListNotice.objects.select_for_update().select_related("proposal", "organization").get(pk=notice.pk)
    )
    ListProposal.objects.select_for_update().filter(pk=notice.proposal_id).first()
    errors = FieldErrors()
    own = getattr(actor, "organization_id", None) if getattr(actor, "is_org_account", False) else None
    if own is not None and own != notice.organization_id:
        errors.add(
            "__all__",
            gettext("A statement and defence can only respond to a notice served on your own organization"),
        )
    if channel not in ListStatement.Channel.values:
        errors.add("channel", gettext("Unknown way of submission %(channel)s") % {"channel": repr(channel)})
    _check_filing(notice, received_on, errors)
    if not waive and not (text or "").strip():
        errors.add("text", gettext("Enter the facts and reasons of the statement and defence"))
    checked = []
    if files and not waive:
        try:
            checked = check_evidence(list(files))
        except FieldErrors as exc:
            for field, messages in exc.errors.items():
                for m in messages:
                    errors.add(field, m)
    errors.raise_if_any()
    assert received_on is not None
    label = actor_label(actor)[:150]
    statement = ListStatement.objects.create(
        notice=notice, proposal=notice.proposal, received_on=received_on, channel=channel,
        text="" if waive else text.strip(),
        outcome=ListStatement.Outcome.WAIVED if waive else ListStatement.Outcome.PENDING,
        created_by=staff_user_of(actor), created_by_label=label,
    )  # fmt: skip
    for f in checked:
        ev = StatementEvidence(statement=statement, original_name=f.name, content_type=f.content_type, size=f.size,
                               sha256=f.sha256, uploaded_by_label=label)  # fmt: skip
        ev.file.save(f.sha256, ContentFile(f.content), save=False)
        ev.save()
    what = "放弃陈述申辩" if waive else "陈述申辩"
    record_event(actor=actor, channel=audit_channel, action="lists.waiver" if waive else "lists.statement",
                 target=statement,
                 summary=f"{what}（{statement.get_channel_display()}）：{notice.document_number}，{received_on}收到",
                 data={"organization": notice.organization_id, "proposal": notice.proposal_id, "notice": notice.pk,
                       "received_on": received_on, "channel": channel, "files": [f.name for f in checked],
                       "due_on": notice.statement_due_on})  # fmt: skip
    return statement


@transaction.atomic
def answer_statement(
    actor: Any, statement: ListStatement, *, upheld: bool | None, answer: str, answered_on: dt.date | None,
    channel: str = "form",
) -> ListStatement:  # fmt: skip
    """复核 — the authority's answer to a statement. Upheld: the proposal is withdrawn (不予列入, reason
    陈述申辩理由成立) and no listing follows. Not upheld: the answer says why, and the decision may
    then be made (dated on or after the answer)."""
    statement = (
        ListStatement.objects.select_for_update().select_related("proposal", "notice").get(pk=statement.pk)
    )
    proposal = ListProposal.objects.select_for_update().get(pk=statement.proposal_id)
    errors = FieldErrors()
    if statement.outcome != ListStatement.Outcome.PENDING:
        errors.add(
            "__all__",
            gettext(
                "This statement and defence is already %(get_outcome_display)s and cannot be answered again"
            )
            % {"get_outcome_display": statement.get_outcome_display()},
        )
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add(
            "__all__",
            gettext("This listing proposal is already handled (%(get_status_display)s)")
            % {"get_status_display": proposal.get_status_display()},
        )
    if upheld is None:
        errors.add("outcome", gettext("Choose the review's conclusion: founded or unfounded"))
    if upheld is False and not (answer or "").strip():
        errors.add(
            "answer",
            gettext("If unfounded, state why it is not accepted (it goes into the listing decision)"),
        )
    if answered_on is None:
        errors.add("answered_on", gettext("Enter the date of the answer"))
    elif answered_on > today():
        errors.add(
            "answered_on",
            gettext("The date of the answer, %(answered_on)s, cannot be later than today")
            % {"answered_on": answered_on},
        )
    elif answered_on < statement.received_on:
        errors.add(
            "answered_on",
            gettext(
                "The date of the answer, %(answered_on)s, is earlier than the day the statement and defence was received, %(received_on)s"
            )
            % {"answered_on": answered_on, "received_on": statement.received_on},
        )
    errors.raise_if_any()
    assert answered_on is not None
    label = actor_label(actor)[:150]
    statement.outcome = ListStatement.Outcome.UPHELD if upheld else ListStatement.Outcome.REJECTED
    statement.answer = (answer or "").strip() or UPHELD_REASON
    statement.answered_on = answered_on
    statement.answered_by_label = label
    statement.save(update_fields=["outcome", "answer", "answered_on", "answered_by_label"])
    if upheld:
        proposal.status = ListProposal.Status.DISMISSED
        proposal.dismiss_reason = (
            UPHELD_REASON if statement.answer == UPHELD_REASON else f"{UPHELD_REASON}：{statement.answer}"
        )
        proposal.decided_on = answered_on
        proposal.decided_by_label = label
        proposal.save(update_fields=["status", "dismiss_reason", "decided_on", "decided_by_label"])
    record_event(actor=actor, channel=channel, action="lists.statement_answer", target=statement,
                 summary=f"复核陈述申辩：{statement.get_outcome_display()}（{statement.notice.document_number}）",
                 data={"proposal": proposal.pk, "outcome": statement.outcome, "answered_on": answered_on,
                       "withdrawn": bool(upheld)})  # fmt: skip
    return statement
