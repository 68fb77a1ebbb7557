"""Proposals (列入建议) from records, prior notice (事先告知, R1.5, R1.7) and the decisions that confirm,
dismiss or exempt them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.lists import documents, hooks
from socredit.apps.lists.models import (
    LIST_TITLES,
    RED,
    ListDecision,
    ListNotice,
    ListProposal,
    PersonListing,
)
from socredit.apps.lists.services.common import (
    active_entry,
    ground_title,
    histories,
    list_records,
    org_region,
    parameters,
    profile_groups,
)
from socredit.apps.lists.services.decisions import (
    check_decision_input,
    check_relied_records,
    close_entry,
    confirm_transfer,
    deciding_authority,
    document_number_for,
    new_decision,
    open_entry,
    person_listings,
    rescore,
)
from socredit.apps.lists.services.statements import (
    check_statement_period,
    statement_due_on,
    statement_for_decision,
    statement_working_days,
)
from socredit.apps.records.bulk import chunks
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Department, DocumentType, Organization
from socredit.common.clock import refuse_future, today
from socredit.common.documents import zh_date
from socredit.common.errors import FieldErrors
from socredit.core.lists import (
    ABNORMAL,
    SERIOUS,
    ListParameters,
    entry_grounds,
)
from socredit.core.lists import (
    daily_run as core_daily_run,
)
from socredit.core.lists.engine import REMOVE, TRANSFER
from socredit.core.lists.grounds import GROUNDS_BY_CODE
from socredit.core.lists.notice import Mailing, address_unreachable_established
from socredit.core.types import RecordStatus

# --- proposals -----------------------------------------------------------------------------------


def open_proposal(org_id: int, lst: str, ground: str, trigger_id: int | None) -> ListProposal | None:
    qs = ListProposal.objects.filter(
        organization_id=org_id, ground=ground, status=ListProposal.Status.PROPOSED
    )
    if lst != RED:
        qs = qs.filter(trigger_record_id=trigger_id)
    return qs.first()


def propose(p: Any) -> ListProposal | None:
    """A ListProposal for a core ENTER/RESTART proposal, unless an open one exists already."""
    if open_proposal(p.org_id, p.list, p.ground, p.trigger_record_id) is not None:
        return None
    proposal = ListProposal.objects.create(
        organization_id=p.org_id,
        list=GROUNDS_BY_CODE[p.ground].list if p.action != "restart" else p.list,
        action=p.action,
        ground=p.ground,
        trigger_record_id=p.trigger_record_id,
        arose_on=p.due_on,
        needs_confirmation=p.needs_confirmation,
        notice_required=p.notice_required,
        reason=p.reason,
        note=p.note,
    )
    proposal.records.set(p.record_ids)
    return proposal


@transaction.atomic
def propose_from_records(
    org_ids: Iterable[int], as_of: dt.date | None = None, *, actor: Any = None, channel: str = "system"
) -> list[ListProposal]:
    """Listing proposals for every ground the organizations' records meet on ``as_of`` and that no
    decision has acted on yet. Idempotent: never two open proposals for the same organization,
    ground and record."""
    day = as_of or today()
    refuse_future(day, what=gettext("the date of the listing proposal"))
    ids = sorted({int(i) for i in org_ids})
    if not ids:
        return []
    # One open proposal per organization, list, ground and action: of several new records meeting
    # the same ground (a bulk import of years of penalties), the latest one is proposed — it relies
    # on the earlier ones and restarts the clock last — instead of one proposal per record.
    latest: dict[tuple[Any, ...], Any] = {}
    version: dict[int, str] = {}
    # Each organization under the profile of its registering authority's region (新郑 vs 金水区).
    for profile, params, group in profile_groups(ids, day):
        for p in core_daily_run(histories(group), list_records(group, profile), day, params):
            if p.action in (TRANSFER, REMOVE) or p.trigger_record_id is None:
                continue
            version[p.org_id] = profile.version
            key = (p.org_id, p.list, p.ground, p.action)
            if key not in latest or (p.due_on, p.trigger_record_id) >= (
                latest[key].due_on,
                latest[key].trigger_record_id,
            ):
                latest[key] = p
    # set-based (an import gives hundreds): one read of the open proposals, one insert, one chain append
    from socredit.apps.lists.services.bulk_proposals import write_proposals

    ids = write_proposals(list(latest.values()), actor=actor, channel=channel, policy_versions=version)
    return [p for chunk in chunks(ids) for p in ListProposal.objects.filter(pk__in=chunk).order_by("id")]


def sync_proposal_regions(sender: Any, *, instance: Organization, **_: Any) -> None:
    """post_save of an organization: its open proposals' copy of its region follows a move (the
    queue counts and filters by that copy; access is scoped by the organization itself)."""
    ListProposal.objects.filter(organization_id=instance.pk, status=ListProposal.Status.PROPOSED).exclude(
        region_id=instance.region_id
    ).update(region_id=instance.region_id)


def resync_proposal_regions(org_ids: Iterable[int]) -> int:
    """The same for organizations written in bulk (``bulk_update`` sends no post_save: the import)."""
    from socredit.apps.lists.services.schedule import mark_changed

    ids = list(org_ids)
    mark_changed(ids)  # a new region may mean another profile: the daily run reads them again
    region = Organization.objects.filter(pk=OuterRef("organization_id")).values("region_id")[:1]
    return ListProposal.objects.filter(organization_id__in=ids, status=ListProposal.Status.PROPOSED).update(
        region_id=Subquery(region)
    )


WITHDRAWN_REVOKED = "所依据的记录已撤销，列入建议自动撤回"
WITHDRAWN_CORRECTED = "所依据的记录已更正，列入建议自动撤回"
SUPERSEDED_NOTE = "；由依据更正后记录的列入建议替代"
_GONE = (RecordStatus.REVOKED.value, RecordStatus.CORRECTED.value)


@transaction.atomic
def withdraw_unsupported(
    org_ids: Iterable[int], *, actor: Any = None, channel: str = "system"
) -> list[ListProposal]:
    """自动撤回: the open proposals of these organizations that rely on a record since revoked or
    corrected and that the records no longer support — the same check as ``confirm_proposal``
    (``entry_grounds`` finds no hit with the proposal's ground and trigger record). Each is
    withdrawn with the reason and audited. A proposal still supported by the remaining records
    keeps only those (a third penalty revoked, two still meet R1.12(5)). Proposals on the listing
    history (transfers), red-list candidates and staff proposals without a trigger record are not
    decided by records and stay as they are."""
    ids = sorted({int(i) for i in org_ids})
    if not ids:
        return []
    gone = Q(trigger_record__status__in=_GONE) | Q(records__status__in=_GONE)
    candidates = list(
        ListProposal.objects.filter(organization_id__in=ids, status=ListProposal.Status.PROPOSED)
        .exclude(list=RED)
        .exclude(action=TRANSFER)
        .filter(trigger_record__isnull=False)
        .filter(gone)
        .distinct()
        .select_related("trigger_record")
        .order_by("id")
    )
    if not candidates:
        return []
    day = today()
    _profile, params = parameters(day)
    hits = {
        (h.org_id, h.ground, h.trigger_record_id): h for h in entry_grounds(list_records(ids), day, params)
    }
    withdrawn: list[ListProposal] = []
    for p in candidates:
        hit = hits.get((p.organization_id, p.ground, p.trigger_record_id))
        if hit is not None:
            p.records.set(hit.record_ids)
            continue
        assert p.trigger_record is not None
        revoked = p.trigger_record.status == RecordStatus.REVOKED.value or (
            p.trigger_record.status == RecordStatus.EFFECTIVE.value
            and p.records.filter(status=RecordStatus.REVOKED.value).exists()
        )
        p.status = ListProposal.Status.WITHDRAWN
        p.withdrawal_reason = WITHDRAWN_REVOKED if revoked else WITHDRAWN_CORRECTED
        p.decided_on = day
        p.decided_by_label = actor_label(actor)[:150]
        p.save(update_fields=["status", "withdrawal_reason", "decided_on", "decided_by_label"])
        record_event(actor=actor, channel=channel, action="lists.withdraw", target=p,
                     summary=f"列入建议自动撤回：{ground_title(p.ground)}（{p.withdrawal_reason}）",
                     data={"organization": p.organization_id, "ground": p.ground,
                           "trigger_record": p.trigger_record_id, "reason": p.withdrawal_reason})  # fmt: skip
        withdrawn.append(p)
    return withdrawn


def _link_replacements(withdrawn: Sequence[ListProposal], actor: Any, channel: str) -> None:
    """A correction supersedes the proposal of the old version: the withdrawn proposal points to the
    open one now proposed on the corrected record for the same organization, list, ground and action."""
    for old in withdrawn:
        if old.withdrawal_reason != WITHDRAWN_CORRECTED:
            continue
        new = (
            ListProposal.objects.filter(
                organization_id=old.organization_id,
                list=old.list,
                ground=old.ground,
                action=old.action,
                status=ListProposal.Status.PROPOSED,
            )  # fmt: skip
            .order_by("-id")
            .first()
        )
        if new is None:
            continue
        old.superseded_by = new
        old.withdrawal_reason = WITHDRAWN_CORRECTED + SUPERSEDED_NOTE
        old.save(update_fields=["superseded_by", "withdrawal_reason"])
        record_event(actor=actor, channel=channel, action="lists.supersede", target=old,
                     summary=f"列入建议由依据更正后记录的建议替代：{ground_title(old.ground)}",
                     data={"organization": old.organization_id, "replaced_by": new.pk,
                           "trigger_record": new.trigger_record_id})  # fmt: skip


def on_records_changed(sender: Any, *, organization_ids: set[int], cause: str, actor: Any, **_: Any) -> None:
    """records.signals receiver, inside the transaction of the record change: proposals whose
    records were revoked or corrected away are withdrawn (``withdraw_unsupported``), a record that
    meets a ground gives a proposal at once, and the proposal on a corrected record's old version
    is superseded by the one on the new version (one open proposal, not two)."""
    withdrawn = withdraw_unsupported(organization_ids, actor=actor)
    propose_from_records(organization_ids, actor=actor)
    _link_replacements(withdrawn, actor, "system")


@transaction.atomic
def raise_proposal(
    actor: Any, organization: Organization, ground: str, *, arose_on: dt.date, reason: str,
    records: Sequence[CreditRecord] = (), channel: str = "form",
) -> ListProposal:  # fmt: skip
    """A staff proposal on a ground the records cannot decide (R1.6(2), R1.6(7), R1.12(2), R1.12(8) …)."""
    errors = FieldErrors()
    g = GROUNDS_BY_CODE.get(ground)
    if g is None:
        errors.add("ground", gettext("Unknown ground for listing %(ground)s") % {"ground": repr(ground)})
    if not reason.strip():
        errors.add("reason", gettext("State the facts and the rules they rest on"))
    if arose_on > today():
        errors.add(
            "arose_on",
            gettext("The date the ground arose, %(arose_on)s, cannot be later than today")
            % {"arose_on": arose_on},
        )
    for message in check_relied_records(
        records, arose_on, field="arose_on", what=gettext("the date the ground arose")
    ).errors.get("arose_on", []):
        errors.add("arose_on", message)
    errors.raise_if_any()
    assert g is not None
    proposal = ListProposal.objects.create(
        organization=organization, list=g.list, ground=ground, arose_on=arose_on, needs_confirmation=True,
        reason=reason.strip(), notice_required=True,
    )  # fmt: skip
    proposal.records.set(records)
    record_event(actor=actor, channel=channel, action="lists.propose", target=proposal,
                 summary=f"人工列入建议：{ground_title(ground)}", data={"organization": organization.pk})  # fmt: skip
    return proposal


# --- prior notice (R1.5, R1.7) --------------------------------------------------------------------


def _mailing(m: Mailing | dict[str, Any]) -> Mailing:
    if isinstance(m, Mailing):
        return m
    return Mailing(m["mailed_on"], signed=not m.get("unsigned", False))


def _proposed_action(proposal: ListProposal, day: dt.date) -> str:
    """What the decision would do, in the words of the notice."""
    if proposal.action == TRANSFER:
        return "移出活动异常名录，列入严重违法失信名单"
    if proposal.action == "restart":
        return f"列入{LIST_TITLES[proposal.list]}的时限自{zh_date(proposal.arose_on)}起重新计算"
    current = active_entry(proposal.organization_id, day, red=proposal.list == RED)
    if current is not None and current.list == ABNORMAL and proposal.list == SERIOUS:
        return "移出活动异常名录，列入严重违法失信名单"
    return f"列入{LIST_TITLES.get(proposal.list, proposal.list)}"


@transaction.atomic
def serve_notice(
    actor: Any, proposal: ListProposal, method: str, served_on: dt.date | None, document_number: str,
    mailings: Iterable[Mailing | dict[str, Any]] | None = None, *, authority: Department | str | None = None,
    channel: str = "form",
) -> ListNotice:  # fmt: skip
    """R1.5: serve the 列入事先告知书 of a proposal (facts, reasons, legal basis, the right to state its
    case). ``announcement`` (互联网公告) only where R1.7 establishes the registered address
    unreachable: two consecutive special letters, both unsigned, ``mail_interval_min_days`` to
    ``mail_interval_max_days`` days apart (the policy profile in force on ``served_on``), both
    mailed by then. ``mailings``: core ``Mailing`` values or ``{"mailed_on": date, "unsigned": bool}``.
    ``document_number`` left empty takes the next number of the authority's pattern; the notice states
    the period for 陈述、申辩 (``lists.notice.statement_working_days``) and stores its last day."""
    proposal = ListProposal.objects.select_for_update().select_related("organization").get(pk=proposal.pk)
    org = proposal.organization
    if proposal.status == ListProposal.Status.PROPOSED and served_on is not None and served_on <= today():
        document_number = document_number_for(
            document_number, authority, org, DocumentType.PRIOR_NOTICE, served_on
        )
    letters = [_mailing(m) for m in (mailings or ()) if m]
    errors = FieldErrors()
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add(
            "__all__",
            gettext("This proposal is already handled (%(get_status_display)s)")
            % {"get_status_display": proposal.get_status_display()},
        )
    if proposal.list == RED:
        errors.add("__all__", gettext("The red list needs no prior notice of listing"))
    elif proposal.ground not in GROUNDS_BY_CODE:
        errors.add(
            "ground", gettext("Unknown ground for listing %(ground)s") % {"ground": repr(proposal.ground)}
        )
    if method not in ListNotice.Method.values:
        errors.add("method", gettext("Unknown way of notice %(method)s") % {"method": repr(method)})
    if not (document_number or "").strip():
        errors.add("document_number", gettext("The prior notice needs a document number"))
    if served_on is None:
        errors.add("served_on", gettext("Enter the date of the notice"))
    elif served_on > today():
        errors.add(
            "served_on",
            gettext("The date of the notice, %(served_on)s, cannot be later than today")
            % {"served_on": served_on},
        )
    records = list(proposal.records.select_related("kind", "department").order_by("occurred_on", "id"))
    too_early = check_relied_records(
        records, served_on, field="served_on", what=gettext("the date of the notice")
    ).errors
    for message in too_early.get("served_on", []):
        errors.add("served_on", message)
    if served_on is not None and served_on < proposal.arose_on and not too_early:
        errors.add(
            "served_on",
            gettext("The date of the notice cannot be earlier than the day the ground arose, %(arose_on)s")
            % {"arose_on": proposal.arose_on},
        )
    errors.raise_if_any()
    assert served_on is not None
    profile, params = parameters(served_on, org_region(org))
    finding_text = ""
    if method == ListNotice.Method.ANNOUNCEMENT and not profile.bool_value(
        "lists.notice.announce_if_unreachable"
    ):
        raise FieldErrors(
            method=gettext(
                "The rules this authority applies provide no notice by internet announcement; serve it in writing"
            )
        )
    if method == ListNotice.Method.ANNOUNCEMENT:
        finding = address_unreachable_established(letters, params)
        if not finding.established:
            raise FieldErrors(
                mailings=gettext("Notice by internet announcement is not possible: %(reason)s (the rules this authority applies: two mailings %(mail_interval_min_days)s–%(mail_interval_max_days)s days apart)") % {"reason": finding.reason, "mail_interval_min_days": params.mail_interval_min_days, "mail_interval_max_days": params.mail_interval_max_days}
            )  # fmt: skip
        assert finding.established_on is not None
        if finding.established_on > served_on:
            raise FieldErrors(
                served_on=gettext(
                    "The date of the announcement cannot be earlier than the day it was established that the organization cannot be reached, %(established_on)s"
                )
                % {"established_on": finding.established_on}
            )
        finding_text = finding.reason
    else:
        letters = []
    _dept, dept_name = deciding_authority(authority, org)
    records = list(proposal.records.select_related("kind", "department").order_by("occurred_on", "id"))
    served_by = (
        f"因通过登记的住所无法与你单位取得联系（{documents.clean(finding_text)}），本告知书以互联网公告方式送达。"
        if finding_text
        else ""
    )
    due_on = statement_due_on(served_on, profile)
    text = documents.prior_notice_text(
        org, ground=proposal.ground, action=_proposed_action(proposal, served_on), reason=proposal.reason,
        records=records, authority=dept_name, served_on=served_on, transfer=proposal.action == TRANSFER,
        served_by=served_by, statement_due_on=due_on, statement_working_days=statement_working_days(profile),
        announced=method == ListNotice.Method.ANNOUNCEMENT,
    )  # fmt: skip
    notice = ListNotice.objects.create(
        proposal=proposal, organization=org, method=method, served_on=served_on,
        document_number=document_number.strip(), text=text,
        mailings=[{"mailed_on": m.sent_on.isoformat(), "unsigned": not m.signed}
                  for m in sorted(letters, key=lambda m: m.sent_on)],
        unreachable_finding=finding_text, authority_name=dept_name, served_by=staff_user_of(actor),
        served_by_label=actor_label(actor)[:150], policy_version=profile.version, statement_due_on=due_on,
    )  # fmt: skip
    if proposal.notice_served_on is None or served_on < proposal.notice_served_on:
        proposal.notice_served_on = served_on
        proposal.save(update_fields=["notice_served_on"])
    record_event(actor=actor, channel=channel, action="lists.notice", target=notice,
                 summary=f"事先告知（{notice.get_method_display()}）：{ground_title(proposal.ground)} {notice.document_number}",
                 data={"organization": org.pk, "proposal": proposal.pk, "method": method,
                       "served_on": served_on, "mailings": notice.mailings, "policy": profile.version,
                       "statement_due_on": due_on})  # fmt: skip
    return notice


def _check_notice(proposal: ListProposal, decided_on: dt.date, params: ListParameters) -> None:
    """R1.5: a listing needing prior notice is decided only after a notice was served."""
    if not (proposal.notice_required and params.notice_required):
        return
    first = proposal.notices.order_by("served_on", "id").first()
    if first is None:
        raise FieldErrors(
            __all__=gettext(
                "Before listing, the organization must be told in writing the facts, reasons and basis of the intended listing and its right to state its case and defend itself (by internet announcement where its address cannot be reached); no prior notice of this proposal has been served yet"
            )
        )
    if decided_on < first.served_on:
        raise FieldErrors(
            decided_on=gettext(
                "The decision date %(decided_on)s is earlier than the day the prior notice was served, %(served_on)s (%(document_number)s)"
            )
            % {
                "decided_on": decided_on,
                "served_on": first.served_on,
                "document_number": first.document_number,
            }
        )


def _decision_document(proposal: ListProposal, statement: Any) -> dict[str, Any]:
    """What a decision document says of the procedure: the prior notice served and the statement."""
    first = proposal.notices.order_by("served_on", "id").first()
    return {
        "prior_notice": (first.served_on, first.document_number) if first is not None else None,
        "statement": statement,
        "arose_on": proposal.arose_on,
    }


@transaction.atomic
def confirm_proposal(
    actor: Any, proposal: ListProposal, *, document_number: str, decided_on: dt.date | None,
    authority: Department | str | None = None, channel: str = "form",
) -> ListDecision:  # fmt: skip
    """Decide a proposal as proposed: a listing (or a clock restart if already listed, R1.9/R1.13;
    a move from the abnormal to the serious list), with its decision and notice. Refused with the
    reason without a ground, document number or date, or if the records no longer support the ground.
    ``document_number`` left empty takes the next number of the authority's pattern (rolled back with
    the decision if it is refused). The organization's 陈述申辩 and its outcome (``statements``) are
    printed in the decision; before the period ends it is refused (``check_statement_period``)."""
    proposal = ListProposal.objects.select_for_update().get(pk=proposal.pk)
    org = proposal.organization
    if proposal.status == ListProposal.Status.PROPOSED and decided_on is not None and decided_on <= today():
        doc_type = (DocumentType.RED_DECISION if proposal.list == RED else DocumentType.TRANSFER_DECISION
                    if proposal.action == TRANSFER else DocumentType.LIST_DECISION)  # fmt: skip
        document_number = document_number_for(document_number, authority, org, doc_type, decided_on)
    errors = check_decision_input(document_number, decided_on, proposal.ground)
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add(
            "__all__",
            gettext("This proposal is already handled (%(get_status_display)s)")
            % {"get_status_display": proposal.get_status_display()},
        )
    errors.raise_if_any()
    assert decided_on is not None
    relied = list(proposal.records.select_related("kind", "department").order_by("occurred_on", "id"))
    check_relied_records(relied, decided_on).raise_if_any()
    if decided_on < proposal.arose_on:
        raise FieldErrors(
            decided_on=gettext(
                "The decision date cannot be earlier than the day the ground arose, %(arose_on)s"
            )
            % {"arose_on": proposal.arose_on}
        )
    profile, params = parameters(decided_on, org_region(org))
    _check_notice(proposal, decided_on, params)
    check_statement_period(proposal, decided_on)
    statement = statement_for_decision(proposal)
    if proposal.action == TRANSFER:
        return confirm_transfer(actor, proposal, profile, params, document_number=document_number,
                                 decided_on=decided_on, authority=authority, channel=channel,
                                 document=_decision_document(proposal, statement))  # fmt: skip
    records = relied
    is_red = proposal.list == RED
    if not is_red and proposal.ground not in GROUNDS_BY_CODE:
        raise FieldErrors(ground=gettext("Unknown ground for listing"))
    if proposal.trigger_record_id is not None:
        hits = entry_grounds(list_records([org.pk]), decided_on, params)
        if not any(
            h.ground == proposal.ground and h.trigger_record_id == proposal.trigger_record_id for h in hits
        ):
            raise FieldErrors(
                __all__=gettext("The records it rests on no longer support the ground “%(ground_title)s”: they were revoked, corrected or are no longer in force, or under the current parameters they do not make out the ground") % {"ground_title": ground_title(proposal.ground)}
            )  # fmt: skip
    current = active_entry(org.pk, decided_on, red=is_red)
    ground = proposal.ground
    if is_red:
        if current is not None:
            raise FieldErrors(__all__=gettext("The organization is already on the red list"))
        lst, kind = RED, ListDecision.Kind.ENTRY
    else:
        lst = GROUNDS_BY_CODE[ground].list
        if current is None or (current.list == ABNORMAL and lst == SERIOUS):
            kind = ListDecision.Kind.ENTRY
        else:
            kind, lst = ListDecision.Kind.RESTART, current.list
    title = LIST_TITLES[lst]
    action = {
        ListDecision.Kind.ENTRY: f"列入{title}",
        ListDecision.Kind.RESTART: f"列入{title}的时限自{zh_date(proposal.arose_on)}起重新计算"
        if params.restarts_clock(lst) else f"你单位列入{title}期间又出现应当列入情形，列入{title}的时限不重新计算",
    }[kind]  # fmt: skip
    decision = new_decision(
        org, kind=kind, lst=lst, ground=ground, profile=profile, document_number=document_number,
        decided_on=decided_on, authority=authority, actor=actor, records=records,
        trigger_record_id=proposal.trigger_record_id, arose_on=proposal.arose_on,
        reason=proposal.reason, action_text=action,
        document={**_decision_document(proposal, statement), "restarts_clock": params.restarts_clock(lst)},
    )  # fmt: skip
    people: list[PersonListing] = []
    if kind == ListDecision.Kind.RESTART:
        assert current is not None
        if params.restarts_clock(current.list):  # R1.9 / R1.13, unless the profile turns it off
            current.clock_start = max(current.clock_start, proposal.arose_on)
            current.save(update_fields=["clock_start"])
        decision.entry = current
        decision.save(update_fields=["entry"])
    else:
        if current is not None:  # abnormal → serious on a serious ground
            close_entry(current, decision, decided_on, ground)
        entry = open_entry(decision, lst, ground, decided_on, clock_start=decided_on,
                            arose_on=proposal.arose_on, trigger_record_id=proposal.trigger_record_id)  # fmt: skip
        if lst == SERIOUS:
            people = person_listings(decision, entry, profile)
            hooks.serious_listing_made(decision, actor)
    proposal.status = ListProposal.Status.CONFIRMED
    proposal.decision = decision
    proposal.decided_on = decided_on
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save(update_fields=["status", "decision", "decided_on", "decided_by_label"])
    record_event(actor=actor, channel=channel, action=f"lists.{kind}", target=decision,
                 summary=f"{action}：{ground_title(ground)} {decision.document_number}",
                 data={"organization": org.pk, "list": lst, "ground": ground, "proposal": proposal.pk,
                       "records": [r.pk for r in records], "persons": [p.person_id for p in people],
                       "policy": profile.version})  # fmt: skip
    rescore([org.pk], f"{action}（{decision.document_number}）", actor)
    return decision


@transaction.atomic
def dismiss_proposal(actor: Any, proposal: ListProposal, *, reason: str, decided_on: dt.date | None = None,
                     channel: str = "form") -> ListProposal:  # fmt: skip
    """Staff decide not to list (a ground needing judgement not confirmed); the record is consumed."""
    if not reason.strip():
        raise FieldErrors(reason=gettext("State the reasons for not listing"))
    if proposal.status != ListProposal.Status.PROPOSED:
        raise FieldErrors(__all__=gettext("This proposal is already handled"))
    if decided_on is not None and decided_on > today():
        raise FieldErrors(
            decided_on=gettext("The decision date %(decided_on)s cannot be later than today")
            % {"decided_on": decided_on}
        )
    proposal.status = ListProposal.Status.DISMISSED
    proposal.dismiss_reason = reason.strip()
    proposal.decided_on = decided_on or today()
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save()
    record_event(actor=actor, channel=channel, action="lists.dismiss", target=proposal,
                 summary=f"不予列入：{ground_title(proposal.ground)}", data={"reason": proposal.dismiss_reason})  # fmt: skip
    return proposal


@transaction.atomic
def exempt_proposal(
    actor: Any, proposal: ListProposal, *, certificate: str, document_number: str, decided_on: dt.date | None,
    authority: Department | str | None = None, channel: str = "form",
) -> ListDecision:  # fmt: skip
    """R1.8: not listed on a written certificate that the organization bears no direct responsibility."""
    if proposal.status == ListProposal.Status.PROPOSED and decided_on is not None and decided_on <= today():
        document_number = document_number_for(document_number, authority, proposal.organization,
                                              DocumentType.LIST_DECISION, decided_on)  # fmt: skip
    errors = check_decision_input(document_number, decided_on, proposal.ground)
    if not certificate.strip():
        errors.add(
            "certificate",
            gettext(
                "A written proof from the supervising unit or similar that it bears no direct responsibility is required"
            ),
        )
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add("__all__", gettext("This proposal is already handled"))
    if proposal.list == RED:
        errors.add("__all__", gettext("The red list has no exemption"))
    for message in check_relied_records(
        proposal.records.select_related("kind", "department"), decided_on
    ).errors.get("decided_on", []):
        errors.add("decided_on", message)
    errors.raise_if_any()
    assert decided_on is not None
    profile, _params = parameters(decided_on, org_region(proposal.organization))
    if not profile.bool_value("lists.abnormal.exemption_manual"):
        raise FieldErrors(
            __all__=gettext("The rules this authority applies do not allow not listing on a written proof")
        )
    decision = new_decision(
        proposal.organization, kind=ListDecision.Kind.EXEMPTION, lst=proposal.list, ground=proposal.ground,
        profile=profile, document_number=document_number, decided_on=decided_on, authority=authority, actor=actor,
        records=list(proposal.records.all()), trigger_record_id=proposal.trigger_record_id,
        arose_on=proposal.arose_on, reason="业务主管单位等书面证明不负直接责任，决定不予列入",
        action_text=f"不予列入{LIST_TITLES.get(proposal.list, '')}", document={"prior_notice": None},
    )  # fmt: skip
    proposal.status = ListProposal.Status.EXEMPTED
    proposal.exemption_certificate = certificate.strip()
    proposal.decision = decision
    proposal.decided_on = decided_on
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save()
    record_event(actor=actor, channel=channel, action="lists.exemption", target=decision,
                 summary=f"书面证明不负直接责任，豁免列入：{ground_title(proposal.ground)}", data={"proposal": proposal.pk})  # fmt: skip
    return decision
