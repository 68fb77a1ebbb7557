"""The only writers of credit commitments (信用承诺): sign, fulfil, break, withdraw. Each is atomic and
audited, and each writes its credit record through ``records.services.create_record`` so that the
red list (R1.16, ``core.lists.red``), the evaluation and the repair workflow (R2.9(3)) read it from
the credit file like any other record.

Records made here carry the external id ``commitment-<pk>[-fulfilled|-broken]`` and are issued by
the organization's registration authority (登记管理机关), so writing one twice is a no-op.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext, pgettext, pgettext_lazy

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.commitments import eligibility
from socredit.apps.commitments.models import (
    Commitment,
    CommitmentMatter,
    CommitmentStatus,
    CommitmentTemplate,
)
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import create_record, revoke_record
from socredit.apps.records.validation import RecordLookups
from socredit.apps.registry.models import Department, Organization
from socredit.apps.registry.services import registering_department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.types import OrgStatus

ORGANIZATION_CHANNEL = "organization"
"""The channel of an organization's own account (组织账号, /my/commitments/)."""

CHANNELS = {"form", "api", "cli", "system", "import", ORGANIZATION_CHANNEL}

CLOSED_STATUSES = (OrgStatus.DEREGISTERED.value, OrgStatus.REVOKED.value)
"""An organization in one of these states no longer exists as a legal person and cannot promise."""

SIGNED_KIND, FULFILLED_KIND, BROKEN_KIND = "commitment_signed", "commitment_fulfilled", "commitment_broken"


def _record_channel(channel: str) -> str:
    """The records/audit channel of a commitment channel: an organization's own account uses a form."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return "form" if channel == ORGANIZATION_CHANNEL else channel


def _cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def commitment_text(template: CommitmentTemplate, organization: Organization, *, subject: str = "",
                    due_on: dt.date | None = None) -> str:  # fmt: skip
    """承诺书正文: the template's body with the organization, the matter and the deadline filled in.

    Plain replacement rather than str.format, so that an administrator's text with other braces
    cannot break signing.
    """
    text = template.body
    for key, value in {"org_name": organization.name, "org_code": organization.code,
                       "subject": subject, "due_on": _cn_date(due_on)}.items():  # fmt: skip
        text = text.replace("{" + key + "}", value)
    return text


def registration_authority(organization: Organization) -> Department | None:
    """The department that issues the organization's commitment records: its 登记管理机关.

    The department named as the registration authority if there is one; otherwise the active
    civil-affairs department of the organization's region or the nearest region above it.
    """
    return registering_department(organization.region, organization.registration_authority)


class _Own(RecordLookups):
    """Resolves the commitment's own organization whoever acts.

    The caller has already been allowed to act for it (a staff view through access_*, an
    organization account for itself), and an organization account has no region scope at all.
    """

    def __init__(self, principal: Any, organization: Organization) -> None:
        super().__init__(principal)
        self._orgs[organization.code] = organization


def _write_record(actor: Any, channel: str, commitment: Commitment, kind: str, suffix: str,
                  day: dt.date, summary: str, department: Department) -> CreditRecord:  # fmt: skip
    """The commitment's credit record of `kind`, created once (an existing one with its id is reused)."""
    external_id = f"commitment-{commitment.pk}{suffix}"
    existing = (
        CreditRecord.objects.filter(department=department, external_id=external_id, is_current=True)
        .exclude(external_id="")
        .first()
    )
    if existing is not None:
        return existing
    org = commitment.organization
    data = {"organization": org.code, "kind": kind, "occurred_on": day, "department": department.code,
            "external_id": external_id, "summary": summary}  # fmt: skip
    try:
        return create_record(
            actor=actor, channel=_record_channel(channel), data=data, lookups=_Own(actor, org)
        )
    except FieldErrors as exc:
        # The dates were checked above; what is left (e.g. a retired record kind) concerns the whole act.
        raise FieldErrors(
            {
                "__all__": [
                    gettext("The credit record cannot be written: %(as_text)s") % {"as_text": exc.as_text()}
                ]
            }
        ) from None


def _check_day(errors: FieldErrors, field: str, day: dt.date | None, *, not_before: dt.date,
               not_before_text: str) -> None:  # fmt: skip
    if day is None:
        errors.add(field, gettext("Cannot be empty"))
    elif day > today():
        errors.add(field, gettext("The date %(day)s cannot be later than today") % {"day": day})
    elif day < not_before:
        errors.add(
            field,
            gettext("The date %(day)s cannot be earlier than %(not_before_text)s %(not_before)s")
            % {"day": day, "not_before_text": not_before_text, "not_before": not_before},
        )


def _clean_reason(errors: FieldErrors, reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", gettext("A reason is required"))
    elif len(reason) > 500:
        errors.add("reason", gettext("The reason is too long (at most 500 characters)"))
    return reason


@transaction.atomic
def sign_commitment(
    actor: Any, channel: str, organization: Organization, template: CommitmentTemplate, *,
    signed_by_name: str, signed_on: dt.date | None = None, subject: str = "", due_on: dt.date | None = None,
) -> Commitment:  # fmt: skip
    """签署信用承诺: snapshot the template's text, publish it and write ``commitment_signed``.

    Seed 004 §四(一) (事前承诺, published), §四(三) (容缺受理: a deadline for the missing documents),
    rules.md R2.9(3) (a repair needs a public commitment) and R1.16 (the red list needs one).
    Signing again with exactly the same input while the first is in force returns the first.
    """
    record_channel = _record_channel(channel)
    signed_on = signed_on or today()
    subject = (subject or "").strip()
    signed_by_name = (signed_by_name or "").strip()
    errors = FieldErrors()
    if not template.active:
        errors.add(
            "template",
            gettext("The commitment template “%(title)s” is no longer in use") % {"title": template.title},
        )
    if organization.status in CLOSED_STATUSES:
        errors.add(
            "__all__",
            gettext(
                "The organization's registration status is “%(status_label)s”; it cannot sign a credit commitment"
            )
            % {"status_label": organization.status_label},
        )
    if not signed_by_name:
        errors.add(
            "signed_by_name",
            gettext("Enter the name of the signatory (the legal representative or person in charge)"),
        )
    elif len(signed_by_name) > 50:
        errors.add("signed_by_name", gettext("The signatory's name is too long (at most 50 characters)"))
    if "{subject}" in template.body and not subject:
        errors.add(
            "subject", gettext("Enter the matter committed to (e.g. the project or approval applied for)")
        )
    elif len(subject) > 200:
        errors.add("subject", gettext("The matter is too long (at most 200 characters)"))
    _check_day(errors, "signed_on", signed_on, not_before=organization.registered_on,
               not_before_text=gettext("the date the organization was registered"))  # fmt: skip
    if template.needs_due_date:
        if due_on is None:
            errors.add(
                "due_on",
                gettext(
                    "This commitment needs a date by which it is fulfilled (e.g. when missing materials are handed in)"
                ),
            )
        elif due_on <= signed_on:
            errors.add(
                "due_on",
                gettext(
                    "The date to fulfil it, %(due_on)s, must be later than the signing date %(signed_on)s"
                )
                % {"due_on": due_on, "signed_on": signed_on},
            )
    elif due_on is not None:
        errors.add("due_on", gettext("This commitment has no date to fulfil it; leave it empty"))
    standing = None
    if template.matter == CommitmentMatter.TOLERANCE:
        # 容缺受理 is granted to the organizations of the green channel (seed 004 §四(三)): an
        # organization cannot sign it for itself without qualifying; staff entering one signed on
        # paper (the licensing department accepted it "根据实际情况") are warned by their page.
        standing = eligibility.tolerance_eligibility(organization, signed_on)
        if standing.applies and not standing.eligible and channel == ORGANIZATION_CHANNEL:
            errors.add("template", gettext(
                "Acceptance with missing documents (容缺受理) is for organizations that qualify for the green "
                "channel: %(reason)s"
            ) % {"reason": standing.reason})  # fmt: skip
    department = registration_authority(organization)
    if department is None:
        errors.add(
            "__all__",
            gettext(
                "The organization's registration authority (%(registration_authority)s) is not found; the credit record cannot be written"
            )
            % {"registration_authority": organization.registration_authority},
        )
    errors.raise_if_any()
    assert department is not None  # for the type checker: refused above

    same = Commitment.objects.filter(
        organization=organization, template=template, signed_on=signed_on, subject=subject,
        signed_by_name=signed_by_name, due_on=due_on, status=CommitmentStatus.IN_FORCE,
    ).first()  # fmt: skip
    if same is not None:
        return same  # a repeated submission (double click, a re-run import) adds nothing

    commitment = Commitment.objects.create(
        organization=organization, template=template, matter=template.matter, subject=subject,
        text=commitment_text(template, organization, subject=subject, due_on=due_on),
        signed_by_name=signed_by_name, signed_on=signed_on, due_on=due_on, channel=channel,
        entered_by_label=actor_label(actor)[:150],
    )  # fmt: skip
    summary = f"签署并公开《{template.title}》" + (f"：{subject}" if subject else "")
    commitment.signed_record = _write_record(actor, channel, commitment, SIGNED_KIND, "", signed_on, summary,
                                             department)  # fmt: skip
    commitment.save(update_fields=["signed_record"])
    record_event(actor=actor, channel=record_channel, action="commitment.sign", target=commitment,
                 summary=f"{organization.name}：{summary}",
                 data={"organization": organization.code, "template": template.code, "signed_on": signed_on,
                       "due_on": due_on, "subject": subject, "channel": channel,
                       "record": commitment.signed_record_id,
                       **({"green_channel": standing.eligible} if standing and standing.applies else {})})  # fmt: skip
    return commitment


_ACTION_WORDS = {
    "认定履行": pgettext_lazy("commitment action", "declared fulfilled"),
    "认定违背": pgettext_lazy("commitment action", "declared broken"),
}
"""A decision's verb (as the audit summary writes it) as an error message names it."""


def _locked_in_force(commitment: Commitment, action: str) -> Commitment:
    current = Commitment.objects.select_for_update().select_related("organization", "template").get(
        pk=commitment.pk
    )  # fmt: skip
    if current.status != CommitmentStatus.IN_FORCE:
        raise FieldErrors(
            {
                "__all__": [
                    gettext(
                        "The commitment is “%(get_status_display)s”; only a commitment being fulfilled can be %(action)s"
                    )
                    % {"get_status_display": current.get_status_display(), "action": action}
                ]
            }
        )
    return current


def _outcome_department(commitment: Commitment) -> Department:
    """The outcome is issued by the department that published the commitment."""
    if commitment.signed_record_id:
        return commitment.signed_record.department
    department = registration_authority(commitment.organization)
    if department is None:
        raise FieldErrors(
            {
                "__all__": [
                    gettext(
                        "The organization's registration authority is not found; the credit record cannot be written"
                    )
                ]
            }
        )
    return department


def _decide(actor: Any, channel: str, commitment: Commitment, *, on: dt.date, reason: str, status: str,
            kind: str, suffix: str, verb: str, action: str) -> Commitment:  # fmt: skip
    record_channel = _record_channel(channel)
    commitment = _locked_in_force(commitment, str(_ACTION_WORDS.get(verb, verb)))
    errors = FieldErrors()
    reason = _clean_reason(errors, reason)
    _check_day(errors, "on", on, not_before=commitment.signed_on, not_before_text=gettext("the signing date"))
    errors.raise_if_any()
    title = commitment.template.title
    summary = f"{verb}《{title}》（{commitment.signed_on} 签署）：{reason}"
    record = _write_record(
        actor, channel, commitment, kind, suffix, on, summary, _outcome_department(commitment)
    )
    commitment.status = status
    commitment.decided_on = on
    commitment.decision_reason = reason
    commitment.decided_by = staff_user_of(actor)
    commitment.outcome_record = record
    commitment.save(update_fields=["status", "decided_on", "decision_reason", "decided_by", "outcome_record"])
    record_event(actor=actor, channel=record_channel, action=action, target=commitment,
                 summary=f"{commitment.organization.name}：{summary}",
                 data={"on": on, "reason": reason, "record": record.pk})  # fmt: skip
    return commitment


@transaction.atomic
def fulfil_commitment(
    actor: Any, channel: str, commitment: Commitment, *, on: dt.date, reason: str
) -> Commitment:
    """认定已履行: the commitment was kept (e.g. the missing documents of 容缺受理 were supplied);
    writes the positive ``commitment_fulfilled`` record (rules.md R1.3)."""
    return _decide(actor, channel, commitment, on=on, reason=reason, status=CommitmentStatus.FULFILLED,
                   kind=FULFILLED_KIND, suffix="-fulfilled", verb="认定履行", action="commitment.fulfil")  # fmt: skip


@transaction.atomic
def break_commitment(
    actor: Any, channel: str, commitment: Commitment, *, on: dt.date, reason: str
) -> Commitment:
    """认定违背承诺: writes the negative ``commitment_broken`` record (失信, rules.md R1.3, R2.8),
    which lowers the evaluation and keeps the organization off the red list (R1.16)."""
    return _decide(actor, channel, commitment, on=on, reason=reason, status=CommitmentStatus.BROKEN,
                   kind=BROKEN_KIND, suffix="-broken", verb="认定违背", action="commitment.break")  # fmt: skip


@transaction.atomic
def withdraw_commitment(actor: Any, channel: str, commitment: Commitment, *, reason: str) -> Commitment:
    """撤回: a commitment entered by mistake leaves the profile and its ``commitment_signed`` record is
    revoked. Only an in-force commitment that is not a repair commitment may be withdrawn: a repair
    decision may rest on a repair commitment (R2.9(3)), and a fulfilled or broken one has an outcome.
    """
    record_channel = _record_channel(channel)
    commitment = _locked_in_force(commitment, pgettext("commitment action", "withdrawn"))
    errors = FieldErrors()
    reason = _clean_reason(errors, reason)
    if commitment.matter == CommitmentMatter.REPAIR:
        errors.add(
            "__all__", gettext("A credit repair commitment grounds a repair decision and cannot be withdrawn")
        )
    errors.raise_if_any()
    if commitment.signed_record_id:
        signed = commitment.signed_record
        if signed.is_current and signed.is_effective:
            revoke_record(actor=actor, channel=record_channel, record=signed, reason=f"承诺撤回：{reason}")
    commitment.status = CommitmentStatus.WITHDRAWN
    commitment.published = False
    commitment.decided_on = today()
    commitment.decision_reason = reason
    commitment.decided_by = staff_user_of(actor)
    commitment.save(update_fields=["status", "published", "decided_on", "decision_reason", "decided_by"])
    record_event(actor=actor, channel=record_channel, action="commitment.withdraw", target=commitment,
                 summary=f"{commitment.organization.name}：撤回《{commitment.template.title}》：{reason}",
                 data={"reason": reason})  # fmt: skip
    return commitment


# --- selectors used by other apps ----------------------------------------------------------------


def published_commitments(
    organization: Organization, within: QuerySet[Commitment] | None = None
) -> QuerySet[Commitment]:
    """公示的信用承诺 of one organization (seed 004 §四(一)): published and not withdrawn, newest first.

    Broken ones stay on show with their status: the breach is public through its negative record
    anyway. ``within`` narrows an already scoped queryset (e.g. ``access_commitments(principal)``).
    """
    qs = Commitment.objects.all() if within is None else within
    return (
        qs.filter(organization=organization, published=True)
        .exclude(status=CommitmentStatus.WITHDRAWN)
        .select_related("template")
        .order_by("-signed_on", "-id")
    )


def profile_context(organization: Organization) -> dict[str, Any]:
    """The context of ``commitments/partials/_profile_commitments.html`` on an organization's profile."""
    return {"org": organization, "commitments": published_commitments(organization)}


def repair_commitment_for(organization: Organization, as_of: dt.date) -> Commitment | None:
    """The public commitment a credit repair rests on (rules.md R2.9(3)), or None.

    The latest published, in-force commitment signed on or before ``as_of``; a repair commitment
    (matter "repair") is preferred to a general one because only it speaks of the repair materials.
    """
    base = Commitment.objects.filter(
        organization=organization, status=CommitmentStatus.IN_FORCE, published=True, signed_on__lte=as_of
    ).order_by("-signed_on", "-id")
    return (
        base.filter(matter=CommitmentMatter.REPAIR).first()
        or base.filter(matter=CommitmentMatter.GENERAL).first()
    )


def due_filter(which: str, day: dt.date, soon_days: int = 7) -> Q:
    """容缺/限期承诺: "overdue" (in force, deadline passed) or "soon" (in force, due within ``soon_days``)."""
    in_force = Q(status=CommitmentStatus.IN_FORCE, due_on__isnull=False)
    if which == "overdue":
        return in_force & Q(due_on__lt=day)
    if which == "soon":
        return in_force & Q(due_on__gte=day, due_on__lte=day + dt.timedelta(days=soon_days))
    raise ValueError(which)
