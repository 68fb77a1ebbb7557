"""Identification on crafted data at the boundaries of each criterion, and its idempotency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from socredit.apps.dormancy import services
from socredit.apps.dormancy.identify import candidates
from socredit.apps.dormancy.models import CaseState, DormancyCase
from socredit.apps.dormancy.tests.conftest import ACTOR, AS_OF, report
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def found(day=AS_OF):
    return {c.code: c for c in candidates(day)}


def test_no_reports_no_activity_is_dormant(dormant_org):
    c = found()[dormant_org.code]
    assert c.missing_years == [2025, 2024]
    assert c.last_activity_on is None
    assert c.unreachable_on is None


def test_one_report_in_the_window_is_enough(dormant_org, org_factory):
    other = org_factory("金水区有年报协会")
    report(other, 2024, dt.date(2025, 5, 1))
    late = org_factory("金水区晚交协会")
    report(late, 2025, dt.date(2026, 6, 30))  # filed late, but filed by as_of
    codes = found()
    assert dormant_org.code in codes
    assert other.code not in codes and late.code not in codes


def test_activity_boundary_is_the_corresponding_day(dormant_org, org_factory):
    inside = org_factory("金水区窗口内活动协会")
    factories.record(inside, "commendation_municipal", occurred_on=dt.date(2024, 7, 1))
    outside = org_factory("金水区窗口外活动协会")
    factories.record(outside, "commendation_municipal", occurred_on=dt.date(2024, 6, 30))
    codes = found()
    assert inside.code not in codes  # 24 months before 2026-07-01 is 2024-07-01: that day counts
    assert codes[outside.code].last_activity_on == dt.date(2024, 6, 30)


def test_records_of_failures_are_not_activity(dormant_org):
    factories.record(dormant_org, "penalty_warning", occurred_on=dt.date(2026, 3, 1))
    assert dormant_org.code in found()


def test_a_registration_change_is_activity(dormant_org):
    from socredit.apps.registry.models import RegistrationChange

    RegistrationChange.objects.create(organization=dormant_org, act="change", item="address",
                                      before="a", after="b", effective_on=dt.date(2025, 1, 1))  # fmt: skip
    assert dormant_org.code not in found()


def test_new_organizations_are_not_obliged(org_factory, today_is):
    today_is(AS_OF)
    young = org_factory("金水区新成立协会", registered_on=dt.date(2025, 3, 1))
    assert young.code not in found()


def test_before_the_deadline_the_window_moves_a_year_back(dormant_org, today_is):
    day = dt.date(2026, 5, 15)  # the 2025 reports are not yet due
    c = found(day)[dormant_org.code]
    assert c.missing_years == [2024, 2023]
    report(dormant_org, 2023, dt.date(2024, 5, 1))
    assert dormant_org.code not in found(day)


def test_unreachable_is_shown(dormant_org):
    factories.record(dormant_org, "address_unreachable", occurred_on=dt.date(2026, 2, 1))
    c = found()[dormant_org.code]
    assert (c.unreachable_on, c.unreachable_source) == (dt.date(2026, 2, 1), "record")


def test_identify_is_idempotent(dormant_org):
    first = services.identify(actor=ACTOR, as_of=AS_OF)
    assert first.opened == 1 and first.codes == [dormant_org.code]
    case = DormancyCase.objects.get()
    assert case.state == CaseState.IDENTIFIED and case.due_on == AS_OF + dt.timedelta(days=30)
    assert [s.step for s in case.steps.all()] == ["identify"]
    again = services.identify(actor=ACTOR, as_of=AS_OF)
    assert (again.opened, again.already_open) == (0, 1)
    assert DormancyCase.objects.count() == 1


def test_a_case_closed_as_resumed_is_not_reopened_at_once(dormant_org):
    services.identify(actor=ACTOR, as_of=AS_OF)
    case = DormancyCase.objects.get()
    services.resume(
        actor=ACTOR, channel="form", case=case, data={"on": AS_OF, "note": "已恢复活动，补报年报中"}
    )
    result = services.identify(actor=ACTOR, as_of=AS_OF)
    assert (result.opened, result.recently_resumed) == (0, 1)


def test_cases_of_deregistered_organizations_close(dormant_org):
    services.identify(actor=ACTOR, as_of=AS_OF)
    type(dormant_org).objects.filter(pk=dormant_org.pk).update(status="deregistered")
    result = services.identify(actor=ACTOR, as_of=AS_OF)
    case = DormancyCase.objects.get()
    assert result.closed_by_registry == 1
    assert (case.state, case.outcome) == ("closed", "deregistered")


def test_command(dormant_org, capsys):
    call_command("dormancy", "identify", "--as-of", AS_OF.isoformat())
    call_command("dormancy", "identify", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "新立案 1，" in out and "新立案 0，" in out
    assert DormancyCase.objects.count() == 1


# --- one definition: the warning rule and the identification find the same organizations ---------


def _crafted(org_factory):
    """Organizations at each criterion's edge: which are dormant is for both runs to say."""
    made = {"dormant": org_factory("金水区沉睡甲协会"), "unreachable": org_factory("金水区沉睡乙协会")}
    factories.record(made["unreachable"], "address_unreachable", occurred_on=dt.date(2026, 2, 1))
    made["penalized"] = org_factory("金水区受罚协会")  # a failure is not activity
    factories.record(made["penalized"], "penalty_warning", occurred_on=dt.date(2026, 3, 1))
    made["complained"] = org_factory("金水区被举报协会")  # nor a complaint found true
    factories.record(made["complained"], "complaint_verified", occurred_on=dt.date(2026, 4, 1))
    made["quiet_since"] = org_factory("金水区窗口外活动协会")
    factories.record(made["quiet_since"], "commendation_municipal", occurred_on=dt.date(2024, 6, 30))
    made["active"] = org_factory("金水区窗口内活动协会")
    factories.record(made["active"], "commendation_municipal", occurred_on=dt.date(2024, 7, 1))
    made["filed"] = org_factory("金水区有年报协会")
    report(made["filed"], 2024, dt.date(2025, 5, 1))
    made["young"] = org_factory("金水区新成立协会", registered_on=dt.date(2025, 3, 1))
    return made


@pytest.mark.parametrize(("day", "quiet"), [
    (AS_OF, {"dormant", "unreachable", "penalized", "complained", "quiet_since"}),
    # before the 2025 deadline: the window is 2024 and 2023, the quiet period starts 2024-05-15
    (dt.date(2026, 5, 15), {"dormant", "unreachable", "penalized", "complained"}),
])  # fmt: skip
def test_the_warning_rule_and_the_identification_find_the_same_organizations(
    dormant_org, org_factory, day, quiet
):
    from socredit.apps.riskwarnings.models import RiskWarning
    from socredit.apps.riskwarnings.run import run_daily

    made = _crafted(org_factory)
    run_daily(ACTOR, as_of=day)
    warned = set(RiskWarning.objects.filter(rule__code="dormant").values_list("organization_id", flat=True))
    identified = {c.org for c in candidates(day)}
    services.identify(actor=ACTOR, as_of=day)
    opened = set(DormancyCase.objects.values_list("organization_id", flat=True))
    assert warned == identified == opened
    assert identified == {dormant_org.pk} | {made[k].pk for k in quiet}


def test_the_nightly_duties_identify_once_a_day(dormant_org, org_factory, capsys):
    made = _crafted(org_factory)
    services.identify(actor=ACTOR, as_of=AS_OF - dt.timedelta(days=1))  # one already in an open case
    before = DormancyCase.objects.count()
    call_command("cases", "daily", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "僵尸型社会组织识别（截至2026-07-01）" in out and f"已在清理 {before}" in out
    cases = list(DormancyCase.objects.values_list("organization_id", flat=True))
    assert len(cases) == len(set(cases)) and made["dormant"].pk in cases
    after = DormancyCase.objects.count()
    call_command("cases", "daily", "--as-of", AS_OF.isoformat())
    assert DormancyCase.objects.count() == after
    assert "新立案 0，" in capsys.readouterr().out
