"""The list engine (名录规则引擎): grounds met on a day, the listing state machine, exits.

Pure functions over plain inputs. Records are ``ListRecord`` values (``records_from_facts`` makes
them from the evaluation's integer-coded facts frame and a kind-id → code mapping); a listing
history is a ``ListingHistory`` per organization. Every function takes records of one or many
organizations alike and groups them by ``org_id``.

State machine (rules.md §1 note)::

    NORMAL ──R1.6──▶ ABNORMAL ──R1.10(a)/(b)──▶ NORMAL
                        │  ╰──R1.11 (2 full years) / R1.12(n) directly──▶ SERIOUS
    NORMAL ──R1.12──▶ SERIOUS ──R1.14(a)/(b)/(c)──▶ NORMAL

A new ground while listed restarts the clock of the current entry (R1.9, R1.13); while on the
abnormal list, a serious ground moves the organization to the serious list instead. An organization
is on one list at a time. Memberships are half-open: on the list from ``entered_on`` up to, not
including, ``left_on`` (the evaluation's ``MEMBERSHIP_SCHEMA`` convention).

Counting periods ("满2年", "满6个月")
------------------------------------
民法典 第二百零一条: the day a period starts is not counted, it runs from the next day; 第二百零二条:
a period in months or years ends on the corresponding day of the final month (its last day where
there is none). An entry on 2024-03-10 has therefore run 2 years at the end of 2026-03-10, and the
first day on which it *has been listed for a full 2 years* is 2026-03-11: the transfer (R1.11), the
automatic removal (R1.10(b)) and the serious-list minimum (R1.14(a)) fall due on the day after the
anniversary (``period_complete_on``). An entry on 2024-02-29 completes 2 years at the end of
2026-02-28 and is due on 2026-03-01. The same rule fixes the R1.12(5) window: a second penalty on
the corresponding day three years after the first is still "三年内"; one day later it is not.

Which records count
-------------------
A record counts on a day if its status counts (有效; 已修复/已过期 before the day it ended; never
已更正 or 已撤销, ``COUNTED_STATUSES``) and it happened on or before the day. Its publicity period
does not matter: a penalty stays a penalty after its publicity ends. A record that has been acted on
(an entry, a clock restart, a declined proposal) is *consumed*: it never lists again, which makes
the daily run idempotent and keeps a removed organization from being re-listed on the same fact.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Protocol

import polars as pl

from socredit.core.lists.grounds import (
    ABNORMAL,
    EXITS_BY_CODE,
    GROUNDS_BY_CODE,
    LIST_TITLES,
    NORMAL,
    SERIOUS,
    basis_of,
    is_small_penalty,
    single_record_grounds,
    title_of,
)
from socredit.core.lists.params import ListParameters
from socredit.core.scoring.facts import COUNTED_STATUSES, NO_AMOUNT, add_months, from_day_number
from socredit.core.types import RecordStatus

_REVOKED_REGISTRATION_GROUNDS: Final = frozenset({"R1.12(7)"})


class WorkingCalendar(Protocol):
    """A calendar of working days (``socredit.core.calendar`` or a stub)."""

    def add_working_days(self, day: dt.date, n: int) -> dt.date: ...


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRecord:
    """A credit record as the list rules read it."""

    record_id: int
    org_id: int
    kind: str
    """Record-kind code of the catalogue (``penalty_fine`` …)."""
    day: dt.date
    """The day it occurred (发生日期): for a penalty, the date of the conduct."""
    amount: float | None = None
    status: int = RecordStatus.EFFECTIVE.code
    ended: dt.date | None = None
    decided_on: dt.date | None = None
    """The date of the decision it records (决定日期: 处罚决定、吊销决定 …); None for a record that is
    not a decision (an annual report not filed, a letter returned)."""

    @property
    def effective_on(self) -> dt.date:
        """The day the list rules date the record by (生效日期): the decision date of a decision, else
        the day it occurred. R1.6(5), R1.12(3)–(7) list on a penalty or other *decision* ("受到警告或
        罚款"), R1.12(5) counts penalty decisions in its window (按处罚决定日期), and a restart (R1.9,
        R1.13) runs from the new decision; the conduct date matters to none of the list rules."""
        return self.decided_on or self.day

    def counts_on(self, day: dt.date) -> bool:
        return (
            self.status in COUNTED_STATUSES
            and self.effective_on <= day
            and (self.ended is None or day < self.ended)
        )


def records_from_facts(
    facts: pl.DataFrame, kind_codes: Mapping[int, str], decided_on: Mapping[int, dt.date] | None = None
) -> list[ListRecord]:
    """``ListRecord`` values from a facts frame (``FACT_SCHEMA``); kinds not in ``kind_codes`` are skipped.

    The facts carry the day a record occurred only; ``decided_on`` maps record id → decision date
    (决定日期) for the records that are decisions, which the list rules date penalties by."""
    decided = decided_on or {}
    out: list[ListRecord] = []
    for row in facts.select(["record_id", "org_id", "kind", "status", "day", "ended", "amount"]).iter_rows():
        record_id, org_id, kind, status, day, ended, amount = row
        code = kind_codes.get(int(kind))
        if code is None:
            continue
        start = from_day_number(int(day))
        if start is None:
            continue
        out.append(
            ListRecord(
                record_id=int(record_id),
                org_id=int(org_id),
                kind=code,
                day=start,
                amount=None if amount is None or float(amount) == NO_AMOUNT else float(amount),
                status=int(status),
                ended=from_day_number(int(ended)),
                decided_on=decided.get(int(record_id)),
            )
        )
    return out


def by_org(records: Iterable[ListRecord]) -> dict[int, list[ListRecord]]:
    grouped: dict[int, list[ListRecord]] = defaultdict(list)
    for r in records:
        grouped[r.org_id].append(r)
    for rs in grouped.values():
        rs.sort(key=lambda r: (r.effective_on, r.record_id))
    return dict(grouped)


def period_complete_on(start: dt.date, months: int) -> dt.date:
    """The first day on which a period of ``months`` months from ``start`` has run in full (满).

    The start day is not counted and the period ends on the corresponding day (民法典 第二百零一、
    二百零二条), so it is complete from the day after ``add_months(start, months)``.
    """
    return add_months(start, months) + dt.timedelta(days=1)


# --- grounds met -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroundHit:
    """A ground of entry met by an organization's records."""

    org_id: int
    ground: str
    list: str
    arose_on: dt.date
    """The day the ground arose: the date of the record that completes it."""
    record_ids: tuple[int, ...]
    """Every record relied on (for R1.12(5), all penalties in the window)."""
    trigger_record_id: int
    """The record that completes the ground; consuming it settles the hit."""
    needs_confirmation: bool
    note: str = ""

    @property
    def basis(self) -> str:
        return basis_of(self.ground)


def _org_hits(records: Sequence[ListRecord], as_of: dt.date, params: ListParameters) -> list[GroundHit]:
    live = [r for r in records if r.counts_on(as_of)]
    hits: list[GroundHit] = []
    for r in live:
        for g, confirm in single_record_grounds(r.kind, r.amount, params):
            note = ""
            if r.kind == "penalty_fine" and (r.amount is None or r.amount < 0):
                note = "罚款金额未登记，须核实金额（不满5万元为R1.6(5)，5万元以上为R1.12(4)）"
            elif r.kind == "registration_revoked":
                note = "须确认撤销的是成立登记（R1.12(7)）还是以弄虚作假取得的变更登记（R1.12(2)）"
            hits.append(
                GroundHit(
                    r.org_id, g.code, g.list, r.effective_on, (r.record_id,), r.record_id, confirm, note
                )
            )
    small = [r for r in live if is_small_penalty(r.kind, r.amount, params)]
    months = 12 * params.repeat_window_years
    # each decision's window end once (not once per later decision: a bulk import of years of
    # penalties made this quadratic in calendar arithmetic)
    ends = [add_months(q.effective_on, months) for q in small]
    for i, r in enumerate(small):
        # earlier penalty decisions whose window (start day not counted, ends on the corresponding day)
        # reaches r's decision: "三年内两次以上" counts decisions, not conduct (按处罚决定日期)
        window = [q for q, end in zip(small[: i + 1], ends, strict=False) if r.effective_on <= end]
        if len(window) >= params.repeat_count:
            hits.append(
                GroundHit(
                    r.org_id,
                    "R1.12(5)",
                    SERIOUS,
                    r.effective_on,
                    tuple(q.record_id for q in window),
                    r.record_id,
                    False,
                    f"{params.repeat_window_years}年内第{len(window)}次警告或不满{params.fine_threshold_yuan:g}元罚款",
                )
            )
    hits.sort(key=lambda h: (h.arose_on, h.trigger_record_id, -GROUNDS_BY_CODE[h.ground].severity, h.ground))
    return hits


def entry_grounds(records: Iterable[ListRecord], as_of: dt.date, params: ListParameters) -> list[GroundHit]:
    """Every ground of entry (R1.6, R1.12) the records meet on ``as_of``, by organization and date.

    Grounds decided by the listing history (R1.12(1)) are ``transfer_due``'s; grounds with no record
    kind (R1.6(2), R1.6(7), R1.12(2), R1.12(8)) are raised by staff and never appear here.
    """
    out: list[GroundHit] = []
    for _org, rs in sorted(by_org(records).items()):
        out.extend(_org_hits(rs, as_of, params))
    return out


def decisive_hits(hits: Iterable[GroundHit]) -> list[GroundHit]:
    """One hit per trigger record: the most severe (a fine of 60,000 is R1.12(4), not also R1.6(5);
    the second warning in 3 years is R1.12(5), not also R1.6(5)); automatic before proposal."""
    best: dict[tuple[int, int], GroundHit] = {}
    for h in hits:
        key = (h.org_id, h.trigger_record_id)
        cur = best.get(key)
        rank = (GROUNDS_BY_CODE[h.ground].severity, not h.needs_confirmation)
        if cur is None or rank > (GROUNDS_BY_CODE[cur.ground].severity, not cur.needs_confirmation):
            best[key] = h
    return sorted(best.values(), key=lambda h: (h.org_id, h.arose_on, h.trigger_record_id))


def fundraising_idle_established(
    last_fundraising_on: dt.date, as_of: dt.date, params: ListParameters
) -> bool:
    """R1.6(4): no public fundraising for ``fundraising_idle_months`` months or more (以上 includes
    the number) since the last one: true from ``period_complete_on(last, months)``."""
    return as_of >= period_complete_on(last_fundraising_on, params.fundraising_idle_months)


# --- listing history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Restart:
    """A new ground while listed, restarting the entry's clock (R1.9, R1.13)."""

    day: dt.date
    """The day of the decision."""
    ground: str
    arose_on: dt.date
    record_ids: tuple[int, ...] = ()
    trigger_record_id: int | None = None


@dataclass(frozen=True)
class Entry:
    """One stay on one list."""

    org_id: int
    list: str
    ground: str
    entered_on: dt.date
    clock_start: dt.date
    """Start of the listing period; moved by restarts (R1.9, R1.13)."""
    record_ids: tuple[int, ...] = ()
    trigger_record_id: int | None = None
    left_on: dt.date | None = None
    exit_ground: str | None = None
    restarts: tuple[Restart, ...] = ()
    arose_on: dt.date | None = None
    """The day the entry ground arose (its record's date); ``entered_on`` when not known."""

    def active_on(self, day: dt.date) -> bool:
        return self.entered_on <= day and (self.left_on is None or day < self.left_on)

    @property
    def grounds(self) -> tuple[str, ...]:
        return (self.ground, *(r.ground for r in self.restarts))

    @property
    def consumed(self) -> frozenset[int]:
        ids = {self.trigger_record_id, *(r.trigger_record_id for r in self.restarts)}
        return frozenset(i for i in ids if i is not None)


@dataclass(frozen=True)
class Declined:
    """A proposal decided against (R1.8 exemption, or staff did not confirm): its record is consumed."""

    org_id: int
    ground: str
    decided_on: dt.date
    trigger_record_id: int | None
    reason: str


@dataclass(frozen=True)
class ListingHistory:
    org_id: int
    entries: tuple[Entry, ...] = ()
    declined: tuple[Declined, ...] = ()

    def entry_on(self, day: dt.date) -> Entry | None:
        """The entry in force on ``day`` (the serious one if a hand-made history overlaps)."""
        active = [e for e in self.entries if e.active_on(day)]
        if not active:
            return None
        return max(active, key=lambda e: (e.list == SERIOUS, e.entered_on))

    def consumed(self) -> frozenset[int]:
        ids: set[int] = set()
        for e in self.entries:
            ids |= e.consumed
        ids |= {d.trigger_record_id for d in self.declined if d.trigger_record_id is not None}
        return frozenset(ids)

    def replace_entry(self, old: Entry, new: Entry) -> ListingHistory:
        return replace(self, entries=tuple(new if e is old else e for e in self.entries))


def status_on(history: ListingHistory, day: dt.date) -> str:
    """``normal``, ``abnormal`` or ``serious`` on ``day`` (any past or future date)."""
    entry = history.entry_on(day)
    return NORMAL if entry is None else entry.list


def restart_clock(
    history: ListingHistory, hit: GroundHit, on: dt.date, *, moves_clock: bool = True
) -> ListingHistory:
    """R1.9 / R1.13: a new ground while listed restarts the listing period of the current entry
    from the day the ground arose (never earlier than the current start). With ``moves_clock``
    false (a profile whose ``restart_on_new_event`` is off) the ground joins the entry's grounds —
    it still counts for R1.10(b) and R1.14 — but the period runs on from its old start."""
    entry = history.entry_on(on)
    if entry is None:
        raise ValueError("未列入名录，无需重新计算列入时限")
    new = replace(
        entry,
        clock_start=max(entry.clock_start, hit.arose_on) if moves_clock else entry.clock_start,
        restarts=(
            *entry.restarts,
            Restart(on, hit.ground, hit.arose_on, hit.record_ids, hit.trigger_record_id),
        ),
    )
    return history.replace_entry(entry, new)


# --- proposals and decisions -------------------------------------------------------------------

ENTER: Final = "enter"
RESTART: Final = "restart"
TRANSFER: Final = "transfer"
REMOVE: Final = "remove"


@dataclass(frozen=True)
class Proposal:
    """A decision the daily run asks for (or makes, when ``needs_confirmation`` is false)."""

    action: str
    """``enter``, ``restart``, ``transfer`` or ``remove``."""
    org_id: int
    list: str
    """For enter/restart/transfer the list entered or kept; for remove the list left."""
    ground: str
    """The entry ground (enter, restart), ``R1.11`` (transfer) or the exit ground (remove)."""
    effective_on: dt.date
    due_on: dt.date
    """The day the law made it due (the ground's day, or the day a period completed)."""
    record_ids: tuple[int, ...] = ()
    trigger_record_id: int | None = None
    needs_confirmation: bool = False
    notice_required: bool = False
    """R1.5: written prior notice (internet announcement if the address is unreachable) before effect."""
    exempted_by_certificate: bool = False
    """R1.8: staff decided not to list on a written certificate of no direct responsibility."""
    restarts_clock: bool = True
    """For a restart: whether the listing period starts again (``restart_on_new_event``, R1.9/R1.13)."""
    reason: str = ""
    note: str = ""

    @property
    def basis(self) -> str:
        return basis_of(self.ground)


@dataclass(frozen=True)
class ExitDecision:
    """The answer to a request to leave a list: allowed with its basis, or refused with the reason."""

    allowed: bool
    exit_ground: str | None
    reason: str
    basis: str = ""
    deadline: dt.date | None = None
    """Last day to carry out the removal (verification day + working days)."""
    overdue: bool = False
    """``as_of`` is past the deadline."""
    effective_on: dt.date | None = None


def _refuse(reason: str, basis_code: str | None = None) -> ExitDecision:
    return ExitDecision(False, None, reason, basis_of(basis_code) if basis_code else "")


def apply(history: ListingHistory, proposal: Proposal) -> ListingHistory:
    """The history after a proposal is decided as proposed (or declined when exempted, R1.8)."""
    day = proposal.effective_on
    if proposal.exempted_by_certificate:
        if proposal.action not in (ENTER, RESTART):
            raise ValueError("R1.8 的豁免只适用于列入")
        return replace(
            history,
            declined=(
                *history.declined,
                Declined(
                    proposal.org_id,
                    proposal.ground,
                    day,
                    proposal.trigger_record_id,
                    "业务主管单位等书面证明不负直接责任，决定不予列入（R1.8）",
                ),
            ),
        )
    current = history.entry_on(day)
    if proposal.action == RESTART:
        hit = GroundHit(
            proposal.org_id,
            proposal.ground,
            proposal.list,
            proposal.due_on,
            proposal.record_ids,
            proposal.trigger_record_id if proposal.trigger_record_id is not None else -1,
            proposal.needs_confirmation,
        )
        return restart_clock(history, hit, day, moves_clock=proposal.restarts_clock)
    if proposal.action == REMOVE:
        if current is None or current.list != proposal.list:
            raise ValueError(f"{day} 未列入{LIST_TITLES[proposal.list]}")
        return history.replace_entry(current, replace(current, left_on=day, exit_ground=proposal.ground))
    if proposal.action == TRANSFER:
        if current is None or current.list != ABNORMAL:
            raise ValueError(f"{day} 未列入活动异常名录")
        closed = history.replace_entry(current, replace(current, left_on=day, exit_ground="R1.11"))
        serious = Entry(proposal.org_id, SERIOUS, "R1.12(1)", day, day, current.record_ids, None)
        return replace(closed, entries=(*closed.entries, serious))
    if proposal.action == ENTER:
        if current is not None:
            if current.list == SERIOUS or proposal.list == ABNORMAL:
                raise ValueError(f"{day} 已列入{LIST_TITLES[current.list]}，应重新计算列入时限")
            history = history.replace_entry(
                current, replace(current, left_on=day, exit_ground=proposal.ground)
            )
        entry = Entry(
            proposal.org_id,
            proposal.list,
            proposal.ground,
            day,
            day,
            proposal.record_ids,
            proposal.trigger_record_id,
            arose_on=proposal.due_on,
        )
        return replace(history, entries=(*history.entries, entry))
    raise ValueError(f"unknown action {proposal.action!r}")


def notice_required(params: ListParameters) -> bool:
    """R1.5 [DRAFT-ONLY]: written prior notice before listing on either list."""
    return params.notice_required


def _proposal_for_hit(
    history: ListingHistory, hit: GroundHit, as_of: dt.date, params: ListParameters
) -> Proposal:
    current = history.entry_on(as_of)
    title = GROUNDS_BY_CODE[hit.ground].title
    if current is None:
        action, kept, notice = ENTER, hit.list, notice_required(params)
        reason = f"{title}，列入{LIST_TITLES[hit.list]}"
    elif current.list == ABNORMAL and hit.list == SERIOUS:
        action, kept, notice = ENTER, SERIOUS, notice_required(params)
        reason = f"列入活动异常名录期间{title}，移出活动异常名录并列入严重违法失信名单"
    else:
        item = "R1.13" if current.list == SERIOUS else "R1.9"
        action, kept, notice = RESTART, current.list, False
        restarts = params.restarts_clock(current.list)
        reason = (
            f"列入{LIST_TITLES[current.list]}期间又出现{title}情形，列入时限重新计算（{item}）"
            if restarts
            else f"列入{LIST_TITLES[current.list]}期间又出现{title}情形，记入列入事由，列入时限不重新计算"
        )
    return Proposal(
        action,
        hit.org_id,
        kept,
        hit.ground,
        as_of,
        hit.arose_on,
        hit.record_ids,
        hit.trigger_record_id,
        needs_confirmation=hit.needs_confirmation,
        notice_required=notice,
        restarts_clock=action != RESTART or params.restarts_clock(kept),
        reason=reason,
        note=hit.note,
    )


def transfer_due(
    histories: Iterable[ListingHistory], as_of: dt.date, params: ListParameters
) -> list[Proposal]:
    """R1.11 / R1.12(1): abnormal entries whose (restarted) clock has run ``transfer_years`` full
    years on ``as_of`` move to the serious list, effective ``as_of``."""
    out: list[Proposal] = []
    for h in histories:
        e = h.entry_on(as_of)
        if e is None or e.list != ABNORMAL:
            continue
        due = period_complete_on(e.clock_start, 12 * params.transfer_years)
        if as_of >= due:
            out.append(
                Proposal(
                    TRANSFER,
                    h.org_id,
                    SERIOUS,
                    "R1.11",
                    as_of,
                    due,
                    e.record_ids,
                    None,
                    notice_required=notice_required(params),
                    reason=f"自{e.clock_start}起列入活动异常名录满{params.transfer_years}年，"
                    "移出活动异常名录并列入严重违法失信名单（R1.12(1)）",
                )
            )
    return out


def _pending(
    history: ListingHistory, records: Sequence[ListRecord], as_of: dt.date, params: ListParameters
) -> list[GroundHit]:
    consumed = history.consumed()
    return [
        h for h in decisive_hits(_org_hits(records, as_of, params)) if h.trigger_record_id not in consumed
    ]


def auto_removals_due(
    histories: Iterable[ListingHistory],
    records: Iterable[ListRecord],
    as_of: dt.date,
    params: ListParameters,
) -> list[Proposal]:
    """R1.10(b): abnormal entries all of whose grounds involve no obligation (R1.6(5)) leave the list
    once ``auto_removal_months`` full months have run from the (restarted) clock start. A new ground
    not yet acted on holds the removal back (it will restart the clock)."""
    grouped = by_org(records)
    out: list[Proposal] = []
    for h in histories:
        e = h.entry_on(as_of)
        if e is None or e.list != ABNORMAL:
            continue
        if any(GROUNDS_BY_CODE[g].involves_obligation for g in e.grounds):
            continue
        due = period_complete_on(e.clock_start, params.auto_removal_months)
        if as_of < due or _pending(h, grouped.get(h.org_id, []), as_of, params):
            continue
        out.append(
            Proposal(
                REMOVE,
                h.org_id,
                ABNORMAL,
                "R1.10(b)",
                as_of,
                due,
                reason=f"列入事由不涉及履行义务或整改，自{e.clock_start}起满{params.auto_removal_months}个月，自动移出活动异常名录",
            )
        )
    return out


@dataclass(frozen=True)
class Fulfilment:
    """What shows that the obligations are fulfilled (R1.10(a), R1.14(b))."""

    records: tuple[ListRecord, ...] = ()
    """Records of a ground's ``fulfilment_kinds`` (e.g. the annual report filed) count by themselves."""
    confirmed_by_staff: bool = False
    """Staff verified fulfilment of every obligation (rectification done, contact restored …)."""


def _unfulfilled(entry: Entry, facts: Fulfilment, verified_on: dt.date) -> list[str]:
    """Obligation grounds of the entry not shown fulfilled by ``verified_on``."""
    if facts.confirmed_by_staff:
        return []
    starts: dict[str, dt.date] = {entry.ground: entry.arose_on or entry.entered_on}
    for r in entry.restarts:
        starts.setdefault(r.ground, r.arose_on)
    missing = []
    for code, since in starts.items():
        g = GROUNDS_BY_CODE[code]
        if not g.involves_obligation:
            continue
        if not any(
            r.kind in g.fulfilment_kinds and r.counts_on(verified_on) and r.effective_on >= since
            for r in facts.records
        ):
            missing.append(code)
    return missing


def _deadline(
    verified_on: dt.date, applied_on: dt.date, days: int, as_of: dt.date, calendar: WorkingCalendar
) -> tuple[dt.date, bool]:
    if verified_on < applied_on:
        raise ValueError("查实日期不能早于申请日期")
    deadline = calendar.add_working_days(verified_on, days)
    return deadline, as_of > deadline


def removal_on_application(
    entry: Entry,
    applied_on: dt.date,
    verified_on: dt.date,
    facts: Fulfilment,
    as_of: dt.date,
    params: ListParameters,
    calendar: WorkingCalendar,
) -> ExitDecision:
    """R1.10(a): removal from the abnormal list on application once the obligations are fulfilled;
    to be carried out within ``abnormal_removal_working_days`` working days from verification
    (``deadline``; ``overdue`` when ``as_of`` is past it)."""
    if entry.list != ABNORMAL or not entry.active_on(applied_on):
        return _refuse(f"申请日{applied_on}该组织不在活动异常名录中", "R1.10(a)")
    if not any(GROUNDS_BY_CODE[g].involves_obligation for g in entry.grounds):
        due = period_complete_on(entry.clock_start, params.auto_removal_months)
        return _refuse(
            f"列入事由不涉及履行义务或整改，不适用申请移出；自列入之日起满{params.auto_removal_months}个月"
            f"（{due}）自动移出（R1.10(b)）",
            "R1.10(b)",
        )
    missing = _unfulfilled(entry, facts, verified_on)
    if missing:
        titles = "；".join(f"{title_of(c)}（{c}）" for c in missing)
        return _refuse(f"尚未履行相关义务或完成整改：{titles}", "R1.10(a)")
    deadline, overdue = _deadline(
        verified_on, applied_on, params.abnormal_removal_working_days, as_of, calendar
    )
    return ExitDecision(
        True,
        "R1.10(a)",
        "已履行相关义务或完成整改，准予移出活动异常名录"
        + (f"；已超过办理时限（{deadline}）" if overdue else ""),
        basis_of("R1.10(a)"),
        deadline,
        overdue,
        as_of,
    )


def _new_grounds_during(
    history: ListingHistory,
    entry: Entry,
    records: Sequence[ListRecord],
    until: dt.date,
    params: ListParameters,
) -> list[GroundHit]:
    return [h for h in _pending(history, records, until, params) if entry.clock_start <= h.arose_on <= until]


def serious_removal_on_application(
    history: ListingHistory,
    records: Iterable[ListRecord],
    applied_on: dt.date,
    verified_on: dt.date,
    facts: Fulfilment,
    as_of: dt.date,
    params: ListParameters,
    calendar: WorkingCalendar,
) -> ExitDecision:
    """R1.14(a)/(b): removal from the serious list on application.

    (a) listed ``serious_removal_min_years`` full years by ``applied_on`` (counted from the restarted
    clock, R1.13), and no ground of either list arose in that period (one not yet acted on counts
    too); (b) if listed through R1.12(1), the obligations of the abnormal entry are also fulfilled;
    (c) entries for 吊销/撤销 (R1.12(7)) are refused: they leave only after deregistration.
    """
    entry = history.entry_on(applied_on)
    if entry is None or entry.list != SERIOUS:
        return _refuse(f"申请日{applied_on}该组织不在严重违法失信名单中", "R1.14(a)")
    if _REVOKED_REGISTRATION_GROUNDS & set(entry.grounds):
        return _refuse(
            "因被吊销登记证书或撤销成立登记列入的，不适用申请移出，完成注销登记后由登记管理机关移出（R1.14(c)）",
            "R1.14(c)",
        )
    due = period_complete_on(entry.clock_start, 12 * params.serious_removal_min_years)
    if applied_on < due:
        return _refuse(
            f"列入未满{params.serious_removal_min_years}年（自{entry.clock_start}起算，{due}起方满"
            f"{params.serious_removal_min_years}年）",
            "R1.14(a)",
        )
    org_records = [r for r in records if r.org_id == history.org_id]
    fresh = _new_grounds_during(history, entry, org_records, applied_on, params)
    if fresh:
        h = fresh[0]
        return _refuse(
            f"列入期间又出现{title_of(h.ground)}情形（{h.arose_on}，{h.ground}），列入时限应重新计算",
            "R1.14(a)",
        )
    # a ground already decided that did not move the clock (restart_on_new_event off) still arose
    # "during those 2 years": R1.14(a) asks for none
    kept = [r for r in entry.restarts if entry.clock_start < r.arose_on <= applied_on]
    if kept:
        r = kept[0]
        return _refuse(
            f"列入期间又出现{title_of(r.ground)}情形（{r.arose_on}，{r.ground}），不符合移出条件", "R1.14(a)"
        )
    code = "R1.14(a)"
    if entry.ground == "R1.12(1)":
        code = "R1.14(b)"
        before = [e for e in history.entries if e.list == ABNORMAL and e.left_on == entry.entered_on]
        missing = _unfulfilled(before[-1], facts, verified_on) if before else []
        if missing:
            titles = "；".join(f"{title_of(c)}（{c}）" for c in missing)
            return _refuse(
                f"经活动异常名录满2年转入的，还须履行相关义务或完成整改：{titles}（R1.14(b)）", "R1.14(b)"
            )
    deadline, overdue = _deadline(
        verified_on, applied_on, params.serious_removal_working_days, as_of, calendar
    )
    return ExitDecision(
        True,
        code,
        f"列入满{params.serious_removal_min_years}年且期间未再出现应当列入情形，准予移出严重违法失信名单"
        + (f"；已超过办理时限（{deadline}）" if overdue else ""),
        basis_of(code),
        deadline,
        overdue,
        as_of,
    )


def removal_after_deregistration(
    history: ListingHistory, records: Iterable[ListRecord], as_of: dt.date
) -> ExitDecision:
    """R1.14(c): an entry for 吊销登记证书 / 撤销成立登记 leaves once a ``deregistration`` record
    dated on or after the ground exists (an older one cannot be the deregistration that follows)."""
    entry = history.entry_on(as_of)
    if entry is None or entry.list != SERIOUS or not (_REVOKED_REGISTRATION_GROUNDS & set(entry.grounds)):
        return _refuse("未因被吊销登记证书或撤销成立登记列入严重违法失信名单", "R1.14(c)")
    since = entry.arose_on or entry.entered_on
    done = [
        r
        for r in records
        if r.org_id == history.org_id
        and r.kind == "deregistration"
        and r.counts_on(as_of)
        and r.effective_on >= since
    ]
    if not done:
        return _refuse("尚未完成注销登记", "R1.14(c)")
    return ExitDecision(
        True,
        "R1.14(c)",
        f"已于{done[0].effective_on}完成注销登记，移出严重违法失信名单",
        basis_of("R1.14(c)"),
        effective_on=as_of,
    )


# --- the daily run -----------------------------------------------------------------------------


@dataclass
class _OrgRun:
    history: ListingHistory
    proposals: list[Proposal] = field(default_factory=list)


def daily_run(
    histories: Mapping[int, ListingHistory] | Iterable[ListingHistory],
    records: Iterable[ListRecord],
    as_of: dt.date,
    params: ListParameters,
) -> list[Proposal]:
    """Everything the lists need on ``as_of``, for every organization with records or a history.

    In order, per organization: each record not yet acted on gives its most severe ground (a new
    entry, a move from the abnormal to the serious list, or a clock restart); then transfers that
    fall due (R1.11); then automatic removals (R1.10(b)) and removals after deregistration
    (R1.14(c)). Later steps see the effect of earlier automatic ones; proposals needing
    confirmation take effect only when staff decide them. Idempotent: once the proposals of a run
    are applied (``apply``), the same run proposes nothing new.
    """
    hist_map: dict[int, ListingHistory] = (
        dict(histories) if isinstance(histories, Mapping) else {h.org_id: h for h in histories}
    )
    grouped = by_org(records)
    out: list[Proposal] = []
    for org_id in sorted(set(hist_map) | set(grouped)):
        run = _OrgRun(hist_map.get(org_id, ListingHistory(org_id)))
        org_records = grouped.get(org_id, [])
        for hit in _pending(run.history, org_records, as_of, params):
            p = _proposal_for_hit(run.history, hit, as_of, params)
            run.proposals.append(p)
            if not p.needs_confirmation:
                run.history = apply(run.history, p)
        transfers = transfer_due([run.history], as_of, params)
        for p in transfers:
            run.proposals.append(p)
            run.history = apply(run.history, p)
        if not transfers:
            run.proposals.extend(auto_removals_due([run.history], org_records, as_of, params))
            out_c = removal_after_deregistration(run.history, org_records, as_of)
            if out_c.allowed:
                run.proposals.append(
                    Proposal(REMOVE, org_id, SERIOUS, "R1.14(c)", as_of, as_of, reason=out_c.reason)
                )
        out.extend(run.proposals)
    return out


def apply_all(
    histories: Mapping[int, ListingHistory], proposals: Iterable[Proposal]
) -> dict[int, ListingHistory]:
    """Histories after every proposal is decided as proposed, in order."""
    result = dict(histories)
    for p in proposals:
        result[p.org_id] = apply(result.get(p.org_id, ListingHistory(p.org_id)), p)
    return result


__all__ = [
    "ENTER",
    "EXITS_BY_CODE",
    "REMOVE",
    "RESTART",
    "TRANSFER",
    "Declined",
    "Entry",
    "ExitDecision",
    "Fulfilment",
    "GroundHit",
    "ListRecord",
    "ListingHistory",
    "Proposal",
    "Restart",
    "WorkingCalendar",
    "apply",
    "apply_all",
    "auto_removals_due",
    "by_org",
    "daily_run",
    "decisive_hits",
    "entry_grounds",
    "fundraising_idle_established",
    "notice_required",
    "period_complete_on",
    "records_from_facts",
    "removal_after_deregistration",
    "removal_on_application",
    "restart_clock",
    "serious_removal_on_application",
    "status_on",
    "transfer_due",
]
