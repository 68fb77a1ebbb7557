"""The annual report's shape and its pure validation: crafted statements (balanced, unbalanced,
sub-totals off, negative where impossible, too many decimals), the year, required facts, the audit
report where the law asks for one, and what is public per organization type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socredit.core.annualreports import schema, validation
from socredit.core.annualreports.schema import AttachmentKind, InspectionResult, ReportState
from socredit.core.types import OrgType

D = Decimal
GOOD = {
    "bs_cash": D(300), "bs_current_assets": D(500), "bs_fixed_assets": D(500), "bs_total_assets": D(1000),
    "bs_current_liabilities": D(200), "bs_total_liabilities": D(200), "bs_unrestricted_net_assets": D(800),
    "bs_total_net_assets": D(800), "bs_total_liabilities_and_net_assets": D(1000), "ia_donation": D(100),
    "ia_total_income": D(100), "ia_program_costs": D(150), "ia_total_expenses": D(150),
    "ia_net_asset_change": D(-50),
}  # fmt: skip


def fields(problems):
    return {p.field for p in problems}


def test_contract_codes_exist_with_both_labels_and_totals_refer_to_known_codes():
    for code in ("bs_total_assets", "bs_total_liabilities_and_net_assets", "ia_net_asset_change",
                 "public_fundraising_income", "largest_transaction"):  # fmt: skip
        assert code in schema.FIGURE_BY_CODE
    assert all(f.zh and f.en for f in schema.FIGURES)
    for total in schema.TOTALS:
        assert {total.total, *total.parts, *total.minus} <= set(schema.FIGURE_BY_CODE)
    assert InspectionResult.BASIC.record_kind == "annual_inspection_basic"
    assert ReportState("returned").zh == "已退回"


def test_a_balanced_statement_has_no_problem():
    assert validation.check_figures(GOOD) == []


def test_unbalanced_sheet_names_both_sides_and_the_gap():
    bad = {**GOOD, "bs_fixed_assets": D(510), "bs_total_assets": D(1010)}
    [problem] = validation.check_figures(bad)
    assert problem.field == "bs_total_liabilities_and_net_assets"
    assert "不平衡" in problem.zh and "10.00" in problem.zh and "does not balance" in problem.en


def test_subtotal_off_is_named_with_the_expected_sum():
    [problem] = validation.check_figures({**GOOD, "ia_total_expenses": D(140), "ia_net_asset_change": D(-40)})
    assert problem.field == "ia_total_expenses" and "150.00" in problem.zh


def test_negative_where_impossible_but_net_assets_may_be_negative():
    problems = validation.check_figures({**GOOD, "bs_cash": D(-1)})
    assert fields(problems) == {"bs_cash"} and "负数" in problems[0].zh
    loss = {**GOOD, "bs_unrestricted_net_assets": D(-100), "bs_total_net_assets": D(-100),
            "bs_total_liabilities": D(1100), "bs_current_liabilities": D(1100)}  # fmt: skip
    assert validation.check_figures(loss) == []


def test_cash_cannot_exceed_current_assets():
    assert fields(validation.check_figures({"bs_cash": D(600), "bs_current_assets": D(500)})) == {"bs_cash"}


@pytest.mark.parametrize(("text", "value", "ok"), [
    ("1,234.50", D("1234.50"), True), (" 1 000元 ", D(1000), True), ("-5", None, False), ("1.234", None, False),
    ("abc", None, False), ("1e400", None, False), ("", None, True),
])  # fmt: skip
def test_parse_figure(text, value, ok):
    parsed, problem = validation.parse_figure("bs_cash", text)
    assert parsed == value and (problem is None) == ok


def test_year_must_have_ended_and_not_be_concluded():
    today = dt.date(2026, 4, 1)
    assert fields(validation.check_year(2026, today=today)) == {"year"}
    assert validation.check_year(2025, today=today) == []
    assert fields(validation.check_year(2025, today=today, existing=ReportState.CONCLUDED)) == {"year"}
    assert fields(validation.check_year(2014, today=today, registered_on=dt.date(2015, 3, 1))) == {"year"}


def test_content_counts_choices_and_types():
    problems = validation.check_content({"staff_total": -1, "party_organization": "club", "members_unit": 3},
                                        OrgType.FOUNDATION)  # fmt: skip
    assert fields(problems) == {"staff_total", "party_organization", "__all__"}


def test_submission_needs_facts_totals_and_audit_report_for_foundations():
    problems = validation.check_submission({}, {}, OrgType.FOUNDATION)
    assert {"residence", "bs_total_assets", "attachments", "council_meetings"} <= fields(problems)
    assert "general_meetings" not in fields(problems)  # associations only
    assoc = validation.check_submission({}, {}, OrgType.ASSOCIATION)
    assert "attachments" not in fields(assoc) and "general_meetings" in fields(assoc)
    charity = {"charity_organization": "yes", "public_fundraising": "yes", "audit_opinion": "not_audited"}
    got = fields(validation.check_submission(charity, GOOD, OrgType.SERVICE_INSTITUTION,
                                             attachments=[AttachmentKind.AUDIT_REPORT]))  # fmt: skip
    assert "audit_opinion" in got and "attachments" not in got


def test_disclosure_per_type():
    foundation = schema.disclosure(OrgType.FOUNDATION, charity=False)
    assert foundation.whole_report and foundation.figure_public("ia_program_costs")
    assert not foundation.field_public("contact_phone") and "第31号" in foundation.basis[0]
    assoc = schema.disclosure(OrgType.ASSOCIATION, charity=False)
    assert not assoc.whole_report and assoc.figure_public("bs_total_assets")
    assert not assoc.figure_public("staff_compensation") and not assoc.field_public("contact_person")
    assert "第60号" in assoc.basis[0]
    charity = schema.disclosure(OrgType.ASSOCIATION, charity=True)
    assert charity.whole_report and "第81号" in " ".join(charity.basis)


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(current=amounts, fixed=amounts, liabilities=amounts, restricted=amounts, income=amounts, spent=amounts)
def test_statements_built_from_their_lines_always_hold_together(current, fixed, liabilities, restricted, income,
                                                                 spent):  # fmt: skip
    """Totals computed from their lines never raise a problem; moving any one total by a cent does."""
    assets = current + fixed
    net = assets - liabilities
    figures = {
        "bs_current_assets": current, "bs_fixed_assets": fixed, "bs_total_assets": assets,
        "bs_current_liabilities": liabilities, "bs_total_liabilities": liabilities,
        "bs_unrestricted_net_assets": net - restricted, "bs_restricted_net_assets": restricted,
        "bs_total_net_assets": net, "bs_total_liabilities_and_net_assets": assets, "ia_other_income": income,
        "ia_total_income": income, "ia_program_costs": spent, "ia_total_expenses": spent,
        "ia_net_asset_change": income - spent,
    }  # fmt: skip
    assert validation.check_figures(figures) == []
    for total in schema.TOTALS:
        moved = {**figures, total.total: figures[total.total] + D("0.01")}
        if moved[total.total] > schema.MAX_AMOUNT:
            continue
        assert validation.check_figures(moved), total.total
