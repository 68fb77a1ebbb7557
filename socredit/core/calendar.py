"""Working days (工作日) for legal deadlines, counted on the holiday schedule (工作日历) of each year.

Deadlines of the policy profile are mostly in working days (rules.md R1.4, R1.10, R6.1, R6.3):
行政处罚法 第八十五条 counts "日" as working days, excluding statutory holidays, and a period
counted in days does not include its first day (民法典 第二百零一条: 开始的当日不计入，自下一日开始
计算). So a deadline of ``n`` working days from ``start`` is the ``n``-th working day *after*
``start``: ``add_working_days(start, n)``, or ``deadline(start, n)`` which also says whether the
answer is provisional.

Which days are working days is a *schedule*: for each known year, the exceptions to Monday–Friday
from the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) — a public holiday on a
weekday is a day off, a 调休 weekend day is a working day. The schedule is data passed in (the
workdays app keeps it in an editable table, seeded from the ``chinese_calendar`` package, which
knows 2004–``LAST_YEAR``): the notice for a year is published late in the year before, so an
administrator enters it before the package knows it. ``package_schedule(year)`` extracts a year
from the package; ``WorkingCalendar.from_package()`` is the calendar of all of them.

A year without a schedule is *unknown*. By default a day in it raises ``CalendarError`` naming the
year: a legal deadline computed from a guessed calendar would be wrong without anyone noticing (a
deadline that falls in the 春节 or 国庆 week is off by up to a week). With
``fallback_weekends=True`` Monday to Friday count as working days there, ``fallback_years``
records every year so guessed, and ``deadline()`` marks its answer ``provisional`` — to be shown
as "仅供参考" until the year is entered.

Speed: deadlines are computed for thousands of cases at a time, so each year is turned once into a
table of cumulative working-day counts; counting and adding are then a few look-ups per year.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import chinese_calendar

FIRST_YEAR = 2004
LAST_YEAR = max(d.year for d in chinese_calendar.holidays)
"""The years the installed ``chinese_calendar`` knows (2004–2026 for version 1.11)."""

PACKAGE_YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

PACKAGE_VERSION: str = str(getattr(chinese_calendar, "__version__", ""))

MAX_SPAN_DAYS = 3660
"""Deadlines longer than about ten years are a mistake, not a legal period."""

HOLIDAY_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
"""The package's English holiday names → the names the State Council's notices use."""


class CalendarError(ValueError):
    """A day whose working-day status is unknown: its year has no schedule (and no fallback was asked)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排尚未录入：请在工作日历中录入国务院办公厅关于{year}年部分节假日安排的通知"
        )


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date and whether it rests on a guessed (weekends-only) year.

    ``provisional`` is true when a day between the start (excluded) and the due date (included)
    lies in a year without a schedule; ``unknown_years`` names those years.
    """

    due: dt.date
    provisional: bool = False
    unknown_years: tuple[int, ...] = field(default=())


def _days_in_year(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


def _day_of_year(day: dt.date) -> int:
    return day.toordinal() - dt.date(day.year, 1, 1).toordinal() + 1


def _cumulative(year: int, exceptions: Mapping[dt.date, bool]) -> tuple[int, ...]:
    """``t[i]`` = working days among the first ``i`` days of the year (``t[0] == 0``)."""
    first = dt.date(year, 1, 1)
    weekday = first.weekday()
    table = [0]
    for i in range(_days_in_year(year)):
        day = first + dt.timedelta(days=i)
        working = exceptions.get(day, (weekday + i) % 7 < 5)
        table.append(table[-1] + working)
    return tuple(table)


@cache
def _weekends_only(year: int) -> tuple[int, ...]:
    return _cumulative(year, {})


def _holiday_name(english: str) -> str:
    return HOLIDAY_NAMES.get(english, english)


def package_schedule(year: int) -> dict[dt.date, tuple[bool, str]]:
    """The exceptions to Monday–Friday of ``year`` in the ``chinese_calendar`` package.

    date → (working, holiday name): holidays that fall on a weekday → ``(False, "国庆节")``; 调休
    weekend days → ``(True, "国庆节")`` (the holiday they make up for). Holidays on a weekend and
    ordinary weekdays are not exceptions. CalendarError for a year the package does not know.
    """
    if year not in PACKAGE_YEARS:
        raise CalendarError(year)
    schedule: dict[dt.date, tuple[bool, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < 5:
            schedule[day] = (False, _holiday_name(str(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            schedule[day] = (True, _holiday_name(str(name)))
    return dict(sorted(schedule.items()))


@cache
def _package_days() -> Mapping[dt.date, bool]:
    return {day: working for year in PACKAGE_YEARS for day, (working, _) in package_schedule(year).items()}


class WorkingCalendar:
    """Working days of a schedule: ``days`` (date → working?) are the exceptions to Monday–Friday
    in the ``known_years``; every other year is unknown.

    ``WorkingCalendar()`` without a schedule is the package's (``from_package()``). ``known_years``
    defaults to the years of ``days``. ``fallback_weekends`` counts unknown years as Monday–Friday
    instead of raising ``CalendarError``, and records them in ``fallback_years``.
    """

    def __init__(
        self,
        days: Mapping[dt.date, bool] | None = None,
        known_years: Iterable[int] | None = None,
        *,
        fallback_weekends: bool = False,
    ) -> None:
        if days is None and known_years is None:
            days, known_years = _package_days(), PACKAGE_YEARS
        days = days or {}
        self._known: frozenset[int] = frozenset(
            known_years if known_years is not None else {d.year for d in days}
        )
        stray = sorted({d.year for d in days} - self._known)
        if stray:
            # A table row whose year has no schedule is a bug of the caller, not a guess to make.
            raise ValueError(f"日期所在年份没有放假安排：{stray}")
        self._days: dict[dt.date, bool] = dict(days)
        self._by_year: dict[int, dict[dt.date, bool]] = {}
        for day, working in self._days.items():
            self._by_year.setdefault(day.year, {})[day] = bool(working)
        # Shared by the copies fresh() makes: the tables are immutable, so sharing is safe.
        self._tables: dict[int, tuple[int, ...]] = {}
        self.fallback_weekends = fallback_weekends
        self.fallback_years: set[int] = set()
        """Years for which an answer came from the weekend rule (only with ``fallback_weekends``)."""

    @classmethod
    def from_package(cls, *, fallback_weekends: bool = False) -> WorkingCalendar:
        """The calendar of every year the ``chinese_calendar`` package knows."""
        return cls(_package_days(), PACKAGE_YEARS, fallback_weekends=fallback_weekends)

    def fresh(self, *, fallback_weekends: bool | None = None) -> WorkingCalendar:
        """A copy with empty ``fallback_years`` that shares the precomputed tables (cheap)."""
        other = copy.copy(self)
        other.fallback_years = set()
        if fallback_weekends is not None:
            other.fallback_weekends = fallback_weekends
        return other

    @property
    def known_years(self) -> frozenset[int]:
        return self._known

    @property
    def days(self) -> Mapping[dt.date, bool]:
        """The exceptions to Monday–Friday (a copy)."""
        return dict(self._days)

    def _table(self, year: int) -> tuple[int, ...]:
        if year not in self._known:
            if not self.fallback_weekends:
                raise CalendarError(year)
            self.fallback_years.add(year)
            return _weekends_only(year)
        table = self._tables.get(year)
        if table is None:
            table = self._tables[year] = _cumulative(year, self._by_year.get(year, {}))
        return table

    def is_known(self, day: dt.date) -> bool:
        """Whether the status of ``day`` comes from a schedule (not from a guess)."""
        return day.year in self._known

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day; CalendarError for an unknown year without the fallback."""
        if isinstance(day, dt.datetime):
            day = day.date()
        table = self._table(day.year)
        i = _day_of_year(day)
        return table[i] > table[i - 1]

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted); ``start`` if n = 0.

        ``start`` may be a day off (an objection received on a Sunday): counting still begins
        the next day. The result is always a working day when n > 0.
        """
        if n < 0 or n > MAX_SPAN_DAYS:
            raise ValueError(f"期限应为 0 至 {MAX_SPAN_DAYS} 个工作日，实为 {n}")
        if isinstance(start, dt.datetime):
            start = start.date()
        year, i, left = start.year, _day_of_year(start), n
        while left:
            size = _days_in_year(year)
            if i < size:  # days of this year remain after the current one
                table = self._table(year)
                available = table[size] - table[i]
                if available >= left:
                    j = bisect.bisect_left(table, table[i] + left, lo=i + 1)
                    return dt.date(year, 1, 1) + dt.timedelta(days=j - 1)
                left -= available
            year, i = year + 1, 0
            if (dt.date(year, 1, 1) - start).days > 2 * MAX_SPAN_DAYS:  # a table without working days
                raise ValueError("工作日历中没有足够的工作日")
        return start

    def deadline(self, start: dt.date, n: int) -> Deadline:
        """The due date ``n`` working days after ``start``, flagged provisional if it rests on a guess."""
        due = self.add_working_days(start, n)
        first = start + dt.timedelta(days=1)
        unknown = tuple(y for y in range(first.year, due.year + 1) if y not in self._known) if n else ()
        return Deadline(due, bool(unknown), unknown)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in the interval (a, b]: after ``a``, up to and including ``b``; negative if b < a.

        ``working_days_between(start, add_working_days(start, n)) == n``, and a deadline is met
        when ``working_days_between(start, done) <= n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        if a == b:
            return 0
        if (b - a).days > 2 * MAX_SPAN_DAYS:
            raise ValueError("区间过长")
        count, year, i = 0, a.year, _day_of_year(a)
        while year < b.year:
            size = _days_in_year(year)
            if i < size:
                table = self._table(year)
                count += table[size] - table[i]
            year, i = year + 1, 0
        table = self._table(b.year)
        return count + table[_day_of_year(b)] - table[i]

    def working_days_left(self, today: dt.date, due: dt.date) -> int:
        """Working days from ``today`` to ``due`` for a countdown: 0 on the due date, negative when overdue.

        A due date tomorrow (a working day) leaves 1; a due date passed yesterday gives -1 if today
        is a working day.
        """
        return self.working_days_between(today, due)

    def deadline_met(self, start: dt.date, n: int, done: dt.date) -> bool:
        """Whether an act on ``done`` is within ``n`` working days from ``start``."""
        return done <= self.add_working_days(start, n)
