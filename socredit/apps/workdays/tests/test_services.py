"""The holiday table: seeded by migration from the package, seeding is idempotent and never
overwrites an administrator's year, entering a year (validation by line, audit, signal), the
cached calendar follows every change (also a rolled-back one), and the status of years."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from socredit.apps.audit.models import AuditEvent
from socredit.apps.workdays import services
from socredit.apps.workdays.models import CalendarDay, CalendarYear
from socredit.apps.workdays.signals import calendar_changed
from socredit.apps.workdays.validation import parse_schedule, schedule_days, schedule_text
from socredit.common.errors import FieldErrors
from socredit.core.calendar import LAST_YEAR, PACKAGE_YEARS, CalendarError, package_schedule

pytestmark = pytest.mark.django_db

D = dt.date
RECEIVED = D(2026, 12, 28)  # a Monday; 5 working days later reaches into 2027

# A 2027 schedule as an administrator would type it (illustrative: not the official notice).
HOLIDAYS_2027 = "2027-01-01~2027-01-03 元旦\n\n2027-02-06~2027-02-14 春节\n2027-10-01~2027-10-07 国庆节\n"
WORKING_2027 = "2027-02-20\n2027-09-26 国庆节\n"


def enter_2027(actor, **extra):
    parsed = parse_schedule(2027, HOLIDAYS_2027, WORKING_2027)
    return services.enter_year(actor, "form", 2027, holidays=parsed.holidays,
                               working_weekends=parsed.working_weekends,
                               notice=extra.get("notice", "国务院办公厅关于2027年部分节假日安排的通知"))  # fmt: skip


@pytest.fixture
def signals_sent():
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    calendar_changed.connect(receiver)
    yield sent
    calendar_changed.disconnect(receiver)


# --- the seeded table -----------------------------------------------------------------------------


def test_the_migration_seeds_every_package_year():
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(PACKAGE_YEARS)
    assert not CalendarYear.objects.exclude(source="package").exists()
    national_day = CalendarDay.objects.get(date=D(2025, 10, 1))
    assert (national_day.working, national_day.name) == (False, "国庆节")
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).working  # 调休 Saturday
    assert services.year_schedule(2026) == package_schedule(2026)


def test_the_table_calendar_counts_like_the_package():
    cal = services.working_calendar()
    assert cal.deadline(D(2025, 9, 30), 5).due == D(2025, 10, 14)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.add_working_days(D(2025, 12, 30), 2) == D(2026, 1, 4)


def test_seeding_is_idempotent_and_restores_package_years(personas):
    assert services.seed_from_package(None) == []
    CalendarYear.objects.filter(year=2010).delete()
    CalendarDay.objects.filter(date=D(2011, 10, 3)).update(working=True)
    assert services.seed_from_package(personas["city_admin"], channel="cli") == [2010, 2011]
    assert services.year_schedule(2010) == package_schedule(2010)
    assert services.year_schedule(2011) == package_schedule(2011)
    assert AuditEvent.objects.filter(action="workdays.seed_from_package").count() == 1
    assert services.seed_from_package(None) == []
    with pytest.raises(FieldErrors) as info:
        services.seed_from_package(None, [LAST_YEAR + 1])
    assert str(LAST_YEAR + 1) in str(info.value)


def test_seeding_never_overwrites_a_year_entered_by_hand(personas):
    admin = personas["city_admin"]
    services.enter_year(admin, "form", 2026, holidays=[(D(2026, 1, 1), "元旦")], working_weekends=[],
                        notice="测试：手工更正")  # fmt: skip
    assert services.seed_from_package(None) == []
    row = CalendarYear.objects.get(year=2026)
    assert row.source == "manual" and row.entered_by == admin
    assert services.year_schedule(2026) == {D(2026, 1, 1): (False, "元旦")}


# --- entering a year ----------------------------------------------------------------------------


def test_entering_2027_makes_a_provisional_deadline_exact(personas, signals_sent):
    before = services.working_calendar().deadline(RECEIVED, 5)
    assert before.due == D(2027, 1, 4) and before.provisional and before.unknown_years == (2027,)
    assert services.missing_years(D(2026, 11, 23)) == [2027]

    row = enter_2027(personas["city_admin"])

    after = services.working_calendar().deadline(RECEIVED, 5)
    assert after.due == D(2027, 1, 5) and not after.provisional  # 01-01 is off: 01-04, 01-05
    assert row.source == "manual" and row.entered_by == personas["city_admin"]
    schedule = services.year_schedule(2027)
    assert schedule[D(2027, 2, 8)] == (False, "春节")  # Monday inside the block
    assert D(2027, 2, 6) not in schedule  # the block's Saturday is no exception
    assert schedule[D(2027, 2, 20)] == (True, "春节")  # named after the nearest holiday
    assert schedule[D(2027, 9, 26)] == (True, "国庆节")
    assert signals_sent == [{"years": [2027], "actor": personas["city_admin"], "signal": calendar_changed}]
    event = AuditEvent.objects.get(action="workdays.enter_year")
    assert event.target_id == "2027" and "国务院办公厅" in event.data["notice"]
    assert services.missing_years(D(2026, 11, 23)) == []


def test_the_strict_calendar_refuses_an_unknown_year_until_it_is_entered(personas):
    with pytest.raises(CalendarError):
        services.working_calendar(strict=True).add_working_days(RECEIVED, 5)
    enter_2027(personas["city_admin"])
    assert services.working_calendar(strict=True).add_working_days(RECEIVED, 5) == D(2027, 1, 5)


def test_a_rolled_back_entry_leaves_no_trace_in_the_cached_calendar(personas):
    assert not services.working_calendar().is_known(D(2027, 1, 4))
    with pytest.raises(RuntimeError), transaction.atomic():
        enter_2027(personas["city_admin"])
        assert services.working_calendar().is_known(D(2027, 1, 4))
        raise RuntimeError("rolled back")
    assert not services.working_calendar().is_known(D(2027, 1, 4))
    assert services.working_calendar().deadline(RECEIVED, 5).provisional


def test_each_call_gets_its_own_fallback_record():
    one = services.working_calendar()
    one.add_working_days(RECEIVED, 5)
    assert one.fallback_years == {2027}
    assert services.working_calendar().fallback_years == set()


def test_bad_lines_are_named_with_the_reason():
    holidays = "2027-01-01~2027-01-03 元旦\n2027-13-01 春节\n国庆 10月1日\n2026-12-31~2027-01-02 元旦\n2027-05-01~2027-05-05\n"
    working = "2027-02-15\n\n2027-01-02\nabc\n"
    with pytest.raises(FieldErrors) as info:
        parse_schedule(2027, holidays, working)
    errors = info.value.errors
    assert any(m.startswith("第2行") and "不存在" in m for m in errors["holidays"])
    assert any(m.startswith("第3行") and "无法识别" in m for m in errors["holidays"])
    assert any(m.startswith("第4行") and "2026-12-31 不在2027年内" in m for m in errors["holidays"])
    assert any(m.startswith("第5行") and "缺少节日名称" in m for m in errors["holidays"])
    assert any(
        m.startswith("第1行") and "星期一" in m and "星期六或星期日" in m for m in errors["working_days"]
    )
    assert any(
        m.startswith("第3行") and "列为放假日" in m for m in errors["working_days"]
    )  # Saturday 01-02 is in 元旦
    assert any(m.startswith("第4行") and "无法识别" in m for m in errors["working_days"])


def test_enter_year_validates_and_writes_nothing_on_error(personas):
    events = AuditEvent.objects.count()
    with pytest.raises(FieldErrors) as info:
        services.enter_year(personas["city_admin"], "api", 2027, notice="",
                            holidays=[((D(2027, 1, 3), D(2027, 1, 1)), "元旦"), (D(2027, 1, 1), "元旦")],
                            working_weekends=[D(2027, 2, 15)])  # fmt: skip
    errors = info.value.errors
    assert "notice" in errors
    assert errors["holidays"] == ["第1项：结束日期 2027-01-01 早于开始日期 2027-01-03"]
    assert errors["working_days"] == ["第1项：2027-02-15 是星期一，调休上班日应为星期六或星期日"]
    with pytest.raises(FieldErrors) as info:
        services.enter_year(personas["city_admin"], "api", 2040, notice="x", holidays=[(D(2040, 1, 2), "元旦")],
                            working_weekends=[])  # fmt: skip
    assert "year" in info.value.errors
    with pytest.raises(FieldErrors) as info:
        services.enter_year(personas["city_admin"], "api", 2027, notice="x", holidays=[], working_weekends=[])
    assert info.value.errors["holidays"] == ["请至少填写一个放假日期"]
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEvent.objects.count() == events


def test_a_day_listed_twice_is_refused():
    with pytest.raises(FieldErrors) as info:
        schedule_days(2027, [((D(2027, 10, 1), D(2027, 10, 7)), "国庆节"), (D(2027, 10, 4), "中秋节")], [])
    assert info.value.errors["holidays"] == ["第2项：2027-10-04 已在第1项中列出"]


@pytest.mark.parametrize("year", list(PACKAGE_YEARS))
def test_a_stored_year_reads_back_as_text_that_re_enters_the_same(year):
    holidays, working = schedule_text(package_schedule(year))
    parsed = parse_schedule(year, holidays, working)
    assert schedule_days(year, parsed.holidays, parsed.working_weekends) == package_schedule(year)


# --- status ------------------------------------------------------------------------------------------


def test_year_status_tells_package_manual_and_missing(personas):
    enter_2027(personas["city_admin"])
    CalendarYear.objects.filter(year=2025).delete()
    status = {s.year: s for s in services.year_status([2025, 2026, 2027])}
    assert (
        status[2027].state == "manual" and status[2027].holidays == 11 and status[2027].working_weekends == 2
    )
    assert status[2026].state == "package" and status[2026].holidays == 19
    assert status[2025].state == "missing" and not status[2025].known
    assert [s.year for s in services.year_status()][:2] == [2027, 2026]
