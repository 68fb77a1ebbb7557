"""The steps every list decision takes: a numbered decision (决定) with its notice, an entry opened (列入)
or closed (移出), person listings, and re-scoring in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.evaluation.services import refresh_organizations
from socredit.apps.lists import documents, hooks
from socredit.apps.lists.models import (
    ListDecision,
    ListEntry,
    ListProposal,
    PersonListing,
)
from socredit.apps.lists.services.common import (
    RESPONSIBLE_POSTS,
    active_entry,
    ground_basis,
    ground_title,
    histories,
)
from socredit.apps.records import outbox
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.documents import allocate_number, next_number
from socredit.apps.registry.models import CONFIRMED_ROLE, Department, Organization, Role
from socredit.apps.registry.services import registering_department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.lists import ABNORMAL, SERIOUS, ListParameters
from socredit.core.lists.engine import transfer_due
from socredit.core.policy import PolicyProfile
from socredit.core.scoring.facts import add_months

# --- decisions -----------------------------------------------------------------------------------


def deciding_authority(
    authority: Department | str | None, organization: Organization
) -> tuple[Department | None, str]:
    if isinstance(authority, Department):
        return authority, authority.name
    text = (authority or "").strip() or organization.registration_authority
    return None, text


def facts_text(records: Sequence[CreditRecord]) -> str:
    """The records relied on, one fact a line (date, department, document number, what)."""
    return "".join(documents.record_fact(r) + "\n" for r in records)


def authority_department(dept: Department | None, organization: Organization) -> Department | None:
    """The department whose letterhead and numbers a document uses: the deciding department, else the
    organization's registering authority."""
    if dept is not None:
        return dept
    return registering_department(organization.region, organization.registration_authority)


def document_number_for(
    document_number: str, authority: Department | str | None, organization: Organization, doc_type: str,
    day: dt.date | None,
) -> str:  # fmt: skip
    """The number staff typed, or — left empty — the next number of the authority's pattern for this
    document type (taken in the decision's transaction); empty if the authority set no pattern."""
    typed = (document_number or "").strip()
    if typed or day is None:
        return typed
    dept, _name = deciding_authority(authority, organization)
    return allocate_number(authority_department(dept, organization), doc_type, day.year)


def suggested_number(authority: Department | str | None, organization: Organization, doc_type: str,
                     day: dt.date) -> str:  # fmt: skip
    """The number a document left without one would get (a hint for the form; nothing is taken)."""
    dept, _name = deciding_authority(authority, organization)
    return next_number(authority_department(dept, organization), doc_type, day.year)


def notice_text(
    organization: Organization, *, kind: str, lst: str, ground: str, action: str, reason: str,
    decided_on: dt.date, authority: str, records: Sequence[CreditRecord] = (), **context: Any,
) -> str:  # fmt: skip
    """The decision document (决定书) as served, from its template (see ``lists.documents``)."""
    return documents.decision_text(organization, kind=kind, lst=lst, ground=ground, action=action, reason=reason,
                                   records=records, authority=authority, decided_on=decided_on, **context)  # fmt: skip


def check_decision_input(document_number: str, decided_on: dt.date | None, ground: str) -> FieldErrors:
    errors = FieldErrors()
    if not ground:
        errors.add("ground", gettext("A decision needs a ground for listing or removal"))
    if not (document_number or "").strip():
        errors.add("document_number", gettext("A decision needs a document number"))
    if decided_on is None:
        errors.add("decided_on", gettext("A decision needs a date"))
    elif decided_on > today():
        errors.add(
            "decided_on",
            gettext("The decision date %(decided_on)s cannot be later than today")
            % {"decided_on": decided_on},
        )
    return errors


def record_label(record: CreditRecord) -> str:
    """A record as a decision names it: department, document number and kind, never its id."""
    number = record.document_number or ""
    return f"{record.department.name}{number}（{record.kind.name_zh}）"


def check_relied_records(
    records: Iterable[CreditRecord], day: dt.date | None, *, field: str = "decided_on", what: str = ""
) -> FieldErrors:
    """A decision or notice cannot be dated before the decision date (决定日期; the day it occurred
    where the record is no decision) of a record it relies on: nothing it relies on existed yet."""
    what = what or gettext("The decision date")
    errors = FieldErrors()
    if day is None:
        return errors
    for r in records:
        if r.decided_on is not None and day < r.decided_on:
            errors.add(
                field,
                gettext(
                    "%(what)s %(day)s is earlier than the decision date %(decided_on)s of %(record_label)s it rests on; it cannot rest on a decision not yet made"
                )
                % {"what": what, "day": day, "record_label": record_label(r), "decided_on": r.decided_on},
            )
        elif r.decided_on is None and day < r.occurred_on:
            errors.add(
                field,
                gettext(
                    "%(what)s %(day)s is earlier than the date %(occurred_on)s of %(record_label)s it rests on; it cannot rest on facts that have not happened yet"
                )
                % {"what": what, "day": day, "record_label": record_label(r), "occurred_on": r.occurred_on},
            )
    return errors


def new_decision(
    organization: Organization, *, kind: str, lst: str, ground: str, profile: PolicyProfile,
    document_number: str, decided_on: dt.date, authority: Department | str | None, actor: Any,
    records: Sequence[CreditRecord] = (), trigger_record_id: int | None = None, arose_on: dt.date | None = None,
    reason: str = "", action_text: str = "", automatic: bool = False, document: dict[str, Any] | None = None,
) -> ListDecision:  # fmt: skip
    """A numbered decision with its document rendered now and stored (frozen). ``document``: what the
    text adds beyond the decision itself (``listed_on``, ``entry_number``, ``applied_on``, ``verified_on``,
    ``prior_notice`` (date, number), ``statement``)."""
    dept, dept_name = deciding_authority(authority, organization)
    basis = ground_basis(ground)
    decision = ListDecision.objects.create(
        organization=organization, kind=kind, list=lst, ground=ground, ground_title=ground_title(ground),
        legal_basis=basis, reason=reason, trigger_record_id=trigger_record_id, arose_on=arose_on,
        document_number=document_number.strip(), authority=dept, authority_name=dept_name,
        decided_on=decided_on, confirmed_by=staff_user_of(actor), confirmed_by_label=actor_label(actor)[:150],
        automatic=automatic, policy_version=profile.version,
        notice_text=notice_text(organization, kind=kind, lst=lst, ground=ground, action=action_text or reason,
                                reason=reason, decided_on=decided_on, authority=dept_name, records=records,
                                profile=profile, **(document or {})),
    )  # fmt: skip
    decision.records.set(records)
    return decision


def person_listings(decision: ListDecision, entry: ListEntry, profile: PolicyProfile) -> list[PersonListing]:
    """R1.19: record a serious listing against the organization's 法定代表人 / 负责人 in post on the
    day of the decision; kept ``persons.retention_years`` from the end of the act."""
    day = decision.decided_on
    years = int(profile.value("persons.retention_years"))
    # R7.1 counts from the end of the conduct, not from the penalty decision a record ground arose
    # on; a transfer (R1.12(1)) or a staff ground keeps the day its ground arose
    records = decision.records.all() if decision.trigger_record_id is not None else ()
    act_end = max((r.occurred_on for r in records), default=None) or decision.arose_on or day
    roles = (
        # a post held for an identity check names nobody yet (Role.stated_name)
        Role.objects.filter(CONFIRMED_ROLE, organization_id=decision.organization_id,
                            kind__in=RESPONSIBLE_POSTS, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .select_related("person")
    )  # fmt: skip
    made = []
    for role in roles:
        made.append(
            PersonListing.objects.create(
                person=role.person,
                person_name=role.person.name,
                organization_id=decision.organization_id,
                decision=decision,
                entry=entry,
                post=role.kind,
                from_date=day,
                act_end=act_end,
                retention_until=add_months(act_end, 12 * years),
            )  # fmt: skip
        )
    return made


def open_entry(decision: ListDecision, lst: str, ground: str, day: dt.date, *, clock_start: dt.date,
                arose_on: dt.date | None, trigger_record_id: int | None) -> ListEntry:  # fmt: skip
    entry = ListEntry.objects.create(
        organization_id=decision.organization_id, list=lst, ground=ground, entered_on=day,
        clock_start=clock_start, arose_on=arose_on, trigger_record_id=trigger_record_id, entry_decision=decision,
    )  # fmt: skip
    decision.entry = entry
    decision.save(update_fields=["entry"])
    outbox.emit("list.entered", decision.organization, None,
                {"entry": entry.pk, "list": lst, "ground": ground, "entered_on": day.isoformat(),
                 "decision": decision.document_number})  # fmt: skip
    return entry


def close_entry(entry: ListEntry, decision: ListDecision, day: dt.date, exit_ground: str) -> None:
    entry.left_on = day
    entry.exit_ground = exit_ground
    entry.exit_decision = decision
    entry.save(update_fields=["left_on", "exit_ground", "exit_decision"])
    outbox.emit("list.removed", entry.organization, None,
                {"entry": entry.pk, "list": entry.list, "left_on": day.isoformat(), "exit_ground": exit_ground,
                 "decision": decision.document_number})  # fmt: skip


def rescore(org_ids: Iterable[int], trigger: str, actor: Any) -> None:
    ids = sorted({int(i) for i in org_ids})
    if ids:
        refresh_organizations(ids, trigger=trigger[:300], actor=actor)


def transfer_to_serious(
    org: Organization, current: ListEntry, profile: PolicyProfile, *, document_number: str, decided_on: dt.date,
    authority: Department | str | None, actor: Any, arose_on: dt.date, reason: str, automatic: bool,
    document: dict[str, Any] | None = None,
) -> ListDecision:  # fmt: skip
    """R1.11 / R1.12(1): close the abnormal entry and open the serious one on ``decided_on``."""
    decision = new_decision(
        org, kind=ListDecision.Kind.TRANSFER, lst=SERIOUS, ground="R1.12(1)", profile=profile,
        document_number=document_number, decided_on=decided_on, authority=authority, actor=actor,
        arose_on=arose_on, reason=reason, action_text="移出活动异常名录，列入严重违法失信名单",
        automatic=automatic, records=list(current.entry_decision.records.all()),
        document={"listed_on": current.entered_on, "entry_number": current.entry_decision.document_number,
                  **(document or {})},
    )  # fmt: skip
    close_entry(current, decision, decided_on, "R1.11")
    entry = open_entry(decision, SERIOUS, "R1.12(1)", decided_on, clock_start=decided_on, arose_on=arose_on,
                        trigger_record_id=None)  # fmt: skip
    person_listings(decision, entry, profile)
    hooks.serious_listing_made(decision, actor)
    return decision


def confirm_transfer(
    actor: Any, proposal: ListProposal, profile: PolicyProfile, params: ListParameters, *, document_number: str,
    decided_on: dt.date, authority: Department | str | None, channel: str, document: dict[str, Any] | None = None,
) -> ListDecision:  # fmt: skip
    """Confirm a transfer proposal of the daily run (made instead of an automatic transfer when the
    profile requires prior notice, R1.5): still on the abnormal list and the period still complete."""
    org = proposal.organization
    current = active_entry(org.pk, decided_on)
    if current is None or current.list != ABNORMAL:
        raise FieldErrors(
            __all__=gettext(
                "On %(decided_on)s the organization is not on the abnormal activities list and cannot be transferred to the serious violations list"
            )
            % {"decided_on": decided_on}
        )
    if not transfer_due([histories([org.pk])[org.pk]], decided_on, params):
        raise FieldErrors(
            decided_on=gettext(
                "On %(decided_on)s the listing on the abnormal activities list (counted from %(clock_start)s) has not lasted %(transfer_years)s years"
            )
            % {
                "decided_on": decided_on,
                "clock_start": current.clock_start,
                "transfer_years": params.transfer_years,
            }
        )
    decision = transfer_to_serious(org, current, profile, document_number=document_number, decided_on=decided_on,
                         authority=authority, actor=actor, arose_on=proposal.arose_on, reason=proposal.reason,
                         automatic=False, document=document)  # fmt: skip
    proposal.status = ListProposal.Status.CONFIRMED
    proposal.decision = decision
    proposal.decided_on = decided_on
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save(update_fields=["status", "decision", "decided_on", "decided_by_label"])
    record_event(actor=actor, channel=channel, action="lists.transfer", target=decision,
                 summary=f"{decision.get_kind_display()}：{decision.ground_title} {decision.document_number}",
                 data={"organization": org.pk, "proposal": proposal.pk, "automatic": False,
                       "policy": profile.version})  # fmt: skip
    rescore([org.pk], f"转入严重违法失信名单（{decision.document_number}）", actor)
    return decision
