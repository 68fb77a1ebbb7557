"""The listing history (``ListingHistory``: entries, clock restarts, declined proposals), the
proposals and exit decisions, and ``apply`` (the state machine)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Final

from socredit.core.lists.engine.records import (
    GroundHit,
)
from socredit.core.lists.grounds import (
    ABNORMAL,
    GROUNDS_BY_CODE,
    LIST_TITLES,
    NORMAL,
    SERIOUS,
    cited_basis,
)
from socredit.core.lists.params import ListParameters

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
        return cited_basis(self.ground)


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
    return ExitDecision(False, None, reason, cited_basis(basis_code) if basis_code else "")


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
                    "业务主管单位等书面证明不负直接责任，决定不予列入",
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
        # R1.9 (abnormal) / R1.13 (serious): a draft article and a secondary source, so the reason
        # states the rule in words and cites nothing (users read the law only where it is verified)
        action, kept, notice = RESTART, current.list, False
        restarts = params.restarts_clock(current.list)
        reason = (
            f"列入{LIST_TITLES[current.list]}期间又出现{title}情形，列入时限重新计算"
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
