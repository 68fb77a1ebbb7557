"""年度工作报告自动审核 — checks that flag what a reviewer should look at in a report's statement.

A statement is ``Mapping[str, Decimal]`` keyed by the codes of the shared contract (``bs_*`` 资产负债表,
``ia_*`` 业务活动表, and the report's other figures); a missing key is "not reported" and a check that
needs it says nothing. Each check is a small function ``(statement, previous, facts, params) →
flags``; the table ``CHECKS`` lists them with what they test. A flag names the law it rests on by
title, number and article (never a parameter name) in Chinese and English, and carries the figures
involved, so the review queue can show and filter it.

Legal limits (severity ``high``):

- 《基金会管理条例》（国务院令第400号）第二十九条: a 公募基金会's 公益事业支出 at least 70% of the previous
  year's total income, a 非公募基金会's at least 8% of the previous year's 基金余额 (its net assets at
  the end of that year); 工作人员工资福利和行政办公支出 at most 10% of the year's total expenditure.
  Applied to foundations that are not charities (a charity foundation is held to the charity rules).
- 《中华人民共和国慈善法》第六十一条 (2023 revision; 第六十条 before) and the 2016 《关于慈善组织开展慈善活动
  年度支出和管理费用的规定》 (第七条至第十一条): 慈善活动支出 against the previous year's total income
  (public fundraising) or net assets at the end of the previous year (bands), 管理费用 against the
  year's total expenditure, except when 管理费用 is under the exemption amount (第十一条).

Consistency (``warning``): the balance sheet balances and its totals are the sums of their parts;
the activity statement's totals likewise; the change in net assets equals income less expenses and
rolls the previous year's net assets forward.

Attention (``info`` or ``warning``; design defaults of the platform, not legal limits): income or
expenses changing sharply year on year, related-party transactions, money from or to abroad, and a
single large transaction.

All thresholds are parameters of the policy profile (``annual_report_checks.*``), read once into
``CheckParameters``. The ratios use the previous year's figures from the previous year's report;
where there is none, ``OrgFacts.prior_total_income`` / ``prior_net_assets`` may supply them (a
paper record), else the ratio checks that need them are skipped — never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from socredit.core.annualreports.formats import Band, parse_bands, parse_ratio_pair
from socredit.core.policy import PolicyProfile

Statement = Mapping[str, Decimal]
Severity = Literal["info", "warning", "high"]
SEVERITIES: Final = ("info", "warning", "high")
"""Mildest first."""

_FOUNDATION = "3"
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class OrgFacts:
    """What the checks need to know about the organization for the reported year."""

    org_type: str
    """``OrgType`` code: 1 社会团体, 2 社会服务机构, 3 基金会."""
    is_charity: bool = False
    """登记或者认定为慈善组织."""
    public_fundraising: bool = False
    """具有公开募捐资格 (for a foundation that is not a charity: a 公募基金会)."""
    prior_total_income: Decimal | None = None
    """The previous year's 收入合计 when there is no previous report to read it from."""
    prior_net_assets: Decimal | None = None
    """净资产合计 at the end of the previous year when there is no previous report to read it from."""


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding of a check."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    figures: Mapping[str, Decimal] = field(default_factory=dict)
    """The figures involved, by code (contract codes, or ``ratio``/``limit`` for computed ones)."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (figures as strings, exact)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "figures": {k: str(v) for k, v in self.figures.items()},
        }


@dataclass(frozen=True, slots=True)
class CheckParameters:
    """The thresholds of ``annual_report_checks.*`` in one object (read once per run)."""

    tolerance: Decimal
    yoy_change_ratio: Decimal
    yoy_min_base: Decimal
    related_party_ratio: Decimal
    overseas_min: Decimal
    large_transaction_ratio: Decimal
    large_transaction_min: Decimal
    foundation_public_min: Decimal
    foundation_nonpublic_min: Decimal
    foundation_admin_max: Decimal
    charity_public_foundation: tuple[Decimal, Decimal]
    charity_public_other: tuple[Decimal, Decimal]
    charity_bands_foundation: tuple[Band, ...]
    charity_bands_other: tuple[Band, ...]
    charity_management_exempt: Decimal

    @classmethod
    def from_profile(cls, profile: PolicyProfile) -> CheckParameters:
        def d(key: str) -> Decimal:
            value = profile.value(f"annual_report_checks.{key}")
            assert isinstance(value, int | float)  # noqa: S101 — the registry types these
            return Decimal(str(value))

        return cls(
            tolerance=d("tolerance_yuan"),
            yoy_change_ratio=d("yoy_change_ratio"),
            yoy_min_base=d("yoy_min_base_yuan"),
            related_party_ratio=d("related_party_ratio"),
            overseas_min=d("overseas_min_yuan"),
            large_transaction_ratio=d("large_transaction_ratio"),
            large_transaction_min=d("large_transaction_min_yuan"),
            foundation_public_min=d("foundation_public_min_ratio"),
            foundation_nonpublic_min=d("foundation_nonpublic_min_ratio"),
            foundation_admin_max=d("foundation_admin_max_ratio"),
            charity_public_foundation=parse_ratio_pair(
                profile.str_value("annual_report_checks.charity_public_foundation")
            ),
            charity_public_other=parse_ratio_pair(
                profile.str_value("annual_report_checks.charity_public_other")
            ),
            charity_bands_foundation=parse_bands(
                profile.list_value("annual_report_checks.charity_bands_foundation")
            ),
            charity_bands_other=parse_bands(profile.list_value("annual_report_checks.charity_bands_other")),
            charity_management_exempt=d("charity_management_exempt_yuan"),
        )


CheckFunction = Callable[[Statement, Statement | None, OrgFacts, CheckParameters], list[Flag]]


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    function: CheckFunction
    title_zh: str
    title_en: str


# --- helpers --------------------------------------------------------------------------------------


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    return (a / b).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _all(statement: Statement, *codes: str) -> list[Decimal] | None:
    values = [statement.get(c) for c in codes]
    if any(v is None for v in values):
        return None
    return [v for v in values if v is not None]


_NAMES: Final = {
    "bs_total_assets": ("资产总计", "total assets"),
    "bs_total_liabilities_and_net_assets": ("负债和净资产总计", "total liabilities and net assets"),
    "bs_total_liabilities": ("负债合计", "total liabilities"),
    "bs_total_net_assets": ("净资产合计", "total net assets"),
    "ia_total_income": ("收入合计", "total income"),
    "ia_total_expenses": ("费用合计", "total expenses"),
    "ia_net_asset_change": ("净资产变动额", "change in net assets"),
}

_ACCOUNTING = (
    "《民间非营利组织会计制度》（财会〔2004〕7号）会民非01表、02表",
    "the Accounting System for Non-profit Organizations (Caikuai [2004] No. 7), statements 01 and 02",
)


def _sum_check(
    code: str, statement: Statement, total: str, parts: tuple[str, ...], params: CheckParameters
) -> list[Flag]:
    stated = statement.get(total)
    if stated is None or not any(code in statement for code in parts):
        return []
    # a line left empty counts as 0 once any line of the total is filled in (as the form does)
    computed = sum((statement.get(code, Decimal(0)) for code in parts), Decimal(0))
    if abs(stated - computed) <= params.tolerance:
        return []
    zh, en = _NAMES[total]
    return [
        Flag(
            code,
            "warning",
            f"{zh}（{_yuan(stated)}元）与各分项之和（{_yuan(computed)}元）不符，相差{_yuan(stated - computed)}元"
            f"（{_ACCOUNTING[0]}）",
            f"The {en} ({_yuan(stated)} yuan) differs from the sum of its items ({_yuan(computed)} yuan) "
            f"by {_yuan(stated - computed)} yuan ({_ACCOUNTING[1]})",
            {total: stated, "computed": computed},
        )
    ]


# --- consistency ----------------------------------------------------------------------------------


def check_balance(statement: Statement, previous: Statement | None, facts: OrgFacts,
                  params: CheckParameters) -> list[Flag]:  # fmt: skip
    """资产总计 = 负债和净资产总计; 负债和净资产总计 = 负债合计 + 净资产合计."""
    flags: list[Flag] = []
    pair = _all(statement, "bs_total_assets", "bs_total_liabilities_and_net_assets")
    if pair is not None and abs(pair[0] - pair[1]) > params.tolerance:
        flags.append(
            Flag(
                "balance_sheet_unbalanced",
                "warning",
                f"资产总计（{_yuan(pair[0])}元）不等于负债和净资产总计（{_yuan(pair[1])}元）（{_ACCOUNTING[0]}）",
                f"Total assets ({_yuan(pair[0])} yuan) do not equal total liabilities and net assets "
                f"({_yuan(pair[1])} yuan) ({_ACCOUNTING[1]})",
                {"bs_total_assets": pair[0], "bs_total_liabilities_and_net_assets": pair[1]},
            )
        )
    flags += _sum_check(
        "liabilities_and_net_assets_sum", statement, "bs_total_liabilities_and_net_assets",
        ("bs_total_liabilities", "bs_total_net_assets"), params,
    )  # fmt: skip
    return flags


def check_subtotals(statement: Statement, previous: Statement | None, facts: OrgFacts,
                    params: CheckParameters) -> list[Flag]:  # fmt: skip
    """资产总计, 负债合计, 净资产合计, 收入合计 and 费用合计 are the sums of their items (an empty item
    counts as 0 once any item of the total is filled in; a total without any item is not checked)."""
    return [
        *_sum_check(
            "total_assets_sum", statement, "bs_total_assets",
            ("bs_current_assets", "bs_long_term_investments", "bs_fixed_assets", "bs_intangible_assets",
             "bs_entrusted_assets"), params,
        ),
        *_sum_check(
            "total_liabilities_sum", statement, "bs_total_liabilities",
            ("bs_current_liabilities", "bs_long_term_liabilities", "bs_entrusted_liabilities"), params,
        ),
        *_sum_check(
            "net_assets_sum", statement, "bs_total_net_assets",
            ("bs_unrestricted_net_assets", "bs_restricted_net_assets"), params,
        ),
        *_sum_check(
            "total_income_sum", statement, "ia_total_income",
            ("ia_donation", "ia_membership_fees", "ia_service", "ia_sales", "ia_government_grants",
             "ia_investment", "ia_other_income"), params,
        ),
        *_sum_check(
            "total_expenses_sum", statement, "ia_total_expenses",
            ("ia_program_costs", "ia_management_expenses", "ia_fundraising_expenses", "ia_other_expenses"),
            params,
        ),
    ]  # fmt: skip


def check_net_asset_change(statement: Statement, previous: Statement | None, facts: OrgFacts,
                           params: CheckParameters) -> list[Flag]:  # fmt: skip
    """净资产变动额 = 收入合计 − 费用合计; and last year's 净资产合计 + 净资产变动额 = this year's."""
    flags: list[Flag] = []
    values = _all(statement, "ia_net_asset_change", "ia_total_income", "ia_total_expenses")
    if values is not None:
        change, income, expenses = values
        if abs(change - (income - expenses)) > params.tolerance:
            flags.append(
                Flag(
                    "net_asset_change_mismatch",
                    "warning",
                    f"净资产变动额（{_yuan(change)}元）不等于收入合计减费用合计（{_yuan(income - expenses)}元）"
                    f"（{_ACCOUNTING[0]}）",
                    f"The change in net assets ({_yuan(change)} yuan) is not total income less total "
                    f"expenses ({_yuan(income - expenses)} yuan) ({_ACCOUNTING[1]})",
                    {"ia_net_asset_change": change, "computed": income - expenses},
                )
            )
    if previous is not None:
        opening = previous.get("bs_total_net_assets")
        now = _all(statement, "bs_total_net_assets", "ia_net_asset_change")
        if opening is not None and now is not None and abs(opening + now[1] - now[0]) > params.tolerance:
            flags.append(
                Flag(
                    "net_assets_roll_forward",
                    "info",
                    f"上年末净资产（{_yuan(opening)}元）加本年净资产变动额（{_yuan(now[1])}元）不等于本年末净资产"
                    f"（{_yuan(now[0])}元），请核对是否有以前年度调整（{_ACCOUNTING[0]}）",
                    f"Last year's closing net assets ({_yuan(opening)} yuan) plus this year's change "
                    f"({_yuan(now[1])} yuan) do not give this year's net assets ({_yuan(now[0])} yuan); "
                    f"check for prior-year adjustments ({_ACCOUNTING[1]})",
                    {"previous_bs_total_net_assets": opening, "ia_net_asset_change": now[1],
                     "bs_total_net_assets": now[0]},
                )
            )  # fmt: skip
    return flags


# --- legal limits: foundations and charities --------------------------------------------------------

_FOUNDATION_LAW = (
    "《基金会管理条例》（国务院令第400号）第二十九条",
    "Article 29 of the Regulations on the Management of Foundations (State Council Decree No. 400)",
)
_CHARITY_LAW = (
    "《中华人民共和国慈善法》第六十一条",
    "Article 61 of the Charity Law of the People's Republic of China",
)
_CHARITY_RULES = (
    "民政部 财政部 国家税务总局《关于慈善组织开展慈善活动年度支出和管理费用的规定》",
    "the Provisions on the Annual Expenditure on Charitable Activities and Management Expenses of Charitable Organizations (Ministry of Civil Affairs, Ministry of Finance, State Taxation Administration, 2016)",
)


def _prior(statement: Statement | None, code: str, fallback: Decimal | None) -> Decimal | None:
    if statement is not None and statement.get(code) is not None:
        return statement[code]
    return fallback


def check_foundation_ratios(statement: Statement, previous: Statement | None, facts: OrgFacts,
                            params: CheckParameters) -> list[Flag]:  # fmt: skip
    """基金会管理条例 第二十九条, for a foundation that is not a charity.

    公益事业支出 (``charitable_expenditure``) against the previous year's 收入合计 (公募) or 净资产合计
    at the end of the previous year (非公募, 基金余额); 工作人员工资福利和行政办公支出 against this year's
    费用合计. The report holds the wages (``staff_compensation``) and 管理费用, not 行政办公支出 on its
    own: the check uses the larger of the two, a lower bound of their sum, so it flags only what
    certainly exceeds the limit.
    """
    if facts.org_type != _FOUNDATION or facts.is_charity:
        return []
    flags: list[Flag] = []
    spent = statement.get("charitable_expenditure")
    if facts.public_fundraising:
        base = _prior(previous, "ia_total_income", facts.prior_total_income)
        limit, zh_base, en_base = (
            params.foundation_public_min,
            "上一年总收入",
            "the previous year's total income",
        )
        kind_zh, kind_en = "公募基金会", "a public-fundraising foundation"
    else:
        base = _prior(previous, "bs_total_net_assets", facts.prior_net_assets)
        limit, zh_base, en_base = (
            params.foundation_nonpublic_min,
            "上一年基金余额",
            "the previous year's fund balance",
        )
        kind_zh, kind_en = "非公募基金会", "a non-public-fundraising foundation"
    if spent is not None and base is not None and base > 0 and spent < base * limit:
        flags.append(
            Flag(
                "foundation_public_benefit_ratio",
                "high",
                f"{kind_zh}公益事业支出（{_yuan(spent)}元）占{zh_base}（{_yuan(base)}元）的{_pct(_ratio(spent, base))}，"
                f"低于{_pct(limit)}（{_FOUNDATION_LAW[0]}）",
                f"The public-benefit expenditure of {kind_en} ({_yuan(spent)} yuan) is "
                f"{_pct(_ratio(spent, base))} of {en_base} ({_yuan(base)} yuan), below {_pct(limit)} "
                f"({_FOUNDATION_LAW[1]})",
                {"charitable_expenditure": spent, "base": base, "ratio": _ratio(spent, base), "limit": limit},
            )
        )
    total = statement.get("ia_total_expenses")
    parts = [
        v
        for v in (statement.get("staff_compensation"), statement.get("ia_management_expenses"))
        if v is not None
    ]
    if total is not None and total > 0 and parts:
        admin = max(parts)
        if admin > total * params.foundation_admin_max:
            flags.append(
                Flag(
                    "foundation_admin_ratio",
                    "high",
                    f"工作人员工资福利和行政办公支出至少{_yuan(admin)}元，占当年总支出（{_yuan(total)}元）的"
                    f"{_pct(_ratio(admin, total))}，超过{_pct(params.foundation_admin_max)}（{_FOUNDATION_LAW[0]}）",
                    f"Staff pay and administrative office expenditure of at least {_yuan(admin)} yuan is "
                    f"{_pct(_ratio(admin, total))} of the year's total expenditure ({_yuan(total)} yuan), "
                    f"above {_pct(params.foundation_admin_max)} ({_FOUNDATION_LAW[1]})",
                    {"admin": admin, "ia_total_expenses": total, "ratio": _ratio(admin, total),
                     "limit": params.foundation_admin_max},
                )
            )  # fmt: skip
    return flags


def charity_limits(facts: OrgFacts, prior_net_assets: Decimal | None,
                   params: CheckParameters) -> tuple[str, Decimal, Decimal, Decimal | None, str, str] | None:  # fmt: skip
    """The charity's limits: (base: ``income`` or ``net_assets``, minimum expenditure ratio, maximum
    management ratio, extra minimum ratio of the previous year's income or None, basis zh, basis en);
    None when not a charity, or when the band cannot be chosen (net assets unknown)."""
    if not facts.is_charity:
        return None
    foundation = facts.org_type == _FOUNDATION
    if facts.public_fundraising:
        low, high = params.charity_public_foundation if foundation else params.charity_public_other
        basis = (
            _CHARITY_LAW
            if foundation
            else (f"{_CHARITY_RULES[0]}第七条", f"Article 7 of {_CHARITY_RULES[1]}")
        )
        return "income", low, high, None, basis[0], basis[1]
    if prior_net_assets is None:
        return None
    bands = params.charity_bands_foundation if foundation else params.charity_bands_other
    band = next(b for b in bands if prior_net_assets >= b.floor)
    article = ("第八条", "Article 8") if foundation else ("第九条", "Article 9")
    return ("net_assets", band.min_ratio, band.max_management, band.min_income_ratio,
            f"{_CHARITY_RULES[0]}{article[0]}", f"{article[1]} of {_CHARITY_RULES[1]}")  # fmt: skip


def check_charity_ratios(statement: Statement, previous: Statement | None, facts: OrgFacts,
                         params: CheckParameters) -> list[Flag]:  # fmt: skip
    """慈善法 第六十一条 and the 2016 规定 第七条至第十一条, for a charity.

    年度慈善活动支出 (``charitable_expenditure``) at least a share of the previous year's 收入合计 (with
    public fundraising) or of net assets at the end of the previous year (without, by band; the
    smallest band of 第九条 also a share of the previous year's income); 管理费用 at most a share of
    this year's 费用合计, unless 管理费用 is below the exemption amount (第十一条). The three-year
    averages the 规定 (第十条) also allows are not in one report: a flag says it may be met by them.
    """
    prior_income = _prior(previous, "ia_total_income", facts.prior_total_income)
    prior_assets = _prior(previous, "bs_total_net_assets", facts.prior_net_assets)
    limits = charity_limits(facts, prior_assets, params)
    if limits is None:
        return []
    base_kind, low, high, income_low, basis_zh, basis_en = limits
    flags: list[Flag] = []
    spent = statement.get("charitable_expenditure")
    average_zh = "；如按前三年平均数计算符合要求，请在审核意见中说明"
    average_en = "; if the three-year average meets the limit, say so in the review"
    tests: list[tuple[Decimal | None, Decimal, str, str]] = []
    if base_kind == "income":
        tests.append((prior_income, low, "上年总收入", "the previous year's total income"))
    else:
        tests.append((prior_assets, low, "上年末净资产", "net assets at the end of the previous year"))
        if income_low is not None:
            tests.append((prior_income, income_low, "上年总收入", "the previous year's total income"))
    for base, limit, zh_base, en_base in tests:
        if spent is None or base is None or base <= 0 or spent >= base * limit:
            continue
        flags.append(
            Flag(
                "charity_expenditure_ratio",
                "high",
                f"年度慈善活动支出（{_yuan(spent)}元）占{zh_base}（{_yuan(base)}元）的{_pct(_ratio(spent, base))}，"
                f"低于{_pct(limit)}（{basis_zh}）{average_zh}",
                f"The year's charitable-activity expenditure ({_yuan(spent)} yuan) is "
                f"{_pct(_ratio(spent, base))} of {en_base} ({_yuan(base)} yuan), below {_pct(limit)} "
                f"({basis_en}){average_en}",
                {"charitable_expenditure": spent, "base": base, "ratio": _ratio(spent, base), "limit": limit},
            )
        )
    management, total = statement.get("ia_management_expenses"), statement.get("ia_total_expenses")
    if (
        management is not None and total is not None and total > 0
        and management >= params.charity_management_exempt and management > total * high
    ):  # fmt: skip
        flags.append(
            Flag(
                "charity_management_ratio",
                "high",
                f"年度管理费用（{_yuan(management)}元）占当年总支出（{_yuan(total)}元）的{_pct(_ratio(management, total))}，"
                f"超过{_pct(high)}（{basis_zh}）",
                f"The year's management expenses ({_yuan(management)} yuan) are "
                f"{_pct(_ratio(management, total))} of the year's total expenditure ({_yuan(total)} yuan), "
                f"above {_pct(high)} ({basis_en})",
                {"ia_management_expenses": management, "ia_total_expenses": total,
                 "ratio": _ratio(management, total), "limit": high},
            )
        )  # fmt: skip
    return flags


# --- attention ------------------------------------------------------------------------------------

_DESIGN = ("登记管理机关审核关注事项", "a point for the reviewer's attention")


def check_year_on_year(statement: Statement, previous: Statement | None, facts: OrgFacts,
                       params: CheckParameters) -> list[Flag]:  # fmt: skip
    """收入合计 or 费用合计 changed by more than the profile's share since the previous year
    (previous year's figure at least the minimum base)."""
    if previous is None:
        return []
    flags: list[Flag] = []
    for code, kind in (("ia_total_income", "income"), ("ia_total_expenses", "expenses")):
        now, before = statement.get(code), previous.get(code)
        if now is None or before is None or before <= 0 or before < params.yoy_min_base:
            continue
        change = _ratio(now - before, before)
        if abs(change) > params.yoy_change_ratio:
            zh, en = _NAMES[code]
            word_zh = "增加" if change > 0 else "减少"
            word_en = "rose" if change > 0 else "fell"
            flags.append(
                Flag(
                    f"yoy_{kind}_change",
                    "info",
                    f"{zh}由上年{_yuan(before)}元{word_zh}至{_yuan(now)}元（{_pct(abs(change))}），请核实原因（{_DESIGN[0]}）",
                    f"The {en} {word_en} from {_yuan(before)} yuan last year to {_yuan(now)} yuan "
                    f"({_pct(abs(change))}); check why ({_DESIGN[1]})",
                    {
                        code: now,
                        f"previous_{code}": before,
                        "ratio": change,
                        "limit": params.yoy_change_ratio,
                    },
                )
            )
    return flags


def _scale(statement: Statement) -> Decimal | None:
    values = [
        v for v in (statement.get("ia_total_income"), statement.get("ia_total_expenses")) if v is not None
    ]
    return max(values) if values else None


def check_related_party(statement: Statement, previous: Statement | None, facts: OrgFacts,
                        params: CheckParameters) -> list[Flag]:  # fmt: skip
    """关联交易: any related-party amount is noted; above the profile's share of the year's income or
    expenses (the larger) it is a warning."""
    amount = statement.get("related_party_amount")
    if amount is None or amount <= 0:
        return []
    scale = _scale(statement)
    heavy = scale is not None and scale > 0 and amount > scale * params.related_party_ratio
    share_zh = f"，占收入或费用合计的{_pct(_ratio(amount, scale))}" if scale else ""
    share_en = f", {_pct(_ratio(amount, scale))} of total income or expenses" if scale else ""
    return [
        Flag(
            "related_party",
            "warning" if heavy else "info",
            f"报告关联交易{_yuan(amount)}元{share_zh}，请核对关联方名单及交易的公允性和信息公开情况（{_DESIGN[0]}；"
            f"慈善组织另见《慈善组织信息公开办法》关于重要关联方交易公开的规定）",
            f"Related-party transactions of {_yuan(amount)} yuan are reported{share_en}; check the list of "
            f"related parties, the fairness of the terms and their disclosure ({_DESIGN[1]}; for charities "
            f"see also the Measures for Information Disclosure by Charitable Organizations)",
            {"related_party_amount": amount, **({"scale": scale} if scale is not None else {})},
        )
    ]


def check_overseas(statement: Statement, previous: Statement | None, facts: OrgFacts,
                   params: CheckParameters) -> list[Flag]:  # fmt: skip
    """境外资金: money received from or spent abroad at or above the profile's amount (0: any)."""
    flags: list[Flag] = []
    for code, zh, en in (("overseas_income", "境外资金收入", "income from abroad"),
                         ("overseas_expenditure", "境外支出", "expenditure abroad")):  # fmt: skip
        amount = statement.get(code)
        if amount is None or amount <= 0 or amount < params.overseas_min:
            continue
        flags.append(
            Flag(
                code,
                "info",
                f"报告{zh}{_yuan(amount)}元，请核对资金来源或去向及有关手续（{_DESIGN[0]}）",
                f"{en[0].upper()}{en[1:]} of {_yuan(amount)} yuan is reported; check its source or "
                f"destination and the formalities ({_DESIGN[1]})",
                {code: amount},
            )
        )
    return flags


def check_large_transaction(statement: Statement, previous: Statement | None, facts: OrgFacts,
                            params: CheckParameters) -> list[Flag]:  # fmt: skip
    """单笔大额交易: the largest single transaction at least the profile's amount and above its share
    of the year's income or expenses (the larger)."""
    amount = statement.get("largest_transaction")
    scale = _scale(statement)
    if amount is None or amount < params.large_transaction_min or scale is None or scale <= 0:
        return []
    if amount <= scale * params.large_transaction_ratio:
        return []
    return [
        Flag(
            "large_transaction",
            "warning",
            f"单笔最大交易{_yuan(amount)}元，占收入或费用合计的{_pct(_ratio(amount, scale))}，请核对交易内容及决策程序"
            f"（{_DESIGN[0]}）",
            f"The largest single transaction, {_yuan(amount)} yuan, is {_pct(_ratio(amount, scale))} of "
            f"total income or expenses; check what it was and how it was decided ({_DESIGN[1]})",
            {"largest_transaction": amount, "scale": scale, "ratio": _ratio(amount, scale),
             "limit": params.large_transaction_ratio},
        )
    ]  # fmt: skip


CHECKS: Final[tuple[Check, ...]] = (
    Check("balance", check_balance, "资产负债表平衡", "Balance sheet balances"),
    Check("subtotals", check_subtotals, "合计数与分项之和", "Totals equal their items"),
    Check("net_asset_change", check_net_asset_change, "净资产变动", "Change in net assets"),
    Check("foundation_ratios", check_foundation_ratios, "基金会支出比例", "Foundation expenditure ratios"),
    Check(
        "charity_ratios",
        check_charity_ratios,
        "慈善组织支出和管理费用比例",
        "Charity expenditure and management ratios",
    ),
    Check("year_on_year", check_year_on_year, "收支同比变动", "Year-on-year change"),
    Check("related_party", check_related_party, "关联交易", "Related-party transactions"),
    Check("overseas", check_overseas, "境外资金", "Money from or to abroad"),
    Check("large_transaction", check_large_transaction, "单笔大额交易", "Large single transaction"),
)
"""The automatic checks, in the order their flags are listed."""

FLAG_CODES: Final = (
    "balance_sheet_unbalanced", "liabilities_and_net_assets_sum", "total_assets_sum", "total_liabilities_sum",
    "net_assets_sum", "total_income_sum", "total_expenses_sum", "net_asset_change_mismatch",
    "net_assets_roll_forward", "foundation_public_benefit_ratio", "foundation_admin_ratio",
    "charity_expenditure_ratio", "charity_management_ratio", "yoy_income_change", "yoy_expenses_change",
    "related_party", "overseas_income", "overseas_expenditure", "large_transaction",
)  # fmt: skip
"""Every code a flag may carry (for filters and their labels)."""

FLAG_TITLES: Final = {
    "balance_sheet_unbalanced": ("资产负债表不平衡", "Balance sheet does not balance"),
    "liabilities_and_net_assets_sum": ("负债和净资产总计不符", "Liabilities and net assets total wrong"),
    "total_assets_sum": ("资产总计不符", "Total assets wrong"),
    "total_liabilities_sum": ("负债合计不符", "Total liabilities wrong"),
    "net_assets_sum": ("净资产合计不符", "Total net assets wrong"),
    "total_income_sum": ("收入合计不符", "Total income wrong"),
    "total_expenses_sum": ("费用合计不符", "Total expenses wrong"),
    "net_asset_change_mismatch": ("净资产变动额不符", "Change in net assets wrong"),
    "net_assets_roll_forward": ("净资产与上年不衔接", "Net assets do not follow from last year"),
    "foundation_public_benefit_ratio": ("基金会公益支出不足", "Foundation public-benefit spending too low"),
    "foundation_admin_ratio": ("基金会工资和行政支出超限", "Foundation pay and office costs too high"),
    "charity_expenditure_ratio": ("慈善活动支出不足", "Charitable spending too low"),
    "charity_management_ratio": ("管理费用超限", "Management expenses too high"),
    "yoy_income_change": ("收入大幅变动", "Income changed sharply"),
    "yoy_expenses_change": ("费用大幅变动", "Expenses changed sharply"),
    "related_party": ("关联交易", "Related-party transactions"),
    "overseas_income": ("境外资金收入", "Income from abroad"),
    "overseas_expenditure": ("境外支出", "Expenditure abroad"),
    "large_transaction": ("单笔大额交易", "Large single transaction"),
}
"""Short names of the flag codes for filters and badges (Chinese, English)."""


def run_checks(
    statement: Statement, previous: Statement | None, facts: OrgFacts, params: CheckParameters
) -> list[Flag]:
    """Every check's flags, in the order of ``CHECKS``."""
    flags: list[Flag] = []
    for check in CHECKS:
        flags.extend(check.function(statement, previous, facts, params))
    return flags


def worst(flags: list[Flag]) -> Severity | None:
    """The most severe flag's severity, or None without flags."""
    if not flags:
        return None
    return max((f.severity for f in flags), key=SEVERITIES.index)
