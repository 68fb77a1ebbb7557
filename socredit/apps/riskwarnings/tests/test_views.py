"""The warning pages through HTTP: inbox counts and filters, detail, acting, self-report, the
street summary, the organization page's section, and the rules' admin pages (bad thresholds)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.accounts.models import StaffRole
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services.streets import load_streets
from socredit.apps.riskwarnings.models import RiskWarning, WarningRule, WarningState
from socredit.apps.riskwarnings.run import run_daily
from socredit.common.access import SystemPrincipal
from socredit.core.regions import street_regions
from socredit.core.types import RegionLevel
from socredit.testing import factories

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, civil_affairs, today_is):
    today_is(D(2026, 6, 1))
    load_streets(street_regions(under="410105"))
    street = (
        Region.objects.filter(level=RegionLevel.STREET.value, parent__code="410105").order_by("code").first()
    )
    a, b = factories.organization(name="经八路养老服务中心"), factories.organization(name="花园路读书会")
    Organization.objects.filter(pk=a.pk).update(street=street)
    for org in (a, b):
        factories.record(org, "filing", occurred_on=D(2026, 1, 10))  # activity: neither is dormant
        for day in (D(2026, 4, 20), D(2026, 5, 10), D(2026, 5, 20)):
            factories.record(org, "complaint_verified", occurred_on=day)
    factories.record(a, "address_unreachable", occurred_on=D(2026, 5, 1))
    run_daily(SystemPrincipal("test"), as_of=D(2026, 6, 1))
    return {"a": a, "b": b, "street": street, "street_user": factories.staff("street_a", street.code, StaffRole.OFFICER),
            **personas}  # fmt: skip


def test_the_inbox_counts_by_level_and_filters(world, login):
    client = login(world["staff_jinshui"])
    page = client.get(reverse("riskwarnings:warning_list"))
    assert page.status_code == 200
    assert [(lv["code"], lv["n"]) for lv in page.context["levels"]] == [
        ("red", 0),
        ("orange", 3),
        ("yellow", 0),
        ("blue", 2),
    ]
    # blue: both were registered in 2015 with no election on record, their first term ended in 2020
    page = client.get(reverse("riskwarnings:warning_list"), {"rule": "address-unreachable"})
    assert [w.organization_id for w in page.context["page"].object_list] == [world["a"].pk]
    page = client.get(reverse("riskwarnings:warning_list"), {"region": world["street"].code})
    assert {w.organization_id for w in page.context["page"].object_list} == {world["a"].pk}


def test_street_staff_see_only_their_street(world, login):
    page = login(world["street_user"]).get(reverse("riskwarnings:warning_list"))
    assert {w.organization_id for w in page.context["page"].object_list} == {world["a"].pk}
    other = RiskWarning.objects.filter(organization=world["b"]).first()
    assert (
        login(world["street_user"]).get(reverse("riskwarnings:warning_detail", args=[other.pk])).status_code
        == 404
    )


def test_the_detail_shows_facts_in_words_reason_and_basis(world, login):
    w = RiskWarning.objects.get(organization=world["a"], rule__code="complaint-burst")
    html = (
        login(world["viewer_jinshui"])
        .get(reverse("riskwarnings:warning_detail", args=[w.pk]))
        .content.decode()
    )
    assert "90天内举报查实3件（2026-04-20至2026-05-20）" in html
    assert "本地政策设计默认值" in html and "complaint_burst" not in html


def test_closing_without_a_note_is_refused_with_the_field_error(world, login):
    w = RiskWarning.objects.get(organization=world["a"], rule__code="complaint-burst")
    client = login(world["staff_jinshui"])
    response = client.post(reverse("riskwarnings:warning_close", args=[w.pk]), {"note": ""})
    assert response.status_code == 400 and "请填写备注" in response.content.decode()
    w.refresh_from_db()
    assert w.state == WarningState.OPEN
    client.post(reverse("riskwarnings:warning_acknowledge", args=[w.pk]), {"note": ""})
    client.post(reverse("riskwarnings:warning_close", args=[w.pk]), {"note": "已约谈"})
    w.refresh_from_db()
    assert w.state == WarningState.CLOSED
    again = client.post(reverse("riskwarnings:warning_handle", args=[w.pk]), {"note": ""})
    assert again.status_code == 400 and "已办结或已解除" in again.content.decode()


def test_self_report_by_street_staff_and_outside_their_street(world, login):
    client = login(world["street_user"])
    bad = client.post(
        reverse("riskwarnings:warning_create"),
        {"organization": world["b"].code, "rule": "street-visit", "reason": "x"},
    )
    assert bad.status_code == 400 and "本街镇没有该统一社会信用代码的社会组织" in bad.content.decode()
    ok = client.post(
        reverse("riskwarnings:warning_create"),
        {"organization": world["a"].code, "rule": "street-visit", "reason": "门店已关"},
    )
    assert ok.status_code == 302
    assert (
        RiskWarning.objects.filter(
            organization=world["a"], rule__code="street-visit", self_reported=True
        ).count()
        == 1
    )


def test_the_street_summary_and_the_organization_section(world, login):
    client = login(world["city_admin"])
    summary = client.get(reverse("riskwarnings:street_summary"))
    rows = {r["street"]: r["total"] for r in summary.context["table"]}
    assert rows[world["street"].name] == 3 and rows["（未登记街镇）"] == 2
    section = client.get(
        reverse("riskwarnings:organization_warnings", args=[world["a"].code]), HTTP_HX_REQUEST="true"
    )
    assert section.status_code == 200 and "登记住所无法联系" in section.content.decode()


def test_the_english_pages_read_english(world, login):
    client = login(world["staff_jinshui"])
    client.cookies["django_language"] = "en"
    w = RiskWarning.objects.get(organization=world["a"], rule__code="complaint-burst")
    html = client.get(
        reverse("riskwarnings:warning_detail", args=[w.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "3 complaints found true within 90 days" in html and "Burst of founded complaints" in html


def test_rule_admin_refuses_impossible_thresholds_field_by_field(world, login):
    rule = WarningRule.objects.get(code="income-change")
    url = reverse("riskwarnings:rule_edit", args=[rule.pk])
    assert login(world["staff_jinshui"]).get(url).status_code == 403
    client = login(world["city_admin"])
    data = {"enabled": "on", "level": "yellow", "handling_days": "10", "effective_from": "2024-01-01",
            "threshold_figure": ["ia_total_income"], "threshold_ratio": "0", "threshold_min_amount": "-5"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["threshold_ratio"] == ["比例必须大于0。"] and form.errors["threshold_min_amount"] == [
        "金额不能为负数。"
    ]
    rule.refresh_from_db()
    assert rule.version == 1
    data.update(threshold_ratio="0.8", threshold_min_amount="500000")
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.version, rule.thresholds["ratio"]) == (2, 0.8)
    assert client.get(reverse("riskwarnings:rule_list")).status_code == 200
