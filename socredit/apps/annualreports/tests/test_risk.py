"""The automatic checks stored per report and the review queue's risk filter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from socredit.apps.annualreports import risk
from socredit.apps.annualreports.models import AnnualReport, ReportCheck, ReportFigure, ReportFlag
from socredit.apps.audit.models import AuditEvent
from socredit.common.access import SystemPrincipal
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

BALANCED = {
    "bs_current_assets": "600000", "bs_fixed_assets": "400000", "bs_total_assets": "1000000",
    "bs_current_liabilities": "200000", "bs_total_liabilities": "200000", "bs_unrestricted_net_assets": "800000",
    "bs_total_net_assets": "800000", "bs_total_liabilities_and_net_assets": "1000000",
    "ia_donation": "500000", "ia_total_income": "500000", "ia_program_costs": "400000",
    "ia_management_expenses": "50000", "ia_total_expenses": "450000", "ia_net_asset_change": "50000",
}  # fmt: skip


def filed(org, year=2025, *, content=None, **figures):
    """A submitted report with its figures, as the filing services leave it."""
    report = AnnualReport.objects.create(organization=org, year=year, state="submitted",
                                         submitted_on=dt.date(year + 1, 3, 20), content=content or {})  # fmt: skip
    values = {**BALANCED, **figures}
    ReportFigure.objects.bulk_create(
        ReportFigure(report=report, code=k, value=Decimal(v)) for k, v in values.items()
    )
    return report


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", name="金水区审核测试协会")


def test_store_and_read_flags(org):
    report = filed(org, related_party_amount="100000", overseas_income="5000")
    flags = risk.store_flags(report)
    assert [f.code for f in flags] == ["related_party", "overseas_income"]
    check = ReportCheck.objects.get(report=report)
    assert check.worst == "warning" and check.flag_count == 2 and check.profile_version.startswith("national")
    stored = risk.flags_for(report)
    assert [(f.code, f.severity) for f in stored] == [
        ("related_party", "warning"),
        ("overseas_income", "info"),
    ]
    assert stored[0].figures["related_party_amount"] == Decimal("100000.00")


def test_rechecking_replaces_and_is_audited(org):
    report = filed(org, overseas_income="5000")
    risk.store_flags(report)
    ReportFigure.objects.filter(report=report, code="overseas_income").delete()
    flags = risk.store_flags(report, actor=SystemPrincipal("cli"), channel="cli")
    assert flags == [] and not ReportFlag.objects.filter(report=report).exists()
    assert ReportCheck.objects.get(report=report).worst == ""
    assert AuditEvent.objects.filter(action="annualreport.check").count() == 1


def test_flags_for_an_unchecked_report_are_computed_not_stored(org):
    report = filed(org, ia_net_asset_change="1")
    assert [f.code for f in risk.flags_for(report)] == ["net_asset_change_mismatch"]
    assert not ReportCheck.objects.filter(report=report).exists()


def test_previous_year_and_charity_facts(personas, civil_affairs):
    foundation = factories.organization("410105", OrgType.FOUNDATION, name="金水区审核测试基金会")
    filed(foundation, 2024, ia_total_income="2000000", ia_donation="2000000")
    report = filed(foundation, content={"charity_organization": "yes", "public_fundraising": "yes"},
                   charitable_expenditure="1000000")  # fmt: skip
    codes = [f.code for f in risk.store_flags(report)]
    # 1,000,000 of last year's 2,000,000 income is 50% (< 70%, 慈善法), and income fell by 75%
    assert "charity_expenditure_ratio" in codes and "yoy_income_change" in codes
    assert "foundation_public_benefit_ratio" not in codes  # a charity: the charity rules, not 条例 第二十九条


def test_queue_filter(org, personas):
    other = factories.organization("410105", name="金水区另一审核协会")
    third = factories.organization("410105", name="金水区第三审核协会")
    flagged = filed(org, related_party_amount="100000")
    clean = filed(other)
    unchecked = filed(third)
    risk.store_flags(flagged)
    risk.store_flags(clean)
    reports = AnnualReport.objects.all()
    assert set(risk.filter_by_risk(reports, "sev:warning")) == {flagged}
    assert set(risk.filter_by_risk(reports, "sev:high")) == set()
    assert set(risk.filter_by_risk(reports, "related_party")) == {flagged}
    assert set(risk.filter_by_risk(reports, "none")) == {clean}
    assert set(risk.filter_by_risk(reports, "")) == {flagged, clean, unchecked}
    assert set(risk.filter_by_risk(reports, "bogus")) == {flagged, clean, unchecked}
    values = [v for v, _label in risk.risk_filter_choices()]
    assert "sev:high" in values and "related_party" in values


def test_labels_for_a_page(org, personas):
    other = factories.organization("410105", name="金水区标签审核协会")
    a = filed(org, related_party_amount="100000", overseas_income="1")
    b = filed(other)
    risk.store_flags(a)
    risk.store_flags(b)
    assert risk.flag_labels_for([a, b]) == {a.pk: ["关联交易", "境外资金收入"]}


def test_a_report_received_before_the_oldest_profile_is_checked_with_todays(org):
    report = filed(org, 2022, overseas_income="1")
    report.submitted_on = dt.date(2023, 3, 1)  # no national profile before 2023-05-01
    report.save(update_fields=["submitted_on"])
    assert [f.code for f in risk.store_flags(report)] == ["overseas_income"]
    assert ReportCheck.objects.get(report=report).profile_version.startswith("national-")
