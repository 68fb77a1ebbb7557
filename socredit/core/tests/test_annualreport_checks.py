"""年度工作报告自动审核: each check on crafted statements, at and beyond its limits; Hypothesis for the sums."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.annualreports import checks as c
from socredit.core.annualreports.formats import parse_bands
from socredit.core.config import ConfigError
from socredit.core.policy import profile_for

PROFILE = profile_for(dt.date(2026, 6, 1))
PARAMS = c.CheckParameters.from_profile(PROFILE)
D = Decimal
ASSOCIATION = c.OrgFacts("1")


def statement(**overrides: object) -> dict[str, Decimal]:
    """A consistent statement: every total is the sum of its items; income 1,000,000, expenses 900,000."""
    s = {
        "bs_cash": D(300000), "bs_current_assets": D(500000), "bs_long_term_investments": D(200000),
        "bs_fixed_assets": D(250000), "bs_intangible_assets": D(50000), "bs_entrusted_assets": D(0),
        "bs_total_assets": D(1000000), "bs_current_liabilities": D(100000), "bs_long_term_liabilities": D(0),
        "bs_entrusted_liabilities": D(0), "bs_total_liabilities": D(100000),
        "bs_unrestricted_net_assets": D(700000), "bs_restricted_net_assets": D(200000),
        "bs_total_net_assets": D(900000), "bs_total_liabilities_and_net_assets": D(1000000),
        "ia_donation": D(600000), "ia_membership_fees": D(100000), "ia_service": D(100000), "ia_sales": D(0),
        "ia_government_grants": D(150000), "ia_investment": D(30000), "ia_other_income": D(20000),
        "ia_total_income": D(1000000), "ia_program_costs": D(780000), "ia_management_expenses": D(80000),
        "ia_fundraising_expenses": D(20000), "ia_other_expenses": D(20000), "ia_total_expenses": D(900000),
        "ia_net_asset_change": D(100000),
    }  # fmt: skip
    s.update({k: D(str(v)) for k, v in overrides.items()})
    return s


def codes(flags):
    return [f.code for f in flags]


def test_consistent_statement_has_no_flags():
    assert c.run_checks(statement(), None, ASSOCIATION, PARAMS) == []


def test_unbalanced_sheet_is_flagged_with_figures():
    flags = c.run_checks(statement(bs_total_liabilities_and_net_assets=1000500), None, ASSOCIATION, PARAMS)
    assert "balance_sheet_unbalanced" in codes(flags)
    flag = next(f for f in flags if f.code == "balance_sheet_unbalanced")
    assert flag.severity == "warning"
    assert flag.figures["bs_total_assets"] == D(1000000)
    assert "会民非01表" in flag.message_zh and "statements 01 and 02" in flag.message_en


def test_tolerance_is_inclusive():
    assert (
        c.run_checks(statement(bs_total_liabilities_and_net_assets="1000001"), None, ASSOCIATION, PARAMS)
        == []
    )
    flags = c.run_checks(
        statement(bs_total_liabilities_and_net_assets="1000001.01"), None, ASSOCIATION, PARAMS
    )
    assert "balance_sheet_unbalanced" in codes(flags)


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("bs_current_assets", "total_assets_sum"),
        ("bs_current_liabilities", "total_liabilities_sum"),
        ("bs_restricted_net_assets", "net_assets_sum"),
        ("ia_donation", "total_income_sum"),
        ("ia_program_costs", "total_expenses_sum"),
    ],
)
def test_wrong_subtotal(field, code):
    s = statement()
    s[field] += D(5000)
    assert code in codes(c.check_subtotals(s, None, ASSOCIATION, PARAMS))


def test_empty_items_count_as_zero_and_a_total_alone_is_not_checked():
    s = statement()
    del s["bs_intangible_assets"]  # 50,000 of the 1,000,000 no longer reported: counted as 0
    assert "total_assets_sum" in codes(c.check_subtotals(s, None, ASSOCIATION, PARAMS))
    s = {k: v for k, v in statement().items() if not k.startswith("bs_") or k == "bs_total_assets"}
    assert "total_assets_sum" not in codes(c.check_subtotals(s, None, ASSOCIATION, PARAMS))


def test_net_asset_change_and_roll_forward():
    flags = c.run_checks(statement(ia_net_asset_change=90000), None, ASSOCIATION, PARAMS)
    assert codes(flags) == ["net_asset_change_mismatch"]
    previous = statement(bs_total_net_assets=800000)
    assert c.check_net_asset_change(statement(), previous, ASSOCIATION, PARAMS) == []
    previous = statement(bs_total_net_assets=700000)
    assert codes(c.check_net_asset_change(statement(), previous, ASSOCIATION, PARAMS)) == [
        "net_assets_roll_forward"
    ]


def test_public_foundation_below_70_percent_of_last_years_income():
    facts = c.OrgFacts("3", public_fundraising=True)
    previous = statement(ia_total_income=1000000)
    ok = c.check_foundation_ratios(
        statement(charitable_expenditure=700000, staff_compensation=50000), previous, facts, PARAMS
    )
    assert ok == []
    flags = c.check_foundation_ratios(statement(charitable_expenditure="699999.99"), previous, facts, PARAMS)
    assert codes(flags) == ["foundation_public_benefit_ratio"]
    assert flags[0].severity == "high" and "第二十九条" in flags[0].message_zh
    assert flags[0].figures["limit"] == D("0.7")


def test_nonpublic_foundation_against_fund_balance():
    facts = c.OrgFacts("3", prior_net_assets=D(10_000_000))  # no previous report: the fact supplies it
    assert c.check_foundation_ratios(statement(charitable_expenditure=800000), None, facts, PARAMS) == []
    flags = c.check_foundation_ratios(statement(charitable_expenditure=799999), None, facts, PARAMS)
    assert codes(flags) == ["foundation_public_benefit_ratio"]


def test_foundation_admin_ratio_uses_the_larger_of_wages_and_management():
    facts = c.OrgFacts("3", prior_net_assets=D(0))
    assert (
        c.check_foundation_ratios(statement(staff_compensation=90000), None, facts, PARAMS) == []
    )  # 10% of 900,000
    flags = c.check_foundation_ratios(statement(staff_compensation=90001), None, facts, PARAMS)
    assert codes(flags) == ["foundation_admin_ratio"]


def test_foundation_ratios_skip_without_base_and_for_charities():
    assert c.check_foundation_ratios(statement(charitable_expenditure=1), None, c.OrgFacts("3"), PARAMS) == []
    facts = c.OrgFacts("3", is_charity=True, prior_net_assets=D(10_000_000))
    assert c.check_foundation_ratios(statement(charitable_expenditure=1), None, facts, PARAMS) == []
    assert c.check_foundation_ratios(statement(charitable_expenditure=1), None, c.OrgFacts("1"), PARAMS) == []


def test_public_charity_foundation_cites_the_charity_law():
    facts = c.OrgFacts("3", is_charity=True, public_fundraising=True, prior_total_income=D(1_000_000))
    flags = c.check_charity_ratios(statement(charitable_expenditure=600000), None, facts, PARAMS)
    assert codes(flags) == ["charity_expenditure_ratio"]
    assert (
        "慈善法》第六十一条" in flags[0].message_zh and "Article 61 of the Charity Law" in flags[0].message_en
    )


def test_public_charity_association_management_above_13_percent():
    facts = c.OrgFacts("1", is_charity=True, public_fundraising=True, prior_total_income=D(1_000_000))
    big = {"charitable_expenditure": 700000, "ia_total_expenses": 9_000_000, "ia_other_expenses": 20000,
           "ia_fundraising_expenses": 20000}  # fmt: skip
    s = statement(**big, ia_management_expenses=1_170_000, ia_program_costs=7_790_000)
    assert c.check_charity_ratios(s, None, facts, PARAMS) == []  # 1,170,000 = 13% of 9,000,000
    s = statement(**big, ia_management_expenses=1_170_001, ia_program_costs=7_789_999)
    flags = c.check_charity_ratios(s, None, facts, PARAMS)
    assert codes(flags) == ["charity_management_ratio"] and "第七条" in flags[0].message_zh


def test_management_exemption_under_200000():
    facts = c.OrgFacts("1", is_charity=True, public_fundraising=True, prior_total_income=D(100_000))
    s = statement(charitable_expenditure=700000, ia_management_expenses=199999)  # 22% but under 200,000
    assert c.check_charity_ratios(s, None, facts, PARAMS) == []


@pytest.mark.parametrize(
    ("org_type", "net_assets", "floor_ratio", "article"),
    [
        ("3", 60_000_000, "0.06", "第八条"),
        ("3", 59_999_999, "0.06", "第八条"),
        ("3", 4_000_000, "0.07", "第八条"),
        ("3", 3_999_999, "0.08", "第八条"),
        ("1", 10_000_000, "0.06", "第九条"),
        ("2", 9_999_999, "0.07", "第九条"),
        ("2", 1_000_000, "0.08", "第九条"),
    ],
)
def test_bands_by_net_assets(org_type, net_assets, floor_ratio, article):
    facts = c.OrgFacts(org_type, is_charity=True, prior_net_assets=D(net_assets), prior_total_income=D(0))
    needed = (D(net_assets) * D(floor_ratio)).quantize(D("0.01"))
    assert c.check_charity_ratios(statement(charitable_expenditure=needed), None, facts, PARAMS) == []
    flags = c.check_charity_ratios(statement(charitable_expenditure=needed - D("0.01")), None, facts, PARAMS)
    assert codes(flags) == ["charity_expenditure_ratio"] and article in flags[0].message_zh


def test_smallest_band_of_article_9_also_needs_half_of_last_years_income():
    facts = c.OrgFacts("2", is_charity=True, prior_net_assets=D(500_000), prior_total_income=D(200_000))
    # 8% of 500,000 = 40,000 is met; 50% of 200,000 = 100,000 is not
    flags = c.check_charity_ratios(statement(charitable_expenditure=50000), None, facts, PARAMS)
    assert codes(flags) == ["charity_expenditure_ratio"] and flags[0].figures["base"] == D(200_000)
    assert c.check_charity_ratios(statement(charitable_expenditure=100000), None, facts, PARAMS) == []


def test_previous_report_takes_precedence_over_facts():
    facts = c.OrgFacts("1", is_charity=True, public_fundraising=True, prior_total_income=D(10))
    previous = statement(ia_total_income=2_000_000)
    flags = c.check_charity_ratios(statement(charitable_expenditure=1_000_000), previous, facts, PARAMS)
    assert flags and flags[0].figures["base"] == D(2_000_000)


def test_year_on_year_change():
    previous = statement(ia_total_income=600000)
    flags = c.check_year_on_year(statement(), previous, ASSOCIATION, PARAMS)  # +66.7%
    assert codes(flags) == ["yoy_income_change"] and flags[0].severity == "info"
    assert c.check_year_on_year(statement(), statement(ia_total_income=700000), ASSOCIATION, PARAMS) == []
    # a small base is not compared
    assert c.check_year_on_year(statement(), statement(ia_total_income=90000), ASSOCIATION, PARAMS) == []
    assert codes(
        c.check_year_on_year(statement(ia_total_expenses=400000), statement(), ASSOCIATION, PARAMS)
    ) == ["yoy_expenses_change"]


def test_related_party_info_then_warning():
    flags = c.check_related_party(statement(related_party_amount=50000), None, ASSOCIATION, PARAMS)
    assert [(f.code, f.severity) for f in flags] == [("related_party", "info")]
    flags = c.check_related_party(statement(related_party_amount=100001), None, ASSOCIATION, PARAMS)
    assert [(f.code, f.severity) for f in flags] == [("related_party", "warning")]
    assert c.check_related_party(statement(related_party_amount=0), None, ASSOCIATION, PARAMS) == []


def test_overseas_any_amount_and_threshold():
    assert codes(
        c.check_overseas(statement(overseas_income=1, overseas_expenditure=0), None, ASSOCIATION, PARAMS)
    ) == ["overseas_income"]
    raised = c.CheckParameters.from_profile(
        PROFILE.with_overrides({"annual_report_checks.overseas_min_yuan": 10000})
    )
    assert c.check_overseas(statement(overseas_income=9999), None, ASSOCIATION, raised) == []
    assert codes(c.check_overseas(statement(overseas_expenditure=10000), None, ASSOCIATION, raised)) == [
        "overseas_expenditure"
    ]


def test_large_transaction():
    assert c.check_large_transaction(statement(largest_transaction=300000), None, ASSOCIATION, PARAMS) == []
    # above 30% of 1,000,000 but under the 1,000,000 minimum
    assert c.check_large_transaction(statement(largest_transaction=300001), None, ASSOCIATION, PARAMS) == []
    big = statement(ia_total_income=5_000_000, ia_donation=4_600_000, largest_transaction=1_600_000)
    flags = c.check_large_transaction(big, None, ASSOCIATION, PARAMS)
    assert codes(flags) == ["large_transaction"] and flags[0].figures["scale"] == D(5_000_000)


def test_profile_change_changes_behaviour():
    relaxed = c.CheckParameters.from_profile(
        PROFILE.with_overrides({"annual_report_checks.foundation_public_min_ratio": 0.5})
    )
    facts = c.OrgFacts("3", public_fundraising=True, prior_total_income=D(1_000_000))
    s = statement(charitable_expenditure=600000)
    assert c.check_foundation_ratios(s, None, facts, PARAMS)
    assert c.check_foundation_ratios(s, None, facts, relaxed) == []


def test_every_flag_code_is_listed_and_titled():
    assert set(c.FLAG_CODES) == set(c.FLAG_TITLES)
    s = statement(
        bs_total_liabilities_and_net_assets=1, bs_current_assets=1, bs_current_liabilities=1,
        bs_restricted_net_assets=1, ia_donation=1, ia_program_costs=1, ia_net_asset_change=1,
        related_party_amount=1, overseas_income=1, overseas_expenditure=1,
    )  # fmt: skip
    for flag in c.run_checks(s, statement(ia_total_income=1, bs_total_net_assets=5), ASSOCIATION, PARAMS):
        assert flag.code in c.FLAG_CODES
        assert flag.message_zh and flag.message_en and flag.severity in c.SEVERITIES
        assert "annual_report" not in flag.message_zh and "R1." not in flag.message_zh  # no internals
        assert set(flag.as_dict()) == {"code", "severity", "message_zh", "message_en", "figures"}


def test_worst():
    assert c.worst([]) is None
    flags = c.run_checks(statement(ia_net_asset_change=1, related_party_amount=1), None, ASSOCIATION, PARAMS)
    assert c.worst(flags) == "warning"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (["0:0.08:0.20", "100:0.06:0.13"], "由高到低"),
        (["100:0.06:0.13"], "最后一档"),
        (["100:0.06"], "应写成"),
        (["x:0.06:0.13", "0:0.08:0.2"], "不是数值"),
        (["100:1.5:0.13", "0:0.08:0.2"], "0 至 1"),
    ],
)
def test_bad_bands_refused(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_bands(value)
    with pytest.raises(ConfigError, match=problem):
        PROFILE.with_overrides({"annual_report_checks.charity_bands_other": value})


amounts = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@settings(deadline=None)  # a shared, loaded machine: timing is not the property
@given(st.lists(amounts, min_size=5, max_size=5), st.lists(amounts, min_size=3, max_size=3), amounts, amounts)
def test_consistent_sheets_never_flag(assets, liabilities, unrestricted, restricted):
    total_assets = sum(assets, D(0))
    total_liabilities = sum(liabilities, D(0))
    net = unrestricted + restricted
    s = {
        "bs_current_assets": assets[0], "bs_long_term_investments": assets[1], "bs_fixed_assets": assets[2],
        "bs_intangible_assets": assets[3], "bs_entrusted_assets": assets[4], "bs_total_assets": total_assets,
        "bs_current_liabilities": liabilities[0], "bs_long_term_liabilities": liabilities[1],
        "bs_entrusted_liabilities": liabilities[2], "bs_total_liabilities": total_liabilities,
        "bs_unrestricted_net_assets": unrestricted, "bs_restricted_net_assets": restricted,
        "bs_total_net_assets": net, "bs_total_liabilities_and_net_assets": total_liabilities + net,
    }  # fmt: skip
    flags = c.check_subtotals(s, None, ASSOCIATION, PARAMS) + c.check_balance(s, None, ASSOCIATION, PARAMS)
    balanced = abs(total_assets - total_liabilities - net) <= PARAMS.tolerance
    assert codes(flags) == ([] if balanced else ["balance_sheet_unbalanced"])


@settings(deadline=None)  # a shared, loaded machine: timing is not the property
@given(amounts, amounts, st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=2))
def test_sum_flag_iff_difference_beyond_tolerance(income_a, income_b, error):
    s = statement()
    s.update({"ia_donation": income_a, "ia_membership_fees": income_b, "ia_service": D(0), "ia_sales": D(0),
              "ia_government_grants": D(0), "ia_investment": D(0), "ia_other_income": D(0),
              "ia_total_income": income_a + income_b + error})  # fmt: skip
    flagged = "total_income_sum" in codes(c.check_subtotals(s, None, ASSOCIATION, PARAMS))
    assert flagged == (abs(error) > PARAMS.tolerance)
