"""When the daily run must next look at an organization (下次到期日) — the index behind an incremental
daily run that scales with change, not with the country.

``daily_run`` (engine) reads an organization's listing history, its records and the day. With the
history and records unchanged, its answer changes only on a day when one of these moves:

* a record starts or stops counting (its effective date, its end: ``ListRecord.counts_on``);
* an entry starts or ends (a dated entry or exit);
* the two-year transfer falls due (R1.11, ``transfer_due``) or the automatic removal (R1.10(b),
  ``auto_removals_due``), both counted from the (restarted) clock start.

``next_check_on`` is the first such day after ``as_of``; a run on any day before it, with no fact
changed, gives the same answer as the run on ``as_of`` (which, applied, proposes nothing new).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from socredit.core.lists.engine import ListingHistory, ListRecord, period_complete_on
from socredit.core.lists.grounds import ABNORMAL


def next_check_on(
    history: ListingHistory,
    records: Iterable[ListRecord],
    as_of: dt.date,
    transfer_years: int,
    auto_removal_months: int,
) -> dt.date | None:
    """The first day after ``as_of`` on which ``daily_run`` could answer differently for this
    organization without any fact changing; None if no such day (only a new fact can)."""
    days: list[dt.date] = []
    for r in records:
        days.append(r.effective_on)
        if r.ended is not None:
            days.append(r.ended)
    for e in history.entries:
        days.append(e.entered_on)
        if e.left_on is not None:
            days.append(e.left_on)
    current = history.entry_on(as_of)
    if current is not None and current.list == ABNORMAL:
        # both, whatever the grounds: an extra day only costs a look, a missing one a wrong answer
        days.append(period_complete_on(current.clock_start, 12 * transfer_years))
        days.append(period_complete_on(current.clock_start, auto_removal_months))
    return min((d for d in days if d > as_of), default=None)


def next_red_check_on(
    history: ListingHistory, records: Iterable[ListRecord], as_of: dt.date
) -> dt.date | None:
    """The first day after ``as_of`` on which a red-list member that meets every criterion on
    ``as_of`` could fail one without any fact changing (``red.red_criteria``); None if none.

    Only a record starting or ceasing to count (a grade, a commitment, a negative record entering the
    clean window) or an entry starting or ending can do it: the clean window sliding forward only
    lets older records and listings out. The credit level is a stored fact the run compares anew."""
    days = [d for r in records for d in (r.effective_on, r.ended) if d is not None]
    days += [d for e in history.entries for d in (e.entered_on, e.left_on) if d is not None]
    return min((d for d in days if d > as_of), default=None)


__all__ = ["next_check_on", "next_red_check_on"]
