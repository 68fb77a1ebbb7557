"""The working-day calendar (工作日历) the case and list engines count deadlines on, and its writers.

``working_calendar()`` reads the holiday table once per change and keeps the calendar in a
process-wide cache: deadlines are computed for thousands of cases, so nothing here touches the
database per day. The cache is keyed on a fingerprint of the table (row count, last entry time)
plus a counter the writers below bump, so that a change is seen at once by the process that made
it, within one query by every other process, and also after a test's transaction rolls back.

Writers (atomic, audited, and announcing ``signals.calendar_changed`` inside their transaction):
``seed_from_package`` and ``enter_year``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event, staff_user_of
from socredit.apps.workdays.models import CalendarDay, CalendarYear
from socredit.apps.workdays.signals import calendar_changed
from socredit.apps.workdays.validation import HolidayItem, WorkingItem, schedule_days
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.calendar import (
    FIRST_YEAR,
    PACKAGE_VERSION,
    PACKAGE_YEARS,
    Deadline,
    WorkingCalendar,
    package_schedule,
)

__all__ = [
    "Deadline",
    "changed",
    "YearStatus",
    "enter_year",
    "invalidate_calendar",
    "missing_years",
    "seed_from_package",
    "working_calendar",
    "year_schedule",
    "year_status",
]

_version = 0
_cached: tuple[tuple[Any, ...], WorkingCalendar] | None = None


def invalidate_calendar() -> None:
    """Forget the cached calendar (the writers call this; so may a script that edits the table)."""
    global _version, _cached
    _version += 1
    _cached = None


def _fingerprint() -> tuple[Any, ...]:
    agg = CalendarYear.objects.aggregate(n=Count("year"), last=Max("entered_at"))
    return (_version, agg["n"], agg["last"])


def working_calendar(*, strict: bool = False) -> WorkingCalendar:
    """The calendar of the holiday table.

    Years without a schedule count Monday–Friday and are recorded in ``fallback_years``;
    ``deadline(start, n)`` marks such a result ``provisional``. ``strict=True`` raises
    ``CalendarError`` for them instead (a decision that must not rest on a guess). Each call
    returns a fresh calendar sharing the cached tables: get it once per batch, not per case.
    """
    global _cached
    key = _fingerprint()
    cached = _cached
    if cached is None or cached[0] != key:
        years = list(CalendarYear.objects.values_list("year", flat=True))
        days = dict(CalendarDay.objects.values_list("date", "working"))
        cached = _cached = (key, WorkingCalendar(days, years, fallback_weekends=True))
    return cached[1].fresh(fallback_weekends=not strict)


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearStatus:
    """One year for the calendar pages: where its schedule came from, or that it is missing."""

    year: int
    state: str  # "package", "manual" or "missing"
    notice: str = ""
    holidays: int = 0
    working_weekends: int = 0
    entered_by: str = ""
    entered_at: dt.datetime | None = None

    @property
    def known(self) -> bool:
        return self.state != "missing"


def year_status(years: Iterable[int] | None = None) -> list[YearStatus]:
    """Status of ``years`` (default: every year in the table), newest first; one query."""
    rows = CalendarYear.objects.select_related("entered_by").annotate(
        n_off=Count("days", filter=Q(days__working=False)),
        n_on=Count("days", filter=Q(days__working=True)),
    )
    wanted = set(years) if years is not None else set()
    if years is not None:
        rows = rows.filter(year__in=wanted)
    found = {
        r.year: YearStatus(
            r.year,
            r.source,
            r.notice,
            r.n_off,
            r.n_on,
            str(r.entered_by) if r.entered_by else "",
            r.entered_at,
        )  # fmt: skip
        for r in rows
    }
    for year in wanted - found.keys():
        found[year] = YearStatus(year, "missing")
    return [found[y] for y in sorted(found, reverse=True)]


def missing_years(on: dt.date | None = None) -> list[int]:
    """The current and next year, those of them without a schedule (for the staff warning)."""
    on = on or today()
    return [s.year for s in year_status([on.year, on.year + 1]) if not s.known][::-1]


def year_schedule(year: int) -> dict[dt.date, tuple[bool, str]]:
    """The stored exceptions of ``year``: date → (working, name)."""
    return {d.date: (d.working, d.name) for d in CalendarDay.objects.filter(year_id=year).order_by("date")}


# --- writing ----------------------------------------------------------------------------------------


def changed(actor: Any, years: Sequence[int]) -> None:
    """Invalidate the cached calendar and tell the apps above (inside the writer's transaction)."""
    invalidate_calendar()
    calendar_changed.send(sender=CalendarYear, years=sorted(years), actor=actor)


@transaction.atomic
def seed_from_package(
    actor: Any, years: Iterable[int] | None = None, *, channel: str = "system"
) -> list[int]:
    """Copy the chinese-calendar package's schedules into the table; the years changed.

    Idempotent: a year already holding the package's schedule is left as it is. A year an
    administrator entered (source manual) is never overwritten. A package year whose stored days
    differ (a newer package corrected them) is replaced.
    """
    wanted = sorted(set(PACKAGE_YEARS if years is None else years))
    unknown = [y for y in wanted if y not in PACKAGE_YEARS]
    if unknown:
        raise FieldErrors(
            years=gettext("chinese-calendar %(package_version)s has no holiday schedule for %(join)s")
            % {"package_version": PACKAGE_VERSION, "join": "、".join(map(str, unknown))}
        )
    existing = {r.year: r for r in CalendarYear.objects.select_for_update().filter(year__in=wanted)}
    done: list[int] = []
    for year in wanted:
        row = existing.get(year)
        if row is not None and row.source == CalendarYear.Source.MANUAL:
            continue
        schedule = package_schedule(year)
        if row is not None and year_schedule(year) == schedule:
            continue
        _replace(year, schedule, source=CalendarYear.Source.PACKAGE,
                 notice=f"chinese-calendar {PACKAGE_VERSION}", actor=None)  # fmt: skip
        done.append(year)
    if done:
        record_event(actor=actor, channel=channel, action="workdays.seed_from_package",
                     target_type="workdays.calendaryear", target_id=",".join(map(str, done)),
                     summary=f"从 chinese-calendar {PACKAGE_VERSION} 导入 {len(done)} 个年度的放假安排",
                     data={"years": done})  # fmt: skip
        changed(actor, done)
    return done


def _replace(year: int, schedule: dict[dt.date, tuple[bool, str]], *, source: str, notice: str,
             actor: Any) -> CalendarYear:  # fmt: skip
    CalendarDay.objects.filter(year_id=year).delete()
    row, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "notice": notice, "entered_by": staff_user_of(actor)}
    )
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, year=row, working=w, name=n) for d, (w, n) in schedule.items()]
    )
    return row


@transaction.atomic
def enter_year(
    actor: Any,
    channel: str,
    year: int,
    *,
    holidays: Sequence[HolidayItem],
    working_weekends: Sequence[WorkingItem],
    notice: str,
) -> CalendarYear:
    """录入年度放假安排 — replace the schedule of ``year`` by the State Council's notice.

    ``holidays``: (day or (first, last) block, name), whole blocks accepted (their weekend days are
    not stored); ``working_weekends``: the 调休 Saturdays/Sundays (a date, or (date, name)).
    FieldErrors name the item and why; nothing is written then.
    """
    errors = FieldErrors()
    if not FIRST_YEAR <= year <= today().year + 2:
        errors.add(
            "year",
            gettext("Holiday schedules can only be entered for %(first_year)s to %(value)s")
            % {"first_year": FIRST_YEAR, "value": today().year + 2},
        )
    notice = notice.strip()
    if not notice:
        errors.add("notice", gettext("Enter the notice's title or number (e.g. 国办发明电〔2026〕X号)"))
    elif len(notice) > 200:
        errors.add("notice", gettext("The notice's title is too long (at most 200 characters)"))
    try:
        schedule = schedule_days(year, holidays, working_weekends)
    except FieldErrors as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                errors.add(field, message)
    errors.raise_if_any()
    previous = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = year_schedule(year) if previous else {}
    row = _replace(year, schedule, source=CalendarYear.Source.MANUAL, notice=notice, actor=actor)
    off = sum(not w for w, _ in schedule.values())
    record_event(actor=actor, channel=channel, action="workdays.enter_year", target=row,
                 summary=f"录入{year}年放假安排：{off}个工作日放假，{len(schedule) - off}个周末调休上班",
                 data={"notice": notice, "previous_source": previous.source if previous else None,
                       "removed": sorted(str(d) for d in before.keys() - schedule.keys()),
                       "days": {str(d): [w, n] for d, (w, n) in schedule.items()}})  # fmt: skip
    changed(actor, [year])
    return row
