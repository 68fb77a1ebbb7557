"""年度工作报告报送期限: who files for year N, the due date (moved past rest days and holidays), on time vs late."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.annualreports import deadlines as d
from socredit.core.annualreports.formats import parse_month_day
from socredit.core.calendar import CalendarError, WorkingCalendar
from socredit.core.config import ConfigError
from socredit.core.policy import profile_for

PROFILE = profile_for(dt.date(2026, 6, 1))
RULES = d.rules_from_profile(PROFILE)
CAL = WorkingCalendar.from_package()


def test_profile_dates_per_kind():
    assert (RULES["foundation"].month, RULES["foundation"].day) == (3, 31)
    assert (RULES["association"].month, RULES["association"].day) == (5, 31)
    assert (RULES["service_institution"].month, RULES["service_institution"].day) == (5, 31)
    assert (RULES["charity"].month, RULES["charity"].day) == (3, 31)
    assert RULES["service_institution"].new_org_months == 6
    assert RULES["foundation"].new_org_months == 0


def test_filer_kind_by_type_and_charity():
    assert d.filer_kind("1") == "association"
    assert d.filer_kind("2") == "service_institution"
    assert d.filer_kind("3") == "foundation"
    assert d.filer_kind("1", is_charity=True) == "charity"
    assert d.filer_kind("9") is None


def test_due_date_on_a_working_day_is_the_day_itself():
    # 2026-03-31 is a Tuesday
    due = d.due_date(2025, RULES["foundation"], CAL)
    assert due.due == dt.date(2026, 3, 31) and not due.provisional


def test_due_date_on_a_sunday_moves_to_monday():
    # 2026-05-31 is a Sunday: the last day is Monday 2026-06-01 (民法典 第二百零三条)
    due = d.due_date(2025, RULES["association"], CAL)
    assert dt.date(2026, 5, 31).weekday() == 6
    assert due.due == dt.date(2026, 6, 1)


def test_due_date_on_a_holiday_moves_past_the_holiday():
    # a profile putting the deadline on 2025-10-01 (国庆节): the first working day after the
    # 2025 National Day / Mid-autumn holiday is Thursday 2025-10-09 (10-01 to 10-08 off)
    profile = PROFILE.with_overrides({"annual_report.deadline_foundation": "10-01"})
    rule = d.FilingRule.from_profile(profile, "foundation")
    assert not CAL.is_working_day(dt.date(2025, 10, 1))
    assert d.due_date(2024, rule, CAL).due == dt.date(2025, 10, 9)


def test_due_date_uses_the_holiday_table_passed_in():
    # an administrator's table that makes Tuesday 2026-03-31 a day off moves the foundation deadline
    days = dict(CAL.days)
    days[dt.date(2026, 3, 31)] = False
    edited = WorkingCalendar(days, CAL.known_years)
    assert d.due_date(2025, RULES["foundation"], edited).due == dt.date(2026, 4, 1)


def test_due_date_without_rolling_keeps_the_sunday():
    profile = PROFILE.with_overrides({"annual_report.roll_to_working_day": False})
    rule = d.FilingRule.from_profile(profile, "association")
    assert d.due_date(2025, rule, CAL).due == dt.date(2026, 5, 31)


def test_due_date_in_a_year_without_schedule():
    late = d.FilingRule.from_profile(PROFILE, "association")
    with pytest.raises(CalendarError):
        d.due_date(2040, late, WorkingCalendar.from_package())
    guessed = d.due_date(2040, late, WorkingCalendar.from_package(fallback_weekends=True))
    assert guessed.provisional and guessed.unknown_years == (2041,)
    assert guessed.due == dt.date(2041, 5, 31)  # a Friday


def test_boundary_on_time_on_the_due_date_late_the_day_after():
    due = d.due_date(2025, RULES["foundation"], CAL).due
    assert d.timeliness(due, due) == "on_time"
    assert d.timeliness(due + dt.timedelta(days=1), due) == "late"
    assert d.timeliness(dt.date(2026, 1, 5), due) == "on_time"


def test_boundary_missing_only_after_the_due_date():
    due = dt.date(2026, 6, 1)
    assert not d.is_missing(due, due, None)  # on the due date the organization may still file
    assert d.is_missing(due, due + dt.timedelta(days=1), None)
    assert not d.is_missing(due, dt.date(2026, 6, 10), dt.date(2026, 6, 5))  # filed late: late, not missing
    assert d.is_missing(due, dt.date(2026, 6, 3), dt.date(2026, 6, 5))  # as of a day before it filed


@pytest.mark.parametrize(
    ("registered_on", "kind", "files"),
    [
        (dt.date(2025, 6, 30), "service_institution", True),  # six months end on 12-30: older on 12-31
        (dt.date(2025, 7, 1), "service_institution", False),  # six months end on 2026-01-01
        (dt.date(2025, 1, 1), "association", True),
        (dt.date(2024, 8, 31), "association", True),
        (dt.date(2025, 12, 31), "foundation", True),  # no exception for foundations
        (dt.date(2026, 1, 1), "foundation", False),  # registered after the year
    ],
)
def test_must_file_for_2025(registered_on, kind, files):
    assert d.must_file(registered_on, 2025, RULES[kind]) is files


def test_first_reported_year():
    assert d.first_reported_year(dt.date(2025, 7, 1), RULES["association"]) == 2026
    assert d.first_reported_year(dt.date(2025, 7, 1), RULES["foundation"]) == 2025


@settings(deadline=None)  # a shared, loaded machine: timing is not the property
@given(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 12), st.integers(2001, 2029))
def test_latest_registration_agrees_with_must_file(registered_on, months, year):
    rule = d.FilingRule("association", 5, 31, months, True, 30)
    assert d.must_file(registered_on, year, rule) == (registered_on <= d.latest_registration(year, rule))


@settings(deadline=None)  # a shared, loaded machine: timing is not the property
@given(st.dates(dt.date(2004, 1, 1), dt.date(2025, 12, 31)))
def test_next_working_day_is_a_working_day_on_or_after(day):
    nxt = d.next_working_day(day, CAL)
    assert nxt >= day and CAL.is_working_day(nxt)
    assert all(not CAL.is_working_day(day + dt.timedelta(days=i)) for i in range((nxt - day).days))


def test_reminder_window():
    due = dt.date(2026, 3, 31)
    rule = RULES["foundation"]
    assert d.reminder_days_left(dt.date(2026, 3, 1), due, rule) == 30
    assert d.reminder_days_left(dt.date(2026, 2, 28), due, rule) is None
    assert d.reminder_days_left(due, due, rule) == 0
    assert d.reminder_days_left(dt.date(2026, 4, 1), due, rule) is None


@pytest.mark.parametrize("text", ["5-31", "02-29", "13-01", "04-31", "0531", "ab-cd"])
def test_bad_month_day_refused(text):
    with pytest.raises(ValueError, match=text if text != "0531" else "MM-DD"):
        parse_month_day(text)


def test_profile_refuses_a_malformed_deadline():
    with pytest.raises(ConfigError, match="annual_report.deadline_foundation"):
        PROFILE.with_overrides({"annual_report.deadline_foundation": "02-30"})
