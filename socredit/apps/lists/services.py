"""The writers of the lists: proposals from records, decisions, removals, the daily run, the red list
and the retention of person listings. Every verb is atomic and writes an audit event; every list
change re-scores the organization in the same transaction (``evaluation.services.refresh_organizations``).

The rules are those of ``socredit.core.lists``; this module turns database rows into the core's
``ListRecord`` / ``ListingHistory`` values and the core's answers back into rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.evaluation import storage
from socredit.apps.evaluation.indicators import kind_ids
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.evaluation.services import refresh_organizations
from socredit.apps.lists.models import (
    LIST_TITLES,
    RED,
    RED_GROUND,
    ListDecision,
    ListEntry,
    ListNotice,
    ListProposal,
    ListRun,
    PersonListing,
    RemovalApplication,
)
from socredit.apps.records import outbox
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Department, Organization, Role
from socredit.apps.workdays.services import working_calendar
from socredit.common.errors import FieldErrors
from socredit.common.policy import policy_profile
from socredit.core.calendar import CalendarError, WorkingCalendar
from socredit.core.lists import (
    ABNORMAL,
    GROUNDS,
    SERIOUS,
    Entry,
    Fulfilment,
    ListingHistory,
    ListParameters,
    ListRecord,
    RedStanding,
    entry_grounds,
    records_from_facts,
    red_list_candidates,
    red_list_failures,
    removal_on_application,
    serious_removal_on_application,
)
from socredit.core.lists import (
    daily_run as core_daily_run,
)
from socredit.core.lists.engine import REMOVE, TRANSFER, Declined, Restart, transfer_due
from socredit.core.lists.grounds import EXITS_BY_CODE, GROUNDS_BY_CODE, OBJECTION_EXIT, basis_of, title_of
from socredit.core.lists.notice import Mailing, address_unreachable_established
from socredit.core.lists.red import GRADE_ORDER, RED_BASIS
from socredit.core.policy import PolicyProfile
from socredit.core.scoring.facts import OPEN_END, add_months, day_number, empty_memberships
from socredit.core.types import RoleKind

RESPONSIBLE_POSTS = (RoleKind.LEGAL_REPRESENTATIVE.value, RoleKind.RESPONSIBLE_PERSON.value)
"""失信惩戒落实到人 (R1.19): the posts answerable for a serious listing."""

TRIGGER_KINDS = frozenset(
    {k for g in GROUNDS for k in (*g.trigger_kinds, *g.confirm_kinds)} | {"deregistration"}
)

NOTICE_TEMPLATE = """{org_name}（统一社会信用代码：{org_code}）：

根据{basis}，经查，你单位存在“{ground_title}”情形（事由 {ground}）。
{facts}
本机关决定：{action}。
决定文号：{document_number}
决定日期：{decided_on}

如对本决定不服，可以依法申请行政复议或者提起行政诉讼。

{authority}
{decided_on}
"""
"""The printable notice of a listing or removal decision (str.format fields)."""

PRIOR_NOTICE_TEMPLATE = """{org_name}（统一社会信用代码：{org_code}）：

经查，你单位存在“{ground_title}”情形（事由 {ground}）。
一、事实
{facts}
二、理由
{reason}
三、依据
{basis}

本机关拟作出如下决定：{action}。

四、你单位的权利
根据《中华人民共和国行政处罚法》第四十五条等规定的精神，你单位有权进行陈述、申辩。你单位可以向{authority}提出陈述、申辩意见并提交相关证据；本机关将对你单位提出的事实、理由和证据进行复核，你单位提出的事实、理由或者证据成立的，本机关将予以采纳，不因你单位陈述、申辩而加重处理。
{served_by}
告知文号：{document_number}

{authority}
{served_on}
"""
"""列入事先告知书 (R1.5): facts, reasons, legal basis and the right to state its case (str.format fields)."""


def today() -> dt.date:
    return timezone.localdate()


# --- policy --------------------------------------------------------------------------------------


def parameters(day: dt.date) -> tuple[PolicyProfile, ListParameters]:
    profile = policy_profile(day)
    return profile, ListParameters.from_profile(profile)


def legal_basis(code: str, profile: PolicyProfile, *param_fields: str) -> str:
    """The basis of a ground or exit, with the citation of the profile parameters it reads."""
    parts = [basis_of(code) if code != RED_GROUND else RED_BASIS]
    for name in param_fields:
        key = ListParameters.key(name)
        if profile.has(key):
            p = profile.parameter(key)
            parts.append(f"参数 {key} = {p.value}（{p.citation}）")
    return "；".join(parts)


_GROUND_PARAMS: dict[str, tuple[str, ...]] = {
    "R1.6(5)": ("fine_threshold_yuan",),
    "R1.12(4)": ("fine_threshold_yuan",),
    "R1.12(5)": ("repeat_window_years", "repeat_count", "fine_threshold_yuan"),
    "R1.12(1)": ("transfer_years",),
    "R1.11": ("transfer_years",),
    "R1.10(a)": ("abnormal_removal_working_days",),
    "R1.10(b)": ("auto_removal_months",),
    "R1.14(a)": ("serious_removal_min_years", "serious_removal_working_days"),
    "R1.14(b)": ("serious_removal_min_years", "serious_removal_working_days"),
    RED_GROUND: ("red_min_level", "red_clean_years", "red_min_grade", "red_require_commitment"),
}


def _basis(code: str, profile: PolicyProfile) -> str:
    return legal_basis(code, profile, *_GROUND_PARAMS.get(code, ()))


def ground_title(code: str) -> str:
    """The Chinese title of a ground code (empty for none; the code itself if unknown)."""
    if code == RED_GROUND:
        return "符合守信红名单条件"
    try:
        return title_of(code)
    except KeyError:
        return code


# --- reading rows as core values -----------------------------------------------------------------


def list_records(org_ids: Iterable[int]) -> list[ListRecord]:
    """The organizations' records in counted statuses, as the list rules read them."""
    codes = {v: k for k, v in kind_ids().items()}
    return records_from_facts(storage.record_facts(org_ids), codes)


def histories(org_ids: Iterable[int]) -> dict[int, ListingHistory]:
    """The listing history (abnormal and serious lists; red is separate) of each organization."""
    ids = sorted({int(i) for i in org_ids})
    entries = (
        ListEntry.objects.filter(organization_id__in=ids, list__in=(ABNORMAL, SERIOUS))
        .select_related("entry_decision")
        .prefetch_related("entry_decision__records")
        .order_by("entered_on", "id")
    )
    restarts: dict[int, list[Restart]] = {}
    for d in (
        ListDecision.objects.filter(organization_id__in=ids, kind=ListDecision.Kind.RESTART)
        .prefetch_related("records")
        .order_by("decided_on", "id")
    ):
        if d.entry_id is not None:
            restarts.setdefault(d.entry_id, []).append(
                Restart(d.decided_on, d.ground, d.arose_on or d.decided_on,
                        tuple(r.pk for r in d.records.all()), d.trigger_record_id)
            )  # fmt: skip
    by_org: dict[int, list[Entry]] = {}
    for e in entries:
        by_org.setdefault(e.organization_id, []).append(
            Entry(
                e.organization_id,
                e.list,
                e.ground,
                e.entered_on,
                e.clock_start,
                tuple(r.pk for r in e.entry_decision.records.all()),
                e.trigger_record_id,
                e.left_on,
                e.exit_ground or None,
                tuple(restarts.get(e.pk, ())),
                e.arose_on,
            )  # fmt: skip
        )
    declined: dict[int, list[Declined]] = {}
    for p in ListProposal.objects.filter(
        organization_id__in=ids,
        status__in=(ListProposal.Status.DISMISSED, ListProposal.Status.EXEMPTED),
        trigger_record__isnull=False,
    ):
        declined.setdefault(p.organization_id, []).append(
            Declined(p.organization_id, p.ground, p.decided_on or p.arose_on, p.trigger_record_id,
                     p.dismiss_reason or p.exemption_certificate)
        )  # fmt: skip
    return {i: ListingHistory(i, tuple(by_org.get(i, ())), tuple(declined.get(i, ()))) for i in ids}


def membership_frame(lo: int, hi: int, ids: np.ndarray[Any, Any] | None = None) -> pl.DataFrame:
    """The evaluation's membership source: every list entry of organizations lo <= id < hi (or ids)."""
    qs = ListEntry.objects.all()
    if ids is not None:
        qs = qs.filter(organization_id__in=[int(i) for i in ids])
    else:
        qs = qs.filter(organization_id__gte=lo, organization_id__lt=hi)
    rows = [
        (org, lst, day_number(entered), day_number(left, missing=OPEN_END))
        for org, lst, entered, left in qs.values_list("organization_id", "list", "entered_on", "left_on")
    ]
    if not rows:
        return empty_memberships()
    return pl.DataFrame(rows, schema=empty_memberships().schema, orient="row")


def active_entry(org_id: int, day: dt.date, *, red: bool = False) -> ListEntry | None:
    """The organization's entry in force on ``day`` (the serious one first), or the red one."""
    lists = (RED,) if red else (SERIOUS, ABNORMAL)
    found = [
        e
        for e in ListEntry.objects.in_force(day)
        .filter(organization_id=org_id, list__in=lists)
        .order_by("-entered_on", "-id")
    ]
    found.sort(key=lambda e: e.list != SERIOUS)
    return found[0] if found else None


def status_on(organization: Organization, day: dt.date) -> list[ListEntry]:
    """Every entry (any list) in force on ``day``."""
    return list(ListEntry.objects.in_force(day).filter(organization=organization).order_by("list"))


# --- proposals -----------------------------------------------------------------------------------


def _open_proposal(org_id: int, lst: str, ground: str, trigger_id: int | None) -> ListProposal | None:
    qs = ListProposal.objects.filter(
        organization_id=org_id, ground=ground, status=ListProposal.Status.PROPOSED
    )
    if lst != RED:
        qs = qs.filter(trigger_record_id=trigger_id)
    return qs.first()


def _propose(p: Any) -> ListProposal | None:
    """A ListProposal for a core ENTER/RESTART proposal, unless an open one exists already."""
    if _open_proposal(p.org_id, p.list, p.ground, p.trigger_record_id) is not None:
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
    ids = sorted({int(i) for i in org_ids})
    if not ids:
        return []
    profile, params = parameters(day)
    hist = histories(ids)
    created: list[ListProposal] = []
    # One open proposal per organization, list, ground and action: of several new records meeting
    # the same ground (a bulk import of years of penalties), the latest one is proposed — it relies
    # on the earlier ones and restarts the clock last — instead of one proposal per record.
    latest: dict[tuple[Any, ...], Any] = {}
    for p in core_daily_run(hist, list_records(ids), day, params):
        if p.action in (TRANSFER, REMOVE) or p.trigger_record_id is None:
            continue
        key = (p.org_id, p.list, p.ground, p.action)
        if key not in latest or (p.due_on, p.trigger_record_id) >= (
            latest[key].due_on,
            latest[key].trigger_record_id,
        ):
            latest[key] = p
    for p in latest.values():
        made = _propose(p)
        if made is not None:
            created.append(made)
            # the record ids come from the core proposal: no query per proposal (bulk imports)
            record_event(actor=actor, channel=channel, action="lists.propose", target=made,
                         summary=f"列入建议：{LIST_TITLES[made.list]} {made.ground}",
                         data={"organization": made.organization_id, "ground": made.ground,
                               "records": sorted(p.record_ids), "policy": profile.version})  # fmt: skip
    return created


def on_records_changed(sender: Any, *, organization_ids: set[int], cause: str, actor: Any, **_: Any) -> None:
    """records.signals receiver: a record that meets a ground gives a proposal at once."""
    propose_from_records(organization_ids, actor=actor)


@transaction.atomic
def raise_proposal(
    actor: Any, organization: Organization, ground: str, *, arose_on: dt.date, reason: str,
    records: Sequence[CreditRecord] = (), channel: str = "form",
) -> ListProposal:  # fmt: skip
    """A staff proposal on a ground the records cannot decide (R1.6(2), R1.6(7), R1.12(2), R1.12(8) …)."""
    errors = FieldErrors()
    g = GROUNDS_BY_CODE.get(ground)
    if g is None:
        errors.add("ground", f"未知的列入事由 {ground!r}")
    if not reason.strip():
        errors.add("reason", "请说明事实与所依据的规定")
    errors.raise_if_any()
    assert g is not None
    proposal = ListProposal.objects.create(
        organization=organization, list=g.list, ground=ground, arose_on=arose_on, needs_confirmation=True,
        reason=reason.strip(), notice_required=True,
    )  # fmt: skip
    proposal.records.set(records)
    record_event(actor=actor, channel=channel, action="lists.propose", target=proposal,
                 summary=f"人工列入建议：{ground}", data={"organization": organization.pk})  # fmt: skip
    return proposal


# --- decisions -----------------------------------------------------------------------------------


def _authority(
    authority: Department | str | None, organization: Organization
) -> tuple[Department | None, str]:
    if isinstance(authority, Department):
        return authority, authority.name
    text = (authority or "").strip() or organization.registration_authority
    return None, text


def _facts(records: Sequence[CreditRecord]) -> str:
    return "".join(
        f"{r.decided_on or r.occurred_on}，{r.department.name}{r.document_number or ''}：{r.kind.name_zh}"
        + (f"（{r.amount}元）" if r.amount is not None else "")
        + "。\n"
        for r in records
    )


def _notice(
    organization: Organization, *, ground: str, basis: str, action: str, document_number: str,
    decided_on: dt.date, authority: str, records: Sequence[CreditRecord] = (), template: str | None = None,
) -> str:  # fmt: skip
    facts = _facts(records)
    return (template or NOTICE_TEMPLATE).format(
        org_name=organization.name, org_code=organization.code, basis=basis, ground=ground,
        ground_title=ground_title(ground), facts=facts, action=action, document_number=document_number,
        decided_on=decided_on.isoformat(), authority=authority,
    )  # fmt: skip


def _check_decision_input(document_number: str, decided_on: dt.date | None, ground: str) -> FieldErrors:
    errors = FieldErrors()
    if not ground:
        errors.add("ground", "决定须有列入或移出事由")
    if not (document_number or "").strip():
        errors.add("document_number", "决定须有文号")
    if decided_on is None:
        errors.add("decided_on", "决定须有日期")
    elif decided_on > today():
        errors.add("decided_on", f"决定日期 {decided_on} 不能晚于今天")
    return errors


def _new_decision(
    organization: Organization, *, kind: str, lst: str, ground: str, profile: PolicyProfile,
    document_number: str, decided_on: dt.date, authority: Department | str | None, actor: Any,
    records: Sequence[CreditRecord] = (), trigger_record_id: int | None = None, arose_on: dt.date | None = None,
    reason: str = "", action_text: str = "", notice_template: str | None = None, automatic: bool = False,
) -> ListDecision:  # fmt: skip
    dept, dept_name = _authority(authority, organization)
    basis = _basis(ground, profile)
    decision = ListDecision.objects.create(
        organization=organization, kind=kind, list=lst, ground=ground, ground_title=ground_title(ground),
        legal_basis=basis, reason=reason, trigger_record_id=trigger_record_id, arose_on=arose_on,
        document_number=document_number.strip(), authority=dept, authority_name=dept_name,
        decided_on=decided_on, confirmed_by=staff_user_of(actor), confirmed_by_label=actor_label(actor)[:150],
        automatic=automatic, policy_version=profile.version,
        notice_text=_notice(organization, ground=ground, basis=basis, action=action_text or reason,
                            document_number=document_number.strip(), decided_on=decided_on,
                            authority=dept_name, records=records, template=notice_template),
    )  # fmt: skip
    decision.records.set(records)
    return decision


def _person_listings(decision: ListDecision, entry: ListEntry, profile: PolicyProfile) -> list[PersonListing]:
    """R1.19: record a serious listing against the organization's 法定代表人 / 负责人 in post on the
    day of the decision; kept ``persons.retention_years`` from the end of the act."""
    day = decision.decided_on
    years = int(profile.value("persons.retention_years"))
    act_end = decision.arose_on or day
    roles = (
        Role.objects.filter(organization_id=decision.organization_id, kind__in=RESPONSIBLE_POSTS, start_on__lte=day)
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


def _open_entry(decision: ListDecision, lst: str, ground: str, day: dt.date, *, clock_start: dt.date,
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


def _close_entry(entry: ListEntry, decision: ListDecision, day: dt.date, exit_ground: str) -> None:
    entry.left_on = day
    entry.exit_ground = exit_ground
    entry.exit_decision = decision
    entry.save(update_fields=["left_on", "exit_ground", "exit_decision"])
    outbox.emit("list.removed", entry.organization, None,
                {"entry": entry.pk, "list": entry.list, "left_on": day.isoformat(), "exit_ground": exit_ground,
                 "decision": decision.document_number})  # fmt: skip


def _rescore(org_ids: Iterable[int], trigger: str, actor: Any) -> None:
    ids = sorted({int(i) for i in org_ids})
    if ids:
        refresh_organizations(ids, trigger=trigger[:300], actor=actor)


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
        return f"你单位列入{LIST_TITLES[proposal.list]}期间又出现应当列入情形，列入时限自{proposal.arose_on}起重新计算"
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
    mailed by then. ``mailings``: core ``Mailing`` values or ``{"mailed_on": date, "unsigned": bool}``."""
    proposal = ListProposal.objects.select_for_update().select_related("organization").get(pk=proposal.pk)
    org = proposal.organization
    letters = [_mailing(m) for m in (mailings or ()) if m]
    errors = FieldErrors()
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add("__all__", f"该建议已处理（{proposal.get_status_display()}）")
    if proposal.list == RED:
        errors.add("__all__", "守信红名单不适用列入事先告知")
    elif proposal.ground not in GROUNDS_BY_CODE:
        errors.add("ground", f"未知的列入事由 {proposal.ground!r}")
    if method not in ListNotice.Method.values:
        errors.add("method", f"未知的告知方式 {method!r}")
    if not (document_number or "").strip():
        errors.add("document_number", "事先告知书须有文号")
    if served_on is None:
        errors.add("served_on", "请填写告知日期")
    elif served_on > today():
        errors.add("served_on", f"告知日期 {served_on} 不能晚于今天")
    elif served_on < proposal.arose_on:
        errors.add("served_on", f"告知日期不能早于事由发生之日 {proposal.arose_on}")
    errors.raise_if_any()
    assert served_on is not None
    profile, params = parameters(served_on)
    finding_text = ""
    if method == ListNotice.Method.ANNOUNCEMENT:
        finding = address_unreachable_established(letters, params)
        if not finding.established:
            raise FieldErrors(
                mailings=f"R1.7：不能以互联网公告方式告知：{finding.reason}"
                f"（参数 {params.key('mail_interval_min_days')} = {params.mail_interval_min_days}，"
                f"{params.key('mail_interval_max_days')} = {params.mail_interval_max_days}，{profile.version}）"
            )  # fmt: skip
        assert finding.established_on is not None
        if finding.established_on > served_on:
            raise FieldErrors(
                served_on=f"公告日期不能早于无法联系的事实确认之日 {finding.established_on}（R1.7）"
            )
        finding_text = finding.reason
    else:
        letters = []
    _dept, dept_name = _authority(authority, org)
    records = list(proposal.records.select_related("kind", "department").order_by("occurred_on", "id"))
    basis = _basis(proposal.ground, profile)
    if proposal.action == TRANSFER:
        basis = f"{basis}；{_basis('R1.11', profile)}"
    served_by = (
        f"因通过登记的住所无法与你单位取得联系（{finding_text}），本告知书以互联网公告方式送达。\n"
        if finding_text
        else ""
    )
    text = PRIOR_NOTICE_TEMPLATE.format(
        org_name=org.name, org_code=org.code, ground_title=ground_title(proposal.ground), ground=proposal.ground,
        facts=_facts(records) or f"{proposal.reason or ground_title(proposal.ground)}。\n",
        reason=proposal.reason or ground_title(proposal.ground), basis=basis,
        action=_proposed_action(proposal, served_on), authority=dept_name, served_by=served_by,
        document_number=document_number.strip(), served_on=served_on.isoformat(),
    )  # fmt: skip
    notice = ListNotice.objects.create(
        proposal=proposal, organization=org, method=method, served_on=served_on,
        document_number=document_number.strip(), text=text,
        mailings=[{"mailed_on": m.sent_on.isoformat(), "unsigned": not m.signed}
                  for m in sorted(letters, key=lambda m: m.sent_on)],
        unreachable_finding=finding_text, authority_name=dept_name, served_by=staff_user_of(actor),
        served_by_label=actor_label(actor)[:150], policy_version=profile.version,
    )  # fmt: skip
    record_event(actor=actor, channel=channel, action="lists.notice", target=notice,
                 summary=f"事先告知（{notice.get_method_display()}）：{proposal.ground} {notice.document_number}",
                 data={"organization": org.pk, "proposal": proposal.pk, "method": method,
                       "served_on": served_on, "mailings": notice.mailings, "policy": profile.version})  # fmt: skip
    return notice


def _check_notice(proposal: ListProposal, decided_on: dt.date, params: ListParameters) -> None:
    """R1.5: a listing needing prior notice is decided only after a notice was served."""
    if not (proposal.notice_required and params.notice_required):
        return
    first = proposal.notices.order_by("served_on", "id").first()
    if first is None:
        raise FieldErrors(
            __all__="R1.5：列入前须事先书面告知该组织拟列入的事实、理由、依据及其陈述申辩的权利"
            "（住所无法联系的，以互联网公告告知）；该建议尚未送达事先告知书"
        )
    if decided_on < first.served_on:
        raise FieldErrors(
            decided_on=f"R1.5：决定日期 {decided_on} 早于事先告知送达之日 {first.served_on}（{first.document_number}）"
        )


@transaction.atomic
def confirm_proposal(
    actor: Any, proposal: ListProposal, *, document_number: str, decided_on: dt.date | None,
    authority: Department | str | None = None, notice: str | None = None, channel: str = "form",
) -> ListDecision:  # fmt: skip
    """Decide a proposal as proposed: a listing (or a clock restart if already listed, R1.9/R1.13;
    a move from the abnormal to the serious list), with its decision and notice. Refused with the
    reason without a ground, document number or date, or if the records no longer support the ground."""
    proposal = ListProposal.objects.select_for_update().get(pk=proposal.pk)
    org = proposal.organization
    errors = _check_decision_input(document_number, decided_on, proposal.ground)
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add("__all__", f"该建议已处理（{proposal.get_status_display()}）")
    errors.raise_if_any()
    assert decided_on is not None
    if decided_on < proposal.arose_on:
        raise FieldErrors(decided_on=f"决定日期不能早于事由发生之日 {proposal.arose_on}")
    profile, params = parameters(decided_on)
    _check_notice(proposal, decided_on, params)
    if proposal.action == TRANSFER:
        return _confirm_transfer(actor, proposal, profile, params, document_number=document_number,
                                 decided_on=decided_on, authority=authority, notice=notice, channel=channel)  # fmt: skip
    records = list(proposal.records.select_related("kind", "department").order_by("occurred_on", "id"))
    is_red = proposal.list == RED
    if not is_red and proposal.ground not in GROUNDS_BY_CODE:
        raise FieldErrors(ground=f"未知的列入事由 {proposal.ground}")
    if proposal.trigger_record_id is not None:
        hits = entry_grounds(list_records([org.pk]), decided_on, params)
        if not any(
            h.ground == proposal.ground and h.trigger_record_id == proposal.trigger_record_id for h in hits
        ):
            raise FieldErrors(
                __all__=f"所依据的记录已不支持列入事由 {proposal.ground}（{ground_title(proposal.ground)}）："
                "记录已撤销、更正或不再有效，或按现行参数不构成该事由"
            )  # fmt: skip
    current = active_entry(org.pk, decided_on, red=is_red)
    ground = proposal.ground
    if is_red:
        if current is not None:
            raise FieldErrors(__all__="该组织已在守信红名单上")
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
        ListDecision.Kind.RESTART: f"你单位列入{title}期间又出现应当列入情形，列入时限自{proposal.arose_on}起重新计算",
    }[kind]  # fmt: skip
    decision = _new_decision(
        org, kind=kind, lst=lst, ground=ground, profile=profile, document_number=document_number,
        decided_on=decided_on, authority=authority, actor=actor, records=records,
        trigger_record_id=proposal.trigger_record_id, arose_on=proposal.arose_on,
        reason=proposal.reason, action_text=action, notice_template=notice,
    )  # fmt: skip
    people: list[PersonListing] = []
    if kind == ListDecision.Kind.RESTART:
        assert current is not None
        current.clock_start = max(current.clock_start, proposal.arose_on)
        current.save(update_fields=["clock_start"])
        decision.entry = current
        decision.save(update_fields=["entry"])
    else:
        if current is not None:  # abnormal → serious on a serious ground
            _close_entry(current, decision, decided_on, ground)
        entry = _open_entry(decision, lst, ground, decided_on, clock_start=decided_on,
                            arose_on=proposal.arose_on, trigger_record_id=proposal.trigger_record_id)  # fmt: skip
        if lst == SERIOUS:
            people = _person_listings(decision, entry, profile)
    proposal.status = ListProposal.Status.CONFIRMED
    proposal.decision = decision
    proposal.decided_on = decided_on
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save(update_fields=["status", "decision", "decided_on", "decided_by_label"])
    record_event(actor=actor, channel=channel, action=f"lists.{kind}", target=decision,
                 summary=f"{action}：{ground} {decision.document_number}",
                 data={"organization": org.pk, "list": lst, "ground": ground, "proposal": proposal.pk,
                       "records": [r.pk for r in records], "persons": [p.person_id for p in people],
                       "policy": profile.version})  # fmt: skip
    _rescore([org.pk], f"{action}（{decision.document_number}）", actor)
    return decision


@transaction.atomic
def dismiss_proposal(actor: Any, proposal: ListProposal, *, reason: str, decided_on: dt.date | None = None,
                     channel: str = "form") -> ListProposal:  # fmt: skip
    """Staff decide not to list (a ground needing judgement not confirmed); the record is consumed."""
    if not reason.strip():
        raise FieldErrors(reason="请说明不予列入的理由")
    if proposal.status != ListProposal.Status.PROPOSED:
        raise FieldErrors(__all__="该建议已处理")
    proposal.status = ListProposal.Status.DISMISSED
    proposal.dismiss_reason = reason.strip()
    proposal.decided_on = decided_on or today()
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save()
    record_event(actor=actor, channel=channel, action="lists.dismiss", target=proposal,
                 summary=f"不予列入：{proposal.ground}", data={"reason": proposal.dismiss_reason})  # fmt: skip
    return proposal


@transaction.atomic
def exempt_proposal(
    actor: Any, proposal: ListProposal, *, certificate: str, document_number: str, decided_on: dt.date | None,
    authority: Department | str | None = None, channel: str = "form",
) -> ListDecision:  # fmt: skip
    """R1.8: not listed on a written certificate that the organization bears no direct responsibility."""
    errors = _check_decision_input(document_number, decided_on, proposal.ground)
    if not certificate.strip():
        errors.add("certificate", "须附业务主管单位等出具的不负直接责任的书面证明")
    if proposal.status != ListProposal.Status.PROPOSED:
        errors.add("__all__", "该建议已处理")
    if proposal.list == RED:
        errors.add("__all__", "红名单不适用豁免")
    errors.raise_if_any()
    assert decided_on is not None
    profile, _params = parameters(decided_on)
    decision = _new_decision(
        proposal.organization, kind=ListDecision.Kind.EXEMPTION, lst=proposal.list, ground=proposal.ground,
        profile=profile, document_number=document_number, decided_on=decided_on, authority=authority, actor=actor,
        records=list(proposal.records.all()), trigger_record_id=proposal.trigger_record_id,
        arose_on=proposal.arose_on, reason="业务主管单位等书面证明不负直接责任，决定不予列入（R1.8）",
        action_text="不予列入（R1.8）",
    )  # fmt: skip
    proposal.status = ListProposal.Status.EXEMPTED
    proposal.exemption_certificate = certificate.strip()
    proposal.decision = decision
    proposal.decided_on = decided_on
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save()
    record_event(actor=actor, channel=channel, action="lists.exemption", target=decision,
                 summary=f"豁免列入（R1.8）：{proposal.ground}", data={"proposal": proposal.pk})  # fmt: skip
    return decision


# --- removal on application ----------------------------------------------------------------------


@transaction.atomic
def apply_for_removal(actor: Any, entry: ListEntry, *, evidence: str, applied_on: dt.date | None,
                      channel: str = "form") -> RemovalApplication:  # fmt: skip
    """The organization (or staff on its behalf) applies to leave a list with evidence of correction."""
    errors = FieldErrors()
    if not (evidence or "").strip():
        errors.add("evidence", "请提交已履行义务或完成整改的证明材料")
    if applied_on is None:
        errors.add("applied_on", "请填写申请日期")
    elif applied_on > today():
        errors.add("applied_on", "申请日期不能晚于今天")
    elif applied_on < entry.entered_on or (entry.left_on is not None and applied_on >= entry.left_on):
        errors.add("applied_on", f"申请日 {applied_on} 该组织不在{entry.list_title}中")
    if entry.list == RED:
        errors.add("__all__", "红名单不适用申请移出")
    if entry.applications.filter(status=RemovalApplication.Status.PENDING).exists():
        errors.add("__all__", "该列入已有待处理的移出申请")
    errors.raise_if_any()
    application = RemovalApplication.objects.create(
        entry=entry, applied_on=applied_on, evidence=evidence.strip()
    )
    record_event(actor=actor, channel=channel, action="lists.apply_removal", target=application,
                 summary=f"申请移出{entry.list_title}", data={"entry": entry.pk, "applied_on": applied_on})  # fmt: skip
    return application


def _calendar() -> WorkingCalendar:
    # Strict: a removal deadline must not rest on a year whose holidays nobody has entered yet.
    return working_calendar(strict=True)


@transaction.atomic
def verify_removal(actor: Any, application: RemovalApplication, *, verified_on: dt.date | None,
                   fulfilment_confirmed: bool = True, channel: str = "form") -> RemovalApplication:  # fmt: skip
    """Staff verify the application; the removal is due within N working days of this day."""
    errors = FieldErrors()
    if application.status != RemovalApplication.Status.PENDING:
        errors.add("__all__", "该申请已处理")
    if verified_on is None:
        errors.add("verified_on", "请填写查实日期")
    elif verified_on < application.applied_on:
        errors.add("verified_on", "查实日期不能早于申请日期")
    elif verified_on > today():
        errors.add("verified_on", "查实日期不能晚于今天")
    errors.raise_if_any()
    assert verified_on is not None
    _profile, params = parameters(verified_on)
    days = (
        params.abnormal_removal_working_days
        if application.entry.list == ABNORMAL
        else params.serious_removal_working_days
    )
    try:
        deadline = _calendar().add_working_days(verified_on, days)
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
    errors = FieldErrors()
    if application.status != RemovalApplication.Status.PENDING:
        errors.add("__all__", "该申请已处理")
    if decided_on is None:
        errors.add("decided_on", "决定须有日期")
    elif decided_on > today():
        errors.add("decided_on", "决定日期不能晚于今天")
    if not approve and not reason.strip():
        errors.add("reason", "不予移出须说明理由")
    if approve and not document_number.strip():
        errors.add("document_number", "移出决定须有文号")
    if approve and application.verified_on is None:
        errors.add("__all__", "申请尚未查实")
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
    profile, params = parameters(decided_on)
    records = list_records([org.pk])
    history = histories([org.pk])[org.pk]
    core_entry = next(
        (e for e in history.entries if e.entered_on == entry.entered_on and e.list == entry.list), None
    )
    facts = Fulfilment(tuple(records), application.fulfilment_confirmed)
    try:
        if entry.list == ABNORMAL and core_entry is not None:
            answer = removal_on_application(core_entry, application.applied_on, application.verified_on, facts,
                                            decided_on, params, _calendar())  # fmt: skip
        else:
            answer = serious_removal_on_application(history, records, application.applied_on, application.verified_on,
                                                    facts, decided_on, params, _calendar())  # fmt: skip
    except CalendarError as exc:
        raise FieldErrors(decided_on=str(exc)) from None
    if not answer.allowed:
        raise FieldErrors(__all__=answer.reason)
    assert answer.exit_ground is not None
    decision = _new_decision(
        org, kind=ListDecision.Kind.REMOVAL, lst=entry.list, ground=answer.exit_ground, profile=profile,
        document_number=document_number, decided_on=decided_on, authority=authority, actor=actor,
        reason=answer.reason + (f"；{reason.strip()}" if reason.strip() else ""),
        action_text=f"移出{entry.list_title}",
    )  # fmt: skip
    decision.entry = entry
    decision.save(update_fields=["entry"])
    _close_entry(entry, decision, decided_on, answer.exit_ground)
    application.status = RemovalApplication.Status.APPROVED
    application.reason = decision.reason
    application.overdue = answer.overdue
    application.decision = decision
    application.save()
    record_event(actor=actor, channel=channel, action="lists.removal", target=decision,
                 summary=f"移出{entry.list_title}：{answer.exit_ground} {decision.document_number}",
                 data={"organization": org.pk, "entry": entry.pk, "overdue": answer.overdue,
                       "deadline": answer.deadline, "policy": profile.version})  # fmt: skip
    _rescore([org.pk], f"移出{entry.list_title}（{decision.document_number}）", actor)
    return application


# --- the daily run -------------------------------------------------------------------------------


def _auto_number(ground: str, org: Organization, day: dt.date) -> str:
    return f"名录自动〔{day.year}〕{ground}-{org.pk}-{day:%m%d}"


def _candidate_org_ids(day: dt.date) -> list[int]:
    listed = ListEntry.objects.filter(list__in=(ABNORMAL, SERIOUS), left_on__isnull=True).values_list(
        "organization_id", flat=True
    )
    with_records = (
        CreditRecord.objects.filter(kind__code__in=TRIGGER_KINDS, occurred_on__lte=day)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    return sorted(set(listed) | set(with_records))


@dataclass
class RunCounts:
    proposals: int = 0
    transfers: int = 0
    removals: int = 0
    red_removals: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def _transfer(
    org: Organization, current: ListEntry, profile: PolicyProfile, *, document_number: str, decided_on: dt.date,
    authority: Department | str | None, actor: Any, arose_on: dt.date, reason: str, automatic: bool,
    notice_template: str | None = None,
) -> ListDecision:  # fmt: skip
    """R1.11 / R1.12(1): close the abnormal entry and open the serious one on ``decided_on``."""
    decision = _new_decision(
        org, kind=ListDecision.Kind.TRANSFER, lst=SERIOUS, ground="R1.12(1)", profile=profile,
        document_number=document_number, decided_on=decided_on, authority=authority, actor=actor,
        arose_on=arose_on, reason=reason, action_text="移出活动异常名录，列入严重违法失信名单",
        automatic=automatic, records=list(current.entry_decision.records.all()), notice_template=notice_template,
    )  # fmt: skip
    _close_entry(current, decision, decided_on, "R1.11")
    entry = _open_entry(decision, SERIOUS, "R1.12(1)", decided_on, clock_start=decided_on, arose_on=arose_on,
                        trigger_record_id=None)  # fmt: skip
    _person_listings(decision, entry, profile)
    return decision


def _confirm_transfer(
    actor: Any, proposal: ListProposal, profile: PolicyProfile, params: ListParameters, *, document_number: str,
    decided_on: dt.date, authority: Department | str | None, notice: str | None, channel: str,
) -> ListDecision:  # fmt: skip
    """Confirm a transfer proposal of the daily run (made instead of an automatic transfer when the
    profile requires prior notice, R1.5): still on the abnormal list and the period still complete."""
    org = proposal.organization
    current = active_entry(org.pk, decided_on)
    if current is None or current.list != ABNORMAL:
        raise FieldErrors(__all__=f"{decided_on} 该组织不在活动异常名录中，不能转入严重违法失信名单")
    if not transfer_due([histories([org.pk])[org.pk]], decided_on, params):
        raise FieldErrors(
            decided_on=f"{decided_on} 列入活动异常名录（自{current.clock_start}起计算）未满{params.transfer_years}年"
        )
    decision = _transfer(org, current, profile, document_number=document_number, decided_on=decided_on,
                         authority=authority, actor=actor, arose_on=proposal.arose_on, reason=proposal.reason,
                         automatic=False, notice_template=notice)  # fmt: skip
    proposal.status = ListProposal.Status.CONFIRMED
    proposal.decision = decision
    proposal.decided_on = decided_on
    proposal.decided_by_label = actor_label(actor)[:150]
    proposal.save(update_fields=["status", "decision", "decided_on", "decided_by_label"])
    record_event(actor=actor, channel=channel, action="lists.transfer", target=decision,
                 summary=f"{decision.get_kind_display()}：{decision.ground} {decision.document_number}",
                 data={"organization": org.pk, "proposal": proposal.pk, "automatic": False,
                       "policy": profile.version})  # fmt: skip
    _rescore([org.pk], f"转入严重违法失信名单（{decision.document_number}）", actor)
    return decision


def _propose_transfer(p: Any) -> ListProposal | None:
    """R1.5 also covers the transfer (a listing on the serious list): where the profile requires prior
    notice, the daily run proposes it (notice, then a staff decision) instead of making it."""
    if _open_proposal(p.org_id, SERIOUS, "R1.12(1)", None) is not None:
        return None
    proposal = ListProposal.objects.create(
        organization_id=p.org_id, list=SERIOUS, action=TRANSFER, ground="R1.12(1)", arose_on=p.due_on,
        needs_confirmation=False, notice_required=True, reason=p.reason,
        note="列入活动异常名录满期，须事先告知后决定转入（R1.5、R1.11）",
    )  # fmt: skip
    proposal.records.set(p.record_ids)
    return proposal


def _apply_automatic(p: Any, profile: PolicyProfile, actor: Any) -> bool:
    """Carry out a transfer (R1.11) or an automatic removal (R1.10(b), R1.14(c)); False if the rows
    no longer allow it."""
    day = p.effective_on
    current = active_entry(p.org_id, day)
    org = Organization.objects.get(pk=p.org_id)
    if p.action == TRANSFER:
        if current is None or current.list != ABNORMAL:
            return False
        decision = _transfer(org, current, profile, document_number=_auto_number("R1.11", org, day),
                             decided_on=day, authority=None, actor=actor, arose_on=p.due_on, reason=p.reason,
                             automatic=True)  # fmt: skip
    else:
        if current is None or current.list != p.list:
            return False
        decision = _new_decision(
            org, kind=ListDecision.Kind.REMOVAL, lst=p.list, ground=p.ground, profile=profile,
            document_number=_auto_number(p.ground, org, day), decided_on=day, authority=None, actor=actor,
            reason=p.reason, action_text=f"移出{LIST_TITLES[p.list]}", automatic=True,
        )  # fmt: skip
        decision.entry = current
        decision.save(update_fields=["entry"])
        _close_entry(current, decision, day, p.ground)
    record_event(actor=actor, channel="system", action=f"lists.{p.action}", target=decision,
                 summary=f"{decision.get_kind_display()}：{decision.ground} {decision.document_number}",
                 data={"organization": org.pk, "automatic": True, "policy": profile.version})  # fmt: skip
    return True


def _standings(org_ids: Sequence[int], day: dt.date, records: Sequence[ListRecord]) -> list[RedStanding]:
    levels = dict(
        CreditScore.objects.filter(organization_id__in=org_ids).values_list("organization_id", "level")
    )
    grades: dict[int, tuple[dt.date, str]] = {}
    for r in records:
        newer = r.org_id not in grades or grades[r.org_id][0] <= r.day
        if r.kind in GRADE_ORDER and r.counts_on(day) and newer:
            grades[r.org_id] = (r.day, r.kind)
    return [RedStanding(i, levels[i], grades[i][1] if i in grades else None) for i in org_ids if i in levels]


def _red_removals(day: dt.date, params: ListParameters, profile: PolicyProfile, actor: Any) -> list[int]:
    members = list(
        ListEntry.objects.filter(list=RED, entered_on__lte=day, left_on__isnull=True).select_related(
            "organization"
        )
    )
    if not members:
        return []
    ids = [m.organization_id for m in members]
    records = list_records(ids)
    failures = red_list_failures(_standings(ids, day, records), records, day, params, histories(ids))
    failed = {f.org_id: f for f in failures}
    removed = []
    for m in members:
        f = failed.get(m.organization_id)
        if f is None:
            continue
        reason = "不再符合守信红名单条件：" + "；".join(f.reasons)
        decision = _new_decision(
            m.organization, kind=ListDecision.Kind.REMOVAL, lst=RED, ground=RED_GROUND, profile=profile,
            document_number=_auto_number("RED", m.organization, day), decided_on=day, authority=None,
            actor=actor, reason=reason, action_text="移出守信红名单", automatic=True,
        )  # fmt: skip
        decision.entry = m
        decision.save(update_fields=["entry"])
        _close_entry(m, decision, day, RED_GROUND)
        record_event(actor=actor, channel="system", action="lists.red_removal", target=decision,
                     summary=reason[:500], data={"organization": m.organization_id})  # fmt: skip
        removed.append(m.organization_id)
    return removed


@transaction.atomic
def daily_run(actor: Any, as_of: dt.date | None = None, *, chunk: int = 500) -> ListRun:
    """The daily list run on ``as_of``: new proposals, transfers after two full years (R1.11; where the
    profile requires prior notice, R1.5, a transfer proposal to serve notice on and decide instead),
    automatic removals (R1.10(b)), removals after deregistration (R1.14(c)) and red-list removals.
    Idempotent: a second run on the same day changes nothing (and records zero counts)."""
    day = as_of or today()
    profile, params = parameters(day)
    counts = RunCounts()
    changed: set[int] = set()
    ids = _candidate_org_ids(day)
    for i in range(0, len(ids), chunk):
        part = ids[i : i + chunk]
        for p in core_daily_run(histories(part), list_records(part), day, params):
            if p.action == TRANSFER and p.notice_required:
                if _propose_transfer(p) is not None:
                    counts.proposals += 1
            elif p.action in (TRANSFER, REMOVE):
                if _apply_automatic(p, profile, actor):
                    changed.add(p.org_id)
                    if p.action == TRANSFER:
                        counts.transfers += 1
                    else:
                        counts.removals += 1
            elif p.trigger_record_id is not None and _propose(p) is not None:
                counts.proposals += 1
    red = _red_removals(day, params, profile, actor)
    counts.red_removals = len(red)
    changed |= set(red)
    run = ListRun.objects.create(as_of=day, started_by=staff_user_of(actor), started_by_label=actor_label(actor)[:150],
                                 counts=counts.as_dict(), policy_version=profile.version)  # fmt: skip
    record_event(actor=actor, channel="cli" if staff_user_of(actor) is None else "form", action="lists.run",
                 target=run, summary=f"名录日常运行 {day}", data=counts.as_dict())  # fmt: skip
    _rescore(changed, f"名录日常运行（{day}）", actor)
    return run


# --- the red list --------------------------------------------------------------------------------


@transaction.atomic
def red_list_publication(actor: Any, year: int, *, as_of: dt.date | None = None,
                         channel: str = "cli") -> list[ListProposal]:  # fmt: skip
    """The yearly red-list run: a proposal for every organization meeting every criterion
    (``lists.red.*``) on ``as_of`` (31 December of ``year``, or today if earlier)."""
    day = as_of or min(dt.date(year, 12, 31), today())
    profile, params = parameters(day)
    levels_ok = CreditScore.objects.filter(level=params.red_min_level).values_list(
        "organization_id", flat=True
    )
    ids = sorted(set(levels_ok))
    records = list_records(ids)
    candidates = red_list_candidates(_standings(ids, day, records), records, day, params, histories(ids))
    made = []
    for c in candidates:
        if active_entry(c.org_id, day, red=True) is not None or _open_proposal(
            c.org_id, RED, RED_GROUND, None
        ):
            continue
        made.append(
            ListProposal.objects.create(
                organization_id=c.org_id,
                list=RED,
                ground=RED_GROUND,
                arose_on=day,
                needs_confirmation=True,
                notice_required=False,
                reason="；".join(c.reasons),
                note=f"{year}年度守信红名单候选",
            )  # fmt: skip
        )
    record_event(actor=actor, channel=channel, action="lists.red_publication", target_type="lists.listproposal",
                 summary=f"{year}年度守信红名单候选 {len(made)} 个",
                 data={"year": year, "as_of": day, "proposals": [p.pk for p in made], "policy": profile.version})  # fmt: skip
    return made


def confirm_red(actor: Any, proposal: ListProposal, **kwargs: Any) -> ListDecision:
    """Publish a red-list candidate (the same decision as any listing)."""
    if proposal.list != RED:
        raise FieldErrors(__all__="不是守信红名单候选")
    return confirm_proposal(actor, proposal, **kwargs)


# --- persons -------------------------------------------------------------------------------------


@transaction.atomic
def retention_sweep(actor: Any = None, as_of: dt.date | None = None) -> int:
    """Person listings whose retention has ended leave public view and are erased (the person link
    and name removed; the decision stays). With ``persons.extend_until_list_removal`` a listing
    is kept while the organization is still on the serious list."""
    day = as_of or today()
    profile = policy_profile(day)
    extend = bool(profile.get("persons.extend_until_list_removal", False))
    done = 0
    for pl_ in PersonListing.objects.filter(erased=False, retention_until__lt=day).select_related("entry"):
        if extend and (pl_.entry.left_on is None or pl_.entry.left_on > day):
            continue
        pl_.public = False
        pl_.erased = True
        pl_.erased_on = day
        pl_.person = None
        pl_.person_name = ""
        pl_.save(update_fields=["public", "erased", "erased_on", "person", "person_name"])
        done += 1
    if done:
        record_event(actor=actor, channel="system", action="lists.retention", target_type="lists.personlisting",
                     summary=f"个人失信记录保留期届满，删除 {done} 条", data={"as_of": day})  # fmt: skip
    return done


__all__ = [
    "EXITS_BY_CODE",
    "apply_for_removal",
    "confirm_proposal",
    "confirm_red",
    "daily_run",
    "decide_removal",
    "dismiss_proposal",
    "exempt_proposal",
    "membership_frame",
    "propose_from_records",
    "red_list_publication",
    "retention_sweep",
    "serve_notice",
    "verify_removal",
]


# --- objections (R1.18) ----------------------------------------------------------------------------


@transaction.atomic
def annul_entry_on_objection(
    actor: Any, decision: ListDecision, *, case_number: str, reason: str, decided_on: dt.date
) -> ListDecision | None:
    """撤销列入: an objection found the listing decision wrong; the entry it opened ends on ``decided_on``.

    The history keeps the entry and both decisions (nothing is deleted); the removal decision cites
    the objection case. Returns None when the entry had already ended (nothing left to annul).
    """
    entry = ListEntry.objects.select_for_update().filter(entry_decision=decision).first()
    if entry is None:
        entry = getattr(decision, "entry", None)
    if entry is None or entry.left_on is not None:
        return None
    profile = policy_profile(decided_on)
    removal = _new_decision(
        decision.organization, kind=ListDecision.Kind.REMOVAL, lst=entry.list, ground=OBJECTION_EXIT.code,
        profile=profile, document_number=f"{case_number}（异议）", decided_on=decided_on,
        authority=decision.authority or decision.authority_name, actor=actor,
        reason=f"异议{case_number}成立：{reason}"[:1000], action_text=f"撤销列入{entry.list_title}",
    )  # fmt: skip
    removal.entry = entry
    removal.save(update_fields=["entry"])
    _close_entry(entry, removal, decided_on, OBJECTION_EXIT.code)
    record_event(actor=actor, channel="form", action="lists.annul", target=removal,
                 summary=f"异议成立，撤销列入{entry.list_title}：{decision.document_number}",
                 data={"entry": entry.pk, "case": case_number})  # fmt: skip
    _rescore([entry.organization_id], f"异议{case_number}成立，撤销列入{entry.list_title}", actor)
    return removal
