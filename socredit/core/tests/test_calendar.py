"""Working days for legal deadlines: 2026 春节 and 国庆, the override table, unknown years, properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.calendar import LAST_YEAR, CalendarError, WorkingCalendar

D = dt.date


@pytest.fixture
def cal():
    return WorkingCalendar()


# --- the State Council's 2026 arrangements -------------------------------------------------------


def test_2026_national_day_week_is_off_and_its_makeup_days_are_working(cal):
    assert all(not cal.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    assert cal.is_working_day(D(2026, 9, 20))  # Sunday, 调休
    assert cal.is_working_day(D(2026, 10, 10))  # Saturday, 调休
    assert not cal.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert cal.is_working_day(D(2026, 9, 30))


def test_2026_spring_festival_is_off_and_its_makeup_saturdays_are_working(cal):
    assert all(not cal.is_working_day(D(2026, 2, d)) for d in range(15, 24))
    assert cal.is_working_day(D(2026, 2, 14))  # Saturday, 调休
    assert cal.is_working_day(D(2026, 2, 28))  # Saturday, 调休
    assert cal.is_working_day(D(2026, 2, 24))


def test_the_first_day_is_not_counted(cal):
    # Received on the last working day before 国庆: one working day later is 10-08.
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # Received on a holiday: counting begins the next day all the same.
    assert cal.add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 10, 5), 0) == D(2026, 10, 5)


def test_xinzheng_objection_deadlines_across_national_day(cal):
    received = D(2026, 9, 28)  # Monday
    # 5 working days to forward: 9-29, 9-30, 10-08, 10-09, 10-10 (the 调休 Saturday)
    assert cal.add_working_days(received, 5) == D(2026, 10, 10)
    # 12 working days overall: then 10-12 … 10-16 (5 more) and 10-19, 10-20
    assert cal.add_working_days(received, 12) == D(2026, 10, 20)
    assert cal.working_days_between(received, D(2026, 10, 20)) == 12
    assert cal.deadline_met(received, 12, D(2026, 10, 20))
    assert not cal.deadline_met(received, 12, D(2026, 10, 21))


def test_working_days_between_counts_after_a_up_to_b(cal):
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert cal.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert cal.working_days_between(D(2026, 5, 6), D(2026, 5, 6)) == 0


def test_negative_and_absurd_spans_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 1, 5), 10**6)


# --- the override table ---------------------------------------------------------------------------


def test_overrides_take_precedence_over_the_package():
    cal = WorkingCalendar({D(2026, 10, 8): False, D(2026, 10, 11): True})
    assert not cal.is_working_day(D(2026, 10, 8))
    assert cal.is_working_day(D(2026, 10, 11))
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)
    assert cal.add_working_days(D(2026, 10, 10), 1) == D(2026, 10, 11)
    assert cal.overrides == {D(2026, 10, 8): False, D(2026, 10, 11): True}


def test_an_unknown_year_is_refused_with_its_year():
    cal = WorkingCalendar()
    year = LAST_YEAR + 1
    with pytest.raises(CalendarError) as info:
        cal.is_working_day(D(year, 3, 2))
    assert info.value.year == year
    assert str(year) in str(info.value)
    # A deadline that runs into the unknown year fails too, rather than guess.
    with pytest.raises(CalendarError):
        cal.add_working_days(D(LAST_YEAR, 12, 30), 5)
    with pytest.raises(CalendarError):
        cal.is_working_day(D(2003, 6, 2))


def test_overrides_cover_an_unknown_year():
    year = LAST_YEAR + 1
    table = {D(year, 1, 1) + dt.timedelta(days=i): i not in (0, 2, 3) for i in range(10)}
    cal = WorkingCalendar(table)
    assert not cal.is_working_day(D(year, 1, 1))
    assert cal.is_working_day(D(year, 1, 2))
    assert cal.is_known(D(year, 1, 5)) and not cal.is_known(D(year, 2, 1))
    assert cal.add_working_days(D(year, 1, 1), 2) == D(year, 1, 5)
    with pytest.raises(CalendarError):
        cal.add_working_days(D(year, 1, 1), 20)


def test_fallback_weekends_is_explicit_and_recorded():
    year = LAST_YEAR + 1
    cal = WorkingCalendar(fallback_weekends=True)
    monday = D(year, 3, 1) + dt.timedelta(days=(7 - D(year, 3, 1).weekday()) % 7)
    assert cal.is_working_day(monday)
    assert not cal.is_working_day(monday + dt.timedelta(days=5))
    assert cal.fallback_years == {year}
    assert cal.add_working_days(monday, 5) == monday + dt.timedelta(days=7)
    # Known years still use the package, not the fallback.
    assert not cal.is_working_day(D(2026, 10, 5))


# --- properties -------------------------------------------------------------------------------------

starts = st.dates(min_value=D(2004, 1, 1), max_value=D(LAST_YEAR, 10, 31))


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=0, max_value=30))
def test_a_deadline_lands_on_a_working_day_n_working_days_later(start, n):
    cal = WorkingCalendar()
    end = cal.add_working_days(start, n)
    assert end >= start
    if n > 0:
        assert cal.is_working_day(end)
        # … and is the first day that reaches n: the day before it is still short of n.
        assert cal.working_days_between(start, end - dt.timedelta(days=1)) == n - 1
    assert cal.working_days_between(start, end) == n


@settings(max_examples=100, deadline=None)
@given(
    start=starts,
    n=st.integers(min_value=0, max_value=15),
    days_off=st.sets(st.integers(min_value=1, max_value=40), max_size=8),
)
def test_the_property_holds_with_an_override_table(start, n, days_off):
    cal = WorkingCalendar({start + dt.timedelta(days=i): False for i in days_off})
    end = cal.add_working_days(start, n)
    if n > 0:
        assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=D(LAST_YEAR + 1, 1, 1), max_value=D(2099, 12, 1)), n=st.integers(0, 40))
def test_the_property_holds_with_the_weekend_fallback(start, n):
    cal = WorkingCalendar(fallback_weekends=True)
    end = cal.add_working_days(start, n)
    if n > 0:
        assert end.weekday() < 5
    assert cal.working_days_between(start, end) == n
