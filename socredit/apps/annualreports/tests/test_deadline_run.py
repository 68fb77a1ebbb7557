"""The filing-deadline run: who is missing the day after the deadline (not on it), holidays moving the
deadline, charities' own deadline, late filings, idempotency, the list proposal that follows, the
command and the daily duties."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from socredit.apps.annualreports import deadlines
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists.models import ListProposal
from socredit.apps.records.models import CreditRecord
from socredit.apps.workdays.services import enter_year, year_schedule
from socredit.common.access import SystemPrincipal
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

ACTOR = SystemPrincipal("test")
ASSOCIATION_DUE = dt.date(2026, 6, 1)  # 2026-05-31 is a Sunday
FOUNDATION_DUE = dt.date(2026, 3, 31)  # a Tuesday


def report(org, year=2025, *, submitted_on=None, charity=False, state=None):
    """A report row as the filing services leave it (the filing app's services live on another branch)."""
    return AnnualReport.objects.create(
        organization=org, year=year, submitted_on=submitted_on,
        state=state or ("submitted" if submitted_on else "draft"),
        content={"charity_organization": "yes" if charity else "no"},
    )  # fmt: skip


def records(kind):
    return list(CreditRecord.objects.filter(kind__code=kind).order_by("id"))


@pytest.fixture
def orgs(personas, civil_affairs):
    return {
        "association": factories.organization("410105", name="金水区期限测试协会"),
        "foundation": factories.organization("410105", OrgType.FOUNDATION, name="金水区期限测试基金会"),
    }


def test_on_the_due_date_nothing_the_day_after_missing(orgs, today_is):
    today_is(dt.date(2026, 6, 10))
    result = deadlines.run_deadlines(ACTOR, as_of=ASSOCIATION_DUE, year=2025)
    assert result.obliged == 2
    # the foundation's deadline (03-31) has passed, the association's (moved to 06-01) has not
    assert [r.organization for r in records("annual_report_missing")] == [orgs["foundation"]]
    deadlines.run_deadlines(ACTOR, as_of=ASSOCIATION_DUE + dt.timedelta(days=1), year=2025)
    missing = records("annual_report_missing")
    assert {r.organization for r in missing} == set(orgs.values())
    assoc = next(r for r in missing if r.organization == orgs["association"])
    assert assoc.occurred_on == dt.date(2026, 6, 2)
    assert assoc.external_id == f"annualreport-missing-2025-{orgs['association'].code}"
    assert "2025年度工作报告" in assoc.summary and "2026-06-01" in assoc.summary


def test_foundation_boundary(orgs, today_is):
    today_is(dt.date(2026, 4, 10))
    deadlines.run_deadlines(ACTOR, as_of=FOUNDATION_DUE, year=2025)
    assert records("annual_report_missing") == []
    deadlines.run_deadlines(ACTOR, as_of=FOUNDATION_DUE + dt.timedelta(days=1), year=2025)
    assert [r.organization for r in records("annual_report_missing")] == [orgs["foundation"]]


def test_a_holiday_on_the_deadline_moves_it(orgs, today_is):
    today_is(dt.date(2026, 4, 10))
    schedule = year_schedule(2026)
    enter_year(
        ACTOR, "system", 2026,
        holidays=[(d, name) for d, (working, name) in schedule.items() if not working] + [(FOUNDATION_DUE, "测试假日")],
        working_weekends=[(d, name) for d, (working, name) in schedule.items() if working],
        notice="测试通知",
    )  # fmt: skip
    assert deadlines.due_date_for(orgs["foundation"], 2025).due == dt.date(2026, 4, 1)
    deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 4, 1), year=2025)
    assert records("annual_report_missing") == []
    deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 4, 2), year=2025)
    assert [r.occurred_on for r in records("annual_report_missing")] == [dt.date(2026, 4, 2)]


def test_idempotent_and_a_proposal_follows(orgs, today_is):
    today_is(dt.date(2026, 6, 10))
    first = deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 10), year=2025)
    assert first.written_missing == 2 and first.errors == []
    count = CreditRecord.objects.count()
    proposals = ListProposal.objects.filter(ground="R1.6(1)")
    assert {p.organization for p in proposals} == set(orgs.values())
    assert AuditEvent.objects.filter(action="annualreport.deadline_run").count() == 1
    events = AuditEvent.objects.count()
    again = deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 10), year=2025)
    assert again.missing == 2 and again.written_missing == 0 and again.written_late == 0
    assert AuditEvent.objects.count() == events  # nothing new: no audit event
    assert CreditRecord.objects.count() == count
    assert ListProposal.objects.filter(ground="R1.6(1)").count() == 2


def test_submitted_in_time_is_not_missing_and_late_is_recorded_once(orgs, today_is):
    today_is(dt.date(2026, 6, 10))
    report(orgs["association"], submitted_on=ASSOCIATION_DUE)  # on the (moved) due date: on time
    late = report(orgs["foundation"], submitted_on=dt.date(2026, 4, 1))  # the day after its due date
    result = deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 10), year=2025)
    assert result.missing == 0 and result.late == 1
    [record] = records("annual_report_late")
    assert record.organization == orgs["foundation"] and record.occurred_on == dt.date(2026, 4, 1)
    late.refresh_from_db()
    assert late.timeliness_record == record
    again = deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 10), year=2025)
    assert again.late == 0 and again.written_late == 0 and len(records("annual_report_late")) == 1


def test_missing_as_of_a_day_before_a_late_filing(orgs, today_is):
    today_is(dt.date(2026, 6, 10))
    report(orgs["association"], submitted_on=dt.date(2026, 6, 5))
    result = deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 3), year=2025)
    assert {r.organization for r in records("annual_report_missing")} == set(orgs.values())
    assert result.late == 0  # not yet filed on 06-03


def test_a_charity_files_by_its_own_deadline(orgs, today_is):
    today_is(dt.date(2026, 4, 10))
    report(orgs["association"], charity=True)  # a draft saying it is a charity
    deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 4, 1), year=2025)
    assert {r.organization for r in records("annual_report_missing")} == set(orgs.values())


def test_new_and_closed_organizations_are_not_obliged(personas, civil_affairs, today_is):
    today_is(dt.date(2026, 6, 10))
    factories.organization("410105", OrgType.SERVICE_INSTITUTION, registered_on=dt.date(2025, 7, 1))
    older = factories.organization("410105", OrgType.SERVICE_INSTITUTION, registered_on=dt.date(2025, 6, 30))
    closed = factories.organization("410105", registered_on=dt.date(2020, 1, 1))
    closed.status = "deregistered"
    closed.save(update_fields=["status"])
    result = deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 10), year=2025)
    assert result.obliged == 1
    assert [r.organization for r in records("annual_report_missing")] == [older]


def test_timeliness_and_reminder(orgs, today_is):
    assoc = orgs["association"]
    assert deadlines.timeliness_of(assoc, 2025, ASSOCIATION_DUE) == "on_time"
    assert deadlines.timeliness_of(assoc, 2025, ASSOCIATION_DUE + dt.timedelta(days=1)) == "late"
    assert deadlines.reminder_for(assoc, dt.date(2026, 4, 30)) is None  # 32 days before: too early
    reminder = deadlines.reminder_for(assoc, dt.date(2026, 5, 20))
    assert (
        reminder is not None and reminder.year == 2025 and reminder.days_left == 12 and not reminder.overdue
    )
    assert deadlines.reminder_for(assoc, dt.date(2026, 6, 3)).overdue
    report(assoc, submitted_on=dt.date(2026, 5, 21))
    assert deadlines.reminder_for(assoc, dt.date(2026, 5, 22)) is None


def test_command(orgs, today_is, capsys):
    today_is(dt.date(2026, 6, 10))
    call_command("annualreports", "deadline", "--as-of", "2026-06-10")
    out = capsys.readouterr().out
    assert "应报送 2 个组织" in out and "新记录 2" in out
    call_command("annualreports", "deadline", "--as-of", "2026-06-10", "--year", "2025")
    assert "新记录 0" in capsys.readouterr().out
    with pytest.raises(CommandError, match="未来"):
        call_command("annualreports", "deadline", "--as-of", "2026-06-11")
    with pytest.raises(CommandError, match="--year 2026"):
        call_command("annualreports", "deadline", "--year", "2026")


def test_daily_duties_include_the_deadline_run(orgs, today_is, capsys):
    today_is(dt.date(2026, 6, 10))
    call_command("cases", "daily")
    assert len(records("annual_report_missing")) == 2
    assert "年度工作报告" in capsys.readouterr().out


def test_reminder_shown_in_my_home(orgs, today_is, client):
    today_is(dt.date(2026, 5, 20))
    account = factories.org_account(orgs["association"])
    client.force_login(account)
    page = client.get("/my/").content.decode()
    assert "2025年度工作报告" in page and "2026-06-01" in page and "还剩 12 天" in page
    assert "民法典》第二百零三条" in page
    today_is(dt.date(2026, 6, 3))
    page = client.get("/my/").content.decode()
    assert "已逾期" in page and "活动异常名录" in page
    report(orgs["association"], submitted_on=dt.date(2026, 6, 3))
    assert "2025年度工作报告" not in client.get("/my/").content.decode()


def test_no_profile_for_the_year_is_a_clear_error(orgs, today_is):
    from socredit.common.errors import FieldErrors

    today_is(dt.date(2026, 6, 10))
    with pytest.raises(FieldErrors, match="2021年度工作报告"):
        deadlines.run_deadlines(ACTOR, as_of=dt.date(2026, 6, 10), year=2021)
    with pytest.raises(CommandError, match="2021年度工作报告"):
        call_command("annualreports", "deadline", "--year", "2021")
