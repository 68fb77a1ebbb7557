"""Inputs and the grounds records meet: ``ListRecord``, ``records_from_facts``, ``by_org``, the
period arithmetic and ``entry_grounds``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from socredit.core.lists.grounds import (
    GROUNDS_BY_CODE,
    SERIOUS,
    cited_basis,
    is_small_penalty,
    single_record_grounds,
)
from socredit.core.lists.params import ListParameters
from socredit.core.scoring.facts import COUNTED_STATUSES, NO_AMOUNT, add_months, from_day_number
from socredit.core.types import RecordStatus


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
        return cited_basis(self.ground)


def _org_hits(records: Sequence[ListRecord], as_of: dt.date, params: ListParameters) -> list[GroundHit]:
    live = [r for r in records if r.counts_on(as_of)]
    hits: list[GroundHit] = []
    for r in live:
        for g, confirm in single_record_grounds(r.kind, r.amount, params):
            note = ""
            if r.kind == "penalty_fine" and (r.amount is None or r.amount < 0):
                note = (
                    "罚款金额未登记，须核实金额：不满5万元的列入活动异常名录，5万元以上的列入严重违法失信名单"
                )
            elif r.kind == "registration_revoked":
                note = "须确认撤销的是成立登记，还是以弄虚作假取得的变更登记（二者的列入事由不同）"
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
