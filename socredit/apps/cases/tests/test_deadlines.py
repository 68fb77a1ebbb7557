"""Case deadlines on the real calendar: across the turn of the year into a year with no schedule
(provisional, weekends only), and exact once the administrator enters the year."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.cases.services import objections
from socredit.apps.workdays.services import enter_year
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_christmas_eve(today_is):
    return today_is(dt.date(2026, 12, 24))


def test_a_deadline_in_an_unknown_year_is_provisional_until_the_year_is_entered(on_christmas_eve, personas):
    org = factories.organization(region_code="410105", name="郑州市金水区跨年异议协会")
    record = factories.record(org, "penalty_warning")
    staff = personas["staff_jinshui"]
    # Received Wednesday 2026-12-23: 5 working days → Wednesday 2026-12-30 (2026 is known, no holiday).
    case = objections.file_objection(staff, channel="paper", organization=org, records=[record],
                                     reasons="书面异议：处罚决定书送达地址有误。", received_on=dt.date(2026, 12, 23))  # fmt: skip
    decide = case.steps.get(code="decide")
    assert decide.due_on == dt.date(2026, 12, 30) and not decide.provisional
    # 20 working days reach into 2027, whose schedule is not entered: counted Monday–Friday, 1 January
    # included (a guess): 2027-01-20, flagged.
    case.refresh_from_db()
    assert case.due_on == dt.date(2027, 1, 20) and case.provisional

    enter_year(personas["superuser"], "form", 2027, holidays=[(dt.date(2027, 1, 1), "元旦")], working_weekends=[],
               notice="国务院办公厅关于2027年部分节假日安排的通知（测试用）")  # fmt: skip
    case.refresh_from_db()
    assert case.due_on == dt.date(2027, 1, 21) and not case.provisional  # 元旦 is a day off
    assert case.events.filter(action="recompute").exists()


def test_a_receipt_just_before_national_day_skips_the_golden_week(personas, today_is):
    today_is(dt.date(2025, 10, 20))
    org = factories.organization(region_code="410105", name="郑州市金水区国庆异议协会")
    record = factories.record(org, "penalty_warning", occurred_on=dt.date(2025, 5, 10))
    # Received Tuesday 2025-09-30; 1–8 October are holidays, Saturday 11 October is a working day (调休):
    # 1 working day → 2025-10-09, 5 → 2025-10-14 (9, 10, 11, 13, 14).
    case = objections.file_objection(personas["staff_jinshui"], channel="paper", organization=org, records=[record],
                                     reasons="书面异议：国庆节前收到的申请。", received_on=dt.date(2025, 9, 30))  # fmt: skip
    assert case.steps.get(code="decide").due_on == dt.date(2025, 10, 14)
    assert case.profile_version == "national-2023.1"  # the profile in force on the day of receipt
