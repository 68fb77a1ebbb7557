"""Step plans of cases with legal deadlines: which steps, counted from what, within how many working days.

A plan is a list of ``StepSpec``: each step's limit is a policy-profile parameter (never a literal)
counted in working days from an *anchor*: the day of receipt or the day another step was done.
The case engine computes due dates with the working-day calendar (``socredit.core.calendar``:
the n-th working day after the anchor, the anchor not counted, 民法典 第二百零一条).

Objections (rules.md R6.1, R6.2, R1.18; seed 004 §六(三)):
  * information supplied by another department: 异议标注 (mark), 转办 (forward to the source
    department), 核查 (the department verifies), 决定 (decide on the verification), 告知 (notify the
    applicant) — and the whole answer within ``objection.total_working_days`` of receipt;
  * information formed by the registration authority itself: mark, 核查决定 within
    ``objection.decide_own_working_days``, notify.

Credit repair (R2.10): 受理 (accept or refuse) within ``repair.acceptance_working_days`` of receipt,
决定 within ``repair.decision_working_days`` of acceptance, 告知 with the decision.

Complaints (seed 001/002 畅通投诉举报渠道, seed 004 §五 对举报人信息严格保密): rules.md fixes no
deadline for complaints; the ``complaint.*`` parameters are design defaults marked UNVERIFIED.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

RECEIVED = "received"
"""The anchor of steps counted from the day of receipt."""


@dataclass(frozen=True)
class StepSpec:
    """One step of a plan: ``days`` working days after ``anchor`` (a step code or RECEIVED)."""

    code: str
    title: str
    param: str | None
    """The policy-profile key holding the limit; None for a step bounded only by the overall limit."""
    anchor: str = RECEIVED


class Profile(Protocol):
    """What a plan reads from a policy profile (``socredit.core.policy.PolicyProfile``)."""

    def has(self, key: str) -> bool: ...
    def int_value(self, key: str) -> int: ...


# --- objections ------------------------------------------------------------------------------------

OBJECTION_TOTAL = "objection.total_working_days"

OBJECTION_FORWARDED = (
    StepSpec("mark", "异议标注", "objection.mark_working_days"),
    StepSpec("forward", "转交信息提供单位", "objection.forward_working_days"),
    StepSpec("verify", "信息提供单位核查", "objection.verify_working_days", anchor="forward"),
    StepSpec("decide", "作出处理决定", None),
    StepSpec("notify", "书面告知申请人", "objection.notify_working_days", anchor="verify"),
)
OBJECTION_OWN = (
    StepSpec("mark", "异议标注", "objection.mark_working_days"),
    StepSpec("decide", "核查并作出处理决定", "objection.decide_own_working_days"),
    StepSpec("notify", "书面告知申请人", "objection.notify_working_days", anchor="decide"),
)

# --- credit repair ---------------------------------------------------------------------------------

REPAIR_TOTAL: str | None = None
REPAIR = (
    StepSpec("accept", "受理审查", "repair.acceptance_working_days"),
    StepSpec("decide", "作出修复决定", "repair.decision_working_days", anchor="accept"),
    StepSpec("notify", "告知申请人", None),
)

# --- complaints ------------------------------------------------------------------------------------

COMPLAINT_TOTAL = "complaint.conclude_working_days"
COMPLAINT = (
    StepSpec("triage", "登记分办", "complaint.triage_working_days"),
    StepSpec("investigate", "调查核实", None),
    StepSpec("decide", "作出处理结论", None),
    StepSpec("reply", "答复举报人", "complaint.reply_working_days", anchor="decide"),
)


def limits(plan: tuple[StepSpec, ...], profile: Profile, total: str | None) -> dict[str, int]:
    """The working-day limits of a plan as the profile states them ({param key: days}).

    A parameter the profile does not state (e.g. the 58号令 profile has no repair acceptance
    deadline, R2.4 UNVERIFIED) leaves its step without a due date rather than inventing one.
    """
    keys = [s.param for s in plan if s.param] + ([total] if total else [])
    return {k: profile.int_value(k) for k in keys if profile.has(k)}
