"""Rules by the deciding authority's region, end to end: objections to 新郑市民政局 and to 金水区民政局
in one database, a 2025 objection under 新郑, the profile version every case and decision records,
and an objection that suspends a listing where the profile says the listing does not continue."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.cases.models import Case
from socredit.apps.cases.services import objections
from socredit.apps.lists import services as lists
from socredit.apps.lists.models import ListDecision, ListNotice, ListProposal
from socredit.apps.workdays.services import working_calendar
from socredit.common import policy
from socredit.common.errors import FieldErrors
from socredit.common.policy import NoProfile
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def authorities(db):
    """新郑市民政局 and 金水区民政局: each registers the organizations of its own county."""
    return {
        "xinzheng": factories.department("xz-mzj", "新郑市民政局", "410184"),
        "jinshui": factories.department("js-mzj", "金水区民政局", "410105"),
        "tax": factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX),
    }


def objection(staff, org, tax, received_on):
    record = factories.record(org, "tax_arrears", department=tax.code, document_number=f"郑税〔2025〕{org.pk}号",
                              occurred_on=received_on - dt.timedelta(days=40))  # fmt: skip
    return objections.file_objection(staff, channel="paper", organization=org, records=[record],
                                     reasons="欠税已于缴清，税务部门记录未更新。", received_on=received_on)  # fmt: skip


def deadlines(case):
    steps = {s.code: s for s in case.steps.all()}
    return steps["forward"].due_on, case.due_on


def test_same_day_objections_to_xinzheng_and_jinshui_get_their_own_deadlines(personas, authorities, today_is):
    today_is(D(2025, 6, 13))
    day = D(2025, 6, 10)  # a 2025 objection: 新郑's 方案 (2019-07-15) applies, over national-2023.1
    xz_org = factories.organization(region_code="410184", name="新郑市区域规则协会")
    js_org = factories.organization(region_code="410105", name="金水区区域规则协会")
    xz = objection(personas["staff_xinzheng"], xz_org, authorities["tax"], day)
    js = objection(personas["staff_jinshui"], js_org, authorities["tax"], day)
    cal = working_calendar()
    # 新郑 (seed 004 §六(三)): forward within 5 working days, answer within 12
    assert deadlines(xz) == (cal.add_working_days(day, 5), cal.add_working_days(day, 12))
    # 金水区: the national defaults (上海 2 working days to forward, 浙江 20 overall)
    assert deadlines(js) == (cal.add_working_days(day, 2), cal.add_working_days(day, 20))
    assert xz.profile_version == "xinzheng-2019.1+national-2023.1"
    assert js.profile_version == "national-2023.1"
    assert xz.parameters["objection.total_working_days"]["value"] == 12
    assert js.parameters["objection.total_working_days"]["value"] == 20


def test_an_organization_registered_by_the_city_follows_the_city_even_in_xinzheng(personas, today_is):
    """The deciding authority's region, not the organization's address, chooses the profile."""
    today_is(D(2025, 6, 13))
    city = factories.department("zz-mzj", "郑州市民政局", "410100")
    tax = factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)
    org = factories.organization(
        region_code="410184", name="市级登记的新郑协会", registration_authority=city.name
    )
    case = objection(personas["staff_xinzheng"], org, tax, D(2025, 6, 10))
    assert case.profile_version == "national-2023.1"


def test_an_objection_dated_before_any_profile_is_refused_naming_the_locality_and_date(personas, authorities):
    org = factories.organization(region_code="410184", name="新郑市早期异议协会")
    with pytest.raises(FieldErrors) as info:  # shown at the date field of the form
        objection(personas["staff_xinzheng"], org, authorities["tax"], D(2020, 3, 2))
    message = info.value.errors["received_on"][0]
    assert "新郑市" in message and "2020-03-02" in message
    assert not Case.objects.filter(organization=org).exists()  # nothing half-written
    with pytest.raises(NoProfile):
        policy.policy_profile(D(2020, 3, 2), org.region)


def test_list_decisions_and_notices_record_the_region_profile(personas, authorities, today_is):
    today_is(D(2026, 6, 15))
    xz_org = factories.organization(region_code="410184", name="新郑市名录区域协会")
    js_org = factories.organization(region_code="410105", name="金水区名录区域协会")
    made = {}
    for key, org, staff in [("xz", xz_org, "staff_xinzheng"), ("js", js_org, "staff_jinshui")]:
        factories.record(org, "penalty_fine", amount="80000", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1),
                         department=authorities["xinzheng" if key == "xz" else "jinshui"].code)  # fmt: skip
        proposal = ListProposal.objects.get(organization=org)
        actor = personas[staff]
        notice = lists.serve_notice(actor, proposal, ListNotice.Method.WRITTEN, D(2026, 6, 5), f"告{key}1")
        decision = lists.confirm_proposal(
            actor, proposal, document_number=f"决{key}1", decided_on=D(2026, 6, 15)
        )
        made[key] = (notice, decision)
    assert made["xz"][0].policy_version == made["xz"][1].policy_version == "xinzheng-2019.1+national-2026.1"
    assert made["js"][0].policy_version == made["js"][1].policy_version == "national-2026.1"
    assert ListDecision.objects.filter(policy_version__startswith="xinzheng-2019.1+").count() == 1


def test_a_listing_under_objection_leaves_public_view_where_the_listing_does_not_continue(
    personas, authorities, today_is, monkeypatch, client
):
    today_is(D(2026, 6, 15))
    org = factories.organization(region_code="410105", name="金水区异议暂停公示协会")
    factories.record(org, "penalty_fine", amount="80000", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1),
                     department=authorities["jinshui"].code)  # fmt: skip
    staff = personas["staff_jinshui"]
    proposal = ListProposal.objects.get(organization=org)
    lists.serve_notice(staff, proposal, ListNotice.Method.WRITTEN, D(2026, 6, 5), "告1")
    decision = lists.confirm_proposal(staff, proposal, document_number="决1", decided_on=D(2026, 6, 15))
    reader = factories.token(["lists:read"], authorities["jinshui"])[1]

    def members():
        response = client.get("/api/v1/lists/serious", HTTP_AUTHORIZATION=f"Bearer {reader}")
        assert response.status_code == 200, response.content
        return [row["code"] for row in response.json()["items"]]

    base = policy.policy_profile

    def suspending(day, region=None):
        return base(day, region).with_overrides({"objection.listing_continues": False}, authority="测试")

    # The national rule (R6.2): the listing continues, marked 异议中.
    case = objections.file_objection(staff, channel="paper", organization=org, list_decision=decision,
                                     reasons="罚款决定已被复议撤销。", received_on=D(2026, 6, 15))  # fmt: skip
    assert members() == [org.code]
    objections.withdraw(staff, case, reason="撤回")
    # A profile saying the listing does not continue: suspended while the objection is open.
    monkeypatch.setattr(policy, "policy_profile", suspending)
    case = objections.file_objection(staff, channel="paper", organization=org, list_decision=decision,
                                     reasons="罚款决定已被复议撤销。", received_on=D(2026, 6, 15))  # fmt: skip
    assert members() == []
    assert "暂停公示" in case.documents.get(kind="receipt").body
    objections.withdraw(staff, case, reason="撤回")
    assert members() == [org.code]


def test_a_daily_run_over_two_counties_uses_each_county_s_profile(personas, authorities, today_is):
    today_is(D(2026, 6, 15))
    for region, dept in (("410184", "xinzheng"), ("410105", "jinshui")):
        org = factories.organization(region_code=region)
        factories.record(org, "penalty_warning", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1),
                         department=authorities[dept].code)  # fmt: skip
    run = lists.daily_run(personas["staff_jinshui"], D(2026, 6, 15))
    assert run.policy_version == "national-2026.1; xinzheng-2019.1+national-2026.1"
