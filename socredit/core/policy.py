"""The legal policy profile (政策参数): every legal number the engines use, as checked data.

rules.md, "How to turn it into code": thresholds, windows, deadlines, tiers, publicity periods,
sampling minimums and retention periods are data, each with its rules.md item and its status tag.
A profile is a TOML document of kind ``policy-profile`` (see ``socredit.core.config``) whose every
parameter is an inline table under a dotted section::

    [lists.serious]
    fine_threshold_yuan = { value = 50000, item = "R1.6(5); R1.12(4)", tag = "SECONDARY", note = "…" }

The parameters that exist, their type and their range are declared here, in ``PARAMETERS``; a
document is refused, with the line of the mistake, when it has an unknown key, lacks a required
parameter, gives a value of the wrong type or out of range, or lacks ``item``/``tag``.

A profile that ``extends`` another states only what differs; every parameter remembers the
version whose file stated it (``Parameter.source_version``), so a decision cites the right text.
An authority may also adjust values at run time with ``with_overrides``; such a parameter carries
an ``Override`` record (who, why, the value it replaced).

The shipped profiles live in ``socredit/core/policies/``; ``docs/policy-profiles.md`` lists every
parameter with its value, item and tag.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from socredit.core.config import ConfigError, Document, Library

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
        "persons.id_mask_keep_first": _p("int", 0, 18, "公示时身份证号保留的首位字符数"),
        "persons.id_mask_keep_last": _p("int", 0, 18, "公示时身份证号保留的末位字符数"),
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
)
"""Pairs (a, b) where a ≤ b must hold whenever both are present."""


@dataclass(frozen=True)
class Override:
    """An authority's run-time adjustment of one parameter (``PolicyProfile.with_overrides``)."""

    authority: str
    reason: str
    replaced: ParamValue
    """The value the profile itself gives."""


@dataclass(frozen=True)
class Parameter:
    """One legal parameter with its basis: the value, the rules.md item, the tag and where it was stated."""

    key: str
    value: ParamValue
    item: str
    tag: str
    note: str
    source_version: str
    override: Override | None = None

    @property
    def description(self) -> str:
        return PARAMETERS[self.key].description

    @property
    def citation(self) -> str:
        """A one-line legal basis for a decision, e.g. ``R1.12(4)〔SECONDARY〕national-2026.1``."""
        text = f"{self.item}〔{self.tag}〕{self.source_version}"
        if self.override is not None:
            text += f"，经{self.override.authority}调整"
        return text


@dataclass(frozen=True)
class PolicyProfile:
    """A checked policy profile; look values up by dotted key."""

    version: str
    title: str
    effective_from: dt.date
    description: str
    extends: str | None
    parameters: Mapping[str, Parameter] = field(repr=False)

    def parameter(self, key: str) -> Parameter:
        """The parameter ``key`` with its basis; KeyError if unknown or not stated by this profile."""
        if key not in PARAMETERS:
            raise KeyError(f"unknown policy parameter {key!r}")
        try:
            return self.parameters[key]
        except KeyError:
            raise KeyError(f"policy profile {self.version} does not state {key!r}") from None

    def value(self, key: str) -> ParamValue:
        """The value of ``key``; KeyError if unknown or not stated (optional parameters)."""
        return self.parameter(key).value

    def has(self, key: str) -> bool:
        """Whether this profile states ``key`` (optional parameters may be absent)."""
        return key in self.parameters

    def get(self, key: str, default: ParamValue | None = None) -> ParamValue | None:
        """The value of ``key``, or ``default`` when this profile does not state it."""
        if key not in PARAMETERS:
            raise KeyError(f"unknown policy parameter {key!r}")
        parameter = self.parameters.get(key)
        return default if parameter is None else parameter.value

    # Typed accessors for strictly typed callers.
    def int_value(self, key: str) -> int:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"policy parameter {key!r} is not an integer")
        return value

    def float_value(self, key: str) -> float:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"policy parameter {key!r} is not a number")
        return float(value)

    def bool_value(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            raise TypeError(f"policy parameter {key!r} is not a boolean")
        return value

    def str_value(self, key: str) -> str:
        value = self.value(key)
        if not isinstance(value, str):
            raise TypeError(f"policy parameter {key!r} is not text")
        return value

    def list_value(self, key: str) -> tuple[str, ...]:
        value = self.value(key)
        if not isinstance(value, tuple):
            raise TypeError(f"policy parameter {key!r} is not a list")
        return value

    def stated_keys(self) -> list[str]:
        """The keys this profile states, in registry order."""
        return [key for key in PARAMETERS if key in self.parameters]

    @property
    def overridden(self) -> list[str]:
        """Keys adjusted at run time by ``with_overrides``."""
        return [key for key in self.stated_keys() if self.parameters[key].override is not None]

    def with_overrides(
        self, overrides: Mapping[str, Any], *, authority: str = "登记管理机关", reason: str = ""
    ) -> PolicyProfile:
        """A copy with some values replaced by an authority, each recorded as an ``Override``.

        The values are checked as in a file (type, range, choices, order); ConfigError otherwise.
        Item and tag stay those of the profile: the legal basis is unchanged, the value is the
        authority's. Overriding an override keeps the profile's original as ``replaced``.
        """
        source = f"{self.version}（{authority}调整）"
        parameters = dict(self.parameters)
        for key, raw in overrides.items():
            spec = PARAMETERS.get(key)
            if spec is None:
                raise ConfigError(f"未知的参数 “{key}”", source=source)
            problem, value = _check_value(spec, raw)
            if problem:
                raise ConfigError(f"参数 {key} 的{problem}", source=source)
            current = parameters.get(key)
            if current is None:
                raise ConfigError(
                    f"配置 {self.version} 未规定参数 {key}（无法律依据可引用），请以继承的配置文件补充",
                    source=source,
                )
            original = current.override.replaced if current.override else current.value
            parameters[key] = replace(current, value=value, override=Override(authority, reason, original))

        def fail(message: str, key: str) -> ConfigError:
            return ConfigError(message, source=source)

        _cross_check(parameters, fail)
        return replace(self, parameters=MappingProxyType(parameters))

    def diff(self, other: PolicyProfile) -> list[str]:
        """Keys whose value differs between the two profiles (or that only one states), registry order."""
        return [
            key
            for key in PARAMETERS
            if (key in self.parameters) != (key in other.parameters)
            or (key in self.parameters and self.parameters[key].value != other.parameters[key].value)
        ]


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _check_value(spec: ParameterSpec, raw: Any) -> tuple[str, ParamValue]:
    """('', value) when ``raw`` fits ``spec``; else (problem, raw)."""
    kind = spec.type
    value: ParamValue
    if kind == "bool":
        if not isinstance(raw, bool):
            return f"value 应为{_TYPE_NAMES[kind]}", raw
        return "", raw
    if kind in ("int", "float"):
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or (kind == "int" and isinstance(raw, float))
        ):
            return f"value 应为{_TYPE_NAMES[kind]}", raw
        value = float(raw) if kind == "float" else raw
        if spec.min is not None and value < spec.min or spec.max is not None and value > spec.max:
            low = "-∞" if spec.min is None else _number(spec.min)
            high = "∞" if spec.max is None else _number(spec.max)
            return f"value {raw} 超出允许范围 [{low}, {high}]", raw
        return "", value
    if kind == "str":
        if not isinstance(raw, str) or not raw.strip():
            return f"value 应为{_TYPE_NAMES[kind]}", raw
        if spec.choices and raw not in spec.choices:
            return f"value “{raw}” 不在可选值中：{'、'.join(spec.choices)}", raw
        return "", raw
    if not isinstance(raw, list | tuple) or not raw or not all(isinstance(x, str) for x in raw):
        return f"value 应为非空的{_TYPE_NAMES[kind]}", raw
    items: tuple[str, ...] = tuple(raw)
    if len(set(items)) != len(items):
        return "value 中有重复项", items
    bad = [x for x in items if spec.choices and x not in spec.choices]
    if bad:
        return f"value 中的 “{bad[0]}” 不在可选值中：{'、'.join(spec.choices)}", items
    return "", items


def _cross_check(parameters: Mapping[str, Parameter], fail: Callable[[str, str], ConfigError]) -> None:
    """Relations between parameters: min ≤ max pairs, objection steps within the total, tiers order."""
    for low, high in _ORDERED:
        if low in parameters and high in parameters:
            a, b = parameters[low].value, parameters[high].value
            assert isinstance(a, int | float) and isinstance(b, int | float)  # noqa: S101 — guaranteed by the registry
            if a > b:
                raise fail(f"{low}（{a}）不应大于 {high}（{b}）", high)
    steps = (
        "objection.forward_working_days",
        "objection.verify_working_days",
        "objection.notify_working_days",
    )
    if all(k in parameters for k in steps) and "objection.total_working_days" in parameters:
        values = [parameters[k].value for k in (*steps, "objection.total_working_days")]
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        assert len(numbers) == 4  # noqa: S101 — guaranteed by the registry
        total = sum(numbers[:3])
        if total > numbers[3]:
            raise fail(
                f"异议转交、核实、通知期限之和（{total}）超过总期限 objection.total_working_days",
                "objection.total_working_days",
            )
    if "dishonesty.tiers" in parameters:
        tiers = parameters["dishonesty.tiers"].value
        assert isinstance(tiers, tuple)  # noqa: S101 — guaranteed by the registry
        if list(tiers) != sorted(tiers, key=DISHONESTY_CODES.index):
            raise fail("dishonesty.tiers 须由轻到重排列", "dishonesty.tiers")


def _walk(doc: Document, table: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterable[tuple[str, Any]]:
    """(dotted key, raw parameter table) for every parameter; ConfigError on unknown keys and non-tables."""
    for name, raw in table.items():
        path = (*prefix, name)
        key = ".".join(path)
        if key in PARAMETERS:
            yield key, raw
        elif key in _SECTIONS:
            if not isinstance(raw, Mapping):
                raise doc.error(f"“{key}” 应为一个表（[{key}]）", *path)
            yield from _walk(doc, raw, path)
        else:
            raise doc.error(f"未知的参数 “{key}”（见 socredit/core/policy.py 的 PARAMETERS）", *path)


def _parameter(doc: Document, key: str, raw: Any) -> Parameter:
    path = tuple(key.split("."))
    spec = PARAMETERS[key]
    form = '{ value = …, item = "R…", tag = "VERIFIED|SECONDARY|DRAFT-ONLY|UNVERIFIED" }'
    if not isinstance(raw, Mapping):
        raise doc.error(f"参数 {key} 应写成内联表 {form}", *path)
    unknown = sorted(set(raw) - _PARAM_KEYS)
    if unknown:
        raise doc.error(
            f"参数 {key} 中有未知的键 “{unknown[0]}”（可用：value、item、tag、note）", *path, unknown[0]
        )
    if "value" not in raw:
        raise doc.error(f"参数 {key} 缺少 value", *path)
    problem, value = _check_value(spec, raw["value"])
    if problem:
        raise doc.error(f"参数 {key} 的{problem}", *path, "value")
    item = raw.get("item")
    if not isinstance(item, str) or not item.strip():
        raise doc.error(f"参数 {key} 缺少 item（rules.md 条目，如 “R1.12(4)”）", *path, "item")
    tag = raw.get("tag")
    if tag is None:
        raise doc.error(f"参数 {key} 缺少 tag（{'、'.join(TAGS)}）", *path, "tag")
    if tag not in TAGS:
        raise doc.error(f"参数 {key} 的 tag “{tag}” 无效，应为 {'、'.join(TAGS)} 之一", *path, "tag")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise doc.error(f"参数 {key} 的 note 应为文本", *path, "note")
    return Parameter(key, value, item.strip(), tag, note.strip(), doc.meta.version)


def build_profile(doc: Document, *, resolve: Callable[[str], PolicyProfile] | None = None) -> PolicyProfile:
    """Check a parsed document and build the profile; ConfigError with the line on any mistake.

    The parameters are those the document's own text states, over those of the profile it
    ``extends`` (found through ``resolve``), which keep their own ``source_version``. A parameter
    table replaces the inherited one whole (item, tag and note do not leak from the base).
    """
    own = tomllib.loads(doc.text)  # the text parsed once already; re-read for what *this* file states
    own.pop("meta", None)
    parameters: dict[str, Parameter] = {}
    if doc.meta.extends is not None:
        if resolve is None:
            raise doc.error(f"无法解析所继承的版本 “{doc.meta.extends}”", "meta", "extends")
        parameters.update(resolve(doc.meta.extends).parameters)
    for key, raw in _walk(doc, own, ()):
        parameters[key] = _parameter(doc, key, raw)

    def fail(message: str, key: str) -> ConfigError:
        return doc.error(message, *key.split("."))

    for key, spec in PARAMETERS.items():
        if spec.required and key not in parameters:
            parts = key.split(".")
            where = parts if doc.locator.line_of(*parts) is not None else ["meta"]
            raise doc.error(f"缺少必需的参数 {key}（{spec.description}）", *where)
    _cross_check(parameters, fail)
    ordered = {key: parameters[key] for key in PARAMETERS if key in parameters}
    return PolicyProfile(
        version=doc.meta.version,
        title=doc.meta.title,
        effective_from=doc.meta.effective_from,
        description=doc.meta.description,
        extends=doc.meta.extends,
        parameters=MappingProxyType(ordered),
    )


def policy_library() -> Library[PolicyProfile]:
    """A new library holding the shipped profiles (add an authority's own with ``add_text``).

    Files load in name order, so a profile must sort after the one it extends (``national-…``
    before ``quzhou-…`` and ``xinzheng-…``).
    """
    library: Library[PolicyProfile] = Library(
        "policy-profile", lambda doc: build_profile(doc, resolve=library.get)
    )
    library.add_package_files("socredit.core", "policies")
    return library


@cache
def shipped_profiles() -> Library[PolicyProfile]:
    """The shipped profiles (cached; read-only use; build a ``policy_library()`` to add more)."""
    return policy_library()


def profile_for(
    date: dt.date, locality: str = "national", *, library: Library[PolicyProfile] | None = None
) -> PolicyProfile:
    """The newest profile of ``locality`` (the version-name prefix) in force on ``date``; KeyError if none."""
    lib = library if library is not None else shipped_profiles()
    names = [m.version for m in lib.versions() if m.version.startswith(f"{locality}-")]
    return lib.for_date(date, among=names)
