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
            __all__=f"该组织于{statement.received_on}提出的陈述、申辩尚未复核：请先复核并答复，"
            f"理由不成立的方可作出决定（陈述申辩期限至{due}）"
        )
    if statement is not None and statement.outcome == ListStatement.Outcome.WAIVED:
        if decided_on < statement.received_on:
            raise FieldErrors(
                decided_on=f"决定日期 {decided_on} 早于该组织放弃陈述、申辩之日 {statement.received_on}"
            )
        return
    if statement is not None and statement.outcome == ListStatement.Outcome.REJECTED:
        assert statement.answered_on is not None
        if decided_on < statement.answered_on:
            raise FieldErrors(
                decided_on=f"决定日期 {decided_on} 早于对陈述、申辩的复核答复之日 {statement.answered_on}"
            )
        return
    if decided_on <= due:
        raise FieldErrors(
            decided_on=f"陈述申辩期限尚未届满：告知书 {notice.document_number} 于{notice.served_on}送达，"
            f"期限至{due}；决定日期须在{due}之后（该组织放弃陈述、申辩或其陈述、申辩经复核不成立的除外）"
        )


# --- statements, waivers and answers -----------------------------------------------------------------


def _check_filing(notice: ListNotice, received_on: dt.date | None, errors: FieldErrors) -> None:
    proposal = notice.proposal
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add("__all__", f"该列入建议已处理（{proposal.get_status_display()}），不再受理陈述、申辩")
    latest = current_notice(proposal)
    if latest is not None and latest.pk != notice.pk:
        errors.add(
            "__all__",
            f"该告知书已由 {latest.document_number}（{latest.served_on}送达）取代，请就新的告知书提出",
        )
    earlier = statement_on(notice)
    if earlier is not None:
        what = "放弃陈述、申辩" if earlier.waived else "提出陈述、申辩"
        errors.add("__all__", f"该组织已于{earlier.received_on}就此告知书{what}，不能重复提交")
    if notice.statement_due_on is None:
        errors.add("__all__", "该告知书送达时未设陈述申辩期限，请在告知书记录之外书面处理")
    if received_on is None:
        errors.add("received_on", "请填写收到日期")
        return
    if received_on > today():
        errors.add("received_on", f"收到日期 {received_on} 不能晚于今天")
    elif received_on < notice.served_on:
        errors.add("received_on", f"收到日期 {received_on} 早于告知书送达之日 {notice.served_on}")
    elif notice.statement_due_on is not None and received_on > notice.statement_due_on:
        errors.add(
            "received_on",
            f"陈述申辩期限已于{notice.statement_due_on}届满（告知书 {notice.document_number} 于{notice.served_on}送达），"
            f"{received_on}提出的陈述、申辩不予受理",
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
        errors.add("__all__", "只能就送达本单位的告知书提出陈述、申辩")
    if channel not in ListStatement.Channel.values:
        errors.add("channel", f"未知的提交方式 {channel!r}")
    _check_filing(notice, received_on, errors)
    if not waive and not (text or "").strip():
        errors.add("text", "请填写陈述、申辩的事实和理由")
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
        errors.add("__all__", f"该陈述、申辩已{statement.get_outcome_display()}，不能再次答复")
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add("__all__", f"该列入建议已处理（{proposal.get_status_display()}）")
    if upheld is None:
        errors.add("outcome", "请选择复核结论：理由成立或不成立")
    if upheld is False and not (answer or "").strip():
        errors.add("answer", "理由不成立的，须写明不予采纳的理由（将载入列入决定书）")
    if answered_on is None:
        errors.add("answered_on", "请填写答复日期")
    elif answered_on > today():
        errors.add("answered_on", f"答复日期 {answered_on} 不能晚于今天")
    elif answered_on < statement.received_on:
        errors.add("answered_on", f"答复日期 {answered_on} 早于收到陈述、申辩之日 {statement.received_on}")
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
