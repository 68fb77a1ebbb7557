"""Transfers (R1.11), automatic removals (R1.10(b)), removal on application (R1.10(a), R1.14(a)/(b))
and after deregistration (R1.14(c))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from socredit.core.lists.engine.history import (
    REMOVE,
    TRANSFER,
    Entry,
    ExitDecision,
    ListingHistory,
    Proposal,
    _refuse,
    notice_required,
)
from socredit.core.lists.engine.records import (
    GroundHit,
    ListRecord,
    WorkingCalendar,
    _org_hits,
    by_org,
    decisive_hits,
    period_complete_on,
)
from socredit.core.lists.grounds import (
    ABNORMAL,
    GROUNDS_BY_CODE,
    SERIOUS,
    cited_basis,
    title_of,
)
from socredit.core.lists.params import ListParameters

_REVOKED_REGISTRATION_GROUNDS: Final = frozenset({"R1.12(7)"})


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
                    "移出活动异常名录并列入严重违法失信名单",
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
            f"（{due}）自动移出",
            "R1.10(b)",
        )
    missing = _unfulfilled(entry, facts, verified_on)
    if missing:
        titles = "；".join(title_of(c) for c in missing)
        return _refuse(f"尚未履行相关义务或完成整改：{titles}", "R1.10(a)")
    deadline, overdue = _deadline(
        verified_on, applied_on, params.abnormal_removal_working_days, as_of, calendar
    )
    return ExitDecision(
        True,
        "R1.10(a)",
        "已履行相关义务或完成整改，准予移出活动异常名录"
        + (f"；已超过办理时限（{deadline}）" if overdue else ""),
        cited_basis("R1.10(a)"),
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
            "因被吊销登记证书或撤销成立登记列入的，不适用申请移出，完成注销登记后由登记管理机关移出",
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
            f"列入期间又出现{title_of(h.ground)}情形（{h.arose_on}），列入时限应重新计算",
            "R1.14(a)",
        )
    # a ground already decided that did not move the clock (restart_on_new_event off) still arose
    # "during those 2 years": R1.14(a) asks for none
    kept = [r for r in entry.restarts if entry.clock_start < r.arose_on <= applied_on]
    if kept:
        r = kept[0]
        return _refuse(f"列入期间又出现{title_of(r.ground)}情形（{r.arose_on}），不符合移出条件", "R1.14(a)")
    code = "R1.14(a)"
    if entry.ground == "R1.12(1)":
        code = "R1.14(b)"
        before = [e for e in history.entries if e.list == ABNORMAL and e.left_on == entry.entered_on]
        missing = _unfulfilled(before[-1], facts, verified_on) if before else []
        if missing:
            titles = "；".join(title_of(c) for c in missing)
            return _refuse(f"经活动异常名录满2年转入的，还须履行相关义务或完成整改：{titles}", "R1.14(b)")
    deadline, overdue = _deadline(
        verified_on, applied_on, params.serious_removal_working_days, as_of, calendar
    )
    return ExitDecision(
        True,
        code,
        f"列入满{params.serious_removal_min_years}年且期间未再出现应当列入情形，准予移出严重违法失信名单"
        + (f"；已超过办理时限（{deadline}）" if overdue else ""),
        cited_basis(code),
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
        cited_basis("R1.14(c)"),
        effective_on=as_of,
    )
