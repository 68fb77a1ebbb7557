"""Fixtures of the annual-report tests: an association and a foundation of 金水区 (registered with the
郑州市民政局), their own accounts, and a complete report's facts and figures."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.core.types import OrgType
from socredit.testing import factories

YEAR = 2025
IN_TIME = dt.date(2026, 4, 15)
"""A day of 2026 before the default deadline (31 May) of the 2025 reports."""


def facts(**over):
    """The facts of a complete association report (a foundation ignores the member counts)."""
    data = {
        "legal_representative": "王立新", "residence": "郑州市金水区花园路 1 号", "contact_person": "李青",
        "contact_phone": "0371-66660000", "charity_organization": "no", "public_fundraising": "no",
        "changes": "无", "activities_summary": "举办行业培训 6 场，服务会员 300 余家。", "general_meetings": 1,
        "council_meetings": 2, "election_held": "no", "party_organization": "branch",
        "party_building_in_charter": "yes", "staff_total": 5, "council_members": 15, "members_individual": 120,
        "members_unit": 80, "audit_opinion": "unqualified",
    }  # fmt: skip
    data.update(over)
    return data


def figures(**over):
    """Statements that hold together: assets 1,000,000 = liabilities 200,000 + net assets 800,000."""
    data = {
        "bs_cash": "300000", "bs_current_assets": "500000", "bs_long_term_investments": "100000",
        "bs_fixed_assets": "400000", "bs_total_assets": "1000000", "bs_current_liabilities": "200000",
        "bs_total_liabilities": "200000", "bs_unrestricted_net_assets": "600000",
        "bs_restricted_net_assets": "200000", "bs_total_net_assets": "800000",
        "bs_total_liabilities_and_net_assets": "1000000", "ia_membership_fees": "300000",
        "ia_service": "150000", "ia_total_income": "450000", "ia_program_costs": "300000",
        "ia_management_expenses": "100000", "ia_total_expenses": "400000", "ia_net_asset_change": "50000",
    }  # fmt: skip
    data.update(over)
    return data


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", name="郑州市金水区年报测试协会")


@pytest.fixture
def foundation(personas, civil_affairs):
    return factories.organization("410105", OrgType.FOUNDATION, name="郑州市金水区年报测试基金会")


@pytest.fixture
def org_self(org):
    return factories.org_account(org)


@pytest.fixture
def other_org(personas, civil_affairs):
    return factories.organization("410105", name="郑州市金水区另一协会")


@pytest.fixture
def other_self(other_org):
    return factories.org_account(other_org)


@pytest.fixture
def on_day(today_is):
    today_is(IN_TIME)
    return IN_TIME
