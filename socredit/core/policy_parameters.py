"""The parameters a policy profile may state (政策参数登记表): type, range, meaning and whether required.

Split from ``socredit.core.policy`` (which re-exports every name here) so that the registry, which
grows with each rule the engines learn, does not crowd the loading and selection code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple

TAGS = ("VERIFIED", "SECONDARY", "DRAFT-ONLY", "UNVERIFIED")
"""Status tags of rules.md: read in the instrument / secondary material / 2017 draft only / no text seen."""

TAG_NAMES = {
    "VERIFIED": "已核实",
    "SECONDARY": "二手资料",
    "DRAFT-ONLY": "仅见征求意见稿",
    "UNVERIFIED": "未核实",
}

ParamType = Literal["int", "float", "bool", "str", "list[str]"]
ParamValue = int | float | bool | str | tuple[str, ...]

_TYPE_NAMES = {
    "int": "整数",
    "float": "数值",
    "bool": "布尔值（true/false）",
    "str": "文本",
    "list[str]": "文本列表",
}
_PARAM_KEYS = {"value", "item", "tag", "note"}

DISHONESTY_CODES = ("minor", "general", "grave", "serious")
"""Codes of ``socredit.core.types.DishonestyClass``: 轻微, 一般, 较重, 严重."""
LEVELS = ("A", "B", "C", "D")
GRADE_KINDS = ("grade_5a", "grade_4a", "grade_3a", "grade_2a", "grade_1a")
RETENTION_END_ACTIONS = ("erase", "archive")
"""What happens to a person's listing when its retention ends (``persons.retention_end_action``)."""
ANNUAL_REPORT_FILERS = {
    "association": "社会团体",
    "service_institution": "社会服务机构",
    "foundation": "基金会",
    "charity": "慈善组织",
}
"""Who files an annual work report on which schedule (``annual_report.deadline_<kind>``): the three
types of organization, and the charities (登记或者认定为慈善组织的), which follow their own."""
LIST_FIELDS = ("name", "uscc", "listed_on", "reason", "authority", "removed_on", "removal_reason")


class ParameterSpec(NamedTuple):
    """What a parameter is: its type, range (inclusive, numbers only) and meaning."""

    type: ParamType
    min: float | None
    max: float | None
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    """For ``str``: the allowed values; for ``list[str]``: the allowed elements."""


def _p(
    type_: ParamType,
    low: float | None,
    high: float | None,
    description: str,
    *,
    required: bool = True,
    choices: tuple[str, ...] = (),
) -> ParameterSpec:
    return ParameterSpec(type_, low, high, description, required, choices)


_DAYS = 366
_WD = 60  # no legal deadline in working days is longer than about three months

PARAMETERS: Mapping[str, ParameterSpec] = MappingProxyType(
    {
        # --- recording -----------------------------------------------------------------------
        "records.entry_working_days": _p("int", 1, _WD, "信用信息形成或获取后录入系统的期限（工作日）"),
        # --- lists: common -----------------------------------------------------------------------
        "lists.notice.required": _p("bool", None, None, "列入名录/名单前须书面告知事实、理由、依据和权利"),
        "lists.notice.announce_if_unreachable": _p("bool", None, None, "住所无法联系时以互联网公告方式告知"),
        "lists.notice.statement_working_days": _p(
            "int", 1, _WD, "事先告知送达（或公告）后，组织提出陈述、申辩的期限（工作日）"
        ),
        # --- 活动异常名录 --------------------------------------------------------------------------
        "lists.abnormal.auto_removal_months": _p(
            "int", 1, 120, "无需履行义务的列入事由，自列入之日起届满即自动移出（月）"
        ),
        "lists.abnormal.removal_working_days": _p(
            "int", 1, _WD, "履行义务或完成整改后申请移出，自查实之日起移出期限（工作日）"
        ),
        "lists.abnormal.transfer_years": _p("int", 1, 10, "列入活动异常名录满该年数转入严重违法失信名单"),
        "lists.abnormal.mail_letters": _p(
            "int", 1, 5, "认定“通过登记的住所无法联系”所需的无人签收专用信函数"
        ),
        "lists.abnormal.mail_interval_min_days": _p("int", 1, _DAYS, "两次专用信函的最短间隔（日）"),
        "lists.abnormal.mail_interval_max_days": _p("int", 1, _DAYS, "两次专用信函的最长间隔（日）"),
        "lists.abnormal.fundraising_idle_months": _p(
            "int", 1, 120, "具有公开募捐资格的慈善组织连续未开展公开募捐的月数"
        ),
        "lists.abnormal.penalties_any_department": _p(
            "bool", None, None, "警告、罚款计入时不限于民政部门作出的处罚"
        ),
        "lists.abnormal.restart_on_new_event": _p(
            "bool", None, None, "列入期间再次出现列入情形的，列入时限重新计算"
        ),
        "lists.abnormal.exemption_manual": _p(
            "bool", None, None, "业务主管单位书面证明无直接责任的，可以不列入（须人工决定）"
        ),
        # --- 严重违法失信名单 ----------------------------------------------------------------------
        "lists.serious.fine_threshold_yuan": _p(
            "int", 1, 100_000_000, "罚款达到该金额（元）列入严重违法失信名单；不满该金额列入活动异常名录"
        ),
        "lists.serious.repeat_window_years": _p(
            "int", 1, 10, "“三年内两次以上”警告或较小罚款的滚动窗口（年）"
        ),
        "lists.serious.repeat_count": _p("int", 2, 10, "窗口内警告或较小罚款达到该次数列入严重违法失信名单"),
        "lists.serious.removal_min_years": _p("int", 1, 10, "列入满该年数且期间无列入情形，方可申请移出"),
        "lists.serious.removal_working_days": _p(
            "int", 1, _WD, "申请移出严重违法失信名单，自查实之日起移出期限（工作日）"
        ),
        "lists.serious.restart_on_new_event": _p(
            "bool", None, None, "列入期间再次出现列入情形的，列入时限重新计算"
        ),
        # --- 红名单（登记管理机关的政策） -------------------------------------------------------------
        "lists.red.min_level": _p("str", None, None, "列入红名单的最低信用等级", choices=LEVELS),
        "lists.red.clean_years": _p("int", 1, 10, "列入红名单须连续无不良记录的年数"),
        "lists.red.min_grade": _p(
            "str", None, None, "列入红名单的最低评估等级（记录种类代码）", choices=GRADE_KINDS
        ),
        "lists.red.require_commitment": _p("bool", None, None, "列入红名单须签署信用承诺"),
        # --- 失信程度 ------------------------------------------------------------------------------
        "dishonesty.tiers": _p(
            "list[str]",
            None,
            None,
            "失信程度分级（DishonestyClass 代码，由轻到重）",
            choices=DISHONESTY_CODES,
        ),
        # --- 信用修复 ------------------------------------------------------------------------------
        "repair.minor_published": _p("bool", None, None, "轻微失信信息是否公示", required=False),
        "repair.minor_publicity_max_months": _p(
            "int", 0, 120, "轻微失信信息最长公示期（月）", required=False
        ),
        "repair.general_publicity_min_months": _p(
            "int", 0, 120, "一般失信信息最短公示期（月），届满可申请修复"
        ),
        "repair.general_publicity_max_months": _p(
            "int", 1, 120, "一般失信信息最长公示期（月），届满自动停止公示"
        ),
        "repair.serious_publicity_min_months": _p(
            "int", 0, 120, "严重失信信息最短公示期（月），届满可申请修复"
        ),
        "repair.serious_publicity_max_months": _p(
            "int", 1, 120, "严重失信信息最长公示期（月），届满自动停止公示"
        ),
        "repair.require_commitment": _p("bool", None, None, "申请修复须作出公开信用承诺"),
        "repair.acceptance_working_days": _p(
            "int", 1, _WD, "“信用中国”决定是否受理修复申请的期限（工作日）", required=False
        ),
        "repair.decision_working_days": _p(
            "int", 1, _WD, "申请人获知修复结果的期限（工作日）", required=False
        ),
        "repair.sync_working_days": _p("int", 1, _WD, "修复或移出决定后停止公示、同步更新的期限（工作日）"),
        # --- 异议 ----------------------------------------------------------------------------------
        "objection.mark_working_days": _p("int", 0, _WD, "收到异议后作异议标注的期限（工作日，0 为即时）"),
        "objection.decide_own_working_days": _p(
            "int", 1, _WD, "本机关职责范围内的异议作出处理的期限（工作日）"
        ),
        "objection.forward_working_days": _p("int", 1, _WD, "将异议转交信息提供单位（科室）的期限（工作日）"),
        "objection.verify_working_days": _p(
            "int", 1, _WD, "信息提供单位（科室）核实并提交处理意见的期限（工作日）"
        ),
        "objection.notify_working_days": _p("int", 1, _WD, "收到核实结果后书面通知异议人的期限（工作日）"),
        "objection.total_working_days": _p("int", 1, _WD, "自收到异议之日起答复异议人的总期限（工作日）"),
        "objection.listing_continues": _p(
            "bool", None, None, "异议处理期间不停止列入、公示和处理（标注“异议中”）"
        ),
        # --- 举报 ----------------------------------------------------------------------------------
        "complaint.triage_working_days": _p("int", 1, _WD, "收到举报后登记、分办的期限（工作日）"),
        "complaint.conclude_working_days": _p("int", 1, _WD, "自收到举报之日起办结的期限（工作日）"),
        "complaint.reply_working_days": _p("int", 1, _WD, "作出处理结论后答复举报人的期限（工作日）"),
        # --- 救济 ----------------------------------------------------------------------------------
        "remedies.reconsideration_days": _p("int", 1, _DAYS, "申请行政复议的期限（日，自知道之日起）"),
        "remedies.litigation_months": _p("int", 1, 60, "提起行政诉讼的期限（月）"),
        # --- 公示 ----------------------------------------------------------------------------------
        "publicity.withdraw_working_days": _p(
            "int", 1, _WD, "已公示的处罚决定被变更、撤销等后撤回公示的期限（工作日）"
        ),
        "publicity.list_fields": _p("list[str]", None, None, "名录/名单公示的字段", choices=LIST_FIELDS),
        "publicity.publish_internal_class": _p("bool", None, None, "是否公开内部信用分类（A/B/C/D）"),
        # --- 个人（法定代表人、负责人） ----------------------------------------------------------------
        "persons.retention_years": _p(
            "int", 1, 30, "个人失信记录自行为终止之日起保留年数，届满删除（或归档）"
        ),
        "persons.extend_until_list_removal": _p(
            "bool", None, None, "仍在严重失信名单上的，保留期延至移出之日"
        ),
        "persons.retention_end_action": _p(
            "str",
            None,
            None,
            "保留期届满后个人失信记录的处理：erase 删除（解除与个人的关联并删去姓名），"
            "archive 转入不公开的档案（姓名仅留在内部决定档案中）",
            choices=RETENTION_END_ACTIONS,
        ),
        "persons.id_mask_keep_first": _p("int", 0, 18, "公示时身份证号保留的首位字符数"),
        "persons.id_mask_keep_last": _p("int", 0, 18, "公示时身份证号保留的末位字符数"),
        # --- 从业禁止、任职限制 ----------------------------------------------------------------------
        "bans.charity_head_years": _p(
            "int", 1, 30, "组织被吊销登记证书或者被取缔之日起，其负责人不得担任慈善组织负责人的年数"
        ),
        "bans.foundation_officer_years": _p(
            "int",
            1,
            30,
            "基金会因违法被撤销之日起，负有个人责任的理事长、副理事长、秘书长不得担任基金会该职务的年数",
        ),
        "bans.charity_penalty_min_years": _p("int", 1, 30, "禁止担任慈善组织管理人员的最短年数（处罚决定）"),
        "bans.charity_penalty_max_years": _p("int", 1, 30, "禁止担任慈善组织管理人员的最长年数（处罚决定）"),
        "bans.serious_list_sector_ban": _p(
            "bool", None, None, "社会组织列入严重违法失信名单时，对其法定代表人、主要负责人实施行业禁入"
        ),
        "bans.serious_list_years": _p(
            "int", 1, 30, "列入严重违法失信名单引起的行业禁入年数（自列入决定之日起）", required=False
        ),
        "bans.serious_list_basis": _p(
            "str", None, None, "行业禁入所依据的规定（名称和条款，向用户展示）", required=False
        ),
        # --- 抽查 ----------------------------------------------------------------------------------
        "spot_check.min_ratio_county": _p("float", 0, 1, "县级登记管理机关定期抽查最低比例"),
        "spot_check.min_ratio_city": _p("float", 0, 1, "市级登记管理机关定期抽查最低比例"),
        "spot_check.min_ratio_province": _p("float", 0, 1, "省级登记管理机关定期抽查最低比例"),
        "spot_check.min_ratio_ministry": _p("float", 0, 1, "民政部定期抽查最低比例"),
        "spot_check.min_onsite_ratio": _p(
            "float", 0, 1, "现场抽检最低比例（占登记的社会组织）", required=False
        ),
        "spot_check.min_inspectors_onsite": _p("int", 1, 10, "现场检查最少检查人员数"),
        "spot_check.regular_per_year": _p("int", 1, 12, "定期抽查每年次数"),
        "spot_check.recent_check_exempt_years": _p(
            "int",
            0,
            5,
            "在此前若干年内已被定期抽查的组织不再参加定期抽取（列入名录、名单者除外）",
            required=False,
        ),
        "spot_check.level_factor_a": _p(
            "float", 0, 100, "信用等级A的抽查比例系数（新建抽查计划的默认值）", required=False
        ),
        "spot_check.level_factor_b": _p(
            "float", 0, 100, "信用等级B的抽查比例系数（新建抽查计划的默认值）", required=False
        ),
        "spot_check.level_factor_c": _p(
            "float", 0, 100, "信用等级C的抽查比例系数（新建抽查计划的默认值）", required=False
        ),
        "spot_check.level_factor_d": _p(
            "float", 0, 100, "信用等级D的抽查比例系数（新建抽查计划的默认值）", required=False
        ),
        "spot_check.list_factor_abnormal": _p(
            "float", 0, 100, "列入活动异常名录的组织的抽查比例系数（新建计划的默认值）", required=False
        ),
        "spot_check.list_factor_serious": _p(
            "float", 0, 100, "列入严重违法失信名单的组织的抽查比例系数（新建计划的默认值）", required=False
        ),
        "spot_check.list_factor_red": _p(
            "float", 0, 100, "列入守信红名单的组织的抽查比例系数（新建计划的默认值）", required=False
        ),
        # --- 评估等级（与信用评价相邻） ------------------------------------------------------------------
        "evaluation.validity_years": _p("int", 1, 10, "评估等级有效期（年）"),
        "evaluation.eligibility_years": _p("int", 0, 10, "取得登记证书满该年度数方可申请评估"),
        "evaluation.validity_from_next_year": _p(
            "bool", None, None, "有效期自结果公告次年1月1日起算", required=False
        ),
        "evaluation.regrade_window_years": _p(
            "int", 1, 10, "有效期内可申请重新评估的前若干年", required=False
        ),
        "evaluation.certificate_return_days": _p(
            "int", 1, _DAYS, "降级、取消等级后退回证书和牌匾的期限（日）"
        ),
        "evaluation.downgrade_steps": _p("int", 1, 4, "降低评估等级的级数"),
        # --- 绿色通道 ------------------------------------------------------------------------------
        "green_channel.enabled": _p(
            "bool", None, None, "对诚信典型和连续无不良记录者实施“绿色通道”“容缺受理”"
        ),
        "green_channel.clean_years": _p(
            "int", 1, 10, "适用绿色通道须连续无不良信用记录的年数", required=False
        ),
        # --- 年度工作报告：报送期限 ----------------------------------------------------------------
        **{
            f"annual_report.deadline_{kind}": _p(
                "str", None, None, f"{name}报送上一年度工作报告的截止日（MM-DD，次年）"
            )
            for kind, name in ANNUAL_REPORT_FILERS.items()
        },
        **{
            f"annual_report.new_org_months_{kind}": _p(
                "int",
                0,
                12,
                f"{name}截至当年12月31日成立登记未超过该月数的，不报送当年度工作报告（0：当年登记的均须报送）",
            )
            for kind, name in ANNUAL_REPORT_FILERS.items()
        },
        "annual_report.reminder_days": _p("int", 1, 120, "截止日前该日数起，在组织自助页面提醒报送"),
        "annual_report.roll_to_working_day": _p(
            "bool", None, None, "截止日为法定休假日（含周末）的，顺延至其后第一个工作日"
        ),
        # --- 年度工作报告：自动审核 -----------------------------------------------------------------
        "annual_report_checks.tolerance_yuan": _p("float", 0, 10_000, "勾稽关系允许的差额（元）"),
        "annual_report_checks.yoy_change_ratio": _p(
            "float", 0, 100, "收入或费用较上年增减超过该比例的提示（0.5 即 ±50%）"
        ),
        "annual_report_checks.yoy_min_base_yuan": _p(
            "int", 0, 10_000_000_000, "上年数额低于该金额（元）时不作同比提示"
        ),
        "annual_report_checks.related_party_ratio": _p(
            "float", 0, 100, "关联交易金额超过当年收入合计（或费用合计，取大者）该比例的提示"
        ),
        "annual_report_checks.overseas_min_yuan": _p(
            "int", 0, 10_000_000_000, "境外资金收入或境外支出达到该金额（元）的提示（0：任何金额）"
        ),
        "annual_report_checks.large_transaction_ratio": _p(
            "float", 0, 100, "单笔最大交易超过当年收入合计（或费用合计，取大者）该比例的提示"
        ),
        "annual_report_checks.large_transaction_min_yuan": _p(
            "int", 0, 10_000_000_000, "单笔交易低于该金额（元）时不作提示"
        ),
        "annual_report_checks.foundation_public_min_ratio": _p(
            "float", 0, 1, "公募基金会公益事业支出不得低于上一年总收入的比例"
        ),
        "annual_report_checks.foundation_nonpublic_min_ratio": _p(
            "float", 0, 1, "非公募基金会公益事业支出不得低于上一年基金余额的比例"
        ),
        "annual_report_checks.foundation_admin_max_ratio": _p(
            "float", 0, 1, "基金会工作人员工资福利和行政办公支出不得超过当年总支出的比例"
        ),
        "annual_report_checks.charity_public_foundation": _p(
            "str",
            None,
            None,
            "具有公开募捐资格的基金会：慈善活动支出下限（占上年总收入）:管理费用上限（占当年总支出）",
        ),
        "annual_report_checks.charity_public_other": _p(
            "str",
            None,
            None,
            "具有公开募捐资格的社会团体、社会服务机构：慈善活动支出下限（占上年总收入）:管理费用上限（占当年总支出）",
        ),
        "annual_report_checks.charity_bands_foundation": _p(
            "list[str]",
            None,
            None,
            "不具有公开募捐资格的基金会，按上年末净资产分档（由高到低）：净资产下限（元）:慈善活动支出下限（占上年末净资产）:管理费用上限[:占上年总收入下限]",
        ),
        "annual_report_checks.charity_bands_other": _p(
            "list[str]",
            None,
            None,
            "不具有公开募捐资格的社会团体、社会服务机构，按上年末净资产分档（由高到低）：格式同上",
        ),
        "annual_report_checks.charity_management_exempt_yuan": _p(
            "int", 0, 100_000_000, "慈善组织年度管理费用低于该金额（元）的，不受管理费用比例限制"
        ),
        # --- 信用核查反馈 --------------------------------------------------------------------------
        "checks.feedback_working_days": _p(
            "int", 1, 60, "核查部门在信用核查后反馈措施实施情况的期限（工作日）"
        ),
        # --- 僵尸型社会组织清理 ----------------------------------------------------------------------
        "dormancy.report_years": _p("int", 1, 10, "连续未报送年度工作报告的年数（最近的已届报送期限的年度）"),
        "dormancy.inactive_months": _p(
            "int", 1, 120, "在该月数内没有任何活动记录（信用记录、年报报送、登记变更）"
        ),
        "dormancy.activity_record_kinds": _p("list[str]", None, None, "表明组织仍在活动的信用记录种类"),
        "dormancy.require_unreachable": _p(
            "bool", None, None, "识别为僵尸型社会组织还须通过登记的住所无法取得联系"
        ),
        "dormancy.notice_days": _p("int", 1, _DAYS, "识别后送达督促通知书的期限（日）"),
        "dormancy.response_days": _p("int", 1, _DAYS, "督促通知书送达后组织报送年报、说明情况的期限（日）"),
        "dormancy.decision_days": _p(
            "int", 1, _DAYS, "提出列入建议后作出处理（撤销登记或注销指引）的期限（日）"
        ),
        "dormancy.guidance_days": _p("int", 1, _DAYS, "注销指引送达后组织办理注销登记的期限（日）"),
    }
)
"""Every parameter a profile may state: dotted key → (type, min, max, description, required, choices)."""

_SECTIONS = frozenset(
    ".".join(key.split(".")[:n]) for key in PARAMETERS for n in range(1, key.count(".") + 1)
)

_ORDERED: tuple[tuple[str, str], ...] = (
    ("lists.abnormal.mail_interval_min_days", "lists.abnormal.mail_interval_max_days"),
    ("repair.general_publicity_min_months", "repair.general_publicity_max_months"),
    ("repair.serious_publicity_min_months", "repair.serious_publicity_max_months"),
    ("repair.general_publicity_max_months", "repair.serious_publicity_max_months"),
    ("repair.acceptance_working_days", "repair.decision_working_days"),
    ("objection.decide_own_working_days", "objection.total_working_days"),
    ("spot_check.min_onsite_ratio", "spot_check.min_ratio_county"),
    ("bans.charity_penalty_min_years", "bans.charity_penalty_max_years"),
)
"""Pairs (a, b) where a ≤ b must hold whenever both are present."""


RESERVED: Mapping[str, str] = MappingProxyType(
    {
        "evaluation.": "评估等级管理（等级有效期、申请条件、降级和证书退回）：评估模块",
        "publicity.list_fields": "名录、名单的社会公示页面：公示的字段",
        "publicity.publish_internal_class": "社会公开的信用信息页面：是否公开 A/B/C/D 内部分类",
    }
)
"""Parameters stated for work not yet built (prefix → what will use them). Nothing reads them yet;
the profile pages mark them 预留：尚未启用, and the test that every parameter is read exempts them."""


def reserved_for(key: str) -> str | None:
    """What will use ``key`` when it is reserved for work not yet built; None for a parameter in use."""
    for prefix, user in RESERVED.items():
        if key.startswith(prefix):
            return user
    return None
