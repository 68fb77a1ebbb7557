"""The daily run (每日列表运行): transfers, automatic exits and proposals, idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.evaluation import storage
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists.models import (
    LIST_TITLES,
    RED,
    RED_GROUND,
    ListDecision,
    ListEntry,
    ListRun,
    ListRunDue,
)
from socredit.apps.lists.services.bulk_proposals import write_proposals
from socredit.apps.lists.services.common import (
    TRIGGER_KINDS,
    active_entry,
    histories,
    list_records,
    parameters,
    profile_groups,
    red_standings,
)
from socredit.apps.lists.services.decisions import (
    close_entry,
    document_number_for,
    new_decision,
    rescore,
    transfer_to_serious,
)
from socredit.apps.lists.services.schedule import due_ids, schedule
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import DocumentType, Organization, Region
from socredit.common import policy
from socredit.common.clock import refuse_future, today
from socredit.core.lists import (
    ABNORMAL,
    SERIOUS,
    red_list_failures,
)
from socredit.core.lists import (
    daily_run as core_daily_run,
)
from socredit.core.lists.engine import REMOVE, TRANSFER, ListingHistory, by_org
from socredit.core.lists.red import LEVEL_ORDER
from socredit.core.lists.schedule import next_check_on, next_red_check_on
from socredit.core.policy import PolicyProfile
from socredit.core.types import RegionLevel

# --- the daily run -------------------------------------------------------------------------------


def _auto_number(doc_type: str, org: Organization, day: dt.date) -> str:
    """The number of a decision the daily run makes: the next one of the registering authority's
    pattern, else 名录自动〔year〕N号 counted over the year's automatic decisions (the run is one
    transaction at a time, so the count cannot race)."""
    number = document_number_for("", None, org, doc_type, day)
    if number:
        return number
    n = ListDecision.objects.filter(automatic=True, decided_on__year=day.year).count() + 1
    return f"名录自动〔{day.year}〕{n}号"


def _candidate_org_ids(day: dt.date, among: list[int] | None = None) -> list[int]:
    """Organizations the run must consider on ``day``: on the abnormal or serious list, or with a
    record of a kind that can meet a ground, occurred by then (of ``among`` only, when given)."""
    listed = ListEntry.objects.filter(list__in=(ABNORMAL, SERIOUS), left_on__isnull=True)
    with_records = CreditRecord.objects.filter(kind__code__in=TRIGGER_KINDS, occurred_on__lte=day)
    if among is None:
        return sorted(
            set(listed.values_list("organization_id", flat=True))
            | set(with_records.values_list("organization_id", flat=True).distinct())
        )
    out: set[int] = set()
    for i in range(0, len(among), storage.IN_CLAUSE):
        part = among[i : i + storage.IN_CLAUSE]
        out |= set(listed.filter(organization_id__in=part).values_list("organization_id", flat=True))
        out |= set(with_records.filter(organization_id__in=part).values_list("organization_id", flat=True))
    return sorted(out)


def _settle_others(ids: list[int], day: dt.date) -> None:
    """Marked organizations the run need not consider today: read again on the day a record of theirs
    that can meet a ground occurs (one dated after ``day``), else only on a new fact."""
    due: dict[int, dt.date | None] = dict.fromkeys(ids)
    for i in range(0, len(ids), storage.IN_CLAUSE):
        part = ids[i : i + storage.IN_CLAUSE]
        later = (
            CreditRecord.objects.filter(
                organization_id__in=part, kind__code__in=TRIGGER_KINDS, occurred_on__gt=day
            )
            .values("organization_id")
            .annotate(first=Min("occurred_on"))
        )
        due.update({r["organization_id"]: r["first"] for r in later})
    schedule(due)


def _profiles_changed(since: dt.date, day: dt.date) -> bool:
    """Whether any region applies another policy profile on ``day`` than on ``since`` (every
    organization's parameters may have changed: the run reads them all)."""
    paths: set[str | None] = {
        None,
        *Region.objects.exclude(level=RegionLevel.STREET.value).values_list("path", flat=True),
    }
    try:
        return any(
            policy.policy_profile(since, p).version != policy.policy_profile(day, p).version for p in paths
        )
    except policy.NoProfile:
        return True


def _incremental_possible(day: dt.date) -> bool:
    last = ListRun.objects.order_by("-id").first()
    return (
        last is not None
        and last.schedule_kept
        and last.as_of <= day
        and not _profiles_changed(last.as_of, day)
    )


@dataclass
class RunCounts:
    proposals: int = 0
    transfers: int = 0
    removals: int = 0
    red_removals: int = 0
    organizations: int = 0
    """Organizations read (all candidates in a full run; the changed and due ones otherwise)."""

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def _apply_automatic(p: Any, profile: PolicyProfile, actor: Any) -> bool:
    """Carry out a transfer (R1.11) or an automatic removal (R1.10(b), R1.14(c)); False if the rows
    no longer allow it."""
    day = p.effective_on
    current = active_entry(p.org_id, day)
    org = Organization.objects.get(pk=p.org_id)
    if p.action == TRANSFER:
        if current is None or current.list != ABNORMAL:
            return False
        decision = transfer_to_serious(org, current, profile, document_number=_auto_number(DocumentType.TRANSFER_DECISION, org, day),
                             decided_on=day, authority=None, actor=actor, arose_on=p.due_on, reason=p.reason,
                             automatic=True)  # fmt: skip
    else:
        if current is None or current.list != p.list:
            return False
        decision = new_decision(
            org, kind=ListDecision.Kind.REMOVAL, lst=p.list, ground=p.ground, profile=profile,
            document_number=_auto_number(DocumentType.REMOVAL_DECISION, org, day), decided_on=day, authority=None, actor=actor,
            reason=p.reason, action_text=f"将你单位移出{LIST_TITLES[p.list]}", automatic=True,
            document={"listed_on": current.entered_on, "entry_number": current.entry_decision.document_number},
        )  # fmt: skip
        decision.entry = current
        decision.save(update_fields=["entry"])
        close_entry(current, decision, day, p.ground)
    record_event(actor=actor, channel="system", action=f"lists.{p.action}", target=decision,
                 summary=f"{decision.get_kind_display()}：{decision.ground_title} {decision.document_number}",
                 data={"organization": org.pk, "automatic": True, "policy": profile.version})  # fmt: skip
    return True


def _red_to_read(members: list[ListEntry], day: dt.date, marked: set[int]) -> set[int]:
    """The red-list members an incremental run must read: those whose facts changed or whose
    date-driven check fell due (``marked``), and those whose stored credit level is below their
    profile's bar (the evaluation changes levels without marking: compared here for all, in a
    query per chunk)."""
    ids = [m.organization_id for m in members]
    out = {i for i in ids if i in marked}
    for i in range(0, len(ids), storage.IN_CLAUSE):
        part = ids[i : i + storage.IN_CLAUSE]
        levels = dict(
            CreditScore.objects.filter(organization_id__in=part).values_list("organization_id", "level")
        )
        for _profile, params, group in profile_groups(part, day):
            bar = LEVEL_ORDER.index(params.red_min_level)
            out |= {
                o for o in group if o in levels and (levels[o] not in LEVEL_ORDER or LEVEL_ORDER.index(levels[o]) < bar)
            }  # fmt: skip
    return out


def _schedule_red(due: dict[int, dt.date]) -> None:
    """Red-list members read today that still meet every criterion, and members whose entry starts
    later: read again on their day, unless the main schedule reads them earlier."""
    if not due:
        return
    ids = sorted(due)
    for i in range(0, len(ids), storage.IN_CLAUSE):
        part = ids[i : i + storage.IN_CLAUSE]
        for o, d in ListRunDue.objects.filter(organization_id__in=part).values_list(
            "organization_id", "due_on"
        ):
            due[o] = min(due[o], d)
    schedule(dict(due))


def _red_removals(day: dt.date, actor: Any, versions: set[str], marked: set[int] | None) -> list[int]:
    """Automatic removals from the red list of members failing a criterion on ``day``. Of every member
    when ``marked`` is None (a full run); else only of those ``_red_to_read`` finds, with the same
    result: the others were read on an earlier run and nothing they depend on changed since."""
    open_red = ListEntry.objects.filter(list=RED, left_on__isnull=True)
    due: dict[int, dt.date] = dict(
        open_red.filter(entered_on__gt=day).values_list("organization_id", "entered_on")
    )
    members = list(open_red.filter(entered_on__lte=day))
    if marked is not None:
        read = _red_to_read(members, day, marked)
        members = [m for m in members if m.organization_id in read]
    failed: dict[int, Any] = {}
    profiles: dict[int, PolicyProfile] = {}
    for profile, params, ids in profile_groups([m.organization_id for m in members], day):
        versions.add(profile.version)
        records = list_records(ids, profile)
        hist = histories(ids)
        for f in red_list_failures(red_standings(ids, day, records), records, day, params, hist):
            failed[f.org_id] = f
            profiles[f.org_id] = profile
        grouped = by_org(records)
        for o in ids:
            if o in failed:
                continue
            d = next_red_check_on(hist.get(o, ListingHistory(o)), grouped.get(o, []), day)
            if d is not None:
                due[o] = min(d, due.get(o, d))
    _schedule_red(due)
    members = [m for m in members if m.organization_id in failed]
    organizations = Organization.objects.in_bulk([m.organization_id for m in members])
    for m in members:
        m.organization = organizations[m.organization_id]
    removed = []
    for m in members:
        f = failed.get(m.organization_id)
        if f is None:
            continue
        profile = profiles[m.organization_id]
        reason = "不再符合守信红名单条件：" + "；".join(f.reasons)
        decision = new_decision(
            m.organization, kind=ListDecision.Kind.REMOVAL, lst=RED, ground=RED_GROUND, profile=profile,
            document_number=_auto_number(DocumentType.RED_DECISION, m.organization, day), decided_on=day, authority=None,
            actor=actor, reason=reason, action_text="将你单位移出守信红名单", automatic=True,
            document={"listed_on": m.entered_on},
        )  # fmt: skip
        decision.entry = m
        decision.save(update_fields=["entry"])
        close_entry(m, decision, day, RED_GROUND)
        record_event(actor=actor, channel="system", action="lists.red_removal", target=decision,
                     summary=reason[:500], data={"organization": m.organization_id})  # fmt: skip
        removed.append(m.organization_id)
    return removed


def _run_part(
    part: list[int], day: dt.date, actor: Any, counts: RunCounts, versions: set[str], by_path: dict[str, Any]
) -> set[int]:
    """Run the rules over some organizations, write what they decide, and schedule the next day each
    must be read; the organizations whose lists changed."""
    changed: set[int] = set()
    due: dict[int, dt.date | None] = {}
    # each organization under the profile of its registering authority's region on the day
    for profile, params, group in profile_groups(part, day, by_path):
        versions.add(profile.version)
        hist = histories(group)
        records = list_records(group, profile, kinds=TRIGGER_KINDS)
        to_propose = []
        for p in core_daily_run(hist, records, day, params):
            if p.action == TRANSFER and p.notice_required:
                # R1.5 also covers the transfer (a listing on the serious list): where the profile
                # requires prior notice, the run proposes it (notice, then a staff decision)
                to_propose.append(p)
            elif p.action in (TRANSFER, REMOVE):
                if _apply_automatic(p, profile, actor):
                    changed.add(p.org_id)
                    if p.action == TRANSFER:
                        counts.transfers += 1
                    else:
                        counts.removals += 1
            elif p.trigger_record_id is not None:
                to_propose.append(p)
        counts.proposals += len(write_proposals(to_propose))
        grouped = by_org(records)
        for o in group:
            # a list changed today: read again on the next run (from the new rows); else the next day
            # the calendar alone can change the answer (a proposal made today changes no history: the
            # next run would find it open and propose nothing; a staff decision on it marks the
            # organization again)
            due[o] = day + dt.timedelta(days=1) if o in changed else next_check_on(
                hist.get(o, ListingHistory(o)), grouped.get(o, []), day, params.transfer_years,
                params.auto_removal_months,
            )  # fmt: skip
    schedule(due)
    return changed


@transaction.atomic
def daily_run(actor: Any, as_of: dt.date | None = None, *, chunk: int = 5000, full: bool = False) -> ListRun:
    """The daily list run on ``as_of``: new proposals, transfers after two full years (R1.11; where the
    profile requires prior notice, R1.5, a transfer proposal to serve notice on and decide instead),
    automatic removals (R1.10(b)), removals after deregistration (R1.14(c)) and red-list removals.
    Idempotent: a second run on the same day changes nothing (and records zero counts).

    Incremental unless ``full``: it reads only the organizations whose facts changed since the last
    run or whose date-driven transitions fall due on or before ``as_of`` (``ListRunDue``), with the
    same result as a run over every candidate. A run over every candidate happens anyway when no
    earlier run kept the schedule, when ``as_of`` is before the last run's day, or when a region's
    policy profile differs from the one of the last run's day."""
    day = as_of or today()
    refuse_future(day, what=gettext("the date of the daily list run"))
    counts = RunCounts()
    changed: set[int] = set()
    versions: set[str] = set()
    incremental = not full and _incremental_possible(day)
    marked = due_ids(day)
    ids = _candidate_org_ids(day, marked) if incremental else _candidate_org_ids(day)
    considered = set(ids)
    others = {o for o in marked if o not in considered}
    if not incremental:
        # not candidates yet, but with a record that will make them one (a run dated before records
        # already entered; rows loaded without the services, which marked nothing): their day
        others |= (
            set(
                CreditRecord.objects.filter(kind__code__in=TRIGGER_KINDS, occurred_on__gt=day)
                .values_list("organization_id", flat=True)
                .distinct()
            )
            - considered
        )
    _settle_others(sorted(others), day)
    counts.organizations = len(ids)
    by_path: dict[str, Any] = {}  # the parameters of each region path on the day, read once
    for i in range(0, len(ids), chunk):
        changed |= _run_part(ids[i : i + chunk], day, actor, counts, versions, by_path)
    red = _red_removals(day, actor, versions, set(marked) if incremental else None)
    counts.red_removals = len(red)
    changed |= set(red)
    if not versions:
        versions.add(parameters(day)[0].version)
    used = "; ".join(sorted(versions))
    if len(used) > 200:  # many localities in one run: the first ones and the count (decisions keep each)
        used = used[:170].rsplit("; ", 1)[0] + f"; …（共 {len(versions)} 个配置）"
    run = ListRun.objects.create(as_of=day, started_by=staff_user_of(actor), started_by_label=actor_label(actor)[:150],
                                 counts=counts.as_dict(), policy_version=used, full=not incremental,
                                 schedule_kept=True)  # fmt: skip
    record_event(actor=actor, channel="cli" if staff_user_of(actor) is None else "form", action="lists.run",
                 target=run, summary=f"名录日常运行 {day}", data={**counts.as_dict(), "full": not incremental})  # fmt: skip
    rescore(changed, f"名录日常运行（{day}）", actor)
    return run
