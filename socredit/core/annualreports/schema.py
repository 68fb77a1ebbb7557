"""年度工作报告的结构 — the shape of a social organization's annual work report.

A report is about one year N and is filed by the organization with its registration authority
(登记管理机关) after the year has ended. It has sections of plain facts (``FIELDS``, stored as a
mapping of field code → value) and the financial statements (``FIGURES``: one Decimal in yuan with
two places per code; a missing code is "not reported"). The figure codes are a contract with the
apps that import, export and check reports: codes may be added, never renamed.

The statements follow 《民间非营利组织会计制度》: 资产负债表 (会民非01表) and 业务活动表 (会民非02表,
the total column, 非限定性 + 限定性). ``TOTALS`` are the sub-totals of those forms, which
``validation`` checks add up; ``BALANCE`` is the identity 资产总计 = 负债和净资产总计.

What of a report is public (``disclosure``) depends on the organization:

- 基金会 publish the whole annual work report: 《基金会信息公布办法》（民政部令第31号）第四条 lists
  the annual work report among the information a foundation publishes, and 第五条 has it published
  in full and in summary within 30 days after the registration authority has reviewed it.
- 慈善组织 (whatever their legal form) publish their annual work report and financial accounting
  report every year: 《中华人民共和国慈善法》 (chapter 信息公开) and 《慈善组织信息公开办法》
  （民政部令第81号, in force 2026-01-01).
- 社会团体 and 社会服务机构 that are not charities: 《社会组织信用信息管理办法》（民政部令第60号）
  第六条、第七条 make 年报信息 — the information of the annual work report that is to be made
  public — part of their credit information, without a list of its items. Which fields those are is
  a design default here (basic facts, activities, meetings, head counts and the statements' totals);
  rules.md has no item for it (UNVERIFIED).

Whoever the organization is, the contact person's name and telephone number are never published
(personal information, which the authority keeps confidential: 60号令 第四条、第五条, rules.md R1.2).

The audit report is a required attachment for foundations (《基金会年度检查办法》第四条: the annual
work report includes the certified public accountant's audit report) and for charities qualified for
public fundraising (《慈善组织信息公开办法》（民政部令第81号）: their annual financial accounting
report must be audited).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from socredit.core.types import Labelled, OrgType


def pick(zh: str, en: str, language: str | None) -> str:
    """The Chinese or the English text, by the active language (Chinese unless English)."""
    return en if (language or "").startswith("en") else zh


# --- states, results, channels ------------------------------------------------------------------


class ReportState(Labelled):
    """年报状态."""

    DRAFT = ("draft", "草稿", "Draft")
    SUBMITTED = ("submitted", "已提交，待审核", "Submitted, awaiting review")
    RETURNED = ("returned", "已退回", "Returned for correction")
    CONCLUDED = ("concluded", "已办结", "Concluded")


EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
"""The organization may change its report only while it is a draft or has been returned to it."""


class InspectionResult(Labelled):
    """年检结论 (the conclusion of the annual inspection of the report)."""

    PASS = ("pass", "合格", "Passed")
    BASIC = ("basic", "基本合格", "Basically passed")
    FAIL = ("fail", "不合格", "Failed")

    @property
    def record_kind(self) -> str:
        """The credit-record kind the conclusion is written as (core/data/record_kinds.csv)."""
        return f"annual_inspection_{self.value}"


class Channel(Labelled):
    """报送方式."""

    ONLINE = ("online", "网上报送", "Filed online")
    PAPER = ("paper", "纸质报送", "Filed on paper")


ON_TIME_KIND, LATE_KIND, MISSING_KIND = "annual_report_on_time", "annual_report_late", "annual_report_missing"
"""The record kinds of filing timeliness (core/data/record_kinds.csv)."""


# --- the financial statements -------------------------------------------------------------------


class Statement(Labelled):
    """财务报表."""

    BALANCE_SHEET = ("balance_sheet", "资产负债表", "Balance sheet")
    ACTIVITIES = ("activities", "业务活动表", "Statement of activities")
    OTHER = ("other", "其他财务数据", "Other figures")


@dataclass(frozen=True)
class Figure:
    """One line of a statement: its code, labels, statement and whether it can be below zero."""

    code: str
    zh: str
    en: str
    statement: Statement
    may_be_negative: bool = False
    """Net assets, their change and investment income can be negative; assets, liabilities, income
    and expense lines cannot (a loss is an expense, a refund lowers an income)."""

    def label(self, language: str | None = "zh-hans") -> str:
        return pick(self.zh, self.en, language)


_BS, _IA, _OT = Statement.BALANCE_SHEET, Statement.ACTIVITIES, Statement.OTHER

FIGURES: tuple[Figure, ...] = (
    Figure("bs_cash", "货币资金", "Cash and cash equivalents", _BS),
    Figure("bs_current_assets", "流动资产合计", "Total current assets", _BS),
    Figure("bs_long_term_investments", "长期投资合计", "Total long-term investments", _BS),
    Figure("bs_fixed_assets", "固定资产合计", "Total fixed assets", _BS),
    Figure("bs_intangible_assets", "无形资产", "Intangible assets", _BS),
    Figure("bs_entrusted_assets", "受托代理资产", "Assets held as agent", _BS),
    Figure("bs_total_assets", "资产总计", "Total assets", _BS),
    Figure("bs_current_liabilities", "流动负债合计", "Total current liabilities", _BS),
    Figure("bs_long_term_liabilities", "长期负债合计", "Total long-term liabilities", _BS),
    Figure("bs_entrusted_liabilities", "受托代理负债", "Liabilities held as agent", _BS),
    Figure("bs_total_liabilities", "负债合计", "Total liabilities", _BS),
    Figure(
        "bs_unrestricted_net_assets", "非限定性净资产", "Unrestricted net assets", _BS, may_be_negative=True
    ),
    Figure("bs_restricted_net_assets", "限定性净资产", "Restricted net assets", _BS),
    Figure("bs_total_net_assets", "净资产合计", "Total net assets", _BS, may_be_negative=True),
    Figure(
        "bs_total_liabilities_and_net_assets", "负债和净资产总计", "Total liabilities and net assets", _BS
    ),
    Figure("ia_donation", "捐赠收入", "Donations", _IA),
    Figure("ia_membership_fees", "会费收入", "Membership fees", _IA),
    Figure("ia_service", "提供服务收入", "Income from services", _IA),
    Figure("ia_sales", "商品销售收入", "Sales of goods", _IA),
    Figure("ia_government_grants", "政府补助收入", "Government grants", _IA),
    Figure("ia_investment", "投资收益", "Investment income", _IA, may_be_negative=True),
    Figure("ia_other_income", "其他收入", "Other income", _IA),
    Figure("ia_total_income", "收入合计", "Total income", _IA, may_be_negative=True),
    Figure("ia_program_costs", "业务活动成本", "Program costs", _IA),
    Figure("ia_management_expenses", "管理费用", "Management expenses", _IA),
    Figure("ia_fundraising_expenses", "筹资费用", "Fundraising expenses", _IA),
    Figure("ia_other_expenses", "其他费用", "Other expenses", _IA),
    Figure("ia_total_expenses", "费用合计", "Total expenses", _IA),
    Figure("ia_net_asset_change", "净资产变动额", "Change in net assets", _IA, may_be_negative=True),
    Figure("staff_compensation", "工作人员工资福利", "Staff pay and benefits", _OT),
    Figure("charitable_expenditure", "公益事业支出（慈善活动支出）", "Charitable expenditure", _OT),
    Figure("related_party_amount", "关联交易金额", "Related-party transactions", _OT),
    Figure("overseas_income", "境外资金收入", "Income from abroad", _OT),
    Figure("overseas_expenditure", "境外支出", "Expenditure abroad", _OT),
    Figure("largest_transaction", "单笔最大交易金额", "Largest single transaction", _OT),
    Figure("public_fundraising_income", "公开募捐收入", "Public fundraising income", _OT),
)
FIGURE_BY_CODE: dict[str, Figure] = {f.code: f for f in FIGURES}
STATEMENT_FIGURES: dict[Statement, tuple[Figure, ...]] = {
    s: tuple(f for f in FIGURES if f.statement is s) for s in Statement
}


@dataclass(frozen=True)
class Total:
    """A sub-total of a form: ``total`` = sum(``parts``) − sum(``minus``)."""

    total: str
    parts: tuple[str, ...]
    minus: tuple[str, ...] = ()


TOTALS: tuple[Total, ...] = (
    Total(
        "bs_total_assets",
        (
            "bs_current_assets",
            "bs_long_term_investments",
            "bs_fixed_assets",
            "bs_intangible_assets",
            "bs_entrusted_assets",
        ),
    ),  # fmt: skip
    Total(
        "bs_total_liabilities",
        ("bs_current_liabilities", "bs_long_term_liabilities", "bs_entrusted_liabilities"),
    ),
    Total("bs_total_net_assets", ("bs_unrestricted_net_assets", "bs_restricted_net_assets")),
    Total("bs_total_liabilities_and_net_assets", ("bs_total_liabilities", "bs_total_net_assets")),
    Total(
        "ia_total_income",
        (
            "ia_donation",
            "ia_membership_fees",
            "ia_service",
            "ia_sales",
            "ia_government_grants",
            "ia_investment",
            "ia_other_income",
        ),
    ),  # fmt: skip
    Total(
        "ia_total_expenses",
        ("ia_program_costs", "ia_management_expenses", "ia_fundraising_expenses", "ia_other_expenses"),
    ),  # fmt: skip
    Total("ia_net_asset_change", ("ia_total_income",), ("ia_total_expenses",)),
)
"""The sub-totals of 会民非01表 and 会民非02表 (total column)."""

BALANCE = ("bs_total_assets", "bs_total_liabilities_and_net_assets")
"""资产总计 = 负债和净资产总计 (会民非01表)."""

PART_OF: tuple[tuple[str, str], ...] = (("bs_cash", "bs_current_assets"),)
"""(part, whole): 货币资金 is one of the current assets, never more than their total."""

REQUIRED_FIGURES: tuple[str, ...] = (
    "bs_total_assets", "bs_total_liabilities", "bs_total_net_assets", "bs_total_liabilities_and_net_assets",
    "ia_total_income", "ia_total_expenses", "ia_net_asset_change",
)  # fmt: skip
"""The totals every submitted report states (a report without them says nothing of the year's money)."""

MAX_AMOUNT = Decimal("999999999999.99")
"""The largest amount a figure holds (just under one trillion yuan: 14 digits with 2 places)."""

Amounts = Mapping[str, Decimal]
"""A report's figures in core: code → amount in yuan; a missing code is not reported."""


# --- the report's sections and fields -----------------------------------------------------------


class Section(Labelled):
    """年报的组成部分."""

    BASIC = ("basic", "基本情况及变更", "Basic facts and changes")
    ACTIVITIES = ("activities", "业务活动及项目", "Activities and projects")
    GOVERNANCE = ("governance", "内部治理", "Governance")
    PERSONNEL = ("personnel", "人员情况", "Personnel")
    EVENTS = ("events", "重大事项", "Major events")
    FINANCE = ("finance", "财务会计报告", "Financial statements")
    ATTACHMENTS = ("attachments", "附件", "Attachments")


class FieldKind(enum.Enum):
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # paragraphs
    COUNT = "count"  # a whole number, not negative
    YES_NO = "yes_no"
    CHOICE = "choice"


@dataclass(frozen=True)
class Choice:
    code: str
    zh: str
    en: str

    def label(self, language: str | None = "zh-hans") -> str:
        return pick(self.zh, self.en, language)


@dataclass(frozen=True)
class ReportField:
    """One fact of the report. ``types`` limits it to some organization types (None: every type);
    ``required`` fields must be filled in before the report can be submitted."""

    code: str
    section: Section
    zh: str
    en: str
    kind: FieldKind
    required: bool = False
    max_length: int = 0
    choices: tuple[Choice, ...] = ()
    types: frozenset[OrgType] | None = None
    help_zh: str = ""
    help_en: str = ""

    def label(self, language: str | None = "zh-hans") -> str:
        return pick(self.zh, self.en, language)

    def help(self, language: str | None = "zh-hans") -> str:
        return pick(self.help_zh, self.help_en, language)

    def applies_to(self, org_type: OrgType) -> bool:
        return self.types is None or org_type in self.types

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)


_T, _L, _N, _Y, _C = FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.COUNT, FieldKind.YES_NO, FieldKind.CHOICE
_ASSOCIATION = frozenset({OrgType.ASSOCIATION})
TEXT_MAX, LONG_TEXT_MAX = 200, 5000

PARTY_FORMS = (
    Choice("committee", "党委", "Party committee"),
    Choice("general_branch", "党总支", "General Party branch"),
    Choice("branch", "党支部", "Party branch"),
    Choice("joint_branch", "联合党支部", "Joint Party branch"),
    Choice("liaison", "党建工作指导员或联络员", "Party-building instructor or liaison"),
    Choice("none", "尚未建立", "None set up yet"),
)
AUDIT_OPINIONS = (
    Choice("unqualified", "无保留意见", "Unqualified opinion"),
    Choice("qualified", "保留意见", "Qualified opinion"),
    Choice("adverse", "否定意见", "Adverse opinion"),
    Choice("disclaimer", "无法表示意见", "Disclaimer of opinion"),
    Choice("not_audited", "未经审计", "Not audited"),
)

FIELDS: tuple[ReportField, ...] = (
    # 基本情况及变更
    ReportField("legal_representative", Section.BASIC, "法定代表人", "Legal representative", _T, True, TEXT_MAX),
    ReportField("residence", Section.BASIC, "住所", "Registered address", _T, True, TEXT_MAX),
    ReportField("contact_person", Section.BASIC, "联系人", "Contact person", _T, True, 50),
    ReportField("contact_phone", Section.BASIC, "联系电话", "Contact telephone", _T, True, 30),
    ReportField("charity_organization", Section.BASIC, "是否为慈善组织", "Registered or recognized as a charity",
                _Y, True, help_zh="经民政部门登记或者认定为慈善组织的，选“是”。",
                help_en="Yes if the civil-affairs department registered or recognized the organization as a charity."),
    ReportField("public_fundraising", Section.BASIC, "是否具有公开募捐资格", "Qualified for public fundraising", _Y,
                True),
    ReportField("changes", Section.BASIC, "本年度登记、备案事项变更情况", "Changes of registered or filed matters this year",
                _L, False, LONG_TEXT_MAX, help_zh="名称、住所、法定代表人、章程、业务范围等的变更及办理情况；没有变更的写“无”。",
                help_en="Changes of name, address, legal representative, charter, scope and how they were handled; "
                        "write “none” if nothing changed."),
    # 业务活动及项目
    ReportField("activities_summary", Section.ACTIVITIES, "本年度业务活动情况", "This year's activities", _L, True,
                LONG_TEXT_MAX),
    ReportField("projects", Section.ACTIVITIES, "主要项目及实施情况", "Main projects and how they went", _L, False,
                LONG_TEXT_MAX),
    ReportField("donations_summary", Section.ACTIVITIES, "接受捐赠、开展募捐及提供资助情况",
                "Donations received, fundraising and grants made", _L, False, LONG_TEXT_MAX),
    # 内部治理
    ReportField("general_meetings", Section.GOVERNANCE, "会员（代表）大会召开次数", "General meetings of members held", _N,
                True, types=_ASSOCIATION),
    ReportField("council_meetings", Section.GOVERNANCE, "理事会召开次数", "Council meetings held", _N, True),
    ReportField("supervisory_meetings", Section.GOVERNANCE, "监事会召开次数", "Supervisory board meetings held", _N),
    ReportField("election_held", Section.GOVERNANCE, "本年度是否换届", "Leadership elected this year", _Y, True),
    ReportField("election_notes", Section.GOVERNANCE, "换届选举情况", "How the election went", _L, False,
                LONG_TEXT_MAX),
    ReportField("party_organization", Section.GOVERNANCE, "党组织建立情况", "Party organization", _C, True,
                choices=PARTY_FORMS),
    ReportField("party_building_in_charter", Section.GOVERNANCE, "党建工作是否写入章程",
                "Party building written into the charter", _Y, True),
    # 人员情况
    ReportField("staff_total", Section.PERSONNEL, "专职工作人员人数", "Full-time staff", _N, True),
    ReportField("volunteers", Section.PERSONNEL, "志愿者人数", "Volunteers", _N),
    ReportField("council_members", Section.PERSONNEL, "理事人数", "Council members", _N, True),
    ReportField("members_individual", Section.PERSONNEL, "个人会员数", "Individual members", _N, True,
                types=_ASSOCIATION),
    ReportField("members_unit", Section.PERSONNEL, "单位会员数", "Member organizations", _N, True, types=_ASSOCIATION),
    # 重大事项
    ReportField("major_events", Section.EVENTS, "重大事项报告情况", "Major matters reported", _L, False, LONG_TEXT_MAX,
                help_zh="重大活动、重大投资、涉外活动等及向登记管理机关报告的情况；没有的写“无”。",
                help_en="Major activities, investments, activities abroad and how they were reported; "
                        "write “none” if there were none."),
    ReportField("rewards_penalties", Section.EVENTS, "受到表彰奖励或者行政处罚情况",
                "Commendations received or penalties imposed", _L, False, LONG_TEXT_MAX),
    ReportField("branches", Section.EVENTS, "分支机构、代表机构情况", "Branches and representative offices", _L, False,
                LONG_TEXT_MAX),
    # 财务会计报告 (besides the figures)
    ReportField("audit_firm", Section.FINANCE, "审计机构", "Audit firm", _T, False, TEXT_MAX),
    ReportField("audit_opinion", Section.FINANCE, "审计意见类型", "Audit opinion", _C, True, choices=AUDIT_OPINIONS),
)  # fmt: skip
FIELD_BY_CODE: dict[str, ReportField] = {f.code: f for f in FIELDS}


def fields_for(org_type: OrgType, section: Section | None = None) -> tuple[ReportField, ...]:
    """The fields an organization of ``org_type`` fills in (in one section, or all)."""
    return tuple(f for f in FIELDS if f.applies_to(org_type) and (section is None or f.section is section))


def yes(value: object) -> bool:
    """A stored yes/no answer (True, "yes", "true", "1") read as a bool."""
    return value is True or str(value).lower() in {"yes", "true", "1"}


# --- attachments --------------------------------------------------------------------------------


class AttachmentKind(Labelled):
    """附件种类."""

    AUDIT_REPORT = ("audit_report", "审计报告", "Audit report")
    STATEMENTS = ("statements", "财务报表（盖章扫描件）", "Financial statements (stamped scan)")
    OTHER = ("other", "其他材料", "Other material")


@dataclass(frozen=True)
class AuditRequirement:
    required: bool
    basis: str = ""
    """The instrument that requires it, as a reader sees it (title, number, article)."""


def audit_requirement(org_type: OrgType, *, charity: bool, public_fundraising: bool) -> AuditRequirement:
    """Whether the report must come with an auditor's report, and why."""
    if org_type is OrgType.FOUNDATION:
        return AuditRequirement(True, "《基金会年度检查办法》第四条")
    if charity and public_fundraising:
        return AuditRequirement(True, "《慈善组织信息公开办法》（民政部令第81号）")
    return AuditRequirement(False)


# --- what is public -----------------------------------------------------------------------------


NEVER_PUBLIC_FIELDS = frozenset({"contact_person", "contact_phone"})
"""Personal information (60号令 第四条、第五条; rules.md R1.2): never published, whoever files."""

SUMMARY_PUBLIC_FIELDS = frozenset({
    "legal_representative", "residence", "charity_organization", "changes", "activities_summary", "projects",
    "general_meetings", "council_meetings", "election_held", "staff_total", "volunteers", "members_individual",
    "members_unit",
})  # fmt: skip
"""年报信息 of a 社会团体 / 社会服务机构 that is not a charity (design default: rules.md has no item;
UNVERIFIED): its basic facts, activities, meetings and head counts."""

SUMMARY_PUBLIC_FIGURES = frozenset({
    "bs_total_assets", "bs_total_liabilities", "bs_total_net_assets", "ia_total_income", "ia_total_expenses",
    "ia_net_asset_change",
})  # fmt: skip
"""…and the totals of its statements (same design default)."""

FOUNDATION_BASIS = ("《基金会信息公布办法》（民政部令第31号）第四条、第五条",)
CHARITY_BASIS = ("《中华人民共和国慈善法》", "《慈善组织信息公开办法》（民政部令第81号）")
SUMMARY_BASIS = ("《社会组织信用信息管理办法》（民政部令第60号）第六条、第七条",)


@dataclass(frozen=True)
class Disclosure:
    """What of one organization's report is published, and on what basis."""

    whole_report: bool
    fields: frozenset[str]
    figures: frozenset[str]
    attachments: frozenset[AttachmentKind] = field(default_factory=frozenset)
    basis: tuple[str, ...] = ()

    def field_public(self, code: str) -> bool:
        return code in self.fields

    def figure_public(self, code: str) -> bool:
        return code in self.figures


def disclosure(org_type: OrgType, *, charity: bool) -> Disclosure:
    """公开范围 — which fields, figures and attachments of the report of an organization of
    ``org_type`` (``charity``: registered or recognized as a 慈善组织) are published.

    Foundations and charities: the whole report (the audit report with it), but the contact person's
    personal data. Others: 年报信息 (the design default of ``SUMMARY_PUBLIC_*``).
    """
    every_field = frozenset(f.code for f in FIELDS if f.applies_to(org_type)) - NEVER_PUBLIC_FIELDS
    if org_type is OrgType.FOUNDATION or charity:
        basis = (FOUNDATION_BASIS if org_type is OrgType.FOUNDATION else ()) + (
            CHARITY_BASIS if charity else ()
        )
        return Disclosure(
            whole_report=True,
            fields=every_field,
            figures=frozenset(FIGURE_BY_CODE),
            attachments=frozenset({AttachmentKind.AUDIT_REPORT, AttachmentKind.STATEMENTS}),
            basis=basis,
        )
    return Disclosure(
        whole_report=False,
        fields=every_field & SUMMARY_PUBLIC_FIELDS,
        figures=SUMMARY_PUBLIC_FIGURES,
        basis=SUMMARY_BASIS,
    )
