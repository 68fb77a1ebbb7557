"""Working days (工作日) for legal deadlines.

Deadlines of the policy profile are mostly in working days (rules.md R1.4, R1.10, R6.1, R6.3):
行政处罚法 第八十五条 counts "日" as working days, excluding statutory holidays, and a period
counted in days does not include its first day (民法典 第二百零一条: 开始的当日不计入，自下一日开始
计算). So a deadline of ``n`` working days from ``start`` is the ``n``-th working day *after*
``start``: ``add_working_days(start, n)``.

Which days are working days comes from the ``chinese_calendar`` package (the State Council's
yearly holiday notices, 调休 included), which knows the years 2004–2026 only. The notice for a
year is published late in the year before, so an authority must be able to enter it before the
package knows it: the ``overrides`` table (date → working day or not) takes precedence over the
package, and over the weekend rule.

Outside the package's years, a day not in the table raises ``CalendarError`` naming the year:
a legal deadline computed from a guessed calendar would be wrong without anyone noticing (a
deadline that falls in the 春节 or 国庆 week is off by up to a week). A caller that prefers an
approximate answer, e.g. to show an indicative date for next year, passes
``fallback_weekends=True``: Monday to Friday count as working days, and the calendar's
``fallback_years`` records every year for which that guess was used, so the caller can say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import chinese_calendar

FIRST_YEAR = 2004
LAST_YEAR = max(d.year for d in chinese_calendar.holidays)
"""The years the installed ``chinese_calendar`` knows (2004–2026 for version 1.11)."""

MAX_SPAN_DAYS = 3660
"""Deadlines longer than about ten years are a mistake, not a legal period."""


class CalendarError(ValueError):
    """A day whose working-day status is unknown: outside the known years and not in the table."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排未知（内置日历仅含 {FIRST_YEAR}–{LAST_YEAR} 年）："
            f"请在节假日表中录入{year}年国务院办公厅的放假安排"
        )


class WorkingCalendar:
    """Working days per the State Council's holiday notices, with an editable override table.

    ``overrides`` maps a date to ``True`` (a working day, e.g. a 调休 Saturday) or ``False`` (a
    day off). ``fallback_weekends`` treats unknown years as weekends-only instead of raising.
    """

    def __init__(
        self, overrides: Mapping[dt.date, bool] | None = None, *, fallback_weekends: bool = False
    ) -> None:
        self._overrides: dict[dt.date, bool] = dict(overrides or {})
        self.fallback_weekends = fallback_weekends
        self.fallback_years: set[int] = set()
        """Years for which an answer came from the weekend rule (only with ``fallback_weekends``)."""

    @property
    def overrides(self) -> Mapping[dt.date, bool]:
        return dict(self._overrides)

    def is_known(self, day: dt.date) -> bool:
        """Whether the status of ``day`` comes from the table or the package (not from a guess)."""
        return day in self._overrides or FIRST_YEAR <= day.year <= LAST_YEAR

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day; CalendarError for an unknown year without the fallback."""
        if isinstance(day, dt.datetime):
            day = day.date()
        if day in self._overrides:
            return self._overrides[day]
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            return bool(chinese_calendar.is_workday(day))
        if not self.fallback_weekends:
            raise CalendarError(day.year)
        self.fallback_years.add(day.year)
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted); ``start`` if n = 0.

        ``start`` may be a day off (an objection received on a Sunday): counting still begins
        the next day. The result is always a working day when n > 0.
        """
        if n < 0 or n > MAX_SPAN_DAYS:
            raise ValueError(f"期限应为 0 至 {MAX_SPAN_DAYS} 个工作日，实为 {n}")
        day, left = start, n
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
            if (day - start).days > 2 * MAX_SPAN_DAYS:  # a table that declares no working day at all
                raise ValueError("节假日表中没有足够的工作日")
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in the interval (a, b]: after ``a``, up to and including ``b``; negative if b < a.

        ``working_days_between(start, add_working_days(start, n)) == n``, and a deadline is met
        when ``working_days_between(start, done) <= n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        if (b - a).days > 2 * MAX_SPAN_DAYS:
            raise ValueError("区间过长")
        return sum(self.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def deadline_met(self, start: dt.date, n: int, done: dt.date) -> bool:
        """Whether an act on ``done`` is within ``n`` working days from ``start``."""
        return done <= self.add_working_days(start, n)
