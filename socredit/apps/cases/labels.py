"""What a reader sees for the codes a case stores: its steps (``CaseStep.title`` keeps the plan's
Chinese title as issued, ``Case.stage`` the step's code), the channels and parties of its timeline.

The step titles of ``socredit.core.cases`` are the plans' Chinese names; the labels here are their
English msgids, translated back to the same Chinese in the cases catalogue, so a Chinese page reads
exactly as the plan does and an English page reads English.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.core import cases as plans

STEP_TITLES = {
    "异议标注": _("Objection marked on the record"),
    "转交信息提供单位": _("Forward to the department that supplied the record"),
    "信息提供单位核查": _("Verification by the supplying department"),
    "作出处理决定": _("Decision on the objection"),
    "核查并作出处理决定": _("Verification and decision"),
    "书面告知申请人": _("Written notice to the applicant"),
    "受理审查": _("Acceptance review"),
    "作出修复决定": _("Decision on the repair"),
    "告知申请人": _("Notice to the applicant"),
    "登记分办": _("Registration and assignment"),
    "调查核实": _("Investigation"),
    "作出处理结论": _("Conclusion of the complaint"),
    "答复举报人": _("Reply to the reporter"),
}
"""Each plan step's title (as ``core.cases`` names it and ``CaseStep.title`` stores it) → its label."""

_PLANS = {
    "objection": plans.OBJECTION_FORWARDED + plans.OBJECTION_OWN,
    "repair": plans.REPAIR,
    "complaint": plans.COMPLAINT,
}
DONE = pgettext_lazy("case stage", "Done")


def step_title(title: str) -> str:
    """The label of a step by its stored title (a title no plan has any more is shown as stored)."""
    label = STEP_TITLES.get(title)
    return str(label) if label is not None else title


def stage_label(kind: str, stage: str) -> str:
    """The label of a case's current step (``Case.stage``, a step code, or ``done``)."""
    if stage == "done":
        return str(DONE)
    for spec in _PLANS.get(kind, ()):
        if spec.code == stage:
            return step_title(spec.title)
    return ""


def actor(label: str) -> str:
    """Who did something on a timeline: a user's name as stored, or the product's daily job."""
    return str(_("the daily job")) if label == "system" else label


OUTCOMES = {
    "corrected": _("Objection upheld"),
    "partly": _("Objection partly upheld"),
    "upheld": _("Objection not upheld, the record stands"),
    "withdrawn": pgettext_lazy("case outcome", "Withdrawn"),
    "not_accepted": pgettext_lazy("case outcome", "Not accepted"),
    "repaired": _("Credit repaired"),
    "refused": _("Repair refused"),
    "founded": _("The complaint is founded"),
    "unfounded": _("The complaint is unfounded"),
}
"""A closed case's outcome (``Case.outcome``) as a reader sees it."""


def outcome_label(outcome: str) -> str:
    label = OUTCOMES.get(outcome)
    return str(label) if label is not None else ""


REJECT_GROUNDS = {
    "out_of_scope": _("Outside the registration authority's remit"),
    "duplicate": _("A repeat of a complaint already handled or being handled"),
    "no_facts": _("No concrete facts or leads of a violation"),
    "other": pgettext_lazy("reject ground", "Other"),
}
"""The usual grounds for not accepting a complaint as the handler picks them (the notice prints the
law's wording, ``services.complaints.REJECT_GROUNDS``)."""

COMPLAINT_CHANNELS = {
    "public": _("Online complaint"),
    "staff": _("Entered by staff"),
    "department": _("Referred by a department"),
}
"""How a complaint came in, as its timeline says (``services.complaints.CHANNEL_TEXT`` in the documents)."""

COMPLAINT_FINDINGS = {
    "founded": _("The complaint is found true on investigation"),
    "unfounded": _("The complaint is found untrue on investigation"),
}
"""A complaint's conclusion as its timeline says it (``services.complaints.OUTCOME_TEXT`` in the documents)."""
