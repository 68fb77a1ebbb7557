"""Working days for legal deadlines on real calendars: 国庆+中秋 2025, 春节 2026, 元旦 across the turn
of the year, 调休 weekends, a receipt on a Sunday, an unknown year (2027) that is provisional until
its schedule is entered, and properties checked against the chinese_calendar package itself.

Expected dates are read off the State Council's notices (国办发明电〔2024〕12号 for 2025,
国办发明电〔2025〕7号 for 2026), not off the implementation.
"""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.calendar import (
    LAST_YEAR,
    CalendarError,
    Deadline,
    WorkingCalendar,
    package_schedule,
)

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.from_package()


# --- the schedules extracted from the package -----------------------------------------------------


def test_package_schedule_2025_lists_the_weekday_holidays_and_the_makeup_weekends():
    s = package_schedule(2025)
    # 国庆节、中秋节: 10-01 … 10-08 off; the weekday ones are the exceptions (10-04/05 are a weekend).
    assert {d for d, (w, _) in s.items() if not w and d.month == 10} == {
        D(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)
    }
    assert s[D(2025, 10, 1)] == (False, "国庆节")
    assert s[D(2025, 10, 6)] == (False, "中秋节")
    # 调休: Sunday 09-28 and Saturday 10-11 are working days.
    assert s[D(2025, 9, 28)] == (True, "国庆节")
    assert s[D(2025, 10, 11)] == (True, "国庆节")
    assert D(2025, 10, 4) not in s  # a holiday on a Saturday is no exception to Monday–Friday
    # 春节 2025: 01-28 … 02-04, 01-26 (Sun) and 02-08 (Sat) working.
    assert s[D(2025, 1, 28)] == (False, "春节") and s[D(2025, 2, 4)] == (False, "春节")
    assert s[D(2025, 1, 26)] == (True, "春节") and s[D(2025, 2, 8)] == (True, "春节")
    assert s[D(2025, 1, 1)] == (False, "元旦")


def test_package_schedule_2026_spring_festival_and_new_year():
    s = package_schedule(2026)
    assert all(s[D(2026, 2, d)] == (False, "春节") for d in (16, 17, 18, 19, 20, 23))
    assert s[D(2026, 2, 14)] == (True, "春节") and s[D(2026, 2, 28)] == (True, "春节")
    assert s[D(2026, 1, 1)] == (False, "元旦") and s[D(2026, 1, 2)] == (False, "元旦")
    assert s[D(2026, 1, 4)] == (True, "元旦")  # Sunday, 调休
    assert all(w is False or day.weekday() >= 5 for day, (w, _) in s.items())


def test_package_schedule_refuses_a_year_the_package_does_not_know():
    with pytest.raises(CalendarError) as info:
        package_schedule(LAST_YEAR + 1)
    assert info.value.year == LAST_YEAR + 1 and str(LAST_YEAR + 1) in str(info.value)


# --- deadlines on real calendars ------------------------------------------------------------------


def test_receipt_just_before_national_day_2025(cal):
    # 10-01 … 10-08 off (国庆+中秋), Saturday 10-11 working.
    assert cal.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)  # the 调休 Saturday
    assert cal.add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)  # Sunday 10-12 is off
    assert cal.add_working_days(D(2025, 9, 29), 2) == D(2025, 10, 9)
    # 12 working days from Monday 09-29: 09-30, 10-09, 10-10, 10-11, 10-13 … 10-17, 10-20 … 10-22.
    assert cal.add_working_days(D(2025, 9, 29), 12) == D(2025, 10, 22)
    assert cal.working_days_between(D(2025, 9, 29), D(2025, 10, 22)) == 12
    assert cal.deadline_met(D(2025, 9, 29), 12, D(2025, 10, 22))
    assert not cal.deadline_met(D(2025, 9, 29), 12, D(2025, 10, 23))


def test_a_makeup_sunday_counts_as_a_working_day(cal):
    # Friday 09-26 → Sunday 09-28 (调休) is the first working day after it.
    assert cal.is_working_day(D(2025, 9, 28))
    assert cal.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.working_days_between(D(2025, 9, 26), D(2025, 9, 29)) == 2


def test_receipt_just_before_spring_festival_2026(cal):
    # 02-15 … 02-23 off; Saturdays 02-14 and 02-28 working.
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert cal.add_working_days(D(2026, 2, 13), 7) == D(2026, 3, 2)
    # 10 from Thursday 02-12: 02-13, 02-14, 02-24 … 02-28, 03-02, 03-03, 03-04.
    assert cal.add_working_days(D(2026, 2, 12), 10) == D(2026, 3, 4)
    assert cal.working_days_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


def test_receipt_across_the_turn_of_the_year(cal):
    # 2026 元旦: 01-01 … 01-03 off, Sunday 01-04 working.
    assert cal.add_working_days(D(2025, 12, 30), 1) == D(2025, 12, 31)
    assert cal.add_working_days(D(2025, 12, 30), 2) == D(2026, 1, 4)
    assert cal.add_working_days(D(2025, 12, 30), 5) == D(2026, 1, 7)
    assert cal.working_days_between(D(2025, 12, 30), D(2026, 1, 7)) == 5
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 1, 1)) == 0


def test_receipt_on_a_sunday_or_a_holiday_counts_from_the_next_day(cal):
    assert cal.add_working_days(D(2025, 11, 16), 1) == D(2025, 11, 17)  # an ordinary Sunday
    assert cal.add_working_days(D(2025, 10, 5), 1) == D(2025, 10, 9)  # Sunday inside 国庆
    assert cal.add_working_days(D(2026, 2, 15), 1) == D(2026, 2, 24)


def test_zero_days_is_the_start_itself(cal):
    assert cal.add_working_days(D(2025, 10, 5), 0) == D(2025, 10, 5)
    assert cal.deadline(D(2025, 10, 5), 0) == Deadline(D(2025, 10, 5), False, ())


def test_working_days_left_counts_down_and_goes_negative(cal):
    due = D(2025, 10, 9)
    assert cal.working_days_left(D(2025, 9, 30), due) == 1
    assert cal.working_days_left(due, due) == 0
    assert cal.working_days_left(D(2025, 10, 10), due) == -1
    assert cal.working_days_left(D(2025, 10, 13), due) == -3  # 10-10, 10-11 (调休), 10-13


def test_negative_and_absurd_spans_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 1, 5), 10**6)
    with pytest.raises(ValueError):
        WorkingCalendar({D(2027, 1, 1): False}, known_years=[2026])  # a row outside the known years


def test_a_schedule_without_a_single_working_day_is_refused():
    year = 2030
    days = {D(year, 1, 1) + dt.timedelta(days=i): False for i in range(365)}
    with pytest.raises(ValueError):
        WorkingCalendar(days, [year]).add_working_days(D(year, 1, 1), 1)


# --- an unknown year: 2027 before and after its schedule is entered -------------------------------

# 2026-12-28 is a Monday; 5 working days on weekends only: 12-29, 12-30, 12-31, 2027-01-01, 01-04.
RECEIVED = D(2026, 12, 28)


def test_an_unknown_year_is_refused_by_default():
    cal = WorkingCalendar.from_package()
    with pytest.raises(CalendarError) as info:
        cal.add_working_days(RECEIVED, 5)
    assert info.value.year == 2027 and "2027" in str(info.value)
    with pytest.raises(CalendarError):
        cal.is_working_day(D(2003, 6, 2))
    assert cal.add_working_days(RECEIVED, 3) == D(2026, 12, 31)  # stays in 2026: no error


def test_a_deadline_in_an_unknown_year_is_provisional_on_weekends_only():
    cal = WorkingCalendar.from_package(fallback_weekends=True)
    deadline = cal.deadline(RECEIVED, 5)
    assert deadline.due == D(2027, 1, 4)
    assert deadline.provisional and deadline.unknown_years == (2027,)
    assert cal.fallback_years == {2027}
    assert not cal.is_known(D(2027, 1, 4)) and cal.is_known(D(2026, 12, 31))
    # A deadline inside a known year is exact, even on the same calendar.
    assert cal.deadline(RECEIVED, 3) == Deadline(D(2026, 12, 31), False, ())


def test_entering_the_year_makes_the_same_deadline_exact():
    # A 2027 table as an administrator would enter it (元旦 on Friday 01-01 is a day off).
    days = {**WorkingCalendar.from_package().days, D(2027, 1, 1): False}
    cal = WorkingCalendar(days, [*range(2004, LAST_YEAR + 1), 2027], fallback_weekends=True)
    assert cal.deadline(RECEIVED, 5) == Deadline(D(2027, 1, 5), False, ())
    assert cal.fallback_years == set()


def test_fresh_copies_share_the_schedule_but_not_the_fallback_record():
    base = WorkingCalendar.from_package(fallback_weekends=True)
    one, two = base.fresh(), base.fresh(fallback_weekends=False)
    one.add_working_days(RECEIVED, 5)
    assert one.fallback_years == {2027} and base.fallback_years == set()
    with pytest.raises(CalendarError):
        two.add_working_days(RECEIVED, 5)


def test_the_default_calendar_is_the_package():
    assert WorkingCalendar().known_years == WorkingCalendar.from_package().known_years
    assert WorkingCalendar({}).known_years == frozenset()


# --- properties ---------------------------------------------------------------------------------------

known_days = st.dates(min_value=D(2004, 1, 1), max_value=D(LAST_YEAR, 12, 31))
starts = st.dates(min_value=D(2004, 1, 1), max_value=D(LAST_YEAR, 10, 31))


def reference_add(start, n):
    """Day-by-day on the package's own is_workday: the slow, obvious implementation."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


@settings(max_examples=300, deadline=None)
@given(day=known_days)
def test_working_days_are_the_packages(cal, day):
    assert cal.is_working_day(day) == chinese_calendar.is_workday(day)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=0, max_value=40))
def test_a_deadline_is_the_nth_working_day_after_the_start(cal, start, n):
    end = cal.add_working_days(start, n)
    assert end == reference_add(start, n)
    assert cal.working_days_between(start, end) == n
    if n > 0:
        assert cal.is_working_day(end)
        assert cal.working_days_between(start, end - dt.timedelta(days=1)) == n - 1


@settings(max_examples=100, deadline=None)
@given(
    start=starts,
    n=st.integers(min_value=0, max_value=15),
    days_off=st.sets(st.integers(min_value=1, max_value=40), max_size=8),
)
def test_the_property_holds_with_an_edited_table(start, n, days_off):
    edited = {start + dt.timedelta(days=i): False for i in days_off}
    edited = {d: w for d, w in edited.items() if d.year <= LAST_YEAR}
    cal = WorkingCalendar({**WorkingCalendar.from_package().days, **edited}, range(2004, LAST_YEAR + 1))
    end = cal.add_working_days(start, n)
    assert end not in edited or n == 0
    assert cal.working_days_between(start, end) == n


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=D(LAST_YEAR - 1, 1, 1), max_value=D(2099, 12, 1)), n=st.integers(0, 300))
def test_the_property_holds_across_known_and_fallback_years(start, n):
    cal = WorkingCalendar.from_package(fallback_weekends=True)
    deadline = cal.deadline(start, n)
    assert cal.working_days_between(start, deadline.due) == n
    assert deadline.provisional == (n > 0 and deadline.due.year > LAST_YEAR)
    if deadline.due.year > LAST_YEAR and n > 0:
        assert deadline.due.weekday() < 5
